"""Mutation score of the modules where a silent bug harms people (issue 23).

For each module below, mutmut plants small bugs (a `<` for a `<=`, a dropped argument,
a changed constant) one at a time in a copy of the code and runs the module's focused
test selection against each; a mutant that no test notices "survives". The score is
killed / (mutants - equivalent), where the equivalent mutants (changes no test can see
because the behaviour is the same) are listed by name, each with its reason, in
tests/mutation/equivalent.md. Mutants without a covering test count as survivors.

Each module runs in its own scratch copy of the repository (var/mutation/MODULE), one
after the other, so that the work tree is never touched and a module can be re-run alone.

Run: ``.venv/bin/python benchmarks/mutation.py [MODULE ...] [--children N]
[--recheck | --rescore]``;
prints one JSON object per module (score and counts) and writes them, with the names
of the surviving mutants, to var/mutation/scores.json (`mutmut show NAME` in
var/mutation/MODULE shows a mutant's change). ``--recheck`` re-runs only the survivors of
the last run in its scratch copy against the work tree's current tests (after writing
tests for them; sources unchanged); ``--rescore`` scores a scratch copy as it stands,
running nothing. ``make mutate`` runs every module under nice.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EQUIVALENT = ROOT / "tests" / "mutation" / "equivalent.md"
SCRATCH = ROOT / "var" / "mutation"


@dataclass(frozen=True)
class Module:
    """Source files to mutate and the tests that are meant to catch a bug in them."""

    sources: tuple[str, ...]
    tests: tuple[str, ...]


MODULES: dict[str, Module] = {
    "privacy": Module(
        ("src/zicht/privacy/_crypto.py", "src/zicht/privacy/_cells.py"),
        (
            "tests/privacy/test_crypto.py",
            "tests/privacy/test_crypto_vectors.py",
            "tests/privacy/test_cells.py",
            "tests/privacy/test_exported_cells.py",
        ),
    ),
    # The writers' cells are _cells' (privacy). The property tests of test_disclosure.py
    # (an LP attacker over up to 60 random tables each, about a minute) are left out: with
    # them every surviving mutant and every endless loop (a candidate never found) costs
    # minutes of CPU before it is stopped; the hand-worked cases kill what they kill.
    "publication_policy": Module(
        ("src/zicht/privacy/_publish.py", "src/zicht/privacy/_disclosure.py"),
        (
            "tests/privacy/test_publish.py",
            "tests/privacy/test_disclosure_edges.py",
            "tests/privacy/test_disclosure.py::test_a_single_small_cell_takes_a_partner_and_the_pair_is_safe",
            "tests/privacy/test_disclosure.py::test_zero_is_published_and_a_table_without_small_cells_is_untouched",
            "tests/privacy/test_disclosure.py::test_results_are_deterministic",
            "tests/privacy/test_disclosure.py::test_bad_arguments",
        ),
    ),
    "access": Module(
        ("src/zicht/access/_permissions.py", "src/zicht/access/_identities.py"),
        (
            "tests/access/test_permissions.py",
            "tests/access/test_identity_door.py",
            "tests/access/test_decryption_sites.py",
        ),
    ),
    "ingest": Module(
        (
            "src/zicht/ingest/_convert.py",
            "src/zicht/ingest/_dates.py",
            "src/zicht/ingest/_identity.py",
        ),
        (
            "tests/ingest/test_convert.py",
            "tests/ingest/test_convert_edges.py",
            "tests/ingest/test_dates.py",
            "tests/ingest/test_mapping_derived.py",
            "tests/ingest/test_boundaries.py",
        ),
    ),
    "standard": Module(
        ("src/zicht/standard/_records.py", "src/zicht/standard/_people.py"),
        (
            "tests/standard",
            "tests/ingest/test_convert.py",
            "tests/ingest/test_boundaries.py",
        ),
    ),
    "store_statistics": Module(
        ("src/zicht/store/statistics.py",),
        # The synthetic world's test (tests/store/test_statistics.py) builds and ingests
        # a world per run, minutes a mutant on a shared machine; the hand-made rows check
        # every aggregate column by column in seconds.
        ("tests/monitor/test_suspects.py", "tests/store/test_statistics_by_hand.py"),
    ),
    "estimation_policy": Module(
        ("src/zicht/estimate/_policy.py", "src/zicht/estimate/_published.py"),
        (
            "tests/estimate/test_policy.py",
            "tests/estimate/test_policy_edges.py",
        ),
    ),
}


def equivalent_mutants(path: Path = EQUIVALENT) -> set[str]:
    """Names of the mutants listed as equivalent: the first `code` of each list item."""
    if not path.exists():
        return set()
    return set(re.findall(r"^- `([^`]+)`", path.read_text(encoding="utf-8"), re.MULTILINE))


def _scratch_copy(name: str, module: Module) -> Path:
    work = SCRATCH / name
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for folder in ("src", "tests", "examples", "docs"):
        shutil.copytree(ROOT / folder, work / folder, ignore=ignore)
    config = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    config += "\n[tool.mutmut]\n" + "\n".join(
        [
            'source_paths = ["src"]',
            f"only_mutate = {json.dumps(list(module.sources))}",
            'also_copy = ["examples", "docs"]',
            f"pytest_add_cli_args_test_selection = {json.dumps(list(module.tests))}",
            'pytest_add_cli_args = ["-p", "no:xdist", "-p", "no:cacheprovider", "-q"]',
            "use_git_change_detection = false",
            # A mutant that loops forever is stopped after 10 x (its tests' time + 1 s) of
            # CPU, not mutmut's 30 x: a test uses no more CPU than its (wall) duration.
            "timeout_multiplier = 5.0",
        ]
    )
    (work / "pyproject.toml").write_text(config + "\n", encoding="utf-8")
    return work


def _mutmut(work: Path, *args: str) -> subprocess.CompletedProcess[str]:
    binary = Path(sys.executable).with_name("mutmut")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run(
        [str(binary), *args], cwd=work, env=env, capture_output=True, text=True, check=False
    )


def _outcomes(work: Path) -> dict[str, str]:
    """Mutant name -> status, from `mutmut results --all true`."""
    listing = _mutmut(work, "results", "--all", "true").stdout
    outcomes = {}
    for line in listing.splitlines():
        name, _, status = line.strip().rpartition(": ")
        if name:
            outcomes[name] = status.strip()
    return outcomes


def _recheck(name: str, children: int) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """Re-run only the survivors of the module's last run against the current tests.

    The tests of the scratch copy are replaced by the work tree's and the coverage stats
    collected afresh (new tests may cover a mutant that had none); the sources and
    mutants stay those of the last run, so the work tree's sources must be unchanged.
    """
    work = SCRATCH / name
    survivors = [k for k, v in _outcomes(work).items() if v not in ("killed", "timeout")]
    for target in (work / "tests", work / "mutants" / "tests"):
        shutil.rmtree(target)
        shutil.copytree(ROOT / "tests", target, ignore=shutil.ignore_patterns("__pycache__"))
    (work / "mutants" / "mutmut-stats.json").unlink(missing_ok=True)
    run = _mutmut(work, "run", "--max-children", str(children), *survivors)
    return work, run


def measure(
    name: str, children: int, recheck: bool = False, rescore: bool = False
) -> dict[str, object]:
    """Run mutmut on one module and return its score and surviving mutants; with
    `recheck`, re-run only the last run's survivors; with `rescore`, run nothing and
    score the module's existing scratch copy as it stands."""
    module = MODULES[name]
    work = SCRATCH / name
    if rescore:
        returncode = 0 if work.exists() else 1
    else:
        if recheck and (work / "mutants").exists():
            work, run = _recheck(name, children)
        else:
            work = _scratch_copy(name, module)
            run = _mutmut(work, "run", "--max-children", str(children))
        (work / "mutmut-run.log").write_text(run.stdout + run.stderr, encoding="utf-8")
        returncode = run.returncode
    outcomes = _outcomes(work) if work.exists() else {}
    if returncode != 0 or not outcomes:
        return {"module": name, "error": f"mutmut run failed, see {work}/mutmut-run.log"}
    equivalent = equivalent_mutants() & outcomes.keys()
    counted = {k: v for k, v in outcomes.items() if k not in equivalent and v != "skipped"}
    killed = sorted(k for k, v in counted.items() if v in ("killed", "timeout"))
    survived = sorted(k for k in counted if k not in killed)
    return {
        "module": name,
        "sources": list(module.sources),
        "mutants": len(outcomes),
        "equivalent": len(equivalent),
        "killed": len(killed),
        "survived": len(survived),
        "score": round(len(killed) / len(counted), 4) if counted else None,
        "surviving": {k: counted[k] for k in survived},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("modules", nargs="*", help=f"some of {', '.join(MODULES)}")
    parser.add_argument("--children", type=int, default=1)
    parser.add_argument(
        "--recheck",
        action="store_true",
        help="re-run only the last run's survivors against the current tests",
    )
    parser.add_argument(
        "--rescore", action="store_true", help="score the existing scratch copies, run nothing"
    )
    args = parser.parse_args()
    names = args.modules or list(MODULES)
    unknown = [name for name in names if name not in MODULES]
    if unknown:
        parser.error(f"unknown module(s) {', '.join(unknown)}; known: {', '.join(MODULES)}")
    scores_file = SCRATCH / "scores.json"
    scores = json.loads(scores_file.read_text()) if scores_file.exists() else {}
    failed = False
    for name in names:
        result = measure(name, args.children, args.recheck, args.rescore)
        print(json.dumps({k: v for k, v in result.items() if k != "surviving"}), flush=True)
        failed = failed or "error" in result
        scores[name] = result
        scores_file.write_text(json.dumps(scores, indent=2) + "\n", encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
