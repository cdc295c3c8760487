"""Privacy-preserving linkage: Bloom-filter encodings made at the partner, linked in Zicht.

A partner encodes its file with the shared secret (`encode_file`); Zicht links encoded
registrations (`link_encoded`) with a Fellegi-Sunter model on Dice similarities of the
encodings, and the attack in `frequency_attack` measures what an attacker with the
encoded file and public name frequencies learns. See docs/pprl.md.

Importing this package is cheap: each name is imported from its module when first used,
so that encoding at the source (`encode_file`) does not load linkage, DuckDB or Splink.
"""

from typing import TYPE_CHECKING as _TYPE_CHECKING

from zicht._lazy import lazy_names as _lazy_names

# Not lazy: the threads this process runs when `zicht.pprl` is imported are recorded
# now, so that encoding workers are forked only if no thread (DuckDB's, a driver's)
# started since (`_threads`, `_parallel.worker_context`); imports numpy, not DuckDB.
from zicht.pprl import _threads  # noqa: F401

if _TYPE_CHECKING:
    from zicht.pprl._attack import AttackOutcome, frequency_attack
    from zicht.pprl._bloom import Encoder, Hardening
    from zicht.pprl._demo import EncodeDemo, encode_demo
    from zicht.pprl._encode import EncodeResult, Refusal, encode_file, encode_identities
    from zicht.pprl._file import EncodedFile, EncodedFileError, EncodedRow, read_encoded
    from zicht.pprl._ingest import ingest_encoded, is_encoded_file
    from zicht.pprl._joint import has_encodings, run_encoded_linkage
    from zicht.pprl._link import link_encoded
    from zicht.pprl._secret import LinkageSecret, SecretError, new_secret, read_secret, write_secret
    from zicht.pprl._table import encoded_table

# Each name and the module it comes from: imported when first asked for (PEP 562).
_SOURCES = {
    "AttackOutcome": "zicht.pprl._attack",
    "EncodeDemo": "zicht.pprl._demo",
    "EncodeResult": "zicht.pprl._encode",
    "EncodedFile": "zicht.pprl._file",
    "EncodedFileError": "zicht.pprl._file",
    "EncodedRow": "zicht.pprl._file",
    "Encoder": "zicht.pprl._bloom",
    "Hardening": "zicht.pprl._bloom",
    "LinkageSecret": "zicht.pprl._secret",
    "Refusal": "zicht.pprl._encode",
    "SecretError": "zicht.pprl._secret",
    "encode_demo": "zicht.pprl._demo",
    "encode_file": "zicht.pprl._encode",
    "encode_identities": "zicht.pprl._encode",
    "encoded_table": "zicht.pprl._table",
    "frequency_attack": "zicht.pprl._attack",
    "has_encodings": "zicht.pprl._joint",
    "ingest_encoded": "zicht.pprl._ingest",
    "is_encoded_file": "zicht.pprl._ingest",
    "link_encoded": "zicht.pprl._link",
    "new_secret": "zicht.pprl._secret",
    "read_encoded": "zicht.pprl._file",
    "read_secret": "zicht.pprl._secret",
    "run_encoded_linkage": "zicht.pprl._joint",
    "write_secret": "zicht.pprl._secret",
}

__all__ = [
    "AttackOutcome",
    "EncodeDemo",
    "EncodeResult",
    "EncodedFile",
    "EncodedFileError",
    "EncodedRow",
    "Encoder",
    "Hardening",
    "LinkageSecret",
    "Refusal",
    "SecretError",
    "encode_demo",
    "encode_file",
    "encode_identities",
    "encoded_table",
    "frequency_attack",
    "has_encodings",
    "ingest_encoded",
    "is_encoded_file",
    "link_encoded",
    "new_secret",
    "read_encoded",
    "read_secret",
    "run_encoded_linkage",
    "write_secret",
]


__getattr__, __dir__ = _lazy_names(__name__, _SOURCES)
