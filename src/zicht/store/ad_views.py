"""Read-only queries behind the platform pages: screened ads, operators, counts, licences.

Nothing here decrypts: ads come with their pseudonyms and screening, licences with
their encrypted identity token for `zicht.platforms` to open through the audited door.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Engine, Row, func, select
from sqlalchemy.orm import Session

from zicht.store.platforms import AdContactRow, AdLinkRow, AdRow, LicenceRow

__all__ = [
    "AdSummary",
    "LicenceEntry",
    "ad_counts",
    "ad_evidence",
    "ad_summaries",
    "cluster_contacts",
    "cluster_summaries",
    "find_ad",
    "licence_entry",
    "links_among",
]


@dataclass(frozen=True, slots=True)
class AdSummary:
    """A stored ad as the pages show it: no content, pseudonyms only."""

    id: int
    platform: str
    ad_id: str
    posted_at: dt.datetime
    city: str | None
    stated_age: int | None
    licence_key: str | None
    flags: tuple[str, ...]
    score: float
    cluster_id: int | None


@dataclass(frozen=True, slots=True)
class LicenceEntry:
    """A register entry with its identity still encrypted."""

    id: int
    number_key: str
    municipality: str
    valid_from: dt.date
    valid_to: dt.date | None
    status: str
    holder_key: str
    identity: bytes


_COLUMNS = (
    AdRow.id,
    AdRow.platform,
    AdRow.ad_id,
    AdRow.posted_at,
    AdRow.city,
    AdRow.stated_age,
    AdRow.licence_key,
    AdRow.flags,
    AdRow.score,
    AdRow.cluster_id,
)


def _summary(row: Row[Any]) -> AdSummary:
    return AdSummary(
        row.id,
        row.platform,
        row.ad_id,
        row.posted_at,
        row.city,
        row.stated_age,
        row.licence_key,
        tuple(row.flags or ()),
        float(row.score or 0.0),
        row.cluster_id,
    )


def ad_summaries(
    engine: Engine,
    *,
    platform: str | None,
    offset: int = 0,
    limit: int = 50,
    min_score: float = 0.0,
    cluster: int | None = None,
) -> tuple[list[AdSummary], int]:
    """Screened ads (of one platform, or all when None), highest score first, and their total."""
    where = [AdRow.score >= min_score]
    if platform is not None:
        where.append(AdRow.platform == platform)
    if cluster is not None:
        where.append(AdRow.cluster_id == cluster)
    statement = (
        select(*_COLUMNS)
        .where(*where)
        .order_by(AdRow.score.desc(), AdRow.posted_at.desc(), AdRow.id)
        .offset(offset)
        .limit(limit)
    )
    with Session(engine) as session:
        rows = [_summary(r) for r in session.execute(statement)]
        total = session.scalar(select(func.count()).select_from(AdRow).where(*where)) or 0
    return rows, int(total)


def cluster_summaries(
    engine: Engine, *, platform: str | None, offset: int = 0, limit: int = 50
) -> tuple[list[tuple[int, int, int, float, dt.datetime, dt.datetime]], int]:
    """Operators of two or more ads: (cluster, ads, platforms, top score, first, last) and
    how many there are; a platform's view counts only that platform's ads."""
    where: list[ColumnElement[bool]] = [AdRow.cluster_id.is_not(None)]
    if platform is not None:
        where.append(AdRow.platform == platform)
    grouped = (
        select(
            AdRow.cluster_id,
            func.count(),
            func.count(func.distinct(AdRow.platform)),
            func.max(AdRow.score),
            func.min(AdRow.posted_at),
            func.max(AdRow.posted_at),
        )
        .where(*where)
        .group_by(AdRow.cluster_id)
        .having(func.count() > 1)
    )
    statement = grouped.order_by(func.count().desc(), AdRow.cluster_id).offset(offset).limit(limit)
    with Session(engine) as session:
        rows = [
            (int(c or 0), int(n), int(p), float(s or 0), first, last)
            for c, n, p, s, first, last in session.execute(statement)
        ]
        total = session.scalar(select(func.count()).select_from(grouped.subquery())) or 0
    return rows, int(total)


def cluster_contacts(engine: Engine, ad_ids: list[int]) -> dict[int, list[tuple[str, str]]]:
    """The contact pseudonyms (kind, key) of the given stored ads."""
    found: dict[int, list[tuple[str, str]]] = {}
    if not ad_ids:
        return found
    statement = select(AdContactRow.ad, AdContactRow.kind, AdContactRow.key).where(
        AdContactRow.ad.in_(ad_ids)
    )
    with Session(engine) as session:
        for ad, kind, key in session.execute(statement):
            found.setdefault(int(ad), []).append((str(kind), str(key)))
    return found


def ad_counts(
    engine: Engine, *, platform: str | None, since: dt.datetime | None = None
) -> Counter[tuple[dt.date, str]]:
    """Stored ads per posting day (UTC) and city (empty string: no city)."""
    statement = select(AdRow.posted_at, AdRow.city)
    if platform is not None:
        statement = statement.where(AdRow.platform == platform)
    if since is not None:
        statement = statement.where(AdRow.posted_at >= since)
    counts: Counter[tuple[dt.date, str]] = Counter()
    with Session(engine) as session:
        for posted, city in session.execute(statement):
            counts[(posted.date(), " ".join((city or "").split()))] += 1
    return counts


def licence_entry(engine: Engine, number_key: str) -> LicenceEntry | None:
    """The register entry of a licence number's pseudonym, None when there is none."""
    statement = select(
        LicenceRow.id,
        LicenceRow.number_key,
        LicenceRow.municipality,
        LicenceRow.valid_from,
        LicenceRow.valid_to,
        LicenceRow.status,
        LicenceRow.holder_key,
        LicenceRow.identity,
    ).where(LicenceRow.number_key == number_key)
    with Session(engine) as session:
        row = session.execute(statement).first()
    return None if row is None else LicenceEntry(*row)


def find_ad(engine: Engine, platform: str, ad_id: str) -> AdSummary | None:
    """One stored ad by platform and ad id."""
    statement = select(*_COLUMNS).where(AdRow.platform == platform, AdRow.ad_id == ad_id)
    with Session(engine) as session:
        row = session.execute(statement).first()
    return None if row is None else _summary(row)


def ad_evidence(engine: Engine, ids: list[int]) -> dict[int, list[Any]]:
    """The stored flag evidence of ads ([flag, kind, message, params] each)."""
    if not ids:
        return {}
    statement = select(AdRow.id, AdRow.evidence).where(AdRow.id.in_(ids))
    with Session(engine) as session:
        return {int(i): list(e or ()) for i, e in session.execute(statement)}


def links_among(engine: Engine, ids: list[int]) -> list[tuple[int, int, str, int]]:
    """The stored links (ad, linked ad, kind, value) with at least one end among `ids`."""
    if not ids:
        return []
    statement = select(AdLinkRow.ad, AdLinkRow.linked_ad, AdLinkRow.kind, AdLinkRow.value).where(
        AdLinkRow.ad.in_(ids) | AdLinkRow.linked_ad.in_(ids)
    )
    with Session(engine) as session:
        return [(int(a), int(b), str(k), int(v)) for a, b, k, v in session.execute(statement)]
