"""The one estimation policy: lists, rounding, unknown strata, and R's numbers."""

from __future__ import annotations

import pandas as pd
import pytest

from zicht.estimate import (
    DEFAULT_POLICY,
    MERGED,
    CaptureTable,
    EstimationPolicy,
    estimate_linked,
    fit_estimate,
    round_to_interval,
)

COLUMNS = ["person_id", "organisation", "year", "forms", "minor", "gender", "dutch"]


def frame_of(histories: list[tuple[tuple[str, ...], int]], **fields: object) -> pd.DataFrame:
    """One registration per (person, organisation) for `count` persons of each history."""
    values = {"year": 2021, "forms": "labour", "minor": False, "gender": "male", "dutch": False}
    values |= fields
    rows, person = [], 0
    for organisations, count in histories:
        for _ in range(count):
            person += 1
            rows += [(person, o, *values.values()) for o in organisations]
    return pd.DataFrame(rows, columns=COLUMNS)


@pytest.mark.parametrize(
    ("value", "lower", "upper", "expected"),
    [
        (5234.7, 4100.2, 6600.9, (5200.0, 100)),
        (380.4, 281.0, 548.0, (380.0, 10)),
        (57.3, 52.0, 61.0, (57.0, 1)),
        (12346.0, 12000.0, 12700.0, (12350.0, 10)),
    ],
)
def test_rounding_follows_the_interval(
    value: float, lower: float, upper: float, expected: tuple[float, int]
) -> None:
    assert round_to_interval(value, lower, upper) == expected


def test_the_published_uk_interval_is_r_s_interval_rounded_outwards(uk: CaptureTable) -> None:
    # R (SparseMSE stepwisefit, p 0.02; estimatepopulation.0 normal 95%):
    # 11417.991 (9977.283 - 13145.657). Half-width 1584 -> two digits -> unit 100;
    # by hand: 11400, lower 9977 down to 9900, upper 13146 up to 13200.
    published = fit_estimate("UK 2013", uk, uk.n_observed, DEFAULT_POLICY)
    assert published.problem is None
    assert (published.estimate, published.lower, published.upper) == (11400.0, 9900.0, 13200.0)
    assert published.precision == 100
    assert published.lower <= 9977.283 and published.upper >= 13145.657


def test_lists_below_the_threshold_or_beyond_the_largest_are_merged() -> None:
    persons = {"a": 500, "b": 400, "c": 300, "d": 200, "e": 100, "f": 90, "g": 19, "h": 3}
    expected = {"a": "a", "b": "b", "c": "c", "d": "d", "e": "e"}
    expected |= {"f": MERGED, "g": MERGED, "h": MERGED}
    assert DEFAULT_POLICY.list_plan(persons) == expected
    few = {"police": 300, "ngo": 19, "kmar": 20}
    assert DEFAULT_POLICY.list_plan(few) == {"police": "police", "ngo": MERGED, "kmar": "kmar"}


def test_two_lists_main_effects_give_lincoln_petersen() -> None:
    # A 60, B 50, both 20: the independence model's N is 60 * 50 / 20 = 150 (by hand).
    frame = frame_of([(("A",), 40), (("B",), 30), (("A", "B"), 20)])
    [published] = estimate_linked(frame, DEFAULT_POLICY.replace(method="main"))
    assert published.persons == 90 and published.lists == ("A", "B")
    assert published.estimate is not None and published.lower is not None
    assert published.upper is not None
    assert abs(published.estimate - 150.0) <= published.precision / 2
    assert published.lower <= 150.0 <= published.upper


def test_a_small_organisation_is_merged_into_other_in_every_stratum() -> None:
    big = [(("A",), 40), (("B",), 30), (("A", "B"), 20)]
    frame = pd.concat(
        [
            frame_of(big),
            frame_of([(("A", "TINY"), 5)]).assign(person_id=lambda f: f.person_id + 1000),
        ]
    )
    [published] = estimate_linked(frame, DEFAULT_POLICY)
    assert published.lists == ("A", "B", MERGED)
    assert published.persons == 95


def test_unknown_minor_stays_unknown() -> None:
    histories = [(("A",), 30), (("B",), 25), (("A", "B"), 12)]
    frame = pd.concat(
        [
            frame_of(histories, minor=False),
            frame_of(histories, minor=None).assign(person_id=lambda f: f.person_id + 1000),
            frame_of(histories[:1], minor=True).assign(person_id=lambda f: f.person_id + 2000),
        ]
    )
    strata = {e.key: e for e in estimate_linked(frame, DEFAULT_POLICY, by=("minor",))}
    assert set(strata) == {(False,), (True,), (None,)}
    assert strata[(False,)].persons == 67  # the unknown 67 are not added to False
    assert strata[(None,)].persons == 67 and strata[(None,)].stratum == "unknown"
    assert strata[(True,)].problem == "not_estimable"  # one list only


def test_too_few_persons_give_a_reason_not_a_number() -> None:
    frame = frame_of([(("A",), 4), (("B",), 3), (("A", "B"), 2)])
    [published] = estimate_linked(frame, DEFAULT_POLICY)
    assert (published.persons, published.problem, published.estimate) == (9, "too_few", None)


def test_a_policy_refuses_unknown_choices() -> None:
    with pytest.raises(ValueError, match="method"):
        EstimationPolicy(method="guess")
    with pytest.raises(ValueError, match="interval"):
        EstimationPolicy(interval="wide")
    assert DEFAULT_POLICY.replace(level=None, interval="profile").interval == "profile"
