"""The Zicht web application: server-rendered pages and a JSON API, need-to-know access.

Importing this package is cheap (the CLI imports it at start); FastAPI and uvicorn
are loaded when an app is built or served.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI
    from sqlalchemy import Engine

    from zicht.config import Settings
    from zicht.privacy import Cipher

__all__ = ["create_app", "ensure_demo_accounts", "serve"]


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


def ensure_demo_accounts(engine: Engine) -> list[tuple[str, str, str | None, str]]:
    """One demo account per role with a fresh random password: (user, role, org, password)."""
    from zicht.web.accounts import ensure_demo_accounts as ensure

    return ensure(engine)


def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    settings: Settings | None = None,
    report_dir: Path | None = None,
) -> None:
    """Run the web application with uvicorn until interrupted."""
    import uvicorn

    app = create_app(settings, report_dir=report_dir)
    uvicorn.run(
        app, host=host, port=port, log_level="info", proxy_headers=False, server_header=False
    )
