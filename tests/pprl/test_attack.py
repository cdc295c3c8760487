"""The frequency-alignment attack against plain and hardened encodings (issue 17).

Names come from the synthetic world's name lists with Zipf frequencies (real first-
and surname frequencies are roughly Zipf; the world itself draws names uniformly
within a nationality's pool, which would make any frequency attack look weaker than
it is); the attacker's public frequencies are exactly the population's.
"""

from __future__ import annotations

import numpy as np
import pytest

from zicht.linkage._frame import name_key
from zicht.pprl import Encoder, Hardening, new_secret
from zicht.pprl._attack import frequency_attack
from zicht.pprl._fields import FIELDS
from zicht.synth._names import name_table

RECORDS = 10_000


def _population(field: str, seed: int) -> tuple[list[str], list[int], dict[str, float]]:
    table = name_table()
    pool = table.given[:, 0] if field == "given_name" else table.family[:, 0]
    names = sorted({key for n in pool if (key := name_key(str(n)))})
    rng = np.random.default_rng(seed)
    rng.shuffle(names)
    weights = 1 / np.arange(1, len(names) + 1)
    weights /= weights.sum()
    picked = rng.choice(len(names), size=RECORDS, p=weights)
    years = rng.integers(1960, 2006, size=RECORDS).tolist()
    return [names[i] for i in picked], years, dict(zip(names, weights.tolist(), strict=True))


def _attack(field: str, hardening: Hardening, dice: float | None, seed: int = 5) -> float:
    truths, years, public = _population(field, seed)
    spec = next(s for s in FIELDS if s.name == field)
    encoder = Encoder(new_secret(), hardening, rng=np.random.default_rng(seed))
    packed, present = encoder.encode_field(spec, truths, years)
    assert present.all()
    encodings = [row.tobytes() for row in packed]
    return frequency_attack(encodings, truths, public, dice=dice, top=300).record_share


PLAIN = Hardening(balanced=False, salt=None, flip_probability=0.0)


@pytest.mark.parametrize("field", ["given_name", "family_name"])
def test_plain_keyed_encodings_give_frequent_names_away(field: str) -> None:
    # Keyed hashing alone stops dictionary attacks, not frequency alignment.
    assert _attack(field, PLAIN, None) > 0.2


@pytest.mark.parametrize("field", ["given_name", "family_name"])
@pytest.mark.parametrize("dice", [None, 0.8])
def test_hardened_default_stays_under_one_percent(field: str, dice: float | None) -> None:
    assert _attack(field, Hardening(), dice) < 0.01


def test_bit_flipping_alone_falls_to_similarity_grouping() -> None:
    flipped = Hardening(salt=None, flip_probability=0.05)
    assert _attack("family_name", flipped, None) < 0.01  # no two encodings are equal...
    assert _attack("family_name", flipped, 0.8) > 0.2  # ...but similar ones group again
