"""Migration 0023 gives ad_band exactly the indexes the model describes (both
databases), and the representatives' read is answered from the (key, ad) index."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

import zicht.store.platforms  # noqa: F401  (registers the models)
from zicht.store import make_engine, upgrade
from zicht.store.models import Base


def _of_ad_band(item: object) -> bool:
    parts = item if isinstance(item, tuple) else ()
    for part in parts:
        table = getattr(part, "table", None)
        if getattr(table, "name", None) == "ad_band" or part == "ad_band":
            return True
    return False


def test_models_and_migration_agree(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert [d for d in differences if _of_ad_band(d)] == []
    indexes = {i["name"]: i["column_names"] for i in inspect(engine).get_indexes("ad_band")}
    assert indexes == {"ix_ad_band_ad": ["ad"], "ix_ad_band_key_ad": ["key", "ad"]}


def test_the_representatives_read_uses_the_index_alone(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/bands.db")
    try:
        upgrade(engine)
        with engine.connect() as connection:
            plan = connection.exec_driver_sql(
                "EXPLAIN QUERY PLAN SELECT key, ad FROM ad_band WHERE key IN (?, ?) "
                "ORDER BY key, ad",
                ("t00", "t01"),
            ).all()
        details = " ".join(str(row[-1]) for row in plan)
        assert "COVERING INDEX ix_ad_band_key_ad" in details
        assert "TEMP B-TREE" not in details
    finally:
        engine.dispose()


def test_0023_replaces_the_key_index(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        upgrade(engine, "0022")
        names = {i["name"] for i in inspect(engine).get_indexes("ad_band")}
        assert "ix_ad_band_key" in names and "ix_ad_band_key_ad" not in names
        upgrade(engine)
        names = {i["name"] for i in inspect(engine).get_indexes("ad_band")}
        assert names == {"ix_ad_band_ad", "ix_ad_band_key_ad"}
    finally:
        engine.dispose()
