"""The monitor's synthetic world, ingested and linked from its truth (tests/monitor)."""

from tests.monitor.conftest import filled_engine, world

__all__ = ["filled_engine", "world"]
