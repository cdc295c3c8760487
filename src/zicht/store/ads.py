"""Repository of ads: store a platform's delivery, read what screening and clustering need."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, NamedTuple, cast

from sqlalchemy import JSON, Table, delete, insert, select, update
from sqlalchemy.orm import Session, aliased

from zicht.store.models import utcnow
from zicht.store.platforms import AdBandRow, AdContactRow, AdLinkRow, AdRow

__all__ = [
    "AdFacts",
    "Usage",
    "band_representatives",
    "batch_links",
    "first_with_contact",
    "grouping_facts",
    "relabel_clusters",
    "save_bands",
    "save_clusters",
    "save_links",
    "save_screening",
    "usages",
    "write_ads",
]

_KEYS_CHUNK = 2000


@dataclass(frozen=True, slots=True)
class AdFacts:
    """What grouping needs of a stored ad (content still encrypted; None when it was
    not asked for)."""

    id: int
    platform: str
    ad_id: str
    cluster_id: int | None
    image_hashes: tuple[str, ...]
    content: bytes | None


class Usage(NamedTuple):
    """A stored ad using a licence number or contact `key`, for window counts (a named
    tuple: a window holds many, and a frozen dataclass cost three times as much to make)."""

    id: int
    key: str
    posted_at: dt.datetime
    city: str | None
    licence_key: str | None
    cluster_id: int | None
    phones: tuple[str, ...] = ()


def write_ads(
    session: Session,
    rows: Sequence[dict[str, Any]],
    contacts: Sequence[Sequence[tuple[str, str]]],
    batch_id: int,
) -> list[int]:
    """Store ads (replacing earlier deliveries of the same platform and ad id).

    Args:
        rows: column values of `AdRow` without id, batch_id and updated_at.
        contacts: per row, its (kind, key) contacts.

    Returns:
        The row ids, in the order of `rows`.
    """
    if not rows:
        return []
    platform = rows[0]["platform"]
    ad_ids = [row["ad_id"] for row in rows]
    same = "SELECT ad_id, id FROM ad WHERE ad_id IN ({keys}) AND platform = {m}"
    old = [row_id for _, row_id in _driver_rows(session, same, ad_ids, (platform,))]
    for start in range(0, len(old), _KEYS_CHUNK):
        chunk = old[start : start + _KEYS_CHUNK]
        session.execute(delete(AdContactRow).where(AdContactRow.ad.in_(chunk)))
        session.execute(delete(AdBandRow).where(AdBandRow.ad.in_(chunk)))
        session.execute(delete(AdLinkRow).where(AdLinkRow.ad.in_(chunk)))
        session.execute(delete(AdLinkRow).where(AdLinkRow.linked_ad.in_(chunk)))
        session.execute(delete(AdRow).where(AdRow.id.in_(chunk)))
    now = utcnow()
    # One executemany through the driver, then the ids by (platform, ad_id): RETURNING
    # in parameter order made SQLite insert one row per statement, and SQLAlchemy's
    # per-row parameter handling was a third of the cost of storing a chunk.
    _insert_many(
        session,
        cast(Table, AdRow.__table__),
        [{**row, "batch_id": batch_id, "updated_at": now} for row in rows],
    )
    by_ad_id = dict(_driver_rows(session, same, ad_ids, (platform,)))
    ids = [by_ad_id[ad_id] for ad_id in ad_ids]
    links = [
        {"ad": ad, "kind": kind, "key": key}
        for ad, own in zip(ids, contacts, strict=True)
        for kind, key in own
    ]
    _insert_many(session, cast(Table, AdContactRow.__table__), links)
    return ids


def _insert_many(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert `rows` (dicts of the same columns) in one executemany of the driver, each
    value converted as SQLAlchemy converts it for the column (JSON text, SQLite times)."""
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    marker = "?" if dialect.paramstyle == "qmark" else "%s"
    names = list(rows[0])
    columns = [table.c[name] for name in names]
    convert = [c.type.dialect_impl(dialect).bind_processor(dialect) for c in columns]
    cast_json = dialect.name == "postgresql"
    values = ", ".join(
        f"CAST({marker} AS JSON)" if cast_json and isinstance(c.type, JSON) else marker
        for c in columns
    )
    sql = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({values})"
    pick = itemgetter(*names)
    processed = [(at, to_db) for at, to_db in enumerate(convert) if to_db is not None]
    params: list[tuple[Any, ...]] = []
    for row in rows:
        picked = pick(row) if len(names) > 1 else (row[names[0]],)
        value = list(picked)
        for at, to_db in processed:
            value[at] = to_db(picked[at])
        params.append(tuple(value))
    # exec_driver_sql: one driver executemany, through the engine's error scrubbing.
    connection.exec_driver_sql(sql, params)


def save_bands(session: Session, keys: Sequence[tuple[int, str]]) -> None:
    """Store (ad row id, band key) pairs: the ads that represent a bucket."""
    marker = "?" if session.connection().dialect.paramstyle == "qmark" else "%s"
    for start in range(0, len(keys), 50_000):
        session.connection().exec_driver_sql(
            f"INSERT INTO ad_band (ad, key) VALUES ({marker}, {marker})",
            list(keys[start : start + 50_000]),
        )


def _chunks(keys: Iterable[Any]) -> Iterable[list[Any]]:
    ordered = sorted(set(keys))
    for start in range(0, len(ordered), _KEYS_CHUNK):
        yield ordered[start : start + _KEYS_CHUNK]


def _driver_rows(
    session: Session, sql: str, keys: Iterable[Any], after: Sequence[Any] = ()
) -> Iterable[Any]:
    """Rows of `sql` (its `{keys}` an IN list, `{m}` a parameter marker, `after` the
    values of those markers) for all `keys`, in chunks, through the driver's cursor:
    these reads return many rows, and the expression building and row objects of
    SQLAlchemy were most of their cost."""
    connection = session.connection()
    marker = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    # The raw cursor (no Row objects): these reads are hot. A read's refusal carries no
    # stored value; the writes above go through the engine's error scrubbing.
    cursor = connection.connection.cursor()
    try:
        for chunk in _chunks(keys):
            statement = sql.format(keys=", ".join([marker] * len(chunk)), m=marker)
            cursor.execute(statement, [*chunk, *after])
            yield from cursor.fetchall()
    finally:
        cursor.close()


def first_with_contact(session: Session, keys: Iterable[str]) -> dict[str, int]:
    """Per contact key, the first stored ad (smallest row id) with it."""
    sql = "SELECT key, MIN(ad) FROM ad_contact WHERE key IN ({keys}) GROUP BY key"
    return {key: int(ad) for key, ad in _driver_rows(session, sql, keys)}


def band_representatives(
    session: Session, keys: Iterable[str], *, per_key: int
) -> dict[str, list[int]]:
    """Per band key, the row ids of its first `per_key` representatives, in order."""
    found: dict[str, list[int]] = {}
    sql = "SELECT key, ad FROM ad_band WHERE key IN ({keys}) ORDER BY key, ad"
    for key, ad in _driver_rows(session, sql, keys):
        members = found.get(key)
        if members is None:
            found[key] = [ad]
        elif len(members) < per_key:
            members.append(ad)
    return found


def grouping_facts(
    session: Session, ids: Iterable[int], *, content_of: Collection[int] | None = None
) -> dict[int, AdFacts]:
    """Cluster, photos and encrypted content of stored ads, by row id.

    Args:
        content_of: the ads whose content is read (None: all); the caller holds the
            words of the others (their content is most of the bytes read).
    """
    ids = set(ids)
    wanted = ids if content_of is None else ids & set(content_of)
    sql = "SELECT id, content FROM ad WHERE id IN ({keys})"
    contents = {row_id: bytes(content) for row_id, content in _driver_rows(session, sql, wanted)}
    sql = "SELECT id, platform, ad_id, cluster_id, image_hashes FROM ad WHERE id IN ({keys})"
    return {
        row_id: AdFacts(row_id, platform, ad_id, cluster, _images(images), contents.get(row_id))
        for row_id, platform, ad_id, cluster, images in _driver_rows(session, sql, ids)
    }


def _images(value: Any) -> tuple[str, ...]:
    # Most ads have no photo: their JSON is not parsed.
    return () if value == "[]" or value == [] else tuple(_json(value))


def _json(value: Any) -> Any:
    """A JSON column as the driver gives it: text (SQLite) or decoded (psycopg)."""
    return json.loads(value) if isinstance(value, str) else value


def _as_is(value: Any) -> Any:
    return value


def usages(
    session: Session,
    licence_keys: Iterable[str],
    contact_keys: Iterable[str],
    start: dt.datetime,
    end: dt.datetime,
) -> tuple[list[Usage], list[Usage]]:
    """Stored ads posted from `start` to `end` with one of the licence keys (with their
    phone keys) and with one of the contact keys."""
    # Times as the dialect stores and reads them (SQLite: text), outside SQLAlchemy.
    dialect = session.connection().dialect
    posted = cast(Table, AdRow.__table__).c.posted_at.type.dialect_impl(dialect)
    to_db: Callable[[Any], Any] = posted.bind_processor(dialect) or _as_is
    read: Callable[[Any], Any] = posted.result_processor(dialect, None) or _as_is
    window = (to_db(start), to_db(end))
    # SQLite would take the index on posting time and scan every ad of the window (all
    # of a large delivery); the licence key is the selective term ("+": no index).
    posted_at = "+posted_at" if dialect.name == "sqlite" else "posted_at"
    found = list(
        _driver_rows(
            session,
            "SELECT id, licence_key, posted_at, city, cluster_id FROM ad "
            f"WHERE licence_key IN ({{keys}}) AND {posted_at} BETWEEN {{m}} AND {{m}}",
            licence_keys,
            window,
        )
    )
    phones: dict[int, list[str]] = {}
    for ad, key in _driver_rows(
        session,
        "SELECT ad, key FROM ad_contact WHERE ad IN ({keys}) AND kind = 'phone'",
        {row[0] for row in found},
    ):
        phones.setdefault(ad, []).append(key)
    by_licence = [
        Usage(row_id, key, read(at), city, key, cluster, tuple(sorted(phones.get(row_id, ()))))
        for row_id, key, at, city, cluster in found
    ]
    by_contact = [
        Usage(row_id, key, read(at), city, licence, cluster)
        for row_id, key, at, city, licence, cluster in _driver_rows(
            session,
            "SELECT ad.id, ad_contact.key, ad.posted_at, ad.city, ad.licence_key, "
            "ad.cluster_id FROM ad_contact JOIN ad ON ad.id = ad_contact.ad "
            "WHERE ad_contact.key IN ({keys}) AND ad.posted_at BETWEEN {m} AND {m}",
            contact_keys,
            window,
        )
    ]
    return by_licence, by_contact


def batch_links(session: Session, batch_id: int) -> Iterable[tuple[str, str, str, int]]:
    """The links that joined the ads of a batch: ("platform/ad_id" of the earlier ad and
    of the batch's ad, kind, value), in the order they were made."""
    earlier, joined = aliased(AdRow), aliased(AdRow)
    statement = (
        select(earlier.platform, earlier.ad_id, joined.platform, joined.ad_id, AdLinkRow.kind,
               AdLinkRow.value)
        .join(earlier, earlier.id == AdLinkRow.ad)
        .join(joined, joined.id == AdLinkRow.linked_ad)
        .where(joined.batch_id == batch_id)
        .order_by(AdLinkRow.id)
    )  # fmt: skip
    for row in session.connection().execute(statement):
        yield f"{row[0]}/{row[1]}", f"{row[2]}/{row[3]}", row[4], row[5]


def relabel_clusters(session: Session, renamed: dict[int, int]) -> None:
    """Give every ad of cluster `old` the cluster id `new`, for each old -> new."""
    for old, new in renamed.items():
        session.execute(update(AdRow).where(AdRow.cluster_id == old).values(cluster_id=new))


def save_screening(session: Session, results: Sequence[dict[str, Any]]) -> None:
    """Store flags, score and cluster of ads: dicts of `id`, `flags`, `score`, `cluster_id`
    and optionally `evidence`."""
    if not results:
        return
    connection = session.connection()
    dialect = connection.dialect
    marker = "?" if dialect.paramstyle == "qmark" else "%s"
    json_marker = f"CAST({marker} AS JSON)" if dialect.name == "postgresql" else marker
    table = cast(Table, AdRow.__table__)
    to_json = table.c.flags.type.dialect_impl(dialect).bind_processor(dialect) or _as_is
    params = [
        (to_json(r["flags"]), to_json(r.get("evidence")), r["score"], r["cluster_id"], r["id"])
        for r in results
    ]
    # Through the driver (SQLAlchemy's per-row parameter handling cost more), yet
    # through the engine's error scrubbing: no value in a refusal's message.
    connection.exec_driver_sql(
        f"UPDATE ad SET flags = {json_marker}, evidence = {json_marker}, score = {marker}, "
        f"cluster_id = {marker} WHERE id = {marker}",
        params,
    )


def save_clusters(session: Session, clusters: Sequence[tuple[int, int]]) -> None:
    """Store the cluster of ads: (row id, cluster id)."""
    marker = "?" if session.connection().dialect.paramstyle == "qmark" else "%s"
    for start in range(0, len(clusters), 50_000):
        session.connection().exec_driver_sql(
            f"UPDATE ad SET cluster_id = {marker} WHERE id = {marker}",
            [(cluster, row_id) for row_id, cluster in clusters[start : start + 50_000]],
        )


def save_links(session: Session, links: Sequence[tuple[int, int, str, int]]) -> None:
    """Store why ads were joined: (ad row id, linked ad row id, kind, value)."""
    if links:
        session.connection().execute(
            insert(cast(Table, AdLinkRow.__table__)),
            [
                {"ad": a, "linked_ad": b, "kind": kind, "value": value}
                for a, b, kind, value in links
            ],
        )
