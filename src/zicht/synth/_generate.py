"""Write a world to disk: exports, mappings and manifest under DIR/world, truth under DIR/truth."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from zicht.synth._exports import export_all
from zicht.synth._scenario import Scenario, load_scenario
from zicht.synth._truth import write_truth
from zicht.synth._world import World, simulate

__all__ = ["DEFAULT_PERSONS", "WorldSummary", "generate_world"]

# Victims across all years of the demo world: small enough that synth, ingest, linkage,
# estimation and the report run in about a minute.
DEFAULT_PERSONS = 4000


@dataclass(frozen=True)
class WorldSummary:
    """What was written: counts per organisation and record type, files and bad rows."""

    out: Path
    persons: int
    seed: int
    years: tuple[int, int]
    scenario: str
    victims_registered: int
    suspects: int
    registrations: int
    files: int
    bad_rows: int
    by_organisation: dict[str, dict[str, int]] = field(default_factory=dict)


def generate_world(
    out: Path,
    persons: int = DEFAULT_PERSONS,
    seed: int = 0,
    years: tuple[int, int] = (2016, 2023),
    scenario: Scenario | str | Path = "default",
) -> WorldSummary:
    """Simulate a world and write it to ``out`` (world/ and truth/ inside it)."""
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    world = simulate(scenario, persons, seed, years)
    return write_world(world, Path(out))


def write_world(world: World, out: Path) -> WorldSummary:
    """Write an already simulated world to ``out``."""
    world_dir = out / "world"
    world_dir.mkdir(parents=True, exist_ok=True)
    files = export_all(world.registrations, world_dir, world.scenario.bad_rows, world.seed)
    manifest = [item.manifest_entry() for item in files]
    (world_dir / "manifest.json").write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    write_truth(world, files, out / "truth")
    counts = world.registrations.groupby(["source", "record_type"]).size()
    by_organisation: dict[str, dict[str, int]] = {}
    for (source, record_type), count in sorted(counts.items()):
        by_organisation.setdefault(str(source), {})[str(record_type)] = int(count)
    return WorldSummary(
        out=out,
        persons=len(world.victims),
        seed=world.seed,
        years=world.years,
        scenario=world.scenario.name,
        victims_registered=int(world.victims["registered"].sum()),
        suspects=len(world.suspects),
        registrations=len(world.registrations),
        files=len(files),
        bad_rows=sum(len(item.bad_rows) for item in files),
        by_organisation=by_organisation,
    )
