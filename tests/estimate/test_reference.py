"""The published numbers of README (SparseMSE / Rcapture in R 4.2.2) on the UK table."""

from __future__ import annotations

import pytest

from zicht.estimate import (
    CaptureTable,
    closedp_t,
    fit_loglinear,
    normal_log_interval,
    profile_interval,
    stepwise_aic,
    stepwise_pvalue,
)

HOME_OFFICE = ["PF:NCA", "LA:NG", "NG:GP", "LA:PF", "PF:GP", "GO:GP", "NG:GO"]
COEFFICIENTS = {
    "(Intercept)": 9.0680843,
    "LA": -5.1058849,
    "NG": -2.9159704,
    "PF": -2.2514638,
    "GO": -2.5326094,
    "GP": -3.3208505,
    "NCA": -5.0302419,
    "PF:NCA": 1.6129837,
    "LA:NG": 1.5336053,
    "NG:GP": -2.9108665,
    "LA:PF": 0.9995047,
    "PF:GP": -1.2690063,
    "GO:GP": -1.1797032,
    "NG:GO": -0.5425199,
}
CLOSEDP = {
    "M0": (13597.5, 766.6),
    "Mt": (12214.0, 676.5),
    "Mh Chao": (13677.1, 777.9),
    "Mh Poisson2": (13750.6, 1841.0),
    "Mh Darroch": (13356.5, 3385.2),
    "Mh Gamma3.5": (12979.1, 4831.1),
    "Mth Chao": (12298.5, 686.6),
    "Mth Poisson2": (13168.8, 1710.6),
    "Mth Darroch": (13696.8, 3503.3),
    "Mth Gamma3.5": (14206.0, 5434.1),
}


def _pairs(table: CaptureTable, names: list[str]) -> list[tuple[int, int]]:
    index = {name: k for k, name in enumerate(table.lists)}
    return [(index[a], index[b]) for a, b in (n.split(":") for n in names)]


def test_main_effects(uk: CaptureTable) -> None:
    fit = fit_loglinear(uk)
    ci = normal_log_interval(fit)
    assert (ci.estimate, ci.lower, ci.upper) == pytest.approx(
        (12213.995, 10988.800, 13621.257), abs=1e-3
    )
    assert fit.deviance == pytest.approx(179.355, abs=1e-3)
    assert fit.df == 56
    assert fit.aic == pytest.approx(305.020, abs=1e-3)


def test_home_office_model(uk: CaptureTable) -> None:
    fit = fit_loglinear(uk, _pairs(uk, HOME_OFFICE))
    ci = normal_log_interval(fit)
    assert (ci.estimate, ci.lower, ci.upper) == pytest.approx(
        (11417.991, 9977.283, 13145.657), abs=1e-3
    )
    assert fit.deviance == pytest.approx(22.994, abs=1e-3)
    assert fit.df == 49
    assert fit.aic == pytest.approx(162.659, abs=1e-3)
    for term, value in COEFFICIENTS.items():
        assert fit.coefficients[term] == pytest.approx(value, abs=1e-6), term


@pytest.mark.parametrize("pthresh", [0.02, 0.05])
def test_stepwise_chooses_the_published_model_in_order(uk: CaptureTable, pthresh: float) -> None:
    selection = stepwise_pvalue(uk, pthresh)
    assert [step.term for step in selection.path] == HOME_OFFICE
    assert selection.fit.estimate == pytest.approx(11417.991, abs=1e-3)


def test_warm_started_stepwise_takes_the_same_path(uk: CaptureTable) -> None:
    exact = stepwise_pvalue(uk)
    fast = stepwise_pvalue(uk, warm_start=True)
    assert [s.term for s in fast.path] == [s.term for s in exact.path]
    assert fast.fit.estimate == pytest.approx(exact.fit.estimate, rel=1e-7)


def test_aic_stepwise_reaches_the_home_office_model(uk: CaptureTable) -> None:
    selection = stepwise_aic(uk, 0.05)
    assert sorted(s.term for s in selection.path) == sorted(HOME_OFFICE)


def test_profile_interval_home_office(uk: CaptureTable) -> None:
    ci = profile_interval(fit_loglinear(uk, _pairs(uk, HOME_OFFICE)))
    assert (ci.estimate, ci.lower, ci.upper) == pytest.approx((11408.9, 9982.3, 13181.7), abs=0.06)


def test_profile_interval_main_effects(uk: CaptureTable) -> None:
    ci = profile_interval(fit_loglinear(uk))
    assert (ci.estimate, ci.lower, ci.upper) == pytest.approx(
        (12208.57, 10983.85, 13648.21), abs=0.006
    )


def test_rcapture_closedp_table(uk: CaptureTable) -> None:
    rows = {r.name: r for r in closedp_t(uk)}
    assert list(rows) == list(CLOSEDP)
    for name, (abundance, stderr) in CLOSEDP.items():
        assert rows[name].abundance == pytest.approx(abundance, abs=0.05), name
        assert rows[name].stderr == pytest.approx(stderr, abs=0.05), name
        assert rows[name].converged
