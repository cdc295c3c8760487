"""The open-data exports as services: read, protect, write atomically, audit.

The command line (``zicht opendata``) and the demo call these; each export is one
entry of the audit trail (who, what, the period and the protection figures).
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from zicht.access import Actor, AuditEvent, log_action
from zicht.i18n import N_
from zicht.opendata._codebook import codebook
from zicht.opendata._ctdc import ctdc_frame
from zicht.opendata._domain import coarsen, synthetic_domain
from zicht.opendata._errors import OpenDataError
from zicht.opendata._files import write_files
from zicht.opendata._hierarchy import dimensions
from zicht.opendata._kanon import anonymise
from zicht.opendata._persons import LinkedPerson, linked_persons
from zicht.opendata._release import obtain_release
from zicht.opendata._synthetic import METHOD, synthesise
from zicht.opendata._tables import EUROSTAT_COLUMNS, GRETA_COLUMNS, international_tables
from zicht.opendata._utility import utility
from zicht.privacy import PublicationPolicy, neutralise
from zicht.store.opendata import linked_victim_fields
from zicht.store.opendata_releases import ReleaseKey, spent_by_year

__all__ = [
    "ExportResult",
    "OpenDataError",
    "export_ctdc",
    "export_open_data",
    "export_synthetic",
    "export_tables",
    "load_persons",
]


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote and the figures of its protection."""

    kind: str
    first_year: int
    last_year: int
    records: int
    files: list[Path]
    details: dict[str, object] = field(default_factory=dict)


def _check_period(first_year: int, last_year: int, allow_ranges: bool = True) -> None:
    if first_year > last_year:
        raise OpenDataError(
            N_("the first year %(first)s is after the last %(last)s"),
            first=first_year,
            last=last_year,
        )
    if not allow_ranges and first_year != last_year:
        # Overlapping periods can be subtracted from each other (2018-2021 minus
        # 2019-2021 is 2018 again, with its small cells): the web gives single years.
        raise OpenDataError(N_("an export here covers one registration year, not a period"))


def load_persons(
    engine: Engine,
    first_year: int,
    last_year: int,
    run_id: int | None = None,
    *,
    allow_ranges: bool = True,
) -> tuple[int, list[LinkedPerson]]:
    """The link run's id and its persons registered in the period (one record each).

    With `allow_ranges` False (the web), the period must be one year.
    """
    _check_period(first_year, last_year, allow_ranges)
    run, registrations = linked_victim_fields(engine, first_year, last_year, run_id)
    if run is None:
        raise OpenDataError(N_("no finished link run: run `zicht link` first"))
    persons = linked_persons(registrations)
    if not persons:
        raise OpenDataError(
            N_("no linked person was registered in %(first)s-%(last)s"),
            first=first_year,
            last=last_year,
        )
    return run, persons


def _event(actor: Actor, kind: str, run: int, details: dict[str, object]) -> AuditEvent:
    return AuditEvent(
        actor=actor.name,
        actor_kind=actor.kind,
        actor_organisation=actor.organisation,
        action="export_open_data",
        object_type=f"opendata:{kind}",
        object_ids=[run],
        client=actor.client,
        details=details,
    )


def _audit(engine: Engine, actor: Actor, kind: str, result: ExportResult, run: int) -> None:
    details = {
        "first_year": result.first_year,
        "last_year": result.last_year,
        "records": result.records,
        "files": [p.name for p in result.files],
        **result.details,
    }
    log_action(engine, _event(actor, kind, run, details))


def _csv(frame: pd.DataFrame) -> str:
    """CSV text, CRLF rows, no text cell able to start a spreadsheet formula."""
    cells = frame.map(lambda value: neutralise(value) if isinstance(value, str) else value)
    return str(cells.to_csv(index=False, lineterminator="\r\n"))


def _json(data: object) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def export_ctdc(
    engine: Engine,
    *,
    first_year: int,
    last_year: int,
    out: Path,
    k: int,
    actor: Actor,
    run_id: int | None = None,
    allow_ranges: bool = True,
) -> ExportResult:
    """The k-anonymous CTDC file of the period, its codebook and disclosure-risk report."""
    run, persons = load_persons(engine, first_year, last_year, run_id, allow_ranges=allow_ranges)
    published, risk = anonymise(ctdc_frame(persons), dimensions(first_year, last_year), k)
    # Rows in order of their values: the order of person ids says nothing to anyone.
    published = published.sort_values(list(published.columns), kind="stable")
    book = pd.DataFrame(
        [(e.variable, e.code, e.label) for e in codebook(first_year, last_year)],
        columns=["variable", "code", "label"],
    )
    files = write_files(
        out,
        {
            "ctdc.csv": _csv(published),
            "ctdc_codebook.csv": _csv(book),
            "ctdc_disclosure_risk.json": _json(risk.as_json()),
        },
    )
    summary = risk.as_json()
    summary.pop("classes")
    result = ExportResult("ctdc", first_year, last_year, len(published), files, summary)
    _audit(engine, actor, "ctdc", result, run)
    return result


def export_synthetic(
    engine: Engine,
    *,
    first_year: int,
    last_year: int,
    out: Path,
    epsilon: float,
    budget: float,
    rare_below: int,
    actor: Actor,
    run_id: int | None = None,
    new_release: bool = False,
    allow_ranges: bool = True,
    with_utility: bool = True,
    rng: np.random.Generator | None = None,
) -> ExportResult:
    """Epsilon-DP synthetic microdata of the period (the stored release, or a new one).

    The first request for a (link run, period, epsilon) makes the release, spends
    epsilon of each of its years' `budget` and stores it; later requests get the same
    files back and spend nothing. `new_release` makes a fresh one all the same (and
    spends again). With `with_utility` the steward's utility report, computed from the
    true data and so not differentially private, is written beside it
    (``synthetic_utility.json``); it is never stored with the release.
    """
    if not 0 < epsilon <= 10:
        raise OpenDataError(N_("epsilon must be above 0 and at most 10"))
    run, persons = load_persons(engine, first_year, last_year, run_id, allow_ranges=allow_ranges)
    true = coarsen(ctdc_frame(persons))
    domain = synthetic_domain(first_year, last_year)
    key = ReleaseKey("synthetic", run, first_year, last_year, round(epsilon, 6), 0.0)

    def make() -> dict[str, str]:
        release = synthesise(true, domain, key.epsilon, rng)
        if release.epsilon > key.epsilon + 1e-9 or release.delta > key.delta:
            # OpenDP rounds its privacy maps up; the ledger records what was promised.
            raise OpenDataError(N_("the release would spend more than its epsilon"))
        meta = {
            "epsilon": round(release.epsilon, 6),
            "delta": release.delta,
            "method": METHOD,
            "budget": {name: round(value, 6) for name, value in release.spent.items()},
            # the forest's edges, then each variable on no edge (measured alone)
            "model": [list(clique) for clique in release.edges]
            + [[c] for c in domain if not any(c in edge for edge in release.edges)],
            "domain": {column: list(values) for column, values in domain.items()},
        }
        return {"synthetic.csv": _csv(release.frame), "synthetic_report.json": _json(meta)}

    def audit(release_id: int, made_now: bool) -> AuditEvent:
        return _event(
            actor,
            "synthetic",
            run,
            {
                "first_year": first_year,
                "last_year": last_year,
                "release": release_id,
                "made_now": made_now,
                "epsilon": key.epsilon,
                "delta": key.delta,
                "epsilon_spent": key.epsilon if made_now else 0.0,
            },
        )

    stored = obtain_release(
        engine, key, budget=budget, make=make, audit=audit, actor=actor, new_release=new_release
    )
    contents = dict(stored.files)
    frame = pd.read_csv(io.StringIO(contents["synthetic.csv"]), dtype=str, keep_default_na=False)
    details: dict[str, object] = {
        "epsilon": key.epsilon,
        "delta": key.delta,
        "release": stored.id,
        "made_now": stored.made_now,
        "spent": {
            str(year): round(spent, 6) for year, spent in spent_by_year(engine, key.years).items()
        },
        "budget": budget,
    }
    if with_utility:
        # The utility report compares with the true data: it stays inside, beside the
        # file, for the data steward.
        report = utility(true, frame, rare_below)
        contents["synthetic_utility.json"] = _json(report.as_json())
        details["mean_two_way_tvd"] = round(report.mean_two_way, 4)
    files = write_files(out, contents)
    return ExportResult("synthetic", first_year, last_year, len(frame), files, details)


def export_tables(
    engine: Engine,
    *,
    first_year: int,
    last_year: int,
    out: Path,
    policy: PublicationPolicy,
    actor: Actor,
    run_id: int | None = None,
    allow_ranges: bool = True,
) -> ExportResult:
    """Eurostat's and GRETA's tables of each year of the period, through the policy."""
    run, _ = load_persons(engine, first_year, last_year, run_id, allow_ranges=allow_ranges)
    by_year: dict[int, Sequence[LinkedPerson]] = {}
    for year in range(first_year, last_year + 1):
        _, registrations = linked_victim_fields(engine, year, year, run)
        by_year[year] = linked_persons(registrations)
    tables = international_tables(by_year, policy)
    eurostat = pd.DataFrame(tables.eurostat_rows(), columns=list(EUROSTAT_COLUMNS))
    greta = pd.DataFrame(tables.greta_rows(), columns=list(GRETA_COLUMNS))
    protection = tables.published.protection
    details: dict[str, object] = {
        "k": policy.k,
        "cells": len(tables.values),
        "suppressed_primary": len(protection.primary),
        "suppressed_secondary": len(protection.secondary),
    }
    files = write_files(
        out,
        {
            "eurostat_thb.csv": _csv(eurostat),
            "greta.csv": _csv(greta),
            "tables_protection.json": _json(details),
        },
    )
    result = ExportResult("tables", first_year, last_year, len(eurostat), files, details)
    _audit(engine, actor, "tables", result, run)
    return result


def export_open_data(
    engine: Engine,
    *,
    first_year: int,
    last_year: int,
    out: Path,
    k: int,
    epsilon: float,
    budget: float,
    policy: PublicationPolicy,
    actor: Actor,
) -> list[ExportResult]:
    """All three exports (the demo's step): CTDC and synthetic data of the period in
    ``out/ctdc`` and ``out/synthetic``, the tables of the last year in ``out/tables``."""
    return [
        export_ctdc(
            engine, first_year=first_year, last_year=last_year, out=out / "ctdc", k=k, actor=actor
        ),
        export_synthetic(
            engine,
            first_year=first_year,
            last_year=last_year,
            out=out / "synthetic",
            epsilon=epsilon,
            budget=budget,
            rare_below=k,
            actor=actor,
        ),
        export_tables(
            engine,
            first_year=last_year,
            last_year=last_year,
            out=out / "tables",
            policy=policy,
            actor=actor,
        ),
    ]
