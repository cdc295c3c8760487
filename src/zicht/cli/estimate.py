"""``zicht estimate``: multiple systems estimation from a table or the linked persons."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from zicht.estimate import CaptureTable, EstimationPolicy

__all__ = ["register"]

# zicht.estimate.INTERVALS and METHODS, spelled out so that `zicht --help` need not
# import scipy.
CI_METHODS = ("normal", "profile", "bootstrap")
METHODS = ("main", "stepwise", "aic", "aic-exhaustive", "bic")
LINKAGE_MISSING = "linked persons are not available: run `zicht link` first"
NOT_LINKED = "not_linked"
"""The problem of a year whose registrations all came after the latest link run."""
_REASONS = {
    "too_few": "too few persons to estimate",
    "not_estimable": "not estimable: fewer than two lists, or no model fits (no overlap)",
    NOT_LINKED: "not in the latest link run: its registrations came later; run `zicht link`",
}


class _Usage(Exception):
    """A problem with the command line itself."""


def _fail(message: str) -> NoReturn:
    typer.echo(f"zicht estimate: error: {message}", err=True)
    raise typer.Exit(code=2)


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def estimate_table(
    table: CaptureTable,
    *,
    method: str,
    pthresh: float | None,
    ci: str,
    level: float,
    nboot: int,
    seed: int,
    closed_models: bool,
) -> dict[str, Any]:
    """Everything the command reports for one table, as plain JSON-ready data."""
    from zicht.estimate import DEFAULT_POLICY, closedp_t, interval_of, pair_name, select_model

    threshold = _threshold(method, pthresh)
    selection = select_model(table, method, threshold)
    fit = selection.fit
    policy = DEFAULT_POLICY.replace(
        method=method, pthresh=threshold, interval=ci, level=level, nboot=nboot, seed=seed
    )
    interval = interval_of(table, fit, policy)
    result: dict[str, Any] = {
        "lists": list(table.lists),
        "n_observed": table.n_observed,
        "method": method,
        "pthresh": threshold if method in ("stepwise", "aic") else None,
        "estimate": fit.estimate,
        "interval": {
            "method": interval.method,
            "level": interval.level,
            "estimate": interval.estimate,
            "lower": _finite(interval.lower),
            "upper": _finite(interval.upper),
        },
        "model": fit.label(),
        "terms": fit.terms,
        "coefficients": fit.coefficients,
        "dropped_pairs": [pair_name(table.lists, p) for p in fit.dropped_pairs],
        "deviance": fit.deviance,
        "df": fit.df,
        "aic": fit.aic,
        "bic": fit.bic,
        "selection_path": [
            {
                "term": s.term,
                "statistic": _finite(s.statistic),
                "aic": s.aic,
                "estimate": s.estimate,
            }
            for s in selection.path
        ],
        "models_fitted": selection.models_fitted,
        "models_unfittable": selection.models_unfittable,
    }
    if closed_models:
        result["closed_models"] = [
            {"model": r.name, "abundance": r.abundance, "stderr": r.stderr,
             "deviance": r.deviance, "df": r.df, "aic": r.aic}
            for r in closedp_t(table)
        ]  # fmt: skip
    return result


def _threshold(method: str, pthresh: float | None) -> float:
    from zicht.estimate import DEFAULT_POLICY

    if pthresh is not None:
        return pthresh
    return 0.05 if method == "aic" else DEFAULT_POLICY.pthresh


def _linked_estimates(
    by: list[str], policy: EstimationPolicy, database_url: str | None
) -> list[dict[str, Any]]:
    """The published estimates of the latest link run under `policy`, one per stratum."""
    from zicht.cli._common import current_settings
    from zicht.estimate import estimate_linked
    from zicht.linkage import linked_registrations_frame, unlinked_years

    url = database_url or current_settings().database_url
    frame = linked_registrations_frame(url)
    if frame.empty:
        raise _Usage(LINKAGE_MISSING)
    results = [
        {**e.as_json(), "stratum": _stratum_label(by, e.key)}
        for e in estimate_linked(frame, policy, by=by)
    ]
    return _with_unlinked_years(results, by, unlinked_years(url)) if "year" in by else results


def _with_unlinked_years(
    results: list[dict[str, Any]], by: list[str], unlinked: dict[int, int]
) -> list[dict[str, Any]]:
    """Every stratum of a year says how many of its registrations the link run lacks; a
    year with registrations but none linked gets a row of its own saying so (never left
    out silently: the estimate is of the linked persons only)."""
    years = {r["stratum"]["year"] for r in results}
    for r in results:
        r["unlinked_registrations"] = unlinked.get(r["stratum"]["year"], 0)
    missing: list[dict[str, Any]] = [
        {
            "stratum": {name: (year if name == "year" else None) for name in by},
            "persons": 0,
            "lists": [],
            "estimate": None,
            "lower": None,
            "upper": None,
            "model": None,
            "problem": NOT_LINKED,
            "unlinked_registrations": count,
        }
        for year, count in unlinked.items()
        if year not in years
    ]
    return sorted(results + missing, key=lambda r: r["stratum"]["year"])


def _render_linked(console: Console, results: list[dict[str, Any]]) -> None:
    first = results[0]
    table = Table(title=f"Multiple systems estimates ({first['level']:.0%} {first['interval']})")
    for column in ("stratum", "persons", "lists", "estimate", "interval", "model"):
        table.add_column(column)
    for r in results:
        label = ", ".join(f"{k}={v}" for k, v in r["stratum"].items() if v is not None) or "all"
        if r["problem"] is not None:
            reason = _REASONS.get(r["problem"], r["problem"])
            table.add_row(label, f"{r['persons']:,}", ", ".join(r["lists"]), "", "", reason)
            continue
        table.add_row(
            label, f"{r['persons']:,}", ", ".join(r["lists"]), f"{r['estimate']:,.0f}",
            f"{r['lower']:,.0f} – {r['upper']:,.0f}", r["model"],
        )  # fmt: skip
    console.print(table)
    late = {
        r["stratum"]["year"]: r["unlinked_registrations"]
        for r in results
        if r.get("unlinked_registrations")
    }
    for year, count in sorted(late.items()):
        console.print(
            f"year {year}: {count:,} registration(s) stored after the latest link run are not "
            "in these estimates; run `zicht link` to include them"
        )


def _render(console: Console, result: dict[str, Any], title: str) -> None:
    interval = result["interval"]
    upper = "∞" if interval["upper"] is None else f"{interval['upper']:,.1f}"
    summary = Table(title=title, show_header=False)
    summary.add_row("lists", ", ".join(result["lists"]))
    summary.add_row("observed", f"{result['n_observed']:,}")
    summary.add_row("model", result["model"])
    summary.add_row("estimate", f"{result['estimate']:,.1f}")
    summary.add_row(
        f"{interval['level']:.0%} interval ({interval['method']})",
        f"{interval['lower']:,.1f} – {upper}"
        + (f"  (profile N̂ {interval['estimate']:,.1f})" if interval["method"] == "profile" else ""),
    )
    summary.add_row("deviance / df", f"{result['deviance']:.3f} / {result['df']}")
    summary.add_row("AIC / BIC", f"{result['aic']:.3f} / {result['bic']:.3f}")
    if result["dropped_pairs"]:
        summary.add_row("dropped (no overlap)", ", ".join(result["dropped_pairs"]))
    console.print(summary)
    if result["selection_path"]:
        path = Table(title="selection path")
        for column in ("term", "statistic", "AIC", "estimate"):
            path.add_column(column)
        for s in result["selection_path"]:
            stat = "" if s["statistic"] is None else f"{s['statistic']:.3g}"
            path.add_row(s["term"], stat, f"{s['aic']:.3f}", f"{s['estimate']:,.1f}")
        console.print(path)
    if "closed_models" in result:
        closed = Table(title="Rcapture closedp.t")
        for column in ("model", "abundance", "stderr", "deviance", "df", "AIC"):
            closed.add_column(column)
        for r in result["closed_models"]:
            closed.add_row(
                r["model"], f"{r['abundance']:.1f}", f"{r['stderr']:.1f}",
                f"{r['deviance']:.3f}", str(r["df"]), f"{r['aic']:.3f}",
            )  # fmt: skip
        console.print(closed)


def _stratum_label(by: list[str], key: tuple[object, ...]) -> dict[str, Any]:
    return {name: (v.item() if hasattr(v, "item") else v) for name, v in zip(by, key, strict=True)}


def estimate(
    table: Annotated[
        Path | None, typer.Option("--table", help="capture-history CSV: 0/1 list columns + count")
    ] = None,
    linked: Annotated[bool, typer.Option("--linked", help="use the linked persons")] = False,
    by: Annotated[
        str, typer.Option("--by", help="strata for --linked: year,form,minor,gender,dutch")
    ] = "",
    merge_below: Annotated[
        int | None,
        typer.Option("--merge-below", help="merge lists with fewer persons (--linked; policy 20)"),
    ] = None,
    database_url: Annotated[
        str | None,
        typer.Option("--database-url", help="default: ZICHT_DATABASE_URL", show_default=False),
    ] = None,
    method: Annotated[str | None, typer.Option("--method", help="|".join(METHODS))] = None,
    pthresh: Annotated[
        float | None,
        typer.Option("--pthresh", help="threshold (stepwise 0.02, aic 0.05)"),
    ] = None,
    ci: Annotated[str | None, typer.Option("--ci", help="normal|profile|bootstrap")] = None,
    level: Annotated[float | None, typer.Option("--level", help="interval level")] = None,
    nboot: Annotated[int | None, typer.Option("--nboot", help="bootstrap replicates")] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="bootstrap seed")] = None,
    closed_models: Annotated[
        bool, typer.Option("--closed-models", help="add Rcapture's closedp.t table")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Estimate the total number of victims, seen and unseen (multiple systems estimation).

    Defaults are those of the estimation policy (docs/estimation.md); with --linked the
    output is what the report and the web app publish, unless an option changes it.
    """
    from zicht.estimate import DEFAULT_POLICY, EstimationError, read_capture_csv

    try:
        if (table is None) == (not linked):
            raise _Usage("give exactly one of --table FILE or --linked")
        if method is not None and method not in METHODS:
            raise _Usage(f"--method must be one of {', '.join(METHODS)}")
        if ci is not None and ci not in CI_METHODS:
            raise _Usage(f"--ci must be one of {', '.join(CI_METHODS)}")
        if level is not None and not 0.0 < level < 1.0:
            raise _Usage("--level must lie strictly between 0 and 1")
        if pthresh is not None and not 0.0 <= pthresh <= 1.0:
            raise _Usage("--pthresh must lie between 0 and 1")
        strata = [s.strip() for s in by.split(",") if s.strip()]
        if table is not None and (strata or merge_below is not None):
            raise _Usage("--by and --merge-below need --linked")
        if linked and closed_models:
            raise _Usage("--closed-models needs --table")
        chosen = method or DEFAULT_POLICY.method
        try:
            policy = DEFAULT_POLICY.replace(
                merge_below=merge_below, method=chosen, pthresh=_threshold(chosen, pthresh),
                interval=ci, level=level, nboot=nboot, seed=seed,
            )  # fmt: skip
        except ValueError as exc:  # a negative --merge-below or --nboot 0
            raise _Usage(str(exc)) from None
        if table is not None:
            result = estimate_table(
                read_capture_csv(table), method=policy.method, pthresh=pthresh,
                ci=policy.interval, level=policy.level, nboot=policy.nboot, seed=policy.seed,
                closed_models=closed_models,
            )  # fmt: skip
            if as_json:
                typer.echo(json.dumps(result, indent=2))
            else:
                _render(Console(), result, f"Multiple systems estimate: {table.name}")
            return
        results = _linked_estimates(strata, policy, database_url)
        if not results:
            raise EstimationError("no stratum has persons")
    except (_Usage, EstimationError) as exc:
        _fail(str(exc))
    if as_json:
        typer.echo(json.dumps(results, indent=2))
        return
    _render_linked(Console(), results)


def register(app: typer.Typer) -> None:
    """Add the ``estimate`` command to the ``zicht`` app."""
    app.command("estimate")(estimate)
