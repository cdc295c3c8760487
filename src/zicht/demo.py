"""The main job, end to end on synthetic data: world -> ingest -> link -> estimate -> report.

`zicht demo` calls `run_demo`; every step is the same service function the separate
commands call. Everything it makes lives in one working folder.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from zicht.config import sqlite_url
from zicht.ingest import IngestResult, ingest_file, load_mapping, read_manifest
from zicht.privacy import Cipher, load_cipher, write_key_file
from zicht.store import latest_year, make_engine, upgrade

__all__ = ["DEFAULT_PERSONS", "DemoPaths", "DemoResult", "prepare", "run_demo"]

log = logging.getLogger(__name__)

DEFAULT_PERSONS = 4000
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


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
    world_kind: str
    ingest: list[IngestResult] = field(default_factory=list)
    linkage: Any = None
    report: Any = None
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


def _make_world(paths: DemoPaths, persons: int, seed: int) -> str:
    try:
        from zicht.synth import generate_world
    except ImportError:
        shutil.copytree(EXAMPLES, paths.world)
        return "examples"
    generate_world(paths.workdir, persons=persons, seed=seed)
    return "synthetic"


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
    database_url: str | None = None,
    on_step: Callable[[str], None] | None = None,
) -> DemoResult:
    """Run the whole pipeline in `workdir` and return what each step made."""
    paths = DemoPaths(workdir)
    database_url, cipher = prepare(paths, database_url)
    engine = make_engine(database_url)
    try:
        upgrade(engine)
        result = DemoResult(database_url=database_url, key_file=paths.key, world_kind="")

        def step(name: str) -> None:
            result.steps.append(name)
            if on_step is not None:
                on_step(name)

        step("world")
        result.world_kind = _make_world(paths, persons, seed)
        step("ingest")
        result.ingest = _ingest_world(paths, engine, cipher)
        result.linkage = _link(engine, cipher, step)
        result.report = _report(engine, paths, database_url, step)
        return result
    finally:
        engine.dispose()


def _link(engine: Engine, cipher: Cipher, step: Callable[[str], None]) -> Any:
    try:
        from zicht.linkage import run_linkage
    except ImportError:  # pragma: no cover - linkage ships with Zicht
        return None
    step("link")
    return run_linkage(engine, cipher)


def _report(
    engine: Engine, paths: DemoPaths, database_url: str, step: Callable[[str], None]
) -> Any:
    try:
        from zicht.monitor import build_report
    except ImportError:
        return None
    year = latest_year(engine)
    if year is None:
        return None
    step("report")
    return build_report(engine, year=year, out=paths.report, database_url=database_url)
