"""LSH blocking on encodings: bands chosen from the data find the pairs they promise.

Oracle: planted near-duplicates whose share of agreeing bits is known by construction,
among random encodings; candidate pairs are counted directly from the band keys.
"""

from __future__ import annotations

import numpy as np

from zicht.pprl._table import PAIRS_PER_RECORD, band_keys, choose_banding


def _world(
    n: int, planted: int, agree: float, seed: int
) -> tuple[np.ndarray, list[tuple[int, int]]]:
    rng = np.random.default_rng(seed)
    bits = (rng.random((n, 256)) < 0.5).astype(np.uint8)
    pairs = []
    for i in range(planted):
        a, b = 2 * i, 2 * i + 1
        bits[b] = bits[a]
        flip = rng.choice(256, size=round(256 * (1 - agree)), replace=False)
        bits[b, flip] ^= 1
        pairs.append((a, b))
    return bits, pairs


def _candidates(keys: np.ndarray) -> set[tuple[int, int]]:
    found: set[tuple[int, int]] = set()
    for band in range(keys.shape[1]):
        groups: dict[int, list[int]] = {}
        for row, key in enumerate(keys[:, band].tolist()):
            groups.setdefault(key, []).append(row)
        for rows in groups.values():
            found.update((a, b) for i, a in enumerate(rows) for b in rows[i + 1 :])
    return found


def test_bands_find_what_they_promise_at_the_target_similarity_within_the_budget() -> None:
    bits, planted = _world(4000, 400, agree=0.8, seed=1)
    banding = choose_banding(bits, dice=0.8, flip_probability=0.0, seed=7)
    # Random bits are half ones: Dice of balanced filters is the share of agreeing bits.
    assert abs(banding.similarity - 0.8) < 0.002
    found = _candidates(band_keys(bits, banding, seed=8))
    share = sum(pair in found for pair in planted) / len(planted)
    assert abs(share - banding.recall) < 0.07
    assert len(found) <= 1.5 * PAIRS_PER_RECORD * len(bits)


def test_closer_pairs_are_nearly_all_found() -> None:
    bits, planted = _world(4000, 400, agree=0.9, seed=4)
    banding = choose_banding(bits, dice=0.8, flip_probability=0.0, seed=7)
    found = _candidates(band_keys(bits, banding, seed=8))
    assert sum(pair in found for pair in planted) / len(planted) >= 0.98


def test_pairs_below_the_target_similarity_are_rarely_candidates() -> None:
    bits, planted = _world(4000, 400, agree=0.55, seed=2)
    banding = choose_banding(bits, dice=0.8, flip_probability=0.0, seed=7)
    found = _candidates(band_keys(bits, banding, seed=8))
    assert sum(pair in found for pair in planted) / len(planted) < 0.2


def test_flipping_lowers_the_similarity_to_find() -> None:
    bits, _ = _world(2000, 0, agree=1.0, seed=3)
    plain = choose_banding(bits, dice=0.8, flip_probability=0.0, seed=7)
    flipped = choose_banding(bits, dice=0.8, flip_probability=0.1, seed=7)
    # 0.8 * (1 - 0.18) + 0.2 * 0.18
    assert abs(flipped.similarity - 0.692) < 2e-3
    assert flipped.similarity < plain.similarity
