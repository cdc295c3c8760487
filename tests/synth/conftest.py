"""A small written world, shared by the tests of one module."""

from __future__ import annotations

from pathlib import Path

import pytest

from zicht.synth import WorldSummary, generate_world


@pytest.fixture(scope="module")
def written_world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, WorldSummary]:
    """A default-scenario world of 2,500 victims (seed 7) written to a temporary folder."""
    out = tmp_path_factory.mktemp("world")
    return out, generate_world(out, persons=2500, seed=7)
