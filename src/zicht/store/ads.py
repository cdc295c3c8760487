"""Repository of ads: store a platform's delivery, read what screening and clustering need."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import JSON, Table, bindparam, delete, func, insert, select, update
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
    "screened_ads",
    "usages",
    "write_ads",
]

_IN_CHUNK = 500
_KEYS_CHUNK = 2000


@dataclass(frozen=True, slots=True)
class AdFacts:
    """What grouping needs of a stored ad (content still encrypted)."""

    id: int
    platform: str
    ad_id: str
    cluster_id: int | None
    image_hashes: tuple[str, ...]
    content: bytes


@dataclass(frozen=True, slots=True)
class Usage:
    """A stored ad using a licence number or contact `key`, for window counts."""

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
    for start in range(0, len(ad_ids), _KEYS_CHUNK):
        chunk = ad_ids[start : start + _KEYS_CHUNK]
        old = list(
            session.scalars(
                select(AdRow.id).where(AdRow.platform == platform, AdRow.ad_id.in_(chunk))
            )
        )
        if old:
            session.execute(delete(AdContactRow).where(AdContactRow.ad.in_(old)))
            session.execute(delete(AdBandRow).where(AdBandRow.ad.in_(old)))
            session.execute(delete(AdLinkRow).where(AdLinkRow.ad.in_(old)))
            session.execute(delete(AdLinkRow).where(AdLinkRow.linked_ad.in_(old)))
            session.execute(delete(AdRow).where(AdRow.id.in_(old)))
    now = utcnow()
    table = cast(Table, AdRow.__table__)
    # One executemany, then the ids by (platform, ad_id) in chunks: RETURNING in
    # parameter order made SQLite insert one row per statement.
    session.connection().execute(
        insert(table), [{**row, "batch_id": batch_id, "updated_at": now} for row in rows]
    )
    by_ad_id: dict[str, int] = {}
    for start in range(0, len(ad_ids), _KEYS_CHUNK):
        chunk = ad_ids[start : start + _KEYS_CHUNK]
        statement = select(AdRow.ad_id, AdRow.id).where(
            AdRow.platform == platform, AdRow.ad_id.in_(chunk)
        )
        by_ad_id.update((ad_id, row_id) for ad_id, row_id in session.execute(statement))
    ids = [by_ad_id[ad_id] for ad_id in ad_ids]
    links = [
        {"ad": ad, "kind": kind, "key": key}
        for ad, own in zip(ids, contacts, strict=True)
        for kind, key in own
    ]
    if links:
        session.connection().execute(insert(cast(Table, AdContactRow.__table__)), links)
    return ids


def save_bands(session: Session, keys: Sequence[tuple[int, str]]) -> None:
    """Store (ad row id, band key) pairs: the ads that represent a bucket."""
    marker = "?" if session.connection().dialect.paramstyle == "qmark" else "%s"
    for start in range(0, len(keys), 50_000):
        session.connection().exec_driver_sql(
            f"INSERT INTO ad_band (ad, key) VALUES ({marker}, {marker})",
            list(keys[start : start + 50_000]),
        )


def _chunks(keys: Iterable[str]) -> Iterable[list[str]]:
    ordered = sorted(set(keys))
    for start in range(0, len(ordered), _KEYS_CHUNK):
        yield ordered[start : start + _KEYS_CHUNK]


def first_with_contact(session: Session, keys: Iterable[str]) -> dict[str, int]:
    """Per contact key, the first stored ad (smallest row id) with it."""
    first: dict[str, int] = {}
    for chunk in _chunks(keys):
        statement = (
            select(AdContactRow.key, func.min(AdContactRow.ad))
            .where(AdContactRow.key.in_(chunk))
            .group_by(AdContactRow.key)
        )
        first.update((key, int(ad)) for key, ad in session.connection().execute(statement))
    return first


def band_representatives(
    session: Session, keys: Iterable[str], *, per_key: int
) -> dict[str, list[int]]:
    """Per band key, the row ids of its first `per_key` representatives, in order."""
    found: dict[str, list[int]] = {}
    for chunk in _chunks(keys):
        statement = (
            select(AdBandRow.key, AdBandRow.ad)
            .where(AdBandRow.key.in_(chunk))
            .order_by(AdBandRow.key, AdBandRow.ad)
        )
        for key, ad in session.connection().execute(statement):
            members = found.setdefault(key, [])
            if len(members) < per_key:
                members.append(ad)
    return found


def grouping_facts(session: Session, ids: Iterable[int]) -> dict[int, AdFacts]:
    """Cluster, photos and encrypted content of stored ads, by row id."""
    facts: dict[int, AdFacts] = {}
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), _IN_CHUNK):
        statement = select(
            AdRow.id, AdRow.platform, AdRow.ad_id, AdRow.cluster_id, AdRow.image_hashes,
            AdRow.content,
        ).where(AdRow.id.in_(ordered[start : start + _IN_CHUNK]))  # fmt: skip
        for row in session.connection().execute(statement):
            facts[row.id] = AdFacts(
                row.id, row.platform, row.ad_id, row.cluster_id, tuple(row.image_hashes),
                row.content,
            )  # fmt: skip
    return facts


def usages(
    session: Session,
    licence_keys: Iterable[str],
    contact_keys: Iterable[str],
    start: dt.datetime,
    end: dt.datetime,
) -> tuple[list[Usage], list[Usage]]:
    """Stored ads posted from `start` to `end` with one of the licence keys (with their
    phone keys) and with one of the contact keys."""
    by_licence: list[Usage] = []
    for chunk in _chunks(licence_keys):
        by_key = select(
            AdRow.id, AdRow.licence_key, AdRow.posted_at, AdRow.city, AdRow.cluster_id
        ).where(AdRow.licence_key.in_(chunk), AdRow.posted_at.between(start, end))
        by_licence += [
            Usage(r.id, r.licence_key, r.posted_at, r.city, r.licence_key, r.cluster_id)
            for r in session.connection().execute(by_key)
        ]
    phones: dict[int, list[str]] = {}
    ids = sorted({u.id for u in by_licence})
    for at in range(0, len(ids), _IN_CHUNK):
        of_ads = select(AdContactRow.ad, AdContactRow.key).where(
            AdContactRow.ad.in_(ids[at : at + _IN_CHUNK]), AdContactRow.kind == "phone"
        )
        for ad, key in session.connection().execute(of_ads):
            phones.setdefault(ad, []).append(key)
    by_licence = [
        Usage(u.id, u.key, u.posted_at, u.city, u.licence_key, u.cluster_id,
              tuple(sorted(phones.get(u.id, ()))))
        for u in by_licence
    ]  # fmt: skip
    by_contact: list[Usage] = []
    for chunk in _chunks(contact_keys):
        sharing = (
            select(AdRow.id, AdContactRow.key, AdRow.posted_at, AdRow.city, AdRow.licence_key,
                   AdRow.cluster_id)
            .join(AdRow, AdRow.id == AdContactRow.ad)
            .where(AdContactRow.key.in_(chunk), AdRow.posted_at.between(start, end))
        )  # fmt: skip
        by_contact += [Usage(*row) for row in session.connection().execute(sharing)]
    return by_licence, by_contact


def screened_ads(
    session: Session, ids: Sequence[int]
) -> list[tuple[int, str, dt.datetime, str | None, list[Any], list[tuple[str, str]]]]:
    """Row id, ad id, posting time, licence key, evidence and (kind, key) contacts of the
    stored ads with these row ids, in the order of `ids`."""
    rows: dict[int, Any] = {}
    contacts: dict[int, list[tuple[str, str]]] = {}
    for start in range(0, len(ids), _IN_CHUNK):
        chunk = list(ids[start : start + _IN_CHUNK])
        statement = select(
            AdRow.id, AdRow.ad_id, AdRow.posted_at, AdRow.licence_key, AdRow.evidence
        ).where(AdRow.id.in_(chunk))
        rows.update((row.id, row) for row in session.connection().execute(statement))
        for ad, kind, key in session.connection().execute(
            select(AdContactRow.ad, AdContactRow.kind, AdContactRow.key)
            .where(AdContactRow.ad.in_(chunk))
            .order_by(AdContactRow.id)
        ):
            contacts.setdefault(ad, []).append((kind, key))
    return [
        (i, rows[i].ad_id, rows[i].posted_at, rows[i].licence_key, rows[i].evidence or [],
         contacts.get(i, []))
        for i in ids
    ]  # fmt: skip


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
    table = cast(Table, AdRow.__table__)
    statement = (
        update(table)
        .where(table.c.id == bindparam("row_id"))
        .values(
            flags=bindparam("new_flags", type_=JSON),
            evidence=bindparam("new_evidence", type_=JSON),
            score=bindparam("new_score"),
            cluster_id=bindparam("new_cluster"),
        )
    )
    session.connection().execute(
        statement,
        [
            {
                "row_id": r["id"],
                "new_flags": r["flags"],
                "new_evidence": r.get("evidence"),
                "new_score": r["score"],
                "new_cluster": r["cluster_id"],
            }
            for r in results
        ],
    )


def save_clusters(session: Session, clusters: Sequence[tuple[int, int]]) -> None:
    """Store the cluster of ads: (row id, cluster id)."""
    if clusters:
        table = cast(Table, AdRow.__table__)
        statement = (
            update(table)
            .where(table.c.id == bindparam("row_id"))
            .values(cluster_id=bindparam("new_cluster"))
        )
        session.connection().execute(
            statement, [{"row_id": a, "new_cluster": c} for a, c in clusters]
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
