"""Encoding workers are forked only when no thread started since `zicht.pprl` was
imported: a fork while DuckDB's threads run can leave a lock held in the child for
ever. Each case runs in a fresh interpreter (the test process runs threads of its own)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).parents[2] / "src"

_AFTER_DUCKDB = """
import zicht.pprl
import duckdb
connection = duckdb.connect(":memory:")
connection.execute("SET threads = 4")
connection.execute("SELECT sum(i) FROM range(3000000) t(i)").fetchall()
from zicht.pprl import encode_file  # the encoder's modules only now
from zicht.pprl._parallel import worker_context
print(worker_context().get_start_method())
"""

_QUIET = """
import zicht.pprl
from zicht.pprl import encode_file
from zicht.pprl._parallel import worker_context
print(worker_context().get_start_method())
"""


def _start_method(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return done.stdout.strip()


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or sys.version_info >= (3, 12),
    reason="workers are always spawned here",
)
def test_workers_are_forked_only_without_threads_started_since_import() -> None:
    assert _start_method(_QUIET) == "fork"
    assert _start_method(_AFTER_DUCKDB) == "spawn"


def test_fewer_collections_while_encoding_and_the_thresholds_restored() -> None:
    import gc

    from zicht.pprl._parallel import _YOUNG_THRESHOLD, fewer_collections

    before = gc.get_threshold()
    seen = []

    def encode() -> None:
        with fewer_collections():
            seen.append(gc.get_threshold())
            raise KeyError

    with pytest.raises(KeyError):
        encode()
    assert seen == [(max(before[0], _YOUNG_THRESHOLD), *before[1:])]
    assert gc.get_threshold() == before


def test_overlapping_uses_of_fewer_collections_restore_the_first_thresholds() -> None:
    # Two threads' encodings overlap (A enters, B enters, A leaves, B leaves): the
    # process must end with the thresholds it had, not the raised ones B saw.
    import gc

    from zicht.pprl._parallel import _YOUNG_THRESHOLD, fewer_collections

    before = gc.get_threshold()
    first, second = fewer_collections(), fewer_collections()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert gc.get_threshold()[0] == max(before[0], _YOUNG_THRESHOLD)
    second.__exit__(None, None, None)
    assert gc.get_threshold() == before
    gc.set_threshold(0)
    try:
        with fewer_collections():
            assert gc.get_threshold()[0] == 0  # collection switched off stays off
    finally:
        gc.set_threshold(*before)
