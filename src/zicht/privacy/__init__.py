"""Protection of personal data: field encryption, keyed pseudonyms, disclosure control."""

from zicht.privacy.crypto import (
    KEY_BYTES,
    Cipher,
    DecryptionError,
    MissingKeyError,
    generate_key,
    load_cipher,
    write_key_file,
)
from zicht.privacy.disclosure import Protection, Relation, feasible_intervals, protect

__all__ = [
    "KEY_BYTES",
    "Cipher",
    "DecryptionError",
    "MissingKeyError",
    "Protection",
    "Relation",
    "feasible_intervals",
    "generate_key",
    "load_cipher",
    "protect",
    "write_key_file",
]
