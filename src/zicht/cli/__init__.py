"""The `zicht` command line: one Typer app, thin commands over the service functions.

Each module in this package that defines ``register(app)`` adds its commands; the
modules are found by name so that areas can be added without touching this file.
"""

from __future__ import annotations

import importlib
import logging
import os
import pkgutil

import typer

__all__ = ["app", "main"]

app = typer.Typer(
    name="zicht",
    help="Zicht: shared data standard, ingest, linkage, estimation and monitor "
    "for the Dutch chain against human trafficking.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


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
    level = os.environ.get("ZICHT_LOG_LEVEL", "WARNING").upper()
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    # Splink reports training detail at WARNING; it is noise on the terminal of a user.
    quiet = max(logging.ERROR, logging.getLevelName(level))
    logging.getLogger("splink").setLevel(quiet)
    # WeasyPrint reports every SVG presentation attribute it maps itself as "ignored".
    logging.getLogger("weasyprint").setLevel(quiet)
    app()
