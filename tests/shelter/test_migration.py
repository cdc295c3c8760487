"""Migration 0011 creates exactly the shelter tables the models describe (both databases);
0024 drops the stored request status, and its downgrade fills it in from the reservations."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import Engine, text

import zicht.store
import zicht.store.shelter
from tests.shelter.conftest import COORDINATOR, STAFF_A, add_places
from zicht.privacy import Cipher
from zicht.shelter import (
    RequestInput,
    accept,
    discharge,
    find_request,
    make_request,
    refuse,
    reserve,
)
from zicht.store import upgrade
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


def _downgrade(engine: Engine, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(Path(zicht.store.__file__).parent / "migrations"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def test_0024_downgrade_stores_the_status_the_reservations_give(
    engine: Engine, cipher: Cipher
) -> None:
    add_places(engine, cipher)

    def asked(kind: str, size: int) -> int:
        return make_request(engine, COORDINATOR, RequestInput(kind, size, "rotterdam", "labour"))

    nobody = asked("women", 1)
    refused = asked("women", 1)
    (held,) = reserve(engine, COORDINATOR, refused).placed
    refuse(engine, STAFF_A, held.reservation_id, "no_capacity")
    one_of_two = asked("crisis_labour", 2)
    assert len(reserve(engine, COORDINATOR, one_of_two, shelters=["c"], partial=True).placed) == 1
    left = asked("women", 1)
    (stay,) = reserve(engine, COORDINATOR, left).placed
    accept(engine, STAFF_A, stay.reservation_id)
    discharge(engine, STAFF_A, stay.reservation_id)
    # By hand: refused serves nobody, discharged served the person.
    expected = {nobody: "open", refused: "open", one_of_two: "partly", left: "placed"}
    assert {i: find_request(engine, COORDINATOR, i).status for i in expected} == expected

    _downgrade(engine, "0023")
    with engine.connect() as connection:
        stored = dict(connection.execute(text("SELECT id, status FROM shelter_request")).all())
    assert stored == expected
    upgrade(engine)
    assert {i: find_request(engine, COORDINATOR, i).status for i in expected} == expected
