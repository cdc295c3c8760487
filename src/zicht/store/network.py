"""The chain's graph in the application database: runs, nodes, edges and networks.

A network run is versioned like a link run: it names the link run whose persons it
used, its parameters, timings and metrics. Nodes are keyed by a keyed pseudonym (never
an identifier in the clear); each edge keeps the registration (or ad) it comes from,
the organisation and the day. `zicht.network` computes with igraph and hands plain
tables to the functions here; only this module writes network results with SQL.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from itertools import repeat
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import (
    JSON,
    Boolean,
    Connection,
    Date,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    delete,
    func,
    insert,
    or_,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column

from zicht.store._run_rows import fail_run, finish_run
from zicht.store.models import Base, utcnow

__all__ = [
    "EDGE_COLUMNS",
    "NETWORK_COLUMNS",
    "NODE_COLUMNS",
    "NetworkEdgeRow",
    "NetworkNodeRow",
    "NetworkRow",
    "NetworkRunRecord",
    "NetworkRunRow",
    "fail_network_run",
    "finish_network_run",
    "latest_network_run",
    "list_network_runs",
    "read_ad_links",
    "read_network_edges",
    "read_network_nodes",
    "read_network_run",
    "read_networks",
    "start_network_run",
    "write_network_results",
]

# A table receiving at least this many rows (and no fewer than it holds) is bulk loaded
# without its secondary indexes, which are built again afterwards.
BULK_LOAD_ROWS = 200_000
# SQLite's page cache during a bulk load, in KiB (a negative cache_size): 256 MiB.
SQLITE_BULK_CACHE_KIB = -262_144


class NetworkRunRow(Base):
    """One run of `zicht network build`: what it read and what it found."""

    __tablename__ = "network_run"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    link_run_id: Mapped[int | None] = mapped_column(ForeignKey("link_run.id"), nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="running", index=True)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON)
    timings: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    metrics: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    nodes: Mapped[int] = mapped_column(Integer, default=0)
    edges: Mapped[int] = mapped_column(Integer, default=0)
    networks: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(String(400), nullable=True)


class NetworkNodeRow(Base):
    """A node of one run: its kind, pseudonym key, network and place in it."""

    __tablename__ = "network_node"

    run_id: Mapped[int] = mapped_column(ForeignKey("network_run.id"), primary_key=True)
    node: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    key: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(40))
    ref: Mapped[str | None] = mapped_column(String(40), nullable=True)
    component: Mapped[int] = mapped_column(Integer)
    network: Mapped[int] = mapped_column(Integer, index=True)
    betweenness: Mapped[float] = mapped_column(Float, default=0.0)
    articulation: Mapped[bool] = mapped_column(Boolean, default=False)


class NetworkEdgeRow(Base):
    """One piece of evidence for an edge: which registration (or ad) ties two nodes."""

    __tablename__ = "network_edge"

    run_id: Mapped[int] = mapped_column(ForeignKey("network_run.id"), primary_key=True)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_node: Mapped[int] = mapped_column(Integer, index=True)
    target_node: Mapped[int] = mapped_column(Integer, index=True)
    kind: Mapped[str] = mapped_column(String(12))
    record_type: Mapped[str] = mapped_column(String(30))
    record_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    organisation: Mapped[str] = mapped_column(String(60))
    seen_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)


class NetworkRow(Base):
    """A network (community) of one run with its risk score, reasons and change."""

    __tablename__ = "network"

    run_id: Mapped[int] = mapped_column(ForeignKey("network_run.id"), primary_key=True)
    network: Mapped[int] = mapped_column(Integer, primary_key=True)
    rank: Mapped[int] = mapped_column(Integer, index=True)
    score: Mapped[float] = mapped_column(Float)
    nodes: Mapped[int] = mapped_column(Integer)
    victims: Mapped[int] = mapped_column(Integer)
    minors: Mapped[int] = mapped_column(Integer)
    suspects: Mapped[int] = mapped_column(Integer)
    suspects_om: Mapped[int] = mapped_column(Integer)
    ads: Mapped[int] = mapped_column(Integer)
    forms: Mapped[str] = mapped_column(String(200))
    cross_border: Mapped[bool] = mapped_column(Boolean)
    recent: Mapped[bool] = mapped_column(Boolean)
    first_seen: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    last_seen: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    reasons: Mapped[list[Any]] = mapped_column(JSON)
    change: Mapped[str] = mapped_column(String(12))
    previous: Mapped[list[Any]] = mapped_column(JSON)


NODE_COLUMNS = [c.name for c in NetworkNodeRow.__table__.columns if c.name != "run_id"]
EDGE_COLUMNS = [c.name for c in NetworkEdgeRow.__table__.columns if c.name != "run_id"]
NETWORK_COLUMNS = [c.name for c in NetworkRow.__table__.columns if c.name != "run_id"]


@dataclass(frozen=True)
class NetworkRunRecord:
    """A network run as read back (no SQLAlchemy object leaves the store)."""

    id: int
    link_run_id: int | None
    status: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    parameters: dict[str, Any]
    timings: dict[str, Any] | None
    metrics: dict[str, Any] | None
    nodes: int
    edges: int
    networks: int
    error: str | None


def _record(mapping: Any) -> NetworkRunRecord:
    return NetworkRunRecord(
        **{name: mapping[name] for name in NetworkRunRecord.__dataclass_fields__}
    )


def start_network_run(
    engine: Engine, *, link_run_id: int | None, parameters: dict[str, Any]
) -> int:
    """Record the start of a run; returns its id."""
    with engine.begin() as connection:
        result = connection.execute(
            insert(NetworkRunRow).values(
                link_run_id=link_run_id,
                status="running",
                started_at=utcnow(),
                parameters=parameters,
                nodes=0,
                edges=0,
                networks=0,
            )
        )
        key = result.inserted_primary_key
        assert key is not None
        return int(key[0])


def _then_none(values: npt.NDArray[Any]) -> npt.NDArray[np.object_]:
    """`values` as objects and None after them: where factorize's code -1 (missing) lands."""
    result = np.empty(len(values) + 1, dtype=object)
    result[:-1] = values
    return result


def _column_values(frame: pd.DataFrame, name: str, kind: Any, sqlite: bool) -> list[Any]:
    """One column as Python values for the driver: None for missing, dates as ISO text on
    SQLite (as SQLAlchemy's Date keeps them there), JSON serialised."""
    column = frame[name]
    if isinstance(kind, JSON):
        return [json.dumps(v) for v in column]
    if isinstance(kind, Date):
        # a run's millions of evidence rows fall on a few hundred days: each distinct day
        # is converted once (formatting 5 million dates one by one took 3.5 CPU-s)
        codes, days = pd.factorize(pd.to_datetime(column).to_numpy("datetime64[D]"))
        converted = np.asarray(days, dtype="datetime64[D]").astype(str if sqlite else object)
        return list(_then_none(converted)[codes].tolist())
    if column.dtype.kind in "biuf" and not column.isna().any():
        return list(column.to_numpy().tolist())
    codes, distinct = pd.factorize(column)
    if 2 * len(distinct) <= len(column):
        # a few values repeated (kinds, record types, organisations): one Python object
        # each, shared by the rows, instead of one per row made from Arrow's strings
        return list(_then_none(np.asarray(distinct, dtype=object))[codes].tolist())
    part = column.astype(object)
    return list(part.where(pd.notna(part), None).tolist())


def _rows(
    run_id: int, frame: pd.DataFrame, table: Any, columns: Sequence[str], sqlite: bool
) -> Iterator[tuple[Any, ...]]:
    """Row tuples (run id first) of `frame`, built column by column (not per row)."""
    values = [
        _column_values(frame, name, table.__table__.columns[name].type, sqlite) for name in columns
    ]
    return zip(repeat(run_id, len(frame)), *values, strict=True)


def _secondary_indexes(connection: Connection, table: Any, incoming: int) -> list[Index]:
    """The indexes to drop before a bulk load and build again after it: those of a table
    that receives at least `BULK_LOAD_ROWS` rows and no fewer than it holds already
    (building an index by sorting then costs less than inserting into it row by row)."""
    if incoming < BULK_LOAD_ROWS:
        return []
    held = connection.execute(select(func.count()).select_from(table.__table__)).scalar_one()
    if incoming < held:
        return []
    return sorted(table.__table__.indexes, key=lambda index: str(index.name))


@contextmanager
def _sqlite_bulk_load(connection: Connection) -> Iterator[None]:
    """A larger page cache and in-memory sorting for this connection during the load,
    set back afterwards (the connection returns to the pool as it was). Durability is
    not touched: WAL with synchronous=NORMAL, as for every other write."""
    raw = connection.connection.driver_connection
    assert raw is not None
    saved = {
        name: int(raw.execute(f"PRAGMA {name}").fetchone()[0])
        for name in ("cache_size", "temp_store")
    }
    raw.execute(f"PRAGMA cache_size={SQLITE_BULK_CACHE_KIB}")
    raw.execute("PRAGMA temp_store=MEMORY")
    try:
        yield
    finally:
        for name, value in saved.items():
            raw.execute(f"PRAGMA {name}={value}")


# rows per COPY chunk on PostgreSQL: one Arrow buffer of text each (about 60 MB)
COPY_CHUNK_ROWS = 500_000
# COPY's text format: these characters of a value are written escaped (backslash first)
COPY_ESCAPES = (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r"))


def _copy_column(frame: pd.DataFrame, name: str, kind: Any) -> pa.Array:
    """One column as COPY text (NULL as \\N), converted by Arrow, not value by value."""
    column = frame[name]
    if isinstance(kind, JSON):
        values = pa.array([json.dumps(v) for v in column], type=pa.large_string())
    elif isinstance(kind, Date):
        days = pd.to_datetime(column).to_numpy("datetime64[D]")
        values = pc.cast(pa.array(days, type=pa.date32(), from_pandas=True), pa.large_string())
    else:
        typed = {Integer: pa.int64(), Float: pa.float64(), Boolean: pa.bool_()}.get(type(kind))
        raw = pa.array(column, from_pandas=True)
        values = pc.cast(pc.cast(raw, typed) if typed else raw, pa.large_string())
        if typed is None:
            for plain, escaped in COPY_ESCAPES:
                values = pc.replace_substring(values, plain, escaped)
    filled = pc.fill_null(values, _text("\\N"))
    # a column Arrow holds in several chunks (as pandas may) becomes one array
    return filled.combine_chunks() if isinstance(filled, pa.ChunkedArray) else filled


def _text(value: str) -> pa.Scalar:
    return pa.scalar(value, type=pa.large_string())


def _copy_text(
    run_id: int, frame: pd.DataFrame, table: Any, columns: Sequence[str]
) -> Iterator[memoryview]:
    """`frame` as COPY text lines (run id first), in chunks of `COPY_CHUNK_ROWS` rows.

    Arrow joins the columns and the lines are its string buffer as it is: no Python
    object per row or value (psycopg's write_row took 5 CPU-s a million edge rows).
    Floats are written as their shortest round trip, dates as ISO, booleans as words.
    """
    for start in range(0, len(frame), COPY_CHUNK_ROWS):
        part = frame.iloc[start : start + COPY_CHUNK_ROWS]
        ids = pa.array([str(run_id)] * len(part), type=pa.large_string())
        values = [_copy_column(part, c, table.__table__.columns[c].type) for c in columns]
        lines = pc.binary_join_element_wise(ids, *values, _text("\t"))
        lines = pc.binary_join_element_wise(lines, _text("\n"), _text(""))
        offsets = np.frombuffer(lines.buffers()[1], dtype=np.int64)
        begin, end = int(offsets[lines.offset]), int(offsets[lines.offset + len(lines)])
        yield memoryview(lines.buffers()[2])[begin:end]


def _insert(
    connection: Connection,
    table: Any,
    frame: pd.DataFrame,
    columns: Sequence[str],
    run_id: int,
    sqlite: bool,
) -> None:
    names = ", ".join(f'"{c}"' for c in ("run_id", *columns))
    name = table.__tablename__
    raw = connection.connection.driver_connection
    assert raw is not None
    if connection.dialect.name == "postgresql":
        # COPY: one stream per table, its text made by Arrow in large chunks
        with raw.cursor() as cursor, cursor.copy(f'COPY "{name}" ({names}) FROM STDIN') as copy:
            for chunk in _copy_text(run_id, frame, table, columns):
                copy.write(chunk)
        return
    markers = ", ".join(["?"] * (len(columns) + 1))
    cursor = raw.cursor()
    try:
        # one executemany straight from the row iterator: one prepared statement
        rows = _rows(run_id, frame, table, columns, sqlite)
        cursor.executemany(f'INSERT INTO "{name}" ({names}) VALUES ({markers})', rows)
    finally:
        cursor.close()


def write_network_results(
    engine: Engine,
    run_id: int,
    nodes: pd.DataFrame,
    edges: pd.DataFrame,
    networks: pd.DataFrame,
) -> None:
    """Store a run's nodes, edge evidence and networks in one transaction.

    Millions of edges are a bulk load: on PostgreSQL through COPY, its text made by
    Arrow column by column in chunks (`COPY_CHUNK_ROWS`); on SQLite as tuples built
    column by column for one executemany (with a larger page cache for the operation).
    On SQLite a table that receives at least `BULK_LOAD_ROWS` rows and no fewer than it
    holds is loaded without its secondary indexes, which are built again inside the same
    transaction (readers keep their WAL snapshot meanwhile). PostgreSQL keeps its
    indexes: DROP INDEX takes an ACCESS EXCLUSIVE lock until the commit, which would
    stop every network page for the minutes a large load takes.
    """
    sqlite = engine.dialect.name == "sqlite"
    with engine.begin() as connection:
        loading = _sqlite_bulk_load(connection) if sqlite else nullcontext()
        with loading:
            for table, frame, columns in (
                (NetworkNodeRow, nodes, NODE_COLUMNS),
                (NetworkEdgeRow, edges, EDGE_COLUMNS),
                (NetworkRow, networks, NETWORK_COLUMNS),
            ):
                connection.execute(delete(table).where(table.run_id == run_id))
                dropped = _secondary_indexes(connection, table, len(frame)) if sqlite else []
                for index in dropped:
                    index.drop(connection)
                _insert(connection, table, frame, columns, run_id, sqlite)
                for index in dropped:
                    index.create(connection)


def finish_network_run(
    engine: Engine,
    run_id: int,
    *,
    timings: dict[str, Any],
    metrics: dict[str, Any],
    nodes: int,
    edges: int,
    networks: int,
) -> None:
    """Mark a run done with its timings and metrics."""
    finish_run(
        engine,
        NetworkRunRow,
        run_id,
        timings=timings,
        metrics=metrics,
        nodes=nodes,
        edges=edges,
        networks=networks,
    )


def fail_network_run(engine: Engine, run_id: int, error: str) -> None:
    """Mark a run failed (the message must not hold personal data)."""
    fail_run(engine, NetworkRunRow, run_id, error)


def read_network_run(engine: Engine, run_id: int) -> NetworkRunRecord | None:
    """One run, or None."""
    with engine.connect() as connection:
        row = connection.execute(select(NetworkRunRow).where(NetworkRunRow.id == run_id)).first()
    return None if row is None else _record(row._mapping)


def latest_network_run(engine: Engine, *, before: int | None = None) -> NetworkRunRecord | None:
    """The newest finished run (older than run `before`, when given), or None."""
    statement = select(NetworkRunRow).where(NetworkRunRow.status == "done")
    if before is not None:
        statement = statement.where(NetworkRunRow.id < before)
    with engine.connect() as connection:
        row = connection.execute(statement.order_by(NetworkRunRow.id.desc()).limit(1)).first()
    return None if row is None else _record(row._mapping)


def list_network_runs(engine: Engine, limit: int = 20) -> list[NetworkRunRecord]:
    """The newest runs, newest first."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(NetworkRunRow).order_by(NetworkRunRow.id.desc()).limit(limit)
        ).all()
    return [_record(row._mapping) for row in rows]


def _frame(statement: Any, engine: Engine, columns: Sequence[str]) -> pd.DataFrame:
    with engine.connect() as connection:
        rows = connection.execute(statement).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=list(columns))


def read_network_nodes(engine: Engine, run_id: int, *, network: int | None = None) -> pd.DataFrame:
    """Nodes of one run (of one network, when given), ordered by node."""
    table = NetworkNodeRow
    statement = select(*(getattr(table, c) for c in NODE_COLUMNS)).where(table.run_id == run_id)
    if network is not None:
        statement = statement.where(table.network == network)
    return _frame(statement.order_by(table.node), engine, NODE_COLUMNS)


def read_network_edges(
    engine: Engine, run_id: int, *, nodes: Sequence[int] | None = None
) -> pd.DataFrame:
    """Edge evidence of one run (from the given nodes, when given), ordered by id."""
    table = NetworkEdgeRow
    statement = select(*(getattr(table, c) for c in EDGE_COLUMNS)).where(table.run_id == run_id)
    if nodes is not None:
        wanted = [int(n) for n in nodes]
        statement = statement.where(
            or_(table.source_node.in_(wanted), table.target_node.in_(wanted))
        )
    return _frame(statement.order_by(table.id), engine, EDGE_COLUMNS)


def read_networks(
    engine: Engine, run_id: int, *, top: int | None = None, network: int | None = None
) -> pd.DataFrame:
    """Networks of one run by rank (the first `top`, or one `network`)."""
    table = NetworkRow
    statement = select(*(getattr(table, c) for c in NETWORK_COLUMNS)).where(table.run_id == run_id)
    if network is not None:
        statement = statement.where(table.network == network)
    statement = statement.order_by(table.rank)
    if top is not None:
        statement = statement.limit(top)
    return _frame(statement, engine, NETWORK_COLUMNS)


def read_ad_links(engine: Engine) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What the graph needs of the stored ads: the ads and their contact keys.

    Returns:
        ads (`ad`, `platform`, `posted_at`, `licence_key`, `cluster_id`) and contacts
        (`ad`, `kind`, `key`: keyed pseudonyms of the normal forms).
    """
    from zicht.store.platforms import AdContactRow, AdRow

    ads = _frame(
        select(
            AdRow.id, AdRow.platform, AdRow.posted_at, AdRow.licence_key, AdRow.cluster_id
        ).order_by(AdRow.id),
        engine,
        ["ad", "platform", "posted_at", "licence_key", "cluster_id"],
    )
    contacts = _frame(
        select(AdContactRow.ad, AdContactRow.kind, AdContactRow.key).order_by(AdContactRow.id),
        engine,
        ["ad", "kind", "key"],
    )
    return ads, contacts
