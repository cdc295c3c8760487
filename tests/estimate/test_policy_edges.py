"""Edges of the estimation policy, written after reading mutmut's survivors (issue 23).

Every limit of a policy choice on both sides, the list plan at its threshold and ties,
the method text in both languages, rounding at the powers of ten, the interval the
policy names and the stratum size at `min_persons`: expected values written by hand.
"""

from __future__ import annotations

import pandas as pd
import pytest

from zicht.estimate import (
    DEFAULT_POLICY,
    MERGED,
    CaptureTable,
    Estimate,
    EstimationPolicy,
    bootstrap_population,
    estimate_linked,
    fit_estimate,
    round_to_interval,
)
from zicht.estimate._intervals import normal_log_interval, profile_interval
from zicht.estimate._published import _label, _order, interval_of
from zicht.estimate._selection import select_model

# (choices, accepted, the message's start when refused), by hand from the docstring.
LIMITS: list[tuple[dict[str, object], bool, str]] = [
    ({"level": 0.0}, False, "level must lie strictly between 0 and 1"),
    ({"level": 1.0}, False, "level must lie strictly between 0 and 1"),
    ({"level": 0.5}, True, ""),
    ({"level": 0.999}, True, ""),
    ({"pthresh": -0.01}, False, "pthresh must lie between 0 and 1"),
    ({"pthresh": 1.01}, False, "pthresh must lie between 0 and 1"),
    ({"pthresh": 0.0}, True, ""),
    ({"pthresh": 1.0}, True, ""),
    ({"max_lists": 1}, False, "max_lists must be at least 2"),
    ({"max_lists": 2}, True, ""),
    ({"merge_below": -1}, False, "max_lists must be at least 2"),
    ({"merge_below": 0}, True, ""),
    ({"min_persons": 0}, False, "max_lists must be at least 2"),
    ({"min_persons": 1}, True, ""),
    ({"digits": 0}, False, "digits and nboot must be at least 1"),
    ({"digits": 1}, True, ""),
    ({"nboot": 0}, False, "digits and nboot must be at least 1"),
    ({"nboot": 1}, True, ""),
    ({"method": "guess"}, False, "method must be one of main, stepwise, aic"),
    ({"interval": "wide"}, False, "interval must be one of normal, profile, bootstrap"),
]


@pytest.mark.parametrize(("choices", "accepted", "message"), LIMITS)
def test_each_limit_of_a_policy(choices: dict[str, object], accepted: bool, message: str) -> None:
    if accepted:
        policy = EstimationPolicy(**choices)  # type: ignore[arg-type]
        assert all(getattr(policy, k) == v for k, v in choices.items())
    else:
        with pytest.raises(ValueError) as refused:
            EstimationPolicy(**choices)  # type: ignore[arg-type]
        assert str(refused.value).startswith(message)


def test_replace_ignores_none_and_keeps_the_rest() -> None:
    changed = DEFAULT_POLICY.replace(level=0.9, digits=None, interval="profile")
    assert (changed.level, changed.digits, changed.interval) == (0.9, 2, "profile")
    assert changed.merge_below == DEFAULT_POLICY.merge_below
    with pytest.raises(ValueError, match="level"):
        DEFAULT_POLICY.replace(level=1.5)


def test_the_list_plan_at_its_threshold_and_ties() -> None:
    policy = EstimationPolicy(merge_below=20, max_lists=2)
    # 20 is kept (not below); a tie in size is broken by the code; only two lists kept.
    persons = {"b": 20, "a": 20, "c": 19, "d": 50}
    assert policy.list_plan(persons) == {"a": "a", "b": MERGED, "c": MERGED, "d": "d"}
    assert EstimationPolicy(merge_below=0).list_plan({"x": 0}) == {"x": "x"}


def test_the_method_text_in_both_languages() -> None:
    policy = EstimationPolicy(pthresh=0.025, level=0.9, merge_below=15, max_lists=4)
    common = {"merge": 15, "max_lists": 4, "method": "stepwise", "interval": "normal"}
    common |= {"min_persons": 10, "digits": 2}
    assert policy.text_values("nl") == {**common, "pthresh": "0,025", "level": "90%"}
    assert policy.text_values("en") == {**common, "pthresh": "0.025", "level": "90%"}
    assert EstimationPolicy(level=0.975).text_values("nl")["level"] == "98%"


@pytest.mark.parametrize(
    ("value", "lower", "upper", "digits", "expected"),
    [
        (57.3, 50.0, 70.0, 2, (57.0, 1)),  # half-width 10: 10 ** (1 - 1) = 1
        (57.3, 50.0, 69.8, 2, (57.0, 1)),  # half-width 9.9: unit 1 (at least 1)
        (573.0, 500.0, 700.0, 2, (570.0, 10)),  # half-width 100 -> unit 10
        (573.0, 500.0, 700.0, 1, (600.0, 100)),
        (573.0, 500.0, 700.0, 3, (573.0, 1)),
        (12.6, 12.0, 12.0, 2, (13.0, 1)),  # no width: a whole number
        (12.4, 13.0, 12.0, 2, (12.0, 1)),  # upside down: a whole number
        (12.4, float("-inf"), 20.0, 2, (12.0, 1)),  # not finite: a whole number
    ],
)
def test_rounding_at_the_powers_of_ten(
    value: float, lower: float, upper: float, digits: int, expected: tuple[float, int]
) -> None:
    assert round_to_interval(value, lower, upper, digits) == expected


def test_the_interval_is_the_one_the_policy_names(uk: CaptureTable) -> None:
    fit = select_model(uk, "stepwise", 0.02).fit
    normal = interval_of(uk, fit, EstimationPolicy(level=0.9))
    assert normal == normal_log_interval(fit, 0.9)
    assert normal.level == 0.9
    profile = interval_of(uk, fit, EstimationPolicy(interval="profile", level=0.8))
    assert profile == profile_interval(fit, 0.8)
    policy = EstimationPolicy(interval="bootstrap", level=0.8, nboot=20, seed=5, pthresh=0.05)
    booted = interval_of(uk, fit, policy)
    direct = bootstrap_population(uk, alpha=(0.1, 0.9), nboot=20, seed=5, pthresh=0.05)
    assert (booted.method, booted.level) == ("bootstrap", 0.8)
    assert (booted.estimate, booted.lower, booted.upper) == (
        direct.estimate,
        direct.limits[0.1],
        direct.limits[0.9],
    )


def test_a_stratum_of_exactly_min_persons_is_estimated(uk: CaptureTable) -> None:
    policy = EstimationPolicy(min_persons=uk.n_observed)
    at = fit_estimate("UK", uk, uk.n_observed, policy, key=("UK",))
    assert at.problem is None and at.key == ("UK",) and at.lists == uk.lists
    assert (at.level, at.interval, at.model) == (0.95, "normal", at.model)
    below = fit_estimate("UK", uk, uk.n_observed - 1, policy)
    assert (below.problem, below.estimate, below.lists) == ("too_few", None, ())
    missing = fit_estimate("UK", None, uk.n_observed, policy)
    assert (missing.problem, missing.estimate) == ("not_estimable", None)


def test_an_estimate_as_json_is_its_fields_without_the_key() -> None:
    estimate = Estimate("2021, unknown", 12, key=(2021, None), lists=("A", "B"))
    assert estimate.as_json() == {
        "stratum": "2021, unknown",
        "persons": 12,
        "lists": ["A", "B"],
        "estimate": None,
        "lower": None,
        "upper": None,
        "precision": 1,
        "level": 0.95,
        "interval": "normal",
        "model": None,
        "aic": None,
        "problem": None,
    }


def test_a_stratum_without_a_number_still_names_the_policy_s_interval() -> None:
    policy = EstimationPolicy(level=0.9, interval="profile", min_persons=5)
    few = fit_estimate("few", None, 4, policy)
    assert (few.problem, few.level, few.interval) == ("too_few", 0.9, "profile")
    missing = fit_estimate("none", None, 5, policy)
    assert (missing.problem, missing.level, missing.interval) == ("not_estimable", 0.9, "profile")


def _histories(year: int, minor: object, nationality: str, offset: int) -> pd.DataFrame:
    """A: 40 persons, B: 30, both: 20 (Lincoln-Petersen N = 60 * 50 / 20 = 150)."""
    rows, person = [], offset
    for organisations, count in ((("A",), 40), (("B",), 30), (("A", "B"), 20)):
        for _ in range(count):
            person += 1
            rows += [(person, o, year, "labour", minor, "male", nationality) for o in organisations]
    columns = ["person_id", "organisation", "year", "forms", "minor", "gender", "nationality"]
    return pd.DataFrame(rows, columns=columns)


def test_strata_are_labelled_and_ordered_with_unknown_last() -> None:
    frame = pd.concat(
        [
            _histories(2022, None, "NL", 0),
            _histories(2021, True, "RO", 1000),
            _histories(2022, False, "NL", 2000),
            _histories(2021, None, "RO", 3000),
        ]
    )
    main = DEFAULT_POLICY.replace(method="main")
    published = estimate_linked(frame, main, by=("year", "minor"))
    assert [(e.key, e.stratum, e.persons) for e in published] == [
        ((2021, True), "2021, True", 90),
        ((2021, None), "2021, unknown", 90),
        ((2022, False), "2022, False", 90),
        ((2022, None), "2022, unknown", 90),
    ]
    for estimate in published:
        assert estimate.estimate is not None
        assert abs(estimate.estimate - 150.0) <= estimate.precision / 2


def test_dutch_is_read_from_the_nationality_when_not_given() -> None:
    dutch = _histories(2021, False, "NL", 0)
    frame = pd.concat([dutch[dutch["person_id"] % 3 != 0], _histories(2021, False, "RO", 1000)])
    by_dutch = {e.key: e.persons for e in estimate_linked(frame, DEFAULT_POLICY, by=("dutch",))}
    assert by_dutch == {(False,): 90, (True,): 60}  # 60 of the 90 Dutch kept
    given = frame.assign(dutch=True)  # a given dutch column is used as it is
    assert [e.key for e in estimate_linked(given, DEFAULT_POLICY, by=("dutch",))] == [(True,)]


def test_one_year_of_a_run_keeps_only_that_year() -> None:
    frame = pd.concat([_histories(2021, False, "NL", 0), _histories(2022, False, "NL", 1000)])
    frame = frame[(frame["year"] == 2021) | (frame["person_id"] % 2 == 0)]
    main = DEFAULT_POLICY.replace(method="main")
    [only] = estimate_linked(frame, main, year=2022)
    assert (only.key, only.persons) == ((), 45)
    [whole] = estimate_linked(frame, main)
    assert whole.persons == 135


def test_the_stratum_order_by_hand() -> None:
    keys = [(None,), (2022,), (2021,)]
    assert sorted(keys, key=_order) == [(2021,), (2022,), (None,)]
    # values of different types: by type name first (int before str), never compared
    assert sorted([("b",), (None,), (1,), ("a",)], key=_order) == [(1,), ("a",), ("b",), (None,)]
    assert sorted([(None, 2), (None, 1), (0, 5)], key=_order) == [(0, 5), (None, 1), (None, 2)]
    assert _label((2021, None, "labour")) == "2021, unknown, labour"
    assert _label(()) == ""


def test_the_policy_s_model_choice_reaches_the_published_numbers(uk: CaptureTable) -> None:
    # R (SparseMSE stepwisefit p 0.02): the Home Office model, AIC 162.659 -> 162.66.
    chosen = fit_estimate("UK", uk, uk.n_observed, DEFAULT_POLICY)
    assert chosen.model == "main + PF:NCA + LA:NG + NG:GP + LA:PF + PF:GP + GO:GP + NG:GO"
    assert chosen.aic == 162.66
    # pthresh 0: no interaction enters, so the main-effects model of R (glm, Poisson):
    # 12213.995 (10988.800 - 13621.257), AIC 305.020; half-width 1316 -> unit 100.
    strict = fit_estimate("UK", uk, uk.n_observed, EstimationPolicy(pthresh=0.0))
    assert (strict.model, strict.aic) == ("main", 305.02)
    assert (strict.estimate, strict.lower, strict.upper) == (12200.0, 10900.0, 13700.0)
    # one digit: unit 1000, so 12000 (10000 - 14000) by hand.
    coarse = fit_estimate("UK", uk, uk.n_observed, EstimationPolicy(method="main", digits=1))
    assert (coarse.estimate, coarse.lower, coarse.upper, coarse.precision) == (
        12000.0,
        10000.0,
        14000.0,
        1000,
    )


def test_a_model_that_cannot_be_fitted_gives_not_estimable_with_its_lists() -> None:
    # two lists that share nobody: the MLE does not exist (Fienberg & Rinaldo 2012).
    table = CaptureTable.from_rows("AB", [(1, 0), (0, 1), (1, 1)], [10, 10, 0])
    policy = EstimationPolicy(method="main", level=0.9)
    published = fit_estimate("x", table, 20, policy, key=("x",))
    assert (published.problem, published.lists, published.key) == (
        "not_estimable",
        ("A", "B"),
        ("x",),
    )
    assert (published.estimate, published.lower, published.upper, published.model) == (
        None,
        None,
        None,
        None,
    )
    assert (published.level, published.interval, published.persons) == (0.9, "normal", 20)


def test_a_bootstrap_policy_publishes_the_bootstrap_limits_rounded_outwards(
    uk: CaptureTable,
) -> None:
    policy = EstimationPolicy(interval="bootstrap", level=0.8, nboot=20, seed=5, pthresh=0.05)
    published = fit_estimate("UK", uk, uk.n_observed, policy)
    direct = bootstrap_population(uk, alpha=(0.1, 0.9), nboot=20, seed=5, pthresh=0.05)
    lower, upper, unit = direct.limits[0.1], direct.limits[0.9], published.precision
    assert published.problem is None and published.interval == "bootstrap"
    assert published.lower is not None and published.upper is not None
    assert published.lower <= lower < published.lower + unit
    assert published.upper - unit < upper <= published.upper


def test_an_unbounded_interval_gives_not_estimable() -> None:
    # A 31, B 31, both 1: Lincoln-Petersen N = 31 * 31 / 1 = 961 (by hand), but the
    # profile likelihood never falls far enough above it: no upper limit, no number.
    table = CaptureTable.from_rows("AB", [(1, 0), (0, 1), (1, 1)], [30, 30, 1])
    fit = select_model(table, "main", 0.02).fit
    assert abs(fit.estimate - 961.0) < 1e-6
    assert profile_interval(fit).upper == float("inf")
    policy = EstimationPolicy(method="main", interval="profile", level=0.9)
    published = fit_estimate("x", table, 61, policy, key=("x",))
    assert (published.problem, published.lists, published.key) == (
        "not_estimable",
        ("A", "B"),
        ("x",),
    )
    assert (published.estimate, published.lower, published.upper) == (None, None, None)
    assert (published.level, published.interval, published.model) == (0.9, "profile", None)


def test_the_bootstrap_refits_with_the_policy_s_method(uk: CaptureTable) -> None:
    policy = EstimationPolicy(method="main", interval="bootstrap", level=0.8, nboot=20, seed=5)
    fit = select_model(uk, "main", 0.02).fit
    booted = interval_of(uk, fit, policy)
    direct = bootstrap_population(uk, alpha=(0.1, 0.9), nboot=20, seed=5, method="main")
    stepwise = bootstrap_population(uk, alpha=(0.1, 0.9), nboot=20, seed=5)
    assert (booted.lower, booted.upper) == (direct.limits[0.1], direct.limits[0.9])
    assert (booted.lower, booted.upper) != (stepwise.limits[0.1], stepwise.limits[0.9])
