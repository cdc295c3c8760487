"""The encoded linkage table: per field the filter as 64-bit words and its count of ones,
plus locality-sensitive blocking keys.

Dice similarity is computed in the engine from the words (`bit_count(a & b)`), so the
bit arrays never leave the table as anything but integers. Blocking uses Hamming
locality-sensitive hashing (Indyk & Motwani 1998; used for Bloom filters by Karapiperis
& Verykios 2015): a band is a fixed sample of bit positions, and two encodings share a
band's key when they agree on every sampled bit, which similar encodings usually do and
dissimilar ones rarely. Positions are sampled with a fixed public seed: they select bits
of encodings, which the linkage holds anyway, and reveal nothing about values.

How many bands of how many bits is chosen from the data of each run (`choose_banding`),
not fixed: two encodings that agree on a share s of their bits share one band of r bits
with probability s^r and one of b bands with 1 - (1 - s^r)^b. The share s a family must
find follows from the Dice similarity the model still counts as evidence (its lowest
band; for balanced filters Dice is the share of agreeing bits, otherwise it is converted
with the data's share of ones), and from the bit flipping. The pairs a band brings among
unrelated encodings are counted on the data itself (a sample of it), since bits of real
names are far from independent. The width and number of bands are then those that find
the most pairs at that similarity within a budget of candidate pairs per registration.
Each family's bands are one array column, which the engine explodes in one blocking rule.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa

from zicht.pprl._bloom import Hardening, filter_bits
from zicht.pprl._fields import FIELDS, MARKS, YEAR_ONLY

__all__ = [
    "EXACT_COLUMNS",
    "FAMILIES",
    "MARK_COLUMNS",
    "TRAINING_KEYS",
    "Banding",
    "Family",
    "band_keys",
    "choose_banding",
    "encoded_table",
    "word_columns",
]

Matrix = npt.NDArray[np.uint8]


@dataclass(frozen=True)
class Family:
    """Fields whose bits are banded together, and the Dice similarity pairs must reach."""

    fields: tuple[str, ...]
    dice: float


FAMILIES: dict[str, Family] = {
    "name": Family(("given_name", "family_name"), 0.8),
    "given_dob": Family(("given_name", "date_of_birth"), 0.8),
    "family_dob": Family(("family_name", "date_of_birth"), 0.8),
    # Swapped or missing names, and names salted with different dates of birth.
    "dob_postcode": Family(("date_of_birth", "postcode"), 0.9),
    "phone": Family(("phone",), 0.9),
    "id_document": Family(("id_document",), 0.9),
    "national_id": Family(("national_id",), 0.9),
    "email": Family(("email",), 0.9),
    "bank_account": Family(("bank_account",), 0.9),
    "address": Family(("address", "postcode"), 0.9),
}
"""Prediction blocking: one array column `lsh_FAMILY` of band keys each."""

TRAINING_KEYS: dict[str, tuple[tuple[str, ...], int]] = {
    "name": (("given_name", "family_name"), 20),
    "dob": (("date_of_birth",), 10),
    "phone": (("phone",), 24),
    "address": (("address", "postcode"), 24),
    "id_document": (("id_document",), 24),
    "national_id": (("national_id",), 24),
}
"""One band each (`key_NAME`), for training and the prior's deterministic rules, which
need a block, not recall."""

TARGET_RECALL = 0.99
"""Share of pairs at a family's Dice similarity its bands are to find."""
PAIRS_PER_RECORD = 4.0
"""Budget of candidate pairs per registration (with the family filled) per family."""
MAX_BANDS = 48
_WIDTHS = tuple(range(8, 57, 2))  # at most 56 bits: the band number takes the top byte
_SAMPLE = 20_000
_TRIALS = 3
_SEED = 20260517


def word_columns(field: str, hardening: Hardening) -> list[str]:
    """Names of a field's 64-bit word columns."""
    spec = next(s for s in FIELDS if s.name == field)
    return [f"{field}_w{i}" for i in range(filter_bits(spec, hardening) // 64)]


@dataclass(frozen=True)
class Banding:
    """A family's bands: how many, how many bits each, and what they are expected to do."""

    bands: int
    width: int
    similarity: float
    recall: float
    pairs: float


def _keys(columns: Matrix, positions: npt.NDArray[np.intp]) -> npt.NDArray[np.int64]:
    """Per row, the bits at `positions` as one integer; `columns` is the bit matrix
    transposed (bits x rows), so that each sampled bit is one contiguous row."""
    key = np.zeros(columns.shape[1], dtype=np.int64)
    for shift, position in enumerate(positions.tolist()):
        key |= columns[position].astype(np.int64) << shift
    return key


def _collisions(keys: npt.NDArray[np.int64]) -> float:
    _, counts = np.unique(keys, return_counts=True)
    return float((counts * (counts - 1) // 2).sum())


EXACT_COLUMNS = frozenset({"given_name", "family_name"})
"""Fields with a column `FIELD_h`, a hash of the whole encoding: the same value (and
salt) has the same encoding, so its frequency in the data can correct the weight of an
exact agreement, as plain linkage's term-frequency adjustment does with the name."""


MARK_COLUMNS = ("date_of_birth_year_only",)
"""Columns from a registration's marks byte (format 2 on; missing for older encodings):
`date_of_birth_year_only` (1 when the date of birth is the year alone). Whether two
registrations' names share a salt is read off their date of birth (`zicht.pprl._model`)."""


def _mark_columns(encodings: Sequence[dict[str, bytes]]) -> dict[str, pd.Series]:
    present = np.fromiter((MARKS in e for e in encodings), dtype=bool, count=len(encodings))
    marks = np.fromiter(
        (e[MARKS][0] if MARKS in e else 0 for e in encodings), dtype=np.int64, count=len(encodings)
    )
    year_only = ((marks & YEAR_ONLY) > 0).astype(np.int64)
    return {
        "date_of_birth_year_only": pd.Series(year_only, dtype="Int64").where(present, pd.NA),
    }


_ONES = np.unpackbits(np.arange(256, dtype=np.uint8)[:, None], axis=1).sum(axis=1, dtype=np.uint8)
"""Count of ones of every byte value."""


def _row_hashes(words: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    hashes = np.zeros(len(words), dtype=np.uint64)
    for i in range(words.shape[1]):
        column = np.ascontiguousarray(words[:, i]).view(np.uint64)
        hashes = hashes * np.uint64(1_000_003) ^ pd.util.hash_array(column)
    return hashes.view(np.int64)


def _seed(name: str) -> int:
    return _SEED + int.from_bytes(hashlib.sha256(name.encode()).digest()[:4], "big")


def choose_banding(bits: Matrix, dice: float, flip_probability: float, seed: int) -> Banding:
    """Bands and width for the encodings `bits` (present rows only; see the module)."""
    n = len(bits)
    length = bits.shape[1]
    rng = np.random.default_rng(seed)
    sample = bits[rng.choice(n, size=_SAMPLE, replace=False)] if n > _SAMPLE else bits
    m = len(sample)
    # Pairs among n rows from pairs among the m sampled.
    scale = (n * (n - 1)) / (m * (m - 1)) if m > 1 else 0.0
    ones = float(sample.mean()) if m else 0.5
    share = max(0.0, 1 - 2 * ones * (1 - dice))
    q = 2 * flip_probability * (1 - flip_probability)
    share = share * (1 - q) + (1 - share) * q
    identical = _collisions(_packed_rows(sample)) if m > 1 else 0.0
    columns = np.ascontiguousarray(sample.T)
    budget = PAIRS_PER_RECORD * n
    best: Banding | None = None
    for width in (w for w in _WIDTHS if w <= length):
        trials = [
            _collisions(_keys(columns, rng.choice(length, width, replace=False)))
            for _ in range(_TRIALS)
        ]
        # Pairs a band adds beyond the identical encodings, which every band finds.
        per_band = max(0.0, sum(trials) / _TRIALS - identical) * scale
        hit = share**width
        if hit >= 1:
            needed = 1
        elif hit <= 0:
            needed = MAX_BANDS
        else:
            needed = math.ceil(math.log(1 - TARGET_RECALL) / math.log(1 - hit))
        room = budget - identical * scale
        affordable = MAX_BANDS if per_band == 0 else int(room // per_band)
        bands = min(needed, affordable, MAX_BANDS)
        if bands < 1:
            continue
        recall = 1 - (1 - hit) ** bands
        pairs = identical * scale + bands * per_band
        if best is None or (recall, -pairs) > (best.recall, -best.pairs):
            best = Banding(bands, width, round(share, 4), round(recall, 4), round(pairs))
    if best is None:  # not even one band of the widest width fits: take that one
        best = Banding(1, min(_WIDTHS[-1], length), round(share, 4), 0.0, budget)
    return best


def _packed_rows(bits: Matrix) -> npt.NDArray[np.int64]:
    digest = np.packbits(bits, axis=1)
    hashes: npt.NDArray[np.uint64] = pd.util.hash_array(
        np.array([row.tobytes() for row in digest], dtype=object)
    )
    return hashes.view(np.int64)


def band_keys(bits: Matrix, banding: Banding, seed: int) -> npt.NDArray[np.int64]:
    """(rows x bands) keys: the band's sampled bits, with the band number in the top byte."""
    rng = np.random.default_rng(seed)
    columns = np.ascontiguousarray(bits.T)
    keys = np.empty((len(bits), banding.bands), dtype=np.int64)
    for band in range(banding.bands):
        sample = rng.choice(bits.shape[1], size=banding.width, replace=False)
        keys[:, band] = _keys(columns, sample) | np.int64(band << 56)
    return keys


def _list_column(keys: npt.NDArray[np.int64], present: npt.NDArray[np.bool_]) -> pd.Series:
    """A column of key lists (Arrow lists: 8 bytes a key), missing where not `present`."""
    lengths = np.where(present, keys.shape[1] if len(keys) else 0, 0)
    offsets = np.zeros(len(present) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    lists = pa.LargeListArray.from_arrays(
        pa.array(offsets), pa.array(keys.ravel()), mask=pa.array(~present)
    )
    return pd.Series(pd.arrays.ArrowExtensionArray(lists))


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
    columns.update(_mark_columns(encodings))
    # Filters stay packed (a byte per 8 bits) and are unpacked one family at a time:
    # unpacked, every field at once takes a byte per bit of every registration (about
    # 3 GB for 1,000,000 registrations).
    packed_of: dict[str, tuple[Matrix, npt.NDArray[np.bool_]]] = {}
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
        if spec.name in EXACT_COLUMNS:
            columns[f"{spec.name}_h"] = pd.Series(_row_hashes(words), dtype="Int64").where(
                present, pd.NA
            )
        ones = _ONES[packed].sum(axis=1, dtype=np.int64)
        columns[f"{spec.name}_n"] = pd.Series(ones, dtype="Int64").where(present, pd.NA)
        packed_of[spec.name] = (packed, present)

    def family_bits(fields: tuple[str, ...]) -> tuple[Matrix, npt.NDArray[np.bool_]]:
        bits = np.unpackbits(np.concatenate([packed_of[f][0] for f in fields], axis=1), axis=1)
        return bits, np.logical_and.reduce([packed_of[f][1] for f in fields])

    for name, (fields, width) in TRAINING_KEYS.items():
        bits, present = family_bits(fields)
        sample = np.random.default_rng(_seed(name)).choice(bits.shape[1], width, replace=False)
        chosen = np.ascontiguousarray(bits[:, sample].T)
        key = pd.Series(_keys(chosen, np.arange(width)), dtype="Int64")
        columns[f"key_{name}"] = key.where(present, pd.NA)
    for name, family in FAMILIES.items():
        bits, present = family_bits(family.fields)
        rows = present.nonzero()[0]
        keys = np.zeros((0, 0), dtype=np.int64)
        if len(rows) > 1:
            # One copy of the family's present rows (none when all are present), and the
            # family's bits freed before the next family is unpacked.
            sub = bits if len(rows) == n else bits[rows]
            del bits
            banding = choose_banding(sub, family.dice, hardening.flip_probability, _seed(name))
            keys = band_keys(sub, banding, _seed(name) + 1)
            del sub
        else:
            present = np.zeros(n, dtype=bool)
        columns[f"lsh_{name}"] = _list_column(keys, present)
    return pd.DataFrame(columns)
