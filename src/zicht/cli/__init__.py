"""The `zicht` command line: one Typer app, thin commands over the service functions.

Each module in this package that defines ``register(app)`` adds its commands; the
modules are found by name so that areas can be added without touching this file.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil

import typer

from zicht.cli._common import read_settings
from zicht.config import Settings

__all__ = ["app", "main"]

app = typer.Typer(
    name="zicht",
    help="Zicht: shared data standard, ingest, linkage, estimation and monitor "
    "for the Dutch chain against human trafficking.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _settings(ctx: typer.Context) -> None:
    # The settings are read once, here (or by `main`), and found by every command.
    if not isinstance(ctx.obj, Settings):
        ctx.obj = read_settings()


def _register_all() -> None:
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(app)


_register_all()


def main() -> None:
    """Entry point of the `zicht` console script."""
    try:
        settings = read_settings()
    except typer.Exit as stop:
        raise SystemExit(stop.exit_code) from None
    level = settings.log_level
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    # Splink reports training detail at WARNING; it is noise on the terminal of a user.
    quiet = max(logging.ERROR, logging.getLevelName(level))
    logging.getLogger("splink").setLevel(quiet)
    # WeasyPrint reports every SVG presentation attribute it maps itself as "ignored".
    logging.getLogger("weasyprint").setLevel(quiet)
    app(obj=settings)
