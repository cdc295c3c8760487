"""Text templates: MinHash-LSH candidates on word sets, verified by word alignment.

Slot edits (names, ages, prices, cities) destroy shingle similarity but leave most of
a template's words and their order in place (shared/reference/ads.md: 3-word shingles
recalled 0.159 of true template pairs, word sets 0.966). So candidates come from
MinHash over the *set* of words (64 permutations in 16 bands of 4 rows: pairs with
Jaccard similarity about 0.5 or more collide in some band), and a candidate pair is
kept only if the longest common subsequence of the two word sequences (rapidfuzz's
LCSseq) covers most of the longer text. Numbers become one token so that ages and
prices are slots.

MinHash here is the classic one (Broder 1997) over 32-bit word hashes, with
multiply-shift hashing ``(a·x + b) mod 2^64, top 32 bits`` (Dietzfelbinger et al.
1997) as the permutations, vectorised over a batch in numpy: datasketch's MinHash
measured 4,350 texts/s (bulk) and its LSH index 9,500 inserts/s on this machine, too
slow for screening 2,000 ads/s end to end.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from fractions import Fraction
from functools import lru_cache

import numpy as np
import numpy.typing as npt
from rapidfuzz.distance import LCSseq

__all__ = [
    "BANDS",
    "MIN_WORDS",
    "PERMUTATIONS",
    "TEMPLATE_SHARE",
    "TEMPLATE_SIMILARITY",
    "Vocabulary",
    "WordCodes",
    "band_keys",
    "minhash_signatures",
    "specific_similarity",
    "template_similarity",
]

PERMUTATIONS = 64
BANDS = 16
MIN_WORDS = 8
TEMPLATE_SIMILARITY = 0.8
# The same floor exactly, for `specific_similarity`'s integer weights (no float sums).
TEMPLATE_SHARE = Fraction(str(TEMPLATE_SIMILARITY))
_HELD_BY = 2  # a word counts as the others' when at least this many of them hold it
_rng = np.random.default_rng(20261129)
_A = _rng.integers(1, np.iinfo(np.uint64).max, PERMUTATIONS, dtype=np.uint64) | np.uint64(1)
_B = _rng.integers(0, np.iinfo(np.uint64).max, PERMUTATIONS, dtype=np.uint64)
_SHIFT = np.uint64(32)
_WORD = re.compile(r"\w+")
_CODE_POINTS = 0x110000  # chr() takes 0 to 0x10FFFF
_NUMBER = re.compile(r"\d+")


class Vocabulary:
    """Words as their stable 32-bit hashes (blake2b), each word hashed once.

    A word's hash is its token for MinHash and for alignment: it is the same in every
    process and every delivery, so words need no shared numbering (ads are prepared in
    worker processes). Two words with one hash (about one pair in 2^32) count as one
    word, for MinHash and alignment alike.
    """

    def __init__(self) -> None:
        self._hashes: dict[str, int] = {}

    def words(self, text: str) -> list[int]:
        """The text's words (lower case, every number one token) as word hashes."""
        hashes = self._hashes
        words = _WORD.findall(_NUMBER.sub(" 0 ", text.lower()))
        found = [hashes.get(word, -1) for word in words]
        if -1 in found:  # new words: hash them
            for position, word in enumerate(words):
                if found[position] == -1:
                    value = hashes.get(word)
                    if value is None:
                        digest = hashlib.blake2b(word.encode("utf-8"), digest_size=4).digest()
                        value = hashes[word] = int.from_bytes(digest, "little")
                    found[position] = value
        return found


class WordCodes:
    """Word hashes as one character each, for alignment.

    rapidfuzz aligns a ``str`` by its code points in C, about four times as fast as a
    sequence of Python ints (1.4 against 5.5 µs a pair of ads); each distinct word hash
    gets the next code point of this process, so the coding is one to one and the
    common subsequence of two coded texts is that of their words. Codes mean nothing
    outside the process that gave them. Once all code points are given, a text with a
    new word stays a list of hashes, and `same_kind` turns its partner into hashes too.
    """

    def __init__(self, limit: int = _CODE_POINTS) -> None:
        self._codes: dict[int, str] = {}
        self._hashes: list[int] = []
        self._limit = limit

    def text(self, words: Sequence[int]) -> str | list[int]:
        """The words as a string of codes (a list of hashes when codes ran out)."""
        codes = self._codes
        try:
            return "".join([codes[word] for word in words])
        except KeyError:  # new words: give them codes
            hashes = self._hashes
            for word in words:
                if word not in codes:
                    if len(hashes) >= self._limit:
                        return list(words)
                    codes[word] = chr(len(hashes))
                    hashes.append(word)
            return "".join([codes[word] for word in words])

    def same_kind(self, *texts: str | list[int]) -> tuple[Sequence[Hashable], ...]:
        """Texts of `text` in one form (all codes, or all hashes)."""
        if all(isinstance(text, str) for text in texts) or not any(
            isinstance(text, str) for text in texts
        ):
            return texts
        hashes = self._hashes
        return tuple(
            [hashes[ord(code)] for code in text] if isinstance(text, str) else text
            for text in texts
        )

    def full(self) -> bool:
        """Whether every code point is given."""
        return len(self._hashes) >= self._limit

    def clear(self) -> None:
        """Forget every code (the texts coded so far mean nothing any more)."""
        self._codes.clear()
        self._hashes.clear()


def minhash_signatures(
    documents: Sequence[Sequence[int]], chunk: int = 512
) -> npt.NDArray[np.uint64]:
    """MinHash signatures (documents x PERMUTATIONS) of word-hash sequences as sets.

    A document without words gets a signature of its own (all ones): it collides
    with no other.
    """
    result = np.full((len(documents), PERMUTATIONS), np.iinfo(np.uint64).max, dtype=np.uint64)
    for start in range(0, len(documents), chunk):
        part = [set(doc) for doc in documents[start : start + chunk]]
        lengths = np.fromiter((len(d) for d in part), dtype=np.int64, count=len(part))
        total = int(lengths.sum())
        if not total:
            continue
        flat = np.fromiter((w for d in part for w in d), dtype=np.uint64, count=total)
        values = (flat[:, None] * _A[None, :] + _B[None, :]) >> _SHIFT
        has_words = lengths > 0
        offsets = np.concatenate(([0], np.cumsum(lengths)[:-1]))[has_words]
        rows = np.nonzero(has_words)[0] + start
        result[rows] = np.minimum.reduceat(values, offsets, axis=0)
    return result


def band_keys(signatures: npt.NDArray[np.uint64]) -> list[list[str]]:
    """Per document, its BANDS band keys ("t" + band + a 64-bit hash of its rows)."""
    rows = PERMUTATIONS // BANDS
    banded = signatures.reshape(len(signatures), BANDS, rows)
    mixed = np.zeros((len(signatures), BANDS), dtype=np.uint64)
    for row in range(rows):
        mixed = (mixed ^ banded[:, :, row]) * np.uint64(0x9E3779B97F4A7C15)
    empty = signatures[:, 0] == np.iinfo(np.uint64).max
    return [
        [] if empty[i] else [f"t{b:02d}{int(v):016x}" for b, v in enumerate(mixed[i])]
        for i in range(len(signatures))
    ]


def template_similarity(
    a: Sequence[Hashable], b: Sequence[Hashable], *, at_least: float = 0.0
) -> float:
    """Share of the words of the longer text in a longest common subsequence of both
    (words as hashes, or as the characters of `WordCodes`).

    Args:
        at_least: a share below this is returned as 0.0, and then cheaply: the common
            subsequence is at most the shorter text, and rapidfuzz stops early
            (``score_cutoff``) once the share cannot be reached. A share at or above it
            is exact.
    """
    shorter, longer = (len(a), len(b)) if len(a) <= len(b) else (len(b), len(a))
    if shorter < MIN_WORDS:
        return 0.0
    needed = _words_needed(longer, at_least)
    if shorter < needed:
        return 0.0
    return float(LCSseq.similarity(a, b, score_cutoff=needed)) / longer


@lru_cache(maxsize=4096)
def _words_needed(longer: int, at_least: float) -> int:
    """The fewest common words whose share of `longer` is at least `at_least` (as the
    float division computes it, so that the cutoff changes no decision). Memoised: a
    text's length and the floor repeat, and grouping asks once per alignment."""
    needed = max(0, math.ceil(at_least * longer))
    while needed > 0 and (needed - 1) / longer >= at_least:
        needed -= 1
    while needed / longer < at_least:
        needed += 1
    return needed


def specific_similarity(
    a: Sequence[Hashable], b: Sequence[Hashable], others: Iterable[Iterable[Hashable]]
) -> Fraction:
    """`template_similarity` with each word weighed by how few of `others` hold it.

    `others` are the words of other operators (one collection per other cluster) that
    are candidates of the same pair but not of its template: texts of much the same
    words. A word that k of those K hold tells the two texts apart from them with
    weight ``K + 1 - k`` (out of ``K + 1``: the share of them, counting one more that
    lacks it, that lack it): boilerplate that the other candidates write weighs little,
    a phrase only these two share weighs fully. One other operator never decides
    alone: a word held by only one of them counts as held by none (k = 0), so with
    fewer than two others every word weighs the same. The result, exact, is the weight
    of the words of one longest common subsequence (rapidfuzz's) over the weight of the
    lighter text: how much of what that text says beyond the others' words the two
    have in common. (That the alignment covers most of the *longer* text is
    `template_similarity`'s test, asked first; a sentence one ad adds or leaves out is
    judged there, not weighed twice.) Which common subsequence rapidfuzz returns
    (several may be longest) can move the result; the link's evidence keeps the plain
    share. Without others the result is the common subsequence's share of the shorter
    text.
    """
    if len(a) < MIN_WORDS or len(b) < MIN_WORDS:
        return Fraction(0)
    held: Counter[Hashable] = Counter()
    count = 0
    for other in others:
        held.update(set(other))
        count += 1

    def weight(word: Hashable) -> int:
        k = held[word]
        return count + 1 - (k if k >= _HELD_BY else 0)

    matched = sum(
        weight(word)
        for block in LCSseq.opcodes(a, b)
        if block.tag == "equal"
        for word in a[block.src_start : block.src_end]
    )
    lighter = min(sum(weight(word) for word in a), sum(weight(word) for word in b))
    return Fraction(matched, lighter)
