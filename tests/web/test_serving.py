"""How the app runs in a server process: the startup objects are kept out of the collector."""

from __future__ import annotations

import gc

from tests.web.conftest import WebWorld


def test_startup_freezes_what_lives_as_long_as_the_process(world: WebWorld) -> None:
    gc.unfreeze()
    try:
        with world.client() as client:  # entering runs the app's startup
            assert gc.get_freeze_count() > 0
            assert client.get("/health").status_code == 200
    finally:
        gc.unfreeze()
