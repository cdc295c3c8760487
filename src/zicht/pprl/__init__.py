"""Privacy-preserving linkage: Bloom-filter encodings made at the partner, linked in Zicht.

A partner encodes its file with the shared secret (`encode_file`); Zicht links encoded
registrations (`link_encoded`) with a Fellegi-Sunter model on Dice similarities of the
encodings, and the attack in `frequency_attack` measures what an attacker with the
encoded file and public name frequencies learns. See docs/pprl.md.
"""

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
