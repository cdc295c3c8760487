"""The programme in the store: import and export a year's document, hand-entered figures.

Each change is audited (`zicht.access`): who imported which year, who entered which
figure with which source.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from zicht.access import Actor, AuditedTransaction, AuditEvent, audited_transaction
from zicht.programme._model import (
    Programme,
    ProgrammeError,
    dump_programme,
    parse_programme,
    seed_programme,
)
from zicht.store import programme as store

__all__ = [
    "ProgrammeImport",
    "available_years",
    "current_programme",
    "enter_figure",
    "export_programme",
    "import_programme",
    "stored_programme",
]


@dataclass(frozen=True)
class ProgrammeImport:
    """What `import_programme` stored."""

    year: int
    themes: int
    actions: int
    indicators: int
    blocks: int
    new: bool


def _audit(
    transaction: AuditedTransaction, actor: Actor, action: str, object_id: str, **details: object
) -> None:
    transaction.log(
        AuditEvent(
            actor=actor.name,
            actor_kind=actor.kind,
            actor_organisation=actor.organisation,
            action=action,
            object_type="programme",
            object_ids=[object_id],
            client=actor.client,
            details=dict(details),
        ),
    )


def import_programme(engine: Engine, actor: Actor, programme: Programme) -> ProgrammeImport:
    """Store `programme` as the version of its year (replacing an earlier import)."""
    with audited_transaction(engine) as transaction:
        new = store.save_programme_document(
            transaction.connection, programme.year, programme.model_dump(mode="json"), actor.name
        )
        _audit(transaction, actor, "programme_imported", str(programme.year), new=new)
    actions = sum(len(theme.actions) for theme in programme.themes)
    return ProgrammeImport(
        programme.year,
        len(programme.themes),
        actions,
        len(programme.indicators),
        len(programme.assessment.blocks),
        new,
    )


def stored_programme(engine: Engine, year: int) -> Programme | None:
    """The stored programme of `year`, if any."""
    document = store.programme_document(engine, year)
    if document is None:
        return None
    return parse_programme(document, f"stored programme {year}")


def current_programme(engine: Engine) -> Programme:
    """The newest stored programme; the shipped 2021 programme when none is stored."""
    years = store.programme_years(engine)
    found = stored_programme(engine, years[-1]) if years else None
    return found if found is not None else seed_programme()


def available_years(engine: Engine) -> list[int]:
    """The years with a programme: those stored, and the shipped programme's year."""
    return sorted({*store.programme_years(engine), seed_programme().year})


def export_programme(engine: Engine, year: int, out: Path) -> Path:
    """Write the stored programme of `year` as YAML to `out` (a file, or a folder)."""
    programme = stored_programme(engine, year)
    if programme is None:
        raise ProgrammeError(f"no programme is stored for {year}: import one first")
    target = out / f"programme-{year}.yaml" if out.is_dir() else out
    partial = target.with_name(target.name + ".partial")
    partial.write_text(dump_programme(programme), encoding="utf-8")
    partial.replace(target)
    return target


def enter_figure(
    engine: Engine,
    actor: Actor,
    programme: Programme,
    indicator: str,
    value: float,
    source: str,
) -> None:
    """Store a hand-entered figure of a manual indicator in the programme's year."""
    found = next((i for i in programme.indicators if i.code == indicator), None)
    if found is None:
        raise ProgrammeError(f"{indicator}: no indicator of the {programme.year} programme")
    if found.kind != "manual":
        raise ProgrammeError(f"{indicator}: computed from Zicht's data, not entered by hand")
    if not source.strip():
        raise ProgrammeError(f"{indicator}: a hand-entered figure needs its source")
    if value < 0 or value != value:
        raise ProgrammeError(f"{indicator}: the figure must be a number of at least 0")
    with audited_transaction(engine) as transaction:
        store.save_figure(
            transaction.connection, programme.year, indicator, value, source.strip(), actor.name
        )
        _audit(transaction, actor, "programme_figure_entered", f"{programme.year}/{indicator}")
