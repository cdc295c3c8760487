"""Protection of personal data: field encryption and keyed pseudonyms."""

from zicht.privacy.crypto import (
    KEY_BYTES,
    Cipher,
    DecryptionError,
    MissingKeyError,
    generate_key,
    load_cipher,
    write_key_file,
)

__all__ = [
    "KEY_BYTES",
    "Cipher",
    "DecryptionError",
    "MissingKeyError",
    "generate_key",
    "load_cipher",
    "write_key_file",
]
