"""The main job, end to end on synthetic data: world -> ingest -> link -> estimate -> report.

Then a week of one platform's sex-work ads is screened against the licence register,
the linked persons are exported as open statistics (CTDC, DP synthetic, tables),
shelters get requests and placements, anonymous reports are filed in six languages, and
the programme is filled: the 2021 letter's programme, a synthetic 2022, and a synthetic
round of municipal self-assessments for each; last, the graph of victims, suspects,
identifiers and ads is built (`zicht.network`).

The report is of the last year of the world: registrations also fall in the year after
it (victims registered late), but that year's victims are not in the world.

`zicht demo` calls `run_demo`; every step is the same service function the separate
commands call. Everything it makes lives in one working folder.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from zicht.access import Actor
from zicht.config import Settings, sqlite_url
from zicht.ingest import IngestResult, ingest_file, load_mapping, read_manifest
from zicht.linkage import LinkRunSummary, run_linkage
from zicht.monitor import ReportSummary, build_report
from zicht.network import NetworkRunSummary, build_network
from zicht.opendata import ExportResult, export_open_data
from zicht.platforms import ScreenResult, import_licences, screen_file
from zicht.platforms.notices import DEMO_PLATFORM, NoticeDemo, run_notice_demo
from zicht.pprl import EncodeDemo, encode_demo
from zicht.privacy import DEFAULT_PUBLICATION, Cipher, load_cipher, write_key_file
from zicht.programme import DemoProgramme, fill_demo_programme
from zicht.reporting import DemoReports, ReportingPolicy, file_demo_reports
from zicht.shelter import ShelterDemo, fill_demo
from zicht.store import make_engine, upgrade
from zicht.synth import (
    DEFAULT_PERSONS,
    World,
    load_scenario,
    network_sizes_of,
    simulate,
    simulate_ads,
    write_ad_world,
    write_world,
)

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

    @property
    def ads(self) -> Path:
        return self.workdir / "ads"

    @property
    def screening(self) -> Path:
        return self.workdir / "screening"

    @property
    def opendata(self) -> Path:
        return self.workdir / "opendata"


@dataclass
class DemoResult:
    """What each step of the demo produced."""

    database_url: str
    key_file: Path
    report_year: int
    ingest: list[IngestResult] = field(default_factory=list)
    linkage: LinkRunSummary | None = None
    report: ReportSummary | None = None
    ads: ScreenResult | None = None
    opendata: list[ExportResult] = field(default_factory=list)
    shelter: ShelterDemo | None = None
    reporting: DemoReports | None = None
    programme: DemoProgramme | None = None
    network: NetworkRunSummary | None = None
    notices: NoticeDemo | None = None
    pprl: EncodeDemo | None = None
    steps: list[str] = field(default_factory=list)


def prepare(paths: DemoPaths, database_url: str | None) -> tuple[str, Cipher]:
    """A clean working folder with a key and a migrated database."""
    paths.workdir.mkdir(parents=True, exist_ok=True)
    stale_folders = (paths.world, paths.truth, paths.report, paths.ads, paths.screening)
    for stale in (*stale_folders, paths.opendata):
        shutil.rmtree(stale, ignore_errors=True)
    if database_url is None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{paths.database}{suffix}").unlink(missing_ok=True)
        database_url = sqlite_url(paths.database)
    if not paths.key.exists():
        write_key_file(paths.key)
    return database_url, load_cipher(str(paths.key), None)


def _make_world(paths: DemoPaths, persons: int, seed: int, years: tuple[int, int]) -> World:
    world = simulate(load_scenario("default"), persons, seed, years)
    write_world(world, paths.workdir)
    return world


def _screen_ads(paths: DemoPaths, world: World, engine: Engine, cipher: Cipher) -> ScreenResult:
    """A week of one platform's ads: the world's networks and licensed independents."""
    ads = simulate_ads(
        world.seed,
        independents=200,
        days=7,
        start=dt.date(world.years[1] + 1, 3, 1),
        network_sizes=network_sizes_of(world),
    )
    write_ad_world(ads, paths.workdir)
    for licences in sorted((paths.ads / "licences").glob("GM*.csv")):
        import_licences(licences, municipality=licences.stem, engine=engine, cipher=cipher)
    return screen_file(
        paths.ads / "synthplatform.jsonl",
        platform="synthplatform",
        engine=engine,
        cipher=cipher,
        out=paths.screening,
    )


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
        world = _make_world(paths, persons, seed, years)
        step("ingest")
        result.ingest = _ingest_world(paths, engine, cipher)
        step("link")
        result.linkage = run_linkage(engine, cipher)
        step("report")
        result.report = build_report(engine, year=result.report_year, out=paths.report)
        step("ads")
        result.ads = _screen_ads(paths, world, engine, cipher)
        step("opendata")
        result.opendata = export_open_data(
            engine,
            first_year=years[0],
            last_year=years[1],
            out=paths.opendata,
            k=11,
            epsilon=1.0,
            budget=3.0,
            policy=DEFAULT_PUBLICATION,
            actor=Actor("demo", "system", None, "demo"),
        )
        step("shelter")
        result.shelter = fill_demo(engine, cipher, seed=seed)
        step("reporting")
        result.reporting = file_demo_reports(engine, ReportingPolicy.of(Settings(), cipher))
        step("programme")
        result.programme = fill_demo_programme(engine, seed)
        step("network")
        result.network = build_network(engine, cipher)
        step("notices")
        result.notices = run_notice_demo(engine, cipher, DEMO_PLATFORM)
        step("pprl")
        result.pprl = encode_demo(paths.world / "manifest.json", paths.workdir / "pprl")
        return result
    finally:
        engine.dispose()
