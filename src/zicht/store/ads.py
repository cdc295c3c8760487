"""Repository of ads: store a platform's delivery, read what screening and clustering need."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.orm import Session

from zicht.store.models import utcnow
from zicht.store.platforms import AdContactRow, AdRow

__all__ = [
    "StoredAd",
    "ads_sharing",
    "relabel_clusters",
    "save_screening",
    "stored_ads",
    "write_ads",
]

_IN_CHUNK = 500


@dataclass(frozen=True, slots=True)
class StoredAd:
    """What screening and clustering need of an ad in the store (no cleartext)."""

    id: int
    platform: str
    ad_id: str
    posted_at: dt.datetime
    city: str | None
    licence_key: str | None
    cluster_id: int | None
    contact_keys: tuple[str, ...]


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
    for start in range(0, len(ad_ids), _IN_CHUNK):
        old = select(AdRow.id).where(
            AdRow.platform == platform, AdRow.ad_id.in_(ad_ids[start : start + _IN_CHUNK])
        )
        session.execute(delete(AdContactRow).where(AdContactRow.ad.in_(old)))
        session.execute(
            delete(AdRow).where(
                AdRow.platform == platform, AdRow.ad_id.in_(ad_ids[start : start + _IN_CHUNK])
            )
        )
    now = utcnow()
    table = cast(Table, AdRow.__table__)
    ids = list(
        session.connection()
        .execute(
            insert(table).returning(table.c.id, sort_by_parameter_order=True),
            [{**row, "batch_id": batch_id, "updated_at": now} for row in rows],
        )
        .scalars()
    )
    links = [
        {"ad": ad, "kind": kind, "key": key}
        for ad, own in zip(ids, contacts, strict=True)
        for kind, key in own
    ]
    if links:
        session.connection().execute(insert(cast(Table, AdContactRow.__table__)), links)
    return ids


def ads_sharing(
    session: Session,
    licence_keys: Iterable[str],
    contact_keys: Iterable[str],
    *,
    exclude_batch: int | None = None,
) -> list[StoredAd]:
    """Stored ads (any platform, not of `exclude_batch`) with one of these licence/contact keys."""
    found: set[int] = set()
    for keys, column in (
        (sorted(set(licence_keys)), AdRow.licence_key),
        (sorted(set(contact_keys)), None),
    ):
        for start in range(0, len(keys), _IN_CHUNK):
            chunk = keys[start : start + _IN_CHUNK]
            if column is None:
                statement = select(AdContactRow.ad).where(AdContactRow.key.in_(chunk))
            else:
                statement = select(AdRow.id).where(column.in_(chunk))
            found.update(session.scalars(statement))
    return stored_ads(session, sorted(found), exclude_batch=exclude_batch)


def stored_ads(
    session: Session, ids: Sequence[int], *, exclude_batch: int | None = None
) -> list[StoredAd]:
    """The stored ads with these row ids (not of `exclude_batch`), with their contact keys."""
    ads: list[StoredAd] = []
    for start in range(0, len(ids), _IN_CHUNK):
        chunk = list(ids[start : start + _IN_CHUNK])
        keys: dict[int, list[str]] = {}
        for ad, key in session.execute(
            select(AdContactRow.ad, AdContactRow.key).where(AdContactRow.ad.in_(chunk))
        ):
            keys.setdefault(ad, []).append(key)
        statement = select(
            AdRow.id,
            AdRow.platform,
            AdRow.ad_id,
            AdRow.posted_at,
            AdRow.city,
            AdRow.licence_key,
            AdRow.cluster_id,
        ).where(AdRow.id.in_(chunk))
        if exclude_batch is not None:
            statement = statement.where(AdRow.batch_id != exclude_batch)
        for id_, platform, ad_id, posted_at, city, licence, cluster in session.execute(statement):
            ads.append(
                StoredAd(
                    id_, platform, ad_id, posted_at, city, licence, cluster,
                    tuple(sorted(keys.get(id_, []))),
                )
            )  # fmt: skip
    return ads


def relabel_clusters(session: Session, renamed: dict[int, int]) -> None:
    """Give every ad of cluster `old` the cluster id `new`, for each old -> new."""
    for old, new in renamed.items():
        session.execute(update(AdRow).where(AdRow.cluster_id == old).values(cluster_id=new))


def save_screening(session: Session, results: Sequence[dict[str, Any]]) -> None:
    """Store flags, score and cluster of ads: dicts of `id`, `flags`, `score`, `cluster_id`."""
    if results:
        session.execute(update(AdRow), list(results))
