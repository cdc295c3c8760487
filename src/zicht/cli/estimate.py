"""``zicht estimate``: multiple systems estimation from a table or the linked persons."""

from __future__ import annotations

import importlib
import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from zicht.estimate import CaptureTable, Interval

__all__ = ["register"]

CI_METHODS = ("normal", "profile", "bootstrap")
# zicht.estimate.METHODS, spelled out so that `zicht --help` need not import scipy.
METHODS = ("main", "stepwise", "aic", "aic-exhaustive", "bic")
LINKAGE_MISSING = "linked persons are not available: run `zicht link` first"


class _Usage(Exception):
    """A problem with the command line itself."""


def _fail(message: str) -> NoReturn:
    typer.echo(f"zicht estimate: error: {message}", err=True)
    raise typer.Exit(code=2)


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _interval(table: CaptureTable, fit: Any, ci: str, level: float, **boot: Any) -> Interval:
    from zicht.estimate import Interval, bootstrap_population, normal_log_interval, profile_interval

    if ci == "normal":
        return normal_log_interval(fit, level)
    if ci == "profile":
        return profile_interval(fit, level)
    lo, hi = (1.0 - level) / 2.0, (1.0 + level) / 2.0
    result = bootstrap_population(table, alpha=(lo, hi), **boot)
    return Interval("bootstrap", result.estimate, result.limits[lo], result.limits[hi], level)


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
    from zicht.estimate import closedp_t, select_model
    from zicht.estimate.design import pair_name

    threshold = pthresh if pthresh is not None else (0.05 if method == "aic" else 0.02)
    selection = select_model(table, method, threshold)
    fit = selection.fit
    boot = {"nboot": nboot, "seed": seed, "method": method, "pthresh": threshold}
    interval = _interval(table, fit, ci, level, **boot)
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


def _linked_tables(
    by: list[str], merge_below: int, database_url: str | None
) -> dict[tuple[object, ...], CaptureTable]:
    from zicht.estimate import capture_histories_from_registrations

    try:
        linkage = importlib.import_module("zicht.linkage")
        load: Callable[..., Any] = linkage.linked_registrations_frame
    except (ImportError, AttributeError):
        _fail(LINKAGE_MISSING)
    from zicht.cli._common import current_settings

    frame = load(database_url or current_settings().database_url)
    return capture_histories_from_registrations(frame, by=by, merge_below=merge_below)


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
        int, typer.Option("--merge-below", help="merge lists with fewer persons (--linked)")
    ] = 0,
    database_url: Annotated[
        str | None,
        typer.Option("--database-url", help="default: ZICHT_DATABASE_URL", show_default=False),
    ] = None,
    method: Annotated[str, typer.Option("--method", help="|".join(METHODS))] = "stepwise",
    pthresh: Annotated[
        float | None,
        typer.Option("--pthresh", help="threshold (stepwise 0.02, aic 0.05)"),
    ] = None,
    ci: Annotated[str, typer.Option("--ci", help="normal|profile|bootstrap")] = "normal",
    level: Annotated[float, typer.Option("--level", help="interval level")] = 0.95,
    nboot: Annotated[int, typer.Option("--nboot", help="bootstrap replicates")] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="bootstrap seed")] = 1234,
    closed_models: Annotated[
        bool, typer.Option("--closed-models", help="add Rcapture's closedp.t table")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Estimate the total number of victims, seen and unseen (multiple systems estimation)."""
    from zicht.estimate import EstimationError, read_capture_csv

    try:
        if (table is None) == (not linked):
            raise _Usage("give exactly one of --table FILE or --linked")
        if method not in METHODS:
            raise _Usage(f"--method must be one of {', '.join(METHODS)}")
        if ci not in CI_METHODS:
            raise _Usage(f"--ci must be one of {', '.join(CI_METHODS)}")
        if not 0.0 < level < 1.0:
            raise _Usage("--level must lie strictly between 0 and 1")
        if pthresh is not None and not 0.0 <= pthresh <= 1.0:
            raise _Usage("--pthresh must lie between 0 and 1")
        strata = [s.strip() for s in by.split(",") if s.strip()]
        if strata and not linked:
            raise _Usage("--by needs --linked")
        options: dict[str, Any] = {
            "method": method, "pthresh": pthresh, "ci": ci, "level": level,
            "nboot": nboot, "seed": seed, "closed_models": closed_models,
        }  # fmt: skip
        if table is not None:
            result = estimate_table(read_capture_csv(table), **options)
            if as_json:
                typer.echo(json.dumps(result, indent=2))
            else:
                _render(Console(), result, f"Multiple systems estimate: {table.name}")
            return
        tables = _linked_tables(strata, merge_below, database_url)
        if not tables:
            raise EstimationError("no stratum has cases on two or more lists")
        results: list[dict[str, Any]] = []
        for key, stratum_table in tables.items():
            entry: dict[str, Any] = {"stratum": _stratum_label(strata, key)}
            try:
                entry.update(estimate_table(stratum_table, **options))
            except EstimationError as exc:
                entry["error"] = str(exc)
            except (OverflowError, FloatingPointError):
                # a nearly empty stratum: the dark figure's standard error explodes
                entry["error"] = "the estimate is numerically unstable (too few cases)"
            results.append(entry)
    except (_Usage, EstimationError) as exc:
        _fail(str(exc))
    if as_json:
        typer.echo(json.dumps(results, indent=2))
        return
    console = Console()
    for entry in results:
        label = ", ".join(f"{k}={v}" for k, v in entry["stratum"].items()) or "all"
        if "error" in entry:
            console.print(f"[bold]{label}[/bold]: cannot estimate: {entry['error']}")
        else:
            _render(console, entry, f"Multiple systems estimate: {label}")


def register(app: typer.Typer) -> None:
    """Add the ``estimate`` command to the ``zicht`` app."""
    app.command("estimate")(estimate)
