"""Keyed, hardened Bloom-filter encodings of identity fields.

Each token of a field sets `hashes` bits of the field's filter, at positions taken
from HMAC-SHA256 under a key derived from the shared secret, the field and (for
salted fields) the salt value: random hashing, not double hashing, which leaks
through its arithmetic (Niedermeyer et al. 2014). Hardening (Ranbaduge & Schnell
2020 survey the options):

- balanced filters: the filter followed by its complement, bits permuted with a
  keyed permutation, so that every encoding has the same number of ones (the count
  of ones otherwise gives away the length of a name; Berger et al. 2014);
- salting with a stable attribute: name tokens are hashed under a key that also
  depends on the birth year, so the same name born in another year gets unrelated
  bits and the frequency of a name is spread over many encodings;
- randomised response: every bit is flipped with probability p (independently per
  record, from the operating system's randomness), which gives each bit
  epsilon = ln((1 - p) / p) local differential privacy (Warner 1965; RAPPOR).
"""

from __future__ import annotations

import hashlib
import hmac
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from zicht.pprl._fields import FIELDS, EncodedField, field_tokens
from zicht.pprl._secret import LinkageSecret

__all__ = ["Encoder", "Hardening", "filter_bits"]

Bits = npt.NDArray[np.uint8]


@dataclass(frozen=True)
class Hardening:
    """How encodings are hardened; stored in every encoded file's header."""

    balanced: bool = True
    salt: str | None = "birth_year"
    flip_probability: float = 0.0

    def __post_init__(self) -> None:
        if not 0.0 <= self.flip_probability < 0.5:
            raise ValueError("flip_probability must be at least 0 and below 0.5")
        if self.salt not in (None, "birth_year"):
            raise ValueError("salt must be 'birth_year' or none")

    @property
    def epsilon(self) -> float | None:
        """Per-bit local differential privacy of randomised response (None: no flipping)."""
        p = self.flip_probability
        return None if p == 0 else math.log((1 - p) / p)

    def as_dict(self) -> dict[str, Any]:
        """The header form."""
        return asdict(self)


def filter_bits(spec: EncodedField, hardening: Hardening) -> int:
    """Length of one field's encoding in bits."""
    return spec.bits * 2 if hardening.balanced else spec.bits


class Encoder:
    """Encodes identity values of many records with one secret and one hardening.

    Filters of distinct (field, salt, value) are computed once: names repeat a lot.
    """

    def __init__(
        self,
        secret: LinkageSecret,
        hardening: Hardening | None = None,
        rng: np.random.Generator | None = None,
    ) -> None:
        self.secret = secret
        self.hardening = hardening or Hardening()
        self._rng = rng or np.random.default_rng()
        self._keys: dict[str, bytes] = {}
        self._tokens: dict[str, dict[str, npt.NDArray[np.int64]]] = {}
        self._permutations = {
            spec.name: self._permutation(spec) for spec in FIELDS if self.hardening.balanced
        }

    def _permutation(self, spec: EncodedField) -> npt.NDArray[np.intp]:
        seed = int.from_bytes(self.secret.field_key(spec.name, "permutation")[:8], "big")
        return np.random.default_rng(seed).permutation(spec.bits * 2)

    def _key(self, spec: EncodedField) -> bytes:
        key = self._keys.get(spec.name)
        if key is None:
            key = self._keys[spec.name] = self.secret.field_key(spec.name)
        return key

    def _token_positions(self, spec: EncodedField, tokens: Sequence[str]) -> npt.NDArray[np.int64]:
        """(tokens x hashes) bit positions of distinct tokens; HMAC once per token ever."""
        key = self._key(spec)
        known = self._tokens.setdefault(spec.name, {})
        out = np.empty((len(tokens), spec.hashes), dtype=np.int64)
        for number, token in enumerate(tokens):
            hit = known.get(token)
            if hit is None:
                digest = hmac.digest(key, token.encode(), hashlib.sha256)
                hit = np.frombuffer(digest, dtype=">u2")[: spec.hashes].astype(np.int64) % spec.bits
                if len(known) < 1_000_000:
                    known[token] = hit
            out[number] = hit
        return out

    def _salt(self, spec: EncodedField, birth_year: int | None) -> str:
        if not spec.salted or self.hardening.salt is None:
            return ""
        return "" if birth_year is None else str(birth_year)

    def encode_field(
        self, spec: EncodedField, raws: Sequence[str | None], birth_years: Sequence[int | None]
    ) -> tuple[Bits, npt.NDArray[np.bool_]]:
        """Encodings of one field for many records: (records x bytes) packed bits, present."""
        salted = spec.salted and self.hardening.salt is not None
        keys = [
            None if raw is None else (f"{'' if year is None else year}\x1f{raw}" if salted else raw)
            for raw, year in zip(raws, birth_years, strict=True)
        ]
        codes, distinct = pd.factorize(np.array(keys, dtype=object), use_na_sentinel=True)
        value_numbers: list[int] = []
        grams: list[str] = []
        for number, key in enumerate(distinct):
            salt, _, raw = key.rpartition("\x1f") if salted else ("", "", key)
            tokens = field_tokens(spec, raw)
            value_numbers.extend([number] * len(tokens))
            # Salted: the salt is part of every hashed token, so the same name born in
            # another year sets unrelated bits.
            grams.extend([f"{salt}\x1f{t}" for t in tokens] if salted else tokens)
        token_codes, distinct_tokens = pd.factorize(np.array(grams, dtype=object))
        positions = self._token_positions(spec, list(distinct_tokens))
        table = np.zeros((len(distinct) + 1, spec.bits), dtype=np.uint8)
        rows = np.repeat(np.asarray(value_numbers, dtype=np.int64), spec.hashes)
        table[rows, positions[token_codes].ravel()] = 1
        filled = np.zeros(len(distinct) + 1, dtype=bool)
        filled[np.asarray(value_numbers, dtype=np.int64)] = True
        if self.hardening.balanced:
            table = np.concatenate([table, 1 - table], axis=1)[:, self._permutations[spec.name]]
        # Values with no token left (and the last row, picked by a missing value's code,
        # -1) encode to nothing.
        table[~filled] = 0
        packed = np.packbits(table, axis=1)[codes]
        present = filled[codes]
        p = self.hardening.flip_probability
        if p > 0 and present.any():
            flips = self._rng.random((int(present.sum()), table.shape[1])) < p
            packed[present] ^= np.packbits(flips, axis=1)
        return packed, present

    def encode(
        self, values: Sequence[dict[str, str | None]], birth_years: Sequence[int | None]
    ) -> dict[str, tuple[Bits, npt.NDArray[np.bool_]]]:
        """Encodings of every field for many records (see `encode_field`)."""
        return {
            spec.name: self.encode_field(spec, [v[spec.name] for v in values], birth_years)
            for spec in FIELDS
        }
