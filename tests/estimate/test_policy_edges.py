"""Edges of the estimation policy, written after reading mutmut's survivors (issue 23).

Every limit of a policy choice on both sides, the list plan at its threshold and ties,
the method text in both languages, rounding at the powers of ten, the interval the
policy names and the stratum size at `min_persons`: expected values written by hand.
"""

from __future__ import annotations

import pytest

from zicht.estimate import (
    DEFAULT_POLICY,
    MERGED,
    CaptureTable,
    EstimationPolicy,
    bootstrap_population,
    fit_estimate,
    round_to_interval,
)
from zicht.estimate._intervals import normal_log_interval, profile_interval
from zicht.estimate._published import interval_of
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
