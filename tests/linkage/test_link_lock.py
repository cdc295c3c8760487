"""One link run at a time per database, across processes, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import Engine, text

from zicht.linkage import LinkageError, run_linkage
from zicht.privacy import Cipher
from zicht.store import make_engine
from zicht.store.locks import JobBusyError, exclusive_job


def test_a_second_holder_is_refused_until_the_first_lets_go(engine: Engine) -> None:
    with exclusive_job(engine, "link"):
        with pytest.raises(JobBusyError), exclusive_job(engine, "link"):
            pass  # pragma: no cover - never entered
        with exclusive_job(engine, "other job"):
            pass  # another job's lock is another lock
    with exclusive_job(engine, "link"):
        pass


def test_run_linkage_refuses_while_another_run_holds_the_lock(
    engine: Engine, cipher: Cipher
) -> None:
    with exclusive_job(engine, "link"), pytest.raises(LinkageError, match="in progress"):
        run_linkage(engine, cipher)
    with pytest.raises(LinkageError, match="no victim registrations"):
        run_linkage(engine, cipher)  # the lock is free again: the run gets as far as reading


def test_other_schemas_of_one_postgresql_database_are_other_stores(
    postgres_schema_url: str,
) -> None:
    first, again = make_engine(postgres_schema_url), make_engine(postgres_schema_url)
    other = f"zicht_lock_{uuid.uuid4().hex[:8]}"
    with first.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{other}"'))
    second = make_engine(postgres_schema_url.replace("search_path%3D", f"search_path%3D{other},"))
    try:
        with exclusive_job(first, "link"):
            with exclusive_job(second, "link"):
                pass  # a lock in one schema leaves the other free
            with pytest.raises(JobBusyError), exclusive_job(again, "link"):
                pass  # pragma: no cover - never entered
    finally:
        for engine in (second, again):
            engine.dispose()
        with first.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{other}" CASCADE'))
        first.dispose()
