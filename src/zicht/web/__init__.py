"""The Zicht web application: server-rendered pages and a JSON API, need-to-know access.

Importing this package is cheap (the CLI imports it at start); FastAPI and uvicorn
are loaded when an app is built or served.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    settings: Settings | None = None,
    report_dir: Path | None = None,
    workers: int = 1,
) -> None:
    """Run the web application with uvicorn until interrupted.

    With more than one worker, that many processes each build the app from the ZICHT_*
    environment (set here from `settings` and `report_dir`) and listen on a socket of
    their own (`zicht.web.workers`).
    """
    import uvicorn

    options: dict[str, Any] = {"log_level": "info", "proxy_headers": False, "server_header": False}
    if workers <= 1:
        uvicorn.run(create_app(settings, report_dir=report_dir), host=host, port=port, **options)
        return
    from zicht.config import Settings as Configured

    settings = settings or Configured.from_env()
    os.environ["ZICHT_DATABASE_URL"] = settings.database_url
    if settings.secret_key_file:
        os.environ["ZICHT_SECRET_KEY_FILE"] = settings.secret_key_file
    if settings.secret_key:
        os.environ["ZICHT_SECRET_KEY"] = settings.secret_key
    if report_dir is not None:
        os.environ["ZICHT_REPORT_DIR"] = str(report_dir)
    settings.cipher()  # refuse to start without the key before any worker does
    from zicht.web.workers import run_workers

    run_workers(host, port, workers, options)
