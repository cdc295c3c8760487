"""The main job, end to end on synthetic data: world -> ingest -> link -> estimate -> report.

The report is of the last year of the world: registrations also fall in the year after
it (victims registered late), but that year's victims are not in the world.

`zicht demo` calls `run_demo`; every step is the same service function the separate
commands call. Everything it makes lives in one working folder.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from zicht.config import sqlite_url
from zicht.ingest import IngestResult, ingest_file, load_mapping, read_manifest
from zicht.linkage import LinkRunSummary, run_linkage
from zicht.monitor import ReportSummary, build_report
from zicht.privacy import Cipher, load_cipher, write_key_file
from zicht.store import make_engine, upgrade
from zicht.synth import DEFAULT_PERSONS, generate_world

__all__ = ["DEFAULT_YEARS", "DemoPaths", "DemoResult", "prepare", "run_demo"]

log = logging.getLogger(__name__)

DEFAULT_YEARS = (2016, 2023)


@dataclass(frozen=True)
class DemoPaths:
    """Where the demo keeps what it makes."""

    workdir: Path

    @property
    def database(self) -> Path:
        return self.workdir / "zicht.db"

    @property
    def key(self) -> Path:
        return self.workdir / "zicht.key"

    @property
    def world(self) -> Path:
        return self.workdir / "world"

    @property
    def truth(self) -> Path:
        return self.workdir / "truth"

    @property
    def report(self) -> Path:
        return self.workdir / "report"


@dataclass
class DemoResult:
    """What each step of the demo produced."""

    database_url: str
    key_file: Path
    report_year: int
    ingest: list[IngestResult] = field(default_factory=list)
    linkage: LinkRunSummary | None = None
    report: ReportSummary | None = None
    steps: list[str] = field(default_factory=list)


def prepare(paths: DemoPaths, database_url: str | None) -> tuple[str, Cipher]:
    """A clean working folder with a key and a migrated database."""
    paths.workdir.mkdir(parents=True, exist_ok=True)
    for stale in (paths.world, paths.truth, paths.report):
        shutil.rmtree(stale, ignore_errors=True)
    if database_url is None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{paths.database}{suffix}").unlink(missing_ok=True)
        database_url = sqlite_url(paths.database)
    if not paths.key.exists():
        write_key_file(paths.key)
    return database_url, load_cipher(str(paths.key), None)


def _make_world(paths: DemoPaths, persons: int, seed: int, years: tuple[int, int]) -> None:
    generate_world(paths.workdir, persons=persons, seed=seed, years=years)


def _ingest_world(paths: DemoPaths, engine: Engine, cipher: Cipher) -> list[IngestResult]:
    results = []
    for entry in read_manifest(paths.world / "manifest.json"):
        mapping = load_mapping(entry.mapping)
        results.append(
            ingest_file(
                entry.file, source=entry.source, engine=engine, cipher=cipher, mapping=mapping
            )
        )
    return results


def run_demo(
    workdir: Path,
    *,
    persons: int = DEFAULT_PERSONS,
    seed: int = 1,
    years: tuple[int, int] = DEFAULT_YEARS,
    database_url: str | None = None,
    on_step: Callable[[str], None] | None = None,
) -> DemoResult:
    """Run the whole pipeline in `workdir` and return what each step made."""
    paths = DemoPaths(workdir)
    database_url, cipher = prepare(paths, database_url)
    engine = make_engine(database_url)
    try:
        upgrade(engine)
        result = DemoResult(database_url=database_url, key_file=paths.key, report_year=years[1])

        def step(name: str) -> None:
            result.steps.append(name)
            if on_step is not None:
                on_step(name)

        step("world")
        _make_world(paths, persons, seed, years)
        step("ingest")
        result.ingest = _ingest_world(paths, engine, cipher)
        step("link")
        result.linkage = run_linkage(engine, cipher)
        step("report")
        result.report = build_report(engine, year=result.report_year, out=paths.report)
        return result
    finally:
        engine.dispose()
