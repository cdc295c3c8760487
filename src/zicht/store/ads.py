"""Repository of ads: store a platform's delivery, read what screening and clustering need."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import JSON, Table, bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from zicht.store.models import utcnow
from zicht.store.platforms import AdBandRow, AdContactRow, AdLinkRow, AdRow

__all__ = [
    "StoredAd",
    "ads_sharing",
    "band_representatives",
    "relabel_clusters",
    "save_links",
    "save_screening",
    "stored_ads",
    "write_ads",
]

_IN_CHUNK = 500
_KEYS_CHUNK = 2000


@dataclass(frozen=True, slots=True)
class StoredAd:
    """What screening and clustering need of a stored ad (content still encrypted)."""

    id: int
    platform: str
    ad_id: str
    posted_at: dt.datetime
    city: str | None
    licence_key: str | None
    cluster_id: int | None
    image_hashes: tuple[str, ...]
    content: bytes
    contacts: tuple[tuple[str, str], ...]


def write_ads(
    session: Session,
    rows: Sequence[dict[str, Any]],
    contacts: Sequence[Sequence[tuple[str, str]]],
    bands: Sequence[Sequence[str]],
    batch_id: int,
) -> list[int]:
    """Store ads (replacing earlier deliveries of the same platform and ad id).

    Args:
        rows: column values of `AdRow` without id, batch_id and updated_at.
        contacts: per row, its (kind, key) contacts.
        bands: per row, its band keys (text template and photo).

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
    # Sixteen or more keys an ad: straight to the driver, without building a dict each.
    keys = [(ad, key) for ad, own in zip(ids, bands, strict=True) for key in own]
    marker = "?" if session.connection().dialect.paramstyle == "qmark" else "%s"
    for start in range(0, len(keys), 50_000):
        session.connection().exec_driver_sql(
            f"INSERT INTO ad_band (ad, key) VALUES ({marker}, {marker})",
            keys[start : start + 50_000],
        )
    return ids


def ads_sharing(
    session: Session,
    licence_keys: Iterable[str],
    contact_keys: Iterable[str],
    band_keys: Iterable[str] = (),
    *,
    exclude_batch: int | None = None,
) -> list[StoredAd]:
    """Stored ads (any platform, not of `exclude_batch`) sharing a licence, contact or band key."""
    found: set[int] = set()
    if exclude_batch is not None and (
        session.scalar(select(AdRow.id).where(AdRow.batch_id != exclude_batch).limit(1)) is None
    ):
        return []  # the first delivery of the store: no key lookups
    queries = (
        (sorted(set(licence_keys)), AdRow.id, AdRow.licence_key),
        (sorted(set(contact_keys)), AdContactRow.ad, AdContactRow.key),
        (sorted(set(band_keys)), AdBandRow.ad, AdBandRow.key),
    )
    for keys, ad_column, key_column in queries:
        for start in range(0, len(keys), _KEYS_CHUNK):
            statement = select(ad_column).where(key_column.in_(keys[start : start + _KEYS_CHUNK]))
            if exclude_batch is not None:
                if ad_column is not AdRow.id:
                    statement = statement.join(AdRow, AdRow.id == ad_column)
                statement = statement.where(AdRow.batch_id != exclude_batch)
            found.update(session.scalars(statement))
    return stored_ads(session, sorted(found), exclude_batch=exclude_batch)


def band_representatives(
    session: Session, band_keys: Iterable[str], *, exclude_batch: int, per_key: int
) -> set[int]:
    """Row ids of stored ads (not of `exclude_batch`) that represent each band key: per
    key, the first ads of at most `per_key` different clusters (an ad without a cluster
    is a cluster of its own)."""
    keys = sorted(set(band_keys))
    chosen: set[int] = set()
    for start in range(0, len(keys), _KEYS_CHUNK):
        statement = (
            select(AdBandRow.key, AdRow.id, AdRow.cluster_id)
            .join(AdRow, AdRow.id == AdBandRow.ad)
            .where(AdBandRow.key.in_(keys[start : start + _KEYS_CHUNK]))
            .where(AdRow.batch_id != exclude_batch)
            .order_by(AdBandRow.key, AdRow.id)
        )
        clusters: dict[str, set[int]] = {}
        for key, row_id, cluster in session.execute(statement):
            seen = clusters.setdefault(key, set())
            cluster = row_id if cluster is None else cluster
            if cluster not in seen and len(seen) < per_key:
                seen.add(cluster)
                chosen.add(row_id)
    return chosen


def stored_ads(
    session: Session, ids: Sequence[int], *, exclude_batch: int | None = None
) -> list[StoredAd]:
    """The stored ads with these row ids (not of `exclude_batch`), with their contact keys."""
    ads: list[StoredAd] = []
    for start in range(0, len(ids), _IN_CHUNK):
        chunk = list(ids[start : start + _IN_CHUNK])
        keys: dict[int, list[tuple[str, str]]] = {}
        for ad, kind, key in session.execute(
            select(AdContactRow.ad, AdContactRow.kind, AdContactRow.key).where(
                AdContactRow.ad.in_(chunk)
            )
        ):
            keys.setdefault(ad, []).append((kind, key))
        statement = select(
            AdRow.id,
            AdRow.platform,
            AdRow.ad_id,
            AdRow.posted_at,
            AdRow.city,
            AdRow.licence_key,
            AdRow.cluster_id,
            AdRow.image_hashes,
            AdRow.content,
        ).where(AdRow.id.in_(chunk))
        if exclude_batch is not None:
            statement = statement.where(AdRow.batch_id != exclude_batch)
        for row in session.execute(statement):
            ads.append(
                StoredAd(
                    id=row.id,
                    platform=row.platform,
                    ad_id=row.ad_id,
                    posted_at=row.posted_at,
                    city=row.city,
                    licence_key=row.licence_key,
                    cluster_id=row.cluster_id,
                    image_hashes=tuple(row.image_hashes),
                    content=row.content,
                    contacts=tuple(sorted(keys.get(row.id, []))),
                )
            )
    return ads


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
