"""The encoded linkage table: per field the filter as 64-bit words and its count of ones,
plus locality-sensitive blocking keys.

Dice similarity is computed in the engine from the words (`bit_count(a & b)`), so the
bit arrays never leave the table as anything but integers. Blocking uses Hamming
locality-sensitive hashing (Indyk & Motwani 1998; used for Bloom filters by Karapiperis
& Verykios 2015): a band is a fixed sample of bit positions, and two encodings share a
band's key when they agree on every sampled bit, which similar encodings usually do and
dissimilar ones rarely. Positions are sampled with a fixed public seed: they select bits
of encodings, which the linkage holds anyway, and reveal nothing about values.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from zicht.pprl._bloom import Hardening, filter_bits
from zicht.pprl._fields import FIELDS

__all__ = ["BANDS", "encoded_table", "word_columns"]

Matrix = npt.NDArray[np.uint8]

# family -> (fields whose bits are sampled together, bands, bits per band)
BANDS: dict[str, tuple[tuple[str, ...], int, int]] = {
    "name": (("given_name", "family_name"), 12, 20),
    "given": (("given_name",), 6, 10),
    "family": (("family_name",), 6, 10),
    "dob": (("date_of_birth",), 6, 10),
    "phone": (("phone",), 3, 24),
    "id_document": (("id_document",), 3, 24),
    "national_id": (("national_id",), 3, 24),
    "email": (("email",), 3, 24),
    "bank_account": (("bank_account",), 3, 24),
    "address": (("address", "postcode"), 3, 24),
}
_SEED = 20260517


def word_columns(field: str, hardening: Hardening) -> list[str]:
    """Names of a field's 64-bit word columns."""
    spec = next(s for s in FIELDS if s.name == field)
    return [f"{field}_w{i}" for i in range(filter_bits(spec, hardening) // 64)]


def _band_keys(
    bits: Matrix, present: npt.NDArray[np.bool_], bands: int, width: int, seed: int
) -> list[pd.Series]:
    rng = np.random.default_rng(seed)
    keys = []
    for _ in range(bands):
        sample = rng.choice(bits.shape[1], size=width, replace=False)
        chosen = np.packbits(bits[:, sample], axis=1)
        padded = np.zeros((len(bits), 8), dtype=np.uint8)
        padded[:, : chosen.shape[1]] = chosen
        key = padded.view("<i8")[:, 0].copy()
        keys.append(pd.Series(key, dtype="Int64").where(present, pd.NA))
    return keys


def encoded_table(
    unique_ids: Sequence[int],
    sources: Sequence[str],
    encodings: Sequence[dict[str, bytes]],
    hardening: Hardening,
) -> pd.DataFrame:
    """The table `link_encoded` links: one row per encoded registration.

    Args:
        unique_ids: registration ids.
        sources: organisation per registration.
        encodings: field -> packed filter bytes per registration (missing: unknown).
        hardening: how the encodings were made (filter lengths follow from it).
    """
    n = len(encodings)
    columns: dict[str, object] = {
        "unique_id": np.asarray(unique_ids, dtype=np.int64),
        "source": list(sources),
    }
    unpacked: dict[str, tuple[Matrix, npt.NDArray[np.bool_]]] = {}
    for spec in FIELDS:
        width = filter_bits(spec, hardening) // 8
        packed = np.zeros((n, width), dtype=np.uint8)
        present = np.zeros(n, dtype=bool)
        for row, encoding in enumerate(encodings):
            value = encoding.get(spec.name)
            if value is not None:
                packed[row] = np.frombuffer(value, dtype=np.uint8)
                present[row] = True
        words = packed.view("<i8")
        for i, name in enumerate(word_columns(spec.name, hardening)):
            columns[name] = pd.Series(words[:, i], dtype="Int64").where(present, pd.NA)
        ones = np.unpackbits(packed, axis=1)
        columns[f"{spec.name}_n"] = pd.Series(ones.sum(axis=1), dtype="Int64").where(present, pd.NA)
        unpacked[spec.name] = (ones, present)
    for family, (fields, bands, width) in BANDS.items():
        bits = np.concatenate([unpacked[f][0] for f in fields], axis=1)
        present = np.logical_and.reduce([unpacked[f][1] for f in fields])
        seed = _SEED + int.from_bytes(hashlib.sha256(family.encode()).digest()[:4], "big")
        for band, key in enumerate(_band_keys(bits, present, bands, width, seed)):
            columns[f"lsh_{family}_{band}"] = key
    return pd.DataFrame(columns)
