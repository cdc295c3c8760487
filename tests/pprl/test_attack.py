"""The frequency-alignment attack against plain and hardened encodings (issue 17).

Names come from the synthetic world's name lists with Zipf frequencies (real first-
and surname frequencies are roughly Zipf; the world itself draws names uniformly
within a nationality's pool, which would make any frequency attack look weaker than
it is); the attacker's public frequencies are exactly the population's.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest

from zicht.linkage._frame import name_key
from zicht.pprl import Encoder, Hardening, new_secret
from zicht.pprl._attack import (
    birth_years_shown,
    chained_encodings,
    clear_cohorts,
    frequency_attack,
    registered_population,
)
from zicht.pprl._bloom import salt_values
from zicht.pprl._encode import birth_marks, encode_identities
from zicht.pprl._fields import FIELDS, MARKS, YEAR_ONLY, YEAR_UNKNOWN, identity_values
from zicht.pprl._file import clear_record
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


def _dates(field: str, seed: int) -> list[str]:
    """The default salt of `_population(field, seed)`: a date of birth in each one's year
    (as `registered_population` draws it), as the date field encodes it."""
    _, years, _ = _population(field, seed)
    born, _ = registered_population(years, seed)
    return [b.isoformat() for b in born]


def _attack(field: str, hardening: Hardening, dice: float | None, seed: int = 5) -> float:
    truths, _, public = _population(field, seed)
    spec = next(s for s in FIELDS if s.name == field)
    encoder = Encoder(new_secret(), hardening, rng=np.random.default_rng(seed))
    packed, present = encoder.encode_field(spec, truths, _dates(field, seed))
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


def _year_salt_attack(field: str, seed: int = 5) -> float:
    """Names salted with the birth year alone (formats 1-3), attacked within each birth
    year: what an age in clear gave away (the attacker knows the salt's cohort)."""
    truths, years, public = _population(field, seed)
    spec = next(s for s in FIELDS if s.name == field)
    encoder = Encoder(new_secret(), Hardening(), rng=np.random.default_rng(seed))
    packed, _ = encoder.encode_field(spec, truths, years)
    encodings = [row.tobytes() for row in packed]
    return frequency_attack(encodings, truths, public, top=300, cohorts=years).record_share


def test_a_birth_year_in_clear_undoes_a_birth_year_salt() -> None:
    # Why the salt is no longer the year: aligned within one birth year, the year's salt
    # no longer spreads a name's frequency (the threat model in docs/privacy.md).
    assert _year_salt_attack("family_name") > 0.05


def test_names_under_neighbouring_years_salts_would_undo_the_salt() -> None:
    # The fix proposed for pairs one birth year apart (names also encoded under year+1,
    # compared across) is not built: each record ties (name, year) to (name, year + 1),
    # the chain joins every year of a name, and the alignment works as without salt.
    truths, years, public = _population("family_name", 5)
    spec = next(s for s in FIELDS if s.name == "family_name")
    encoder = Encoder(new_secret(), Hardening(), rng=np.random.default_rng(5))
    own, _ = encoder.encode_field(spec, truths, years)
    after, _ = encoder.encode_field(spec, truths, [y + 1 for y in years])
    joined = chained_encodings([r.tobytes() for r in own], [r.tobytes() for r in after])
    assert frequency_attack(joined, truths, public, top=300).record_share > 0.2


def _registrations(field: str, seed: int) -> tuple[list[dt.date], list[dict[str, Any]]]:
    """Dates of birth of `_population(field, seed)`'s years and each one's analytic record as
    the standard makes it (registered 2019-2024, age at registration, minor flag)."""
    _, years, _ = _population(field, seed)
    return registered_population(years, seed)


def _clear_attack(field: str, coarse: bool, pool: bool = False, salt: str = "date") -> float:
    """The attack made within the cohorts the encoded rows show: possible birth years
    from the analytic record (format 2: the age; format 3 on: `clear_record`'s band);
    with `pool`, identical encodings intersect their rows' years. The names are salted
    with the date of birth (format 4) or, `salt="year"`, the birth year (formats 1-3;
    their 1-bit salt tag is left out, which only made the attack stronger)."""
    seed = 5
    truths, years, public = _population(field, seed)
    born, records = _registrations(field, seed)
    shown = [clear_record(r) for r in records] if coarse else records
    spec = next(s for s in FIELDS if s.name == field)
    encoder = Encoder(new_secret(), Hardening(), rng=np.random.default_rng(seed))
    # The default salt as the encoder takes it (`salt_values`), not re-derived here.
    salts = (
        salt_values([identity_values({"date_of_birth": b}) for b in born])
        if salt == "date"
        else years
    )
    packed, _ = encoder.encode_field(spec, truths, salts)
    marks = birth_marks([b.isoformat() for b in born])
    assert set(marks) == {0}  # full dates: the marks tell the attacker nothing
    encodings = [row.tobytes() for row in packed]
    cohorts = clear_cohorts(shown, marks, encodings if pool else None)
    return frequency_attack(encodings, truths, public, top=300, cohorts=cohorts).record_share


@pytest.mark.parametrize("field", ["given_name", "family_name"])
def test_what_the_rows_show_bounds_the_true_birth_year(field: str) -> None:
    # The attacker's reading of the clear fields is right (oracle: the true dates of
    # birth), and format 3 leaves at least four possible years per row (a band of three
    # ages and the day of birth in the year), format 2 two.
    born, records = _registrations(field, 5)
    for birth, record in zip(born, records, strict=True):
        exact, coarse = birth_years_shown(record), birth_years_shown(clear_record(record))
        assert birth.year in exact and birth.year in coarse
        assert len(exact) == 2 and len(coarse) >= 4


@pytest.mark.parametrize("field", ["given_name", "family_name"])
def test_an_age_in_clear_gives_a_birth_year_salt_away(field: str) -> None:
    # Format 2 carried the age and the registration date: the birth year to within one
    # (measured without the tag 9.0% and 8.9%; pooled 17.8% and 19.9%).
    assert _clear_attack(field, coarse=False, salt="year") > 0.06
    assert _clear_attack(field, coarse=False, pool=True, salt="year") > 0.15


@pytest.mark.parametrize("field", ["given_name", "family_name"])
def test_the_age_band_alone_does_not_save_a_birth_year_salt(field: str) -> None:
    # Format 3 carried the band: it halved what the attack got on the year's salt
    # (measured 3.1% and 3.2%, pooled 10.8% and 12.5%, without the tag), but the year
    # still falls to four and the attack stays well above the target.
    band = _clear_attack(field, coarse=True, salt="year")
    assert 0.02 < band < 0.6 * _clear_attack(field, coarse=False, salt="year")
    assert _clear_attack(field, coarse=True, pool=True, salt="year") > 0.05


@pytest.mark.parametrize("field", ["given_name", "family_name"])
def test_hardened_default_against_what_the_file_shows_stays_under_one_percent(
    field: str,
) -> None:
    # Issue 17's target, per row: format 4 salts with the whole date of birth, which the
    # band and registration date do not bound (measured 0.4% and 0.4% per row; 0.2-0.45%
    # over populations of seeds 5-8). The same attack gets over 2% on the year's salt
    # (the test above). Pooled is not held to it: 0.7% here, 0.5-1.1% over those seeds.
    assert _clear_attack(field, coarse=True) < 0.01


def _partial_dates_attack(field: str, seed: int = 5) -> tuple[float, float]:
    """The attack on a file where 20% of the rows have the year of birth alone and 10% no
    date (more than the synthetic world's 4.6% and 5.7%), encoded the way partners
    encode (`encode_identities`): within the cohorts the rows show (band, registration
    date and the marks, which say which rows have no whole date), pooled.

    Returns the share re-identified of the rows without a whole date (a row whose name
    is not in the file cannot be) and of the whole file."""
    truths, years, public = _population(field, seed)
    born, records = _registrations(field, seed)
    draw = np.random.default_rng(seed + 2).random(len(born))
    identities: list[dict[str, Any]] = []
    for truth, year, birth, chance in zip(truths, years, born, draw, strict=True):
        identity: dict[str, Any] = {"given_names" if field == "given_name" else field: truth}
        if chance >= 0.3:
            identity["date_of_birth"] = birth
        elif chance >= 0.1:
            identity["birth_year"] = year
        identities.append(identity)
    encoded = encode_identities(Encoder(new_secret(), Hardening()), identities)
    marks = [e[MARKS][0] for e in encoded]
    # The oracle of which rows lack a whole date is the draw, not the encoder's marks.
    partial = [chance < 0.3 for chance in draw]
    assert [m in (YEAR_ONLY, YEAR_UNKNOWN) for m in marks] == partial
    rows = [i for i, e in enumerate(encoded) if field in e]
    assert set(rows) >= {i for i, without in enumerate(partial) if not without}
    encodings = [encoded[i][field] for i in rows]
    shown = [clear_record(records[i]) for i in rows]
    shares = []
    for pool in (False, True):
        cohorts = clear_cohorts(shown, [marks[i] for i in rows], encodings if pool else None)
        found = {}
        for without in (True, False):
            part = [n for n, i in enumerate(rows) if partial[i] == without]
            found[without] = (
                frequency_attack(
                    [encodings[n] for n in part],
                    [truths[rows[n]] for n in part],
                    public,
                    top=300,
                    cohorts=[cohorts[n] for n in part],
                ).reidentified_records
                if part
                else 0
            )
        shares.append((found[True] / sum(partial), (found[True] + found[False]) / len(truths)))
    return max(a for a, _ in shares), max(b for _, b in shares)


@pytest.mark.parametrize("field", ["given_name", "family_name"])
def test_rows_without_a_whole_date_do_not_give_their_names_away(field: str) -> None:
    # A year's salt (or none) is one cohort the marks show: salted so, such rows were
    # re-identified at 3.4-4% (year alone) and far more (no date, no salt). Their names
    # are left out, so the rows with a whole date are all the attack gets.
    partial_share, whole_share = _partial_dates_attack(field)
    assert partial_share < 0.01
    assert whole_share < 0.01
