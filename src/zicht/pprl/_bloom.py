"""Keyed, hardened Bloom-filter encodings of identity fields.

Each token of a field sets `hashes` bits of the field's filter, at positions taken
from HMAC-SHA256 under a key derived from the shared secret, the field and (for
salted fields) the salt value: random hashing, not double hashing, which leaks
through its arithmetic (Niedermeyer et al. 2014). Hardening (Ranbaduge & Schnell
2020 survey the options):

- balanced filters: the filter followed by its complement, bits permuted with a
  keyed permutation, so that every encoding has the same number of ones (the count
  of ones otherwise gives away the length of a name; Berger et al. 2014);
- salting with a stable attribute: name tokens are hashed together with the whole date
  of birth, so the same name born on another day gets unrelated bits and the frequency
  of a name is spread over many encodings. Records whose date of birth is the year
  alone or unknown carry no names at all: their salt (the year, or none) would be one
  cohort the file shows, in which a name's frequency is no longer spread. Not the
  birth year alone as the salt: the analytic record in clear (age band, registration
  date) bounds the year to about four, and within those the year's fifty-odd salts
  no longer hide a frequent name (issue 17, docs/privacy.md);
- randomised response: every bit is flipped with probability p (independently per
  record, from the operating system's randomness), which gives each bit
  epsilon = ln((1 - p) / p) local differential privacy (Warner 1965; RAPPOR).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from zicht.pprl._fields import FIELDS, EncodedField, field_tokens
from zicht.pprl._fields import _bigrams as bigrams
from zicht.pprl._secret import LinkageSecret

__all__ = ["Encoder", "Hardening", "KeyedHash", "filter_bits", "full_date", "salt_values"]

Bits = npt.NDArray[np.uint8]

# Distinct values per field whose finished filter is kept (about 100 bytes each).
_VALUE_CACHE = 200_000
# Distinct tokens per field whose HMAC digest is kept.
_TOKEN_CACHE = 1_000_000
# Distinct raw names per salted field whose padded words are kept (salted fields meet
# the same name under many dates of birth).
_WORDS_CACHE = 200_000
# A bigram in one integer: salt number, then two code points of 21 bits each.
_CODE_BITS = 21


@dataclass(frozen=True)
class Hardening:
    """How encodings are hardened; stored in every encoded file's header."""

    balanced: bool = True
    salt: str | None = "date_of_birth"
    flip_probability: float = 0.0

    def __post_init__(self) -> None:
        if not 0.0 <= self.flip_probability < 0.5:
            raise ValueError("flip_probability must be at least 0 and below 0.5")
        if self.salt not in (None, "date_of_birth"):
            raise ValueError("salt must be 'date_of_birth' or none")

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


class KeyedHash:
    """HMAC-SHA256 under one key, with the key's padded blocks hashed once (RFC 2104).

    `digest(message)` is `hmac.digest(key, message, sha256)`, bit for bit, for a copy of
    two hash states instead of hashing the key's blocks again for every token: a third
    of the cost of `hmac.digest` per token.
    """

    _BLOCK = 64  # SHA-256's block size in bytes

    def __init__(self, key: bytes) -> None:
        if len(key) > self._BLOCK:
            key = hashlib.sha256(key).digest()
        key = key.ljust(self._BLOCK, b"\0")
        self._inner = hashlib.sha256(bytes(byte ^ 0x36 for byte in key))
        self._outer = hashlib.sha256(bytes(byte ^ 0x5C for byte in key))

    def digest(self, message: bytes) -> bytes:
        """HMAC-SHA256 of `message`."""
        inner = self._inner.copy()
        inner.update(message)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.digest()

    def digests(self, messages: Sequence[bytes]) -> list[bytes]:
        """`digest` of every message, in order, in one loop (no method call per message)."""
        inner_copy, outer_copy = self._inner.copy, self._outer.copy
        out = []
        for message in messages:
            inner = inner_copy()
            inner.update(message)
            outer = outer_copy()
            outer.update(inner.digest())
            out.append(outer.digest())
        return out


class Encoder:
    """Encodes identity values of many records with one secret and one hardening.

    Filters of distinct (field, salt, value) are computed once (up to `_VALUE_CACHE`
    per field kept across calls): names repeat a lot.
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
        self._keys: dict[str, KeyedHash] = {}
        self._tokens: dict[str, dict[str, bytes]] = {}
        self._bigram_digests: dict[str, dict[int, bytes]] = {}
        self._words: dict[str, dict[str, str]] = {}
        self._salt_numbers: dict[str, int] = {"": 0}
        # UTF-8 of the two characters of a numbered bigram (the low bits of its code).
        self._pair_texts: dict[int, bytes] = {}
        self._filters: dict[str, dict[str, bytes]] = {}
        # Per field spec, built when first used: any spec, not only the standard's.
        self._layouts: dict[
            EncodedField, tuple[Bits, npt.NDArray[np.intp], npt.NDArray[np.intp]]
        ] = {}

    def _layout(
        self, spec: EncodedField
    ) -> tuple[Bits, npt.NDArray[np.intp], npt.NDArray[np.intp]]:
        """Where a filter's bits go in the encoding: (the encoding of no bit set, where bit
        p's one goes, where its complement's zero goes).

        Balanced, the encoding is `concatenate([bits, 1 - bits])[permutation]`: bit p
        lands at `inverse[p]` and its complement at `inverse[bits + p]`, so an encoding is
        the empty filter's (ones at every complement place) with each set bit's one placed
        and its complement's one taken away; unbalanced, the filter itself.
        """
        if not self.hardening.balanced:
            places = np.arange(spec.bits, dtype=np.intp)
            return np.zeros(spec.bits, dtype=np.uint8), places, places
        seed = int.from_bytes(self.secret.field_key(spec.name, "permutation")[:8], "big")
        permutation = np.random.default_rng(seed).permutation(spec.bits * 2)
        inverse = np.argsort(permutation)
        empty = np.zeros(spec.bits * 2, dtype=np.uint8)
        empty[inverse[spec.bits :]] = 1
        return empty, inverse[: spec.bits], inverse[spec.bits :]

    def _key(self, spec: EncodedField) -> KeyedHash:
        key = self._keys.get(spec.name)
        if key is None:
            key = self._keys[spec.name] = KeyedHash(self.secret.field_key(spec.name))
        return key

    def _token_positions(self, spec: EncodedField, tokens: Sequence[str]) -> npt.NDArray[np.int64]:
        """(tokens x hashes) bit positions of distinct tokens; HMAC once per token ever.

        The first `hashes` big-endian 16-bit words of the token's HMAC-SHA256, modulo the
        filter length; digests are joined and read as one array.
        """
        digest_of = self._key(spec).digest
        known = self._tokens.setdefault(spec.name, {})
        digests = []
        room = _TOKEN_CACHE - len(known)
        for token in tokens:
            digest = known.get(token)
            if digest is None:
                digest = digest_of(token.encode())
                if room > 0:
                    known[token] = digest
                    room -= 1
            digests.append(digest)
        words = np.frombuffer(b"".join(digests), dtype=">u2").reshape(len(digests), 16)
        return words[:, : spec.hashes].astype(np.int64) % spec.bits

    def encode_field(
        self, spec: EncodedField, raws: Sequence[str | None], salts: Sequence[str | int | None]
    ) -> tuple[Bits, npt.NDArray[np.bool_]]:
        """Encodings of one field for many records: (records x bytes) packed bits, present.

        `salts` is each record's salt value (the date of birth's text, see `salt_values`;
        None: the empty salt); fields that are not salted ignore it.
        """
        salted = spec.salted and self.hardening.salt is not None
        keys = (
            [
                None if raw is None else f"{'' if salt is None else salt}\x1f{raw}"
                for raw, salt in zip(raws, salts, strict=True)
            ]
            if salted
            else list(raws)
        )
        codes, uniques = pd.factorize(np.array(keys, dtype=object), use_na_sentinel=True)
        width = filter_bits(spec, self.hardening) // 8
        # Filters of values seen before (in this or an earlier chunk) are reused: names,
        # dates and places repeat a lot. b"" marks a value with no token left.
        known = self._filters.setdefault(spec.name, {})
        distinct: list[str] = uniques.tolist()
        found = [known.get(key) for key in distinct]
        # One row per distinct value and a last one of zeros; a value with no token
        # left encodes to nothing (zeros, not present).
        table = np.zeros((len(distinct) + 1, width), dtype=np.uint8)
        filled = np.zeros(len(distinct) + 1, dtype=bool)
        hits = [number for number, hit in enumerate(found) if hit]
        if hits:
            joined = b"".join([found[number] for number in hits])  # type: ignore[misc]
            table[hits] = np.frombuffer(joined, dtype=np.uint8).reshape(len(hits), width)
            filled[hits] = True
        missing = [number for number, hit in enumerate(found) if hit is None]
        if missing:
            fresh, fresh_filled = self._fresh_filters(spec, [distinct[i] for i in missing], salted)
            fresh[~fresh_filled] = 0
            table[missing] = fresh
            filled[missing] = fresh_filled
            kept = missing[: max(0, _VALUE_CACHE - len(known))]
            if kept:
                blob = fresh[: len(kept)].tobytes()
                for at, (number, any_token) in enumerate(
                    zip(kept, fresh_filled[: len(kept)].tolist(), strict=True)
                ):
                    known[distinct[number]] = (
                        blob[at * width : (at + 1) * width] if any_token else b""
                    )
        # A missing value's code (-1) picks the last row: encodes to nothing.
        packed = table[codes]
        present = filled[codes]
        p = self.hardening.flip_probability
        if p > 0 and present.any():
            flips = self._rng.random((int(present.sum()), width * 8)) < p
            packed[present] ^= np.packbits(flips, axis=1)
        return packed, present

    def _fresh_filters(
        self, spec: EncodedField, keys: Sequence[str], salted: bool
    ) -> tuple[Bits, npt.NDArray[np.bool_]]:
        """Packed filters of distinct values not seen before, and whether any token was left."""
        # Salted: the salt is part of every hashed token, so the same name born in
        # another year sets unrelated bits.
        parts = [key.rpartition("\x1f") if salted else ("", "", key) for key in keys]
        if spec.tokens is bigrams:
            rows, positions, filled = self._bigram_hits(spec, parts)
        else:
            rows, positions, filled = self._token_hits(spec, parts, salted)
        layout = self._layouts.get(spec)
        if layout is None:
            layout = self._layouts[spec] = self._layout(spec)
        empty, ones, zeros = layout
        table = np.tile(empty, (len(parts), 1))
        table[rows, ones[positions]] = 1
        if self.hardening.balanced:
            table[rows, zeros[positions]] = 0
        return np.packbits(table, axis=1), filled

    def _token_hits(
        self, spec: EncodedField, parts: list[tuple[str, str, str]], salted: bool
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
        """(value, bit) of every bit set by the field's own token function, and whether
        any token was left."""
        token_lists = [field_tokens(spec, raw) for _, _, raw in parts]
        grams = (
            [
                f"{salt}\x1f{t}"
                for (salt, _, _), ts in zip(parts, token_lists, strict=True)
                for t in ts
            ]
            if salted
            else [t for ts in token_lists for t in ts]
        )
        lengths = np.fromiter(map(len, token_lists), dtype=np.int64, count=len(parts))
        token_codes, distinct_tokens = pd.factorize(np.array(grams, dtype=object))
        positions = self._token_positions(spec, list(distinct_tokens))
        rows = np.repeat(np.arange(len(parts), dtype=np.int64), lengths * spec.hashes)
        return rows, positions[token_codes].ravel(), lengths > 0

    def _padded_words(self, spec: EncodedField, raw: str, cache: dict[str, str] | None) -> str:
        """The value's words as `bigrams` pads them ("_ana_ _maria_"), "" when none."""
        if cache is not None:
            padded = cache.get(raw)
            if padded is not None:
                return padded
        text = spec.normalise(raw)
        words = text.split() if text else []
        padded = f"_{'_ _'.join(words)}_" if words else ""
        if cache is not None and len(cache) < _WORDS_CACHE:
            cache[raw] = padded
        return padded

    def _bigram_hits(
        self, spec: EncodedField, parts: list[tuple[str, str, str]]
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
        """(value, bit) of every bit set in bigram fields, all values at once, and whether
        any bigram was left.

        The same bits as hashing each of `bigrams(normalise(raw))`: a filter is the set
        of its tokens' positions, so order and repeats do not matter. All values are
        joined by spaces (no word holds one) and read as code points; every pair of
        neighbours without a space is a bigram, numbered with its salt as one integer.
        """
        words = self._words.setdefault(spec.name, {}) if spec.salted else None
        padded = [self._padded_words(spec, raw, words) for _, _, raw in parts]
        salt_numbers = self._salt_numbers
        salts = np.fromiter(
            (salt_numbers.setdefault(salt, len(salt_numbers)) for salt, _, _ in parts),
            dtype=np.int64,
            count=len(parts),
        )
        lengths = np.fromiter(map(len, padded), dtype=np.int64, count=len(parts))
        points = np.frombuffer(" ".join(padded).encode("utf-32-le"), dtype=np.uint32)
        value_of = np.repeat(np.arange(len(parts), dtype=np.int64), lengths + 1)[: len(points)]
        first, second = points[:-1].astype(np.int64), points[1:].astype(np.int64)
        keep = (first != 32) & (second != 32)
        values = value_of[:-1][keep]
        codes = (salts[values] << (2 * _CODE_BITS)) | (first[keep] << _CODE_BITS) | second[keep]
        distinct, inverse = np.unique(codes, return_inverse=True)
        positions = self._bigram_positions(spec, distinct)
        filled = np.bincount(values, minlength=len(parts)) > 0
        return np.repeat(values, spec.hashes), positions[inverse.ravel()].ravel(), filled

    def _bigram_positions(
        self, spec: EncodedField, codes: npt.NDArray[np.int64]
    ) -> npt.NDArray[np.int64]:
        """(codes x hashes) bit positions of numbered bigrams (see `_bigram_hits`).

        The HMAC of the token `salt + "\x1f" + bigram` (the bigram alone when not salted);
        digests are looked up and computed a list at a time, not code by code.
        """
        key = self._key(spec)
        salted = spec.salted and self.hardening.salt is not None
        known = self._bigram_digests.setdefault(spec.name, {})
        listed: list[int] = codes.tolist()
        found: list[bytes | None] = list(map(known.get, listed))
        missing = np.flatnonzero(
            np.fromiter((d is None for d in found), dtype=bool, count=len(found))
        )
        if len(missing):
            new = codes[missing]
            pairs: list[int] = (new & ((1 << (2 * _CODE_BITS)) - 1)).tolist()
            texts = self._pair_texts
            mask = (1 << _CODE_BITS) - 1
            fresh = {
                pair: (chr(pair >> _CODE_BITS) + chr(pair & mask)).encode()
                for pair in set(pairs).difference(texts)
            }
            messages = [texts.get(pair) or fresh[pair] for pair in pairs]
            # Kept like the digests: up to a cap, so that a file of endless new
            # characters (free text mapped to e-mail) cannot grow a worker's memory.
            for pair, text in fresh.items():
                if len(texts) >= _TOKEN_CACHE:
                    break
                texts[pair] = text
            if salted:
                # The salt joined to each message and all hashed in one list: a salt has
                # about seven new bigrams per field, too few for `prefixed` and a call
                # per salt to pay (about 0.2 us a digest more).
                # A salt's number is its place in the dict (numbered as added, never
                # removed): a list of the keys, cheaper to build than the dict of every
                # salt seen turned round; still built per chunk and field, and as long
                # as the distinct salts (dates of birth) seen.
                salt_of = list(self._salt_numbers)
                salts: list[int] = (new >> (2 * _CODE_BITS)).tolist()
                prefixes = {number: f"{salt_of[number]}\x1f".encode() for number in set(salts)}
                messages = [
                    prefixes[salt] + message for salt, message in zip(salts, messages, strict=True)
                ]
            digests = key.digests(messages)
            at_list: list[int] = missing.tolist()
            for at, digest in zip(at_list, digests, strict=True):
                found[at] = digest
            room = max(0, _TOKEN_CACHE - len(known))
            if room:
                known.update(zip(new[:room].tolist(), digests[:room], strict=False))
        words = np.frombuffer(b"".join(found), dtype=">u2").reshape(len(found), 16)  # type: ignore[arg-type]
        return words[:, : spec.hashes].astype(np.int64) % spec.bits

    def encode(
        self, values: Sequence[dict[str, str | None]]
    ) -> dict[str, tuple[Bits, npt.NDArray[np.bool_]]]:
        """Encodings of every field for many records (`identity_values` form), the names
        salted with each record's date of birth (see `encode_field`); the names of records
        without a whole date of birth are left out (`full_date`)."""
        salts = salt_values(values)
        # No full date, no salted field: a year's or the empty salt is one cohort the
        # file shows (the marks), in which the names' frequencies align again (issue 17,
        # docs/privacy.md). Which records those are is worked out once for all fields.
        whole = [full_date(salt) for salt in salts] if self.hardening.salt is not None else None
        encoded = {}
        for spec in FIELDS:
            name = spec.name
            if whole is not None and spec.salted:
                raws = [v[name] if w else None for v, w in zip(values, whole, strict=True)]
            else:
                raws = [v[name] for v in values]
            encoded[name] = self.encode_field(spec, raws, salts)
        return encoded


def full_date(date: str | None) -> bool:
    """Whether a date of birth's text (`identity_values`) is a whole date, not the year
    alone or nothing: only then are the salted fields (names) encoded."""
    return date is not None and len(date) == 10


def salt_values(values: Sequence[dict[str, str | None]]) -> list[str | None]:
    """The salt of each record (`identity_values` form): its date of birth as the date
    field encodes it ("1990-05-17", or "1990" when only the year is known), so that two
    records share a salt exactly when their dates of birth encode alike. `Encoder.encode`
    encodes the names of whole dates only (`full_date`)."""
    return [v["date_of_birth"] for v in values]
