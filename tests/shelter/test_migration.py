"""Migration 0011 creates exactly the shelter tables the models describe (both databases)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine

import zicht.store.shelter  # noqa: F401  (registers the models)
from zicht.store.models import Base

SHELTER_TABLES = {
    "shelter",
    "shelter_member",
    "shelter_bed",
    "shelter_request",
    "shelter_reservation",
}


def _table_of(diff: object) -> str | None:
    for item in diff if isinstance(diff, list) else [diff]:
        for part in item if isinstance(item, tuple) else ():
            name = getattr(part, "name", None)
            table = getattr(part, "table", None)
            if table is not None and getattr(table, "name", None):
                return str(table.name)
            if isinstance(part, str) and part in SHELTER_TABLES:
                return part
            if name in SHELTER_TABLES:
                return str(name)
    return None


def test_models_and_migration_agree(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    ours = [d for d in differences if _table_of(d) in SHELTER_TABLES]
    assert ours == []
