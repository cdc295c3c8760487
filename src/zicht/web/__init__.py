"""The Zicht web application: server-rendered pages and a JSON API, need-to-know access.

Importing this package is cheap (the CLI imports it at start); FastAPI, uvicorn and
gunicorn are loaded when an app is built or served.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI
    from sqlalchemy import Engine

    from zicht.config import Settings
    from zicht.privacy import Cipher

__all__ = ["create_app", "default_workers", "serve"]


def create_app(
    settings: Settings | None = None,
    *,
    engine: Engine | None = None,
    cipher: Cipher | None = None,
    report_dir: Path | None = None,
) -> FastAPI:
    """The web application (see `zicht.web.app.create_app`)."""
    from zicht.web.app import create_app as build

    return build(settings, engine=engine, cipher=cipher, report_dir=report_dir)


def default_workers() -> int:
    """Server processes by default: one per CPU core, at most four."""
    return max(1, min(os.cpu_count() or 1, 4))


def serve(
    settings: Settings,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 1,
) -> None:
    """Serve the web application with gunicorn and uvicorn workers until interrupted.

    Every server process builds the app from `settings`, report folder included (see
    `zicht.web.serving`).

    Raises:
        MissingKeyError: no identity-data key is configured (checked before any
            process starts).
        ServingError: the server processes could not start.
    """
    from zicht.web.serving import ServerOptions, serve_app

    settings.cipher()  # refuse to start without the key before any process does
    serve_app(settings, ServerOptions(host, port, workers))
