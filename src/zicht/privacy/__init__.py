"""Protection of personal data: field encryption, keyed pseudonyms, disclosure control,
and the one publication step (`publish`) every published count passes."""

from zicht.privacy._cells import CsvWriter, neutralise, neutralise_row, restore
from zicht.privacy._crypto import (
    KEY_BYTES,
    Cipher,
    DecryptionError,
    MissingKeyError,
    generate_key,
    load_cipher,
    write_key_file,
)
from zicht.privacy._disclosure import Protection, Relation, feasible_intervals, protect
from zicht.privacy._publish import DEFAULT_PUBLICATION, PublicationPolicy, Published, publish

__all__ = [
    "DEFAULT_PUBLICATION",
    "KEY_BYTES",
    "Cipher",
    "CsvWriter",
    "DecryptionError",
    "MissingKeyError",
    "Protection",
    "PublicationPolicy",
    "Published",
    "Relation",
    "feasible_intervals",
    "generate_key",
    "load_cipher",
    "neutralise",
    "neutralise_row",
    "protect",
    "publish",
    "restore",
    "write_key_file",
]
