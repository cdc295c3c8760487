"""The open-data exports as services: read, protect, write atomically, audit.

The command line (``zicht opendata``) and the demo call these; each export is one
entry of the audit trail (who, what, the period and the protection figures).
"""

from __future__ import annotations

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
from zicht.opendata._files import write_files
from zicht.opendata._hierarchy import dimensions
from zicht.opendata._kanon import anonymise
from zicht.opendata._persons import LinkedPerson, linked_persons
from zicht.opendata._synthetic import synthesise
from zicht.opendata._tables import EUROSTAT_COLUMNS, GRETA_COLUMNS, international_tables
from zicht.opendata._utility import utility
from zicht.privacy import PublicationPolicy, neutralise
from zicht.store.opendata import linked_victim_fields

__all__ = [
    "ExportResult",
    "OpenDataError",
    "export_ctdc",
    "export_open_data",
    "export_synthetic",
    "export_tables",
    "load_persons",
]


class OpenDataError(ValueError):
    """An export that cannot be made; `message` is a catalogue message, `values` its fields."""

    def __init__(self, message: str, **values: object) -> None:
        super().__init__(message % values)
        self.message = message
        self.values = values


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote and the figures of its protection."""

    kind: str
    first_year: int
    last_year: int
    records: int
    files: list[Path]
    details: dict[str, object] = field(default_factory=dict)


def _check_period(first_year: int, last_year: int) -> None:
    if first_year > last_year:
        raise OpenDataError(
            N_("the first year %(first)s is after the last %(last)s"),
            first=first_year,
            last=last_year,
        )


def load_persons(
    engine: Engine, first_year: int, last_year: int, run_id: int | None = None
) -> tuple[int, list[LinkedPerson]]:
    """The link run's id and its persons registered in the period (one record each)."""
    _check_period(first_year, last_year)
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


def _audit(engine: Engine, actor: Actor, kind: str, result: ExportResult, run: int) -> None:
    log_action(
        engine,
        AuditEvent(
            actor=actor.name,
            actor_kind=actor.kind,
            actor_organisation=actor.organisation,
            action="export_open_data",
            object_type=f"opendata:{kind}",
            object_ids=[run],
            client=actor.client,
            details={
                "first_year": result.first_year,
                "last_year": result.last_year,
                "records": result.records,
                "files": [p.name for p in result.files],
                **result.details,
            },
        ),
    )


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
) -> ExportResult:
    """The k-anonymous CTDC file of the period, its codebook and disclosure-risk report."""
    run, persons = load_persons(engine, first_year, last_year, run_id)
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
    rare_below: int,
    actor: Actor,
    run_id: int | None = None,
    rng: np.random.Generator | None = None,
) -> ExportResult:
    """Epsilon-DP synthetic microdata of the period and their utility report."""
    if not 0 < epsilon <= 10:
        raise OpenDataError(N_("epsilon must be above 0 and at most 10"))
    run, persons = load_persons(engine, first_year, last_year, run_id)
    true = coarsen(ctdc_frame(persons))
    domain = synthetic_domain(first_year, last_year)
    release = synthesise(true, domain, epsilon, rng)
    report = utility(true, release.frame, rare_below)
    # The utility report compares with the true data: it stays inside, beside the file,
    # for the data steward; only its summary (no counts of the true data) is audited.
    meta = {
        "epsilon": round(release.epsilon, 6),
        "delta": release.delta,
        "method": "MST-style tree of noisy two-way marginals (OpenDP discrete Laplace)",
        "budget": {key: round(value, 6) for key, value in release.spent.items()},
        "tree": [list(edge) for edge in release.edges],
        "domain": {column: list(values) for column, values in domain.items()},
        "utility": report.as_json(),
    }
    files = write_files(
        out,
        {"synthetic.csv": _csv(release.frame), "synthetic_report.json": _json(meta)},
    )
    details: dict[str, object] = {
        "epsilon": meta["epsilon"],
        "delta": release.delta,
        "mean_two_way_tvd": round(report.mean_two_way, 4),
    }
    result = ExportResult("synthetic", first_year, last_year, len(release.frame), files, details)
    _audit(engine, actor, "synthetic", result, run)
    return result


def export_tables(
    engine: Engine,
    *,
    first_year: int,
    last_year: int,
    out: Path,
    policy: PublicationPolicy,
    actor: Actor,
    run_id: int | None = None,
) -> ExportResult:
    """Eurostat's and GRETA's tables of each year of the period, through the policy."""
    run, _ = load_persons(engine, first_year, last_year, run_id)
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
