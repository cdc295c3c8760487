"""Database errors without the data in them.

PostgreSQL writes values into its error messages: the key of a unique violation, the
text that is not a number, the line of a failed COPY. Zicht's statements carry
registrations, so such a message could put a record id or an analytic value into a
terminal, a log or a traceback. Every PostgreSQL error is scrubbed as it is raised: it
keeps its class, its SQLSTATE and the names of the table, column and constraint, and
only the messages of Zicht's own triggers (SQLSTATE class P0), which hold no values.
Statement parameters are hidden by the engine (`hide_parameters`). The exception raised
holds a copy of the driver error without PostgreSQL's diagnostic fields; the original
remains as its chained cause, for a debugger, and Zicht reports neither.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.exc import DBAPIError

__all__ = ["scrub", "scrub_errors", "without_values"]


def without_values(error: BaseException) -> BaseException:
    """A copy of a scrubbed driver error that no longer carries the server's diagnostics
    (DETAIL, CONTEXT and the rest stay with the original only)."""
    try:
        return type(error)(*error.args)
    except TypeError:  # a driver error that cannot be built from its message alone
        return error


def scrub(error: BaseException) -> bool:
    """Replace a driver error's message by what is safe to show; False if not a server error."""
    diag: Any = getattr(error, "diag", None)
    sqlstate = getattr(diag, "sqlstate", None)
    if not sqlstate:
        return False
    parts = [f"SQLSTATE {sqlstate}"]
    for label in ("table", "column", "constraint"):
        name = getattr(diag, f"{label}_name", None)
        if name:
            parts.append(f"{label} {name}")
    primary = diag.message_primary if sqlstate.startswith("P0") else None
    error.args = (f"{primary or type(error).__name__} ({', '.join(parts)})",)
    return True


def _on_error(context: ExceptionContext) -> DBAPIError | None:
    original = context.original_exception
    if not scrub(original) or context.sqlalchemy_exception is None:
        return None
    dialect = context.dialect
    replacement = DBAPIError.instance(
        context.statement,
        None,
        without_values(original),
        dialect.loaded_dbapi.Error,
        hide_parameters=True,
        connection_invalidated=context.is_disconnect,
        dialect=dialect,
        ismulti=None,
    )
    return replacement if isinstance(replacement, DBAPIError) else None


def scrub_errors(engine: Engine) -> None:
    """Scrub every driver error of `engine` before SQLAlchemy raises it (see module doc)."""
    event.listen(engine, "handle_error", _on_error)
