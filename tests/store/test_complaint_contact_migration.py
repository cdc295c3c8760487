"""Migration 0022 gives the notice tables exactly what the models describe (both
databases), and a complaint filed before it reads as one without an address, in Dutch."""

from __future__ import annotations

import datetime as dt

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, insert, select

import zicht.store.notices  # noqa: F401  (registers the models)
from zicht.store import make_engine, upgrade
from zicht.store.models import Base
from zicht.store.notices import ComplaintRow

NOTICE_TABLES = {"notice", "moderation_decision", "dsa_complaint", "dsa_outbox"}


def _tables_of(diff: object) -> set[str]:
    found: set[str] = set()
    for item in diff if isinstance(diff, list) else [diff]:
        for part in item if isinstance(item, tuple) else ():
            table = getattr(part, "table", None)
            name = getattr(table, "name", None) or getattr(part, "name", None)
            if isinstance(name, str):
                found.add(name)
            if isinstance(part, str):
                found.add(part)
    return found


def test_models_and_migration_agree(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert [d for d in differences if _tables_of(d) & NOTICE_TABLES] == []


def test_a_complaint_from_before_has_no_address_and_dutch(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        upgrade(engine, "0020")
        now = dt.datetime(2026, 11, 1, 12, 0)
        with engine.begin() as connection:
            tables = Base.metadata.tables
            connection.execute(
                insert(tables["dsa_platform"]),
                {"code": "p", "name": "P", "contact_point": "d@p.example",
                 "established_in": "NL", "created_at": now},
            )  # fmt: skip
            notice = connection.execute(
                insert(tables["notice"]).returning(tables["notice"].c.id),
                {"reference": "N-1", "platform": "p", "source": "notice", "category": "X",
                 "keywords": [], "ad_ids": [], "content": b"x", "good_faith": True,
                 "threat_to_life": False, "lane": "standard", "priority": 4,
                 "automated_detection": False, "language": "nl", "status": "decided",
                 "received_at": now},
            ).scalar_one()  # fmt: skip
            decision_columns = {c.name for c in tables["moderation_decision"].columns}
            values = {
                "puid": "zicht-1", "redress_key": "R-1", "notice_id": notice, "platform": "p",
                "source": "notice", "status": "in_force", "acted": False, "visibility": [],
                "facts": "f", "category": "X", "keywords": [], "content_type": [],
                "other_texts": {}, "territorial_scope": ["NL"], "content_date": now.date(),
                "application_date": now.date(), "automated_detection": False,
                "automated_decision": "AUTOMATED_DECISION_NOT_AUTOMATED", "referred": False,
                "unfounded": False, "manifestly_illegal": False, "decided_by": "m",
                "decided_at": now,
            }  # fmt: skip
            decision = connection.execute(
                insert(tables["moderation_decision"]).returning(tables["moderation_decision"].c.id),
                {k: v for k, v in values.items() if k in decision_columns},
            ).scalar_one()
            connection.execute(  # the columns before 0022: no contact, no language
                insert(tables["dsa_complaint"]),
                {"reference": "C-1", "decision_id": decision, "platform": "p",
                 "complainant": "poster", "content": b"x", "status": "open", "filed_at": now},
            )  # fmt: skip
        upgrade(engine)
        with engine.connect() as connection:
            row = connection.execute(select(ComplaintRow.contact, ComplaintRow.language)).one()
        assert tuple(row) == (None, "nl")
    finally:
        engine.dispose()
