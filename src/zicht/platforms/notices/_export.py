"""`zicht platforms tdb-export`: a platform's statements since a day, checked against the
schema, written as JSON Lines (one statement a line; the API takes 1-100 per call as
`{"statements": [...]}`). Nothing is written when any statement fails the schema.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from zicht.access import Principal
from zicht.platforms.notices._common import audit, require
from zicht.platforms.notices._tdb import statement_problems, tdb_statement
from zicht.store import notice_cases as store

__all__ = ["StatementError", "statements_since", "write_statements"]


class StatementError(ValueError):
    """A statement the schema refuses: its puid and the fields and rules it breaks."""


def statements_since(
    engine: Engine, principal: Principal, platform: str, since: dt.date
) -> list[dict[str, Any]]:
    """The statements of `platform`'s decisions to act taken on or after `since`.

    A decision awaiting its second moderator is not yet a statement; a decision later
    reversed is (the database keeps what was decided). Raises StatementError when one
    breaks the schema.
    """
    require(principal, "export_statements", platform)
    statements = []
    for decision in store.decisions_since(engine, since, platform):
        if not decision.acted or decision.status in ("pending_approval", "rejected"):
            continue
        statement = tdb_statement(decision)
        problems = statement_problems(statement)
        if problems:
            raise StatementError(f"statement {decision.puid}: {'; '.join(problems)}")
        statements.append(statement)
    audit(
        engine, principal, "statements_exported", "platform", [platform],
        since=since.isoformat(), statements=len(statements),
    )  # fmt: skip
    return statements


def write_statements(path: Path, statements: list[dict[str, Any]]) -> None:
    """Write statements as JSON Lines, atomically (a temporary file renamed into place)."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            for statement in statements:
                out.write(json.dumps(statement, ensure_ascii=False, sort_keys=True) + "\n")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
