"""What the platform pages, the API and the CLI show of screened ads: one service each.

A moderator (role `platform_moderator`, organisation = platform code) sees only the
ads of their own platform; an analyst or coordinator sees across platforms. Nothing
here decrypts: ads are shown by their pseudonyms, screening and operator links. Counts
leave only through the publication policy; the export of an operator is audited.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from zicht.access import Actor, AuditEvent, Principal, log_action, scope_of
from zicht.i18n import N_
from zicht.platforms._screening import FLAG_LABELS
from zicht.privacy import DEFAULT_PUBLICATION, PublicationPolicy, Published, Relation, publish
from zicht.store.ad_views import (
    AdSummary,
    ad_counts,
    ad_evidence,
    ad_summaries,
    cluster_contacts,
    cluster_summaries,
    find_ad,
    links_among,
)

__all__ = [
    "LINK_TEXTS",
    "Activity",
    "AdDetail",
    "AdsNotVisible",
    "Operator",
    "ad_activity",
    "ad_detail",
    "export_operator",
    "flag_texts",
    "link_text",
    "operator_detail",
    "operators_page",
    "screened_page",
    "visible_platform",
]

Translate = Callable[..., str]

# How a link between two ads reads; %(value)s is the PDQ distance or the aligned share.
LINK_TEXTS: dict[str, str] = {
    "phone": N_("the same phone number (pseudonym)"),
    "email": N_("the same e-mail address (pseudonym)"),
    "image": N_("the same photo: PDQ distance %(value)s of 256 bits (at most 31)"),
    "template": N_("the same text template: %(value)s%% of the words align in order"),
}


class AdsNotVisible(LookupError):
    """Not there, or not for this principal (the edges answer 404 for both)."""


@dataclass(frozen=True)
class AdDetail:
    """One ad: its screening, flag evidence and the links that joined its operator."""

    ad: AdSummary
    evidence: list[Any]
    links: list[tuple[str, str, int, str]]  # kind, other platform, value, other ad id


@dataclass(frozen=True)
class Operator:
    """An operator (cluster): the ads this principal may see and the links among them."""

    cluster: int
    ads: list[AdSummary]
    evidence: dict[int, list[Any]]
    links: list[tuple[int, int, str, int]]
    contacts: dict[int, list[tuple[str, str]]]


@dataclass(frozen=True)
class Activity:
    """Ads per day and per city over a period, as published (None: suppressed)."""

    days: tuple[dt.date, ...]
    cities: tuple[str, ...]
    per_day: dict[dt.date, int | None]
    per_city: dict[str, int | None]
    total: int | None
    policy: PublicationPolicy


def visible_platform(principal: Principal, platform: str | None = None) -> str | None:
    """The platform `principal` may look at: a moderator's own, anyone's for analysts.

    Raises:
        AdsNotVisible: no `view_ads` grant, or another platform than a moderator's own.
    """
    scope = scope_of(principal, "view_ads")
    if scope is None:
        raise AdsNotVisible("view_ads")
    if scope == "all":
        return platform or None
    if platform not in (None, principal.organisation):
        raise AdsNotVisible("platform")
    return principal.organisation


def flag_texts(t: Translate, evidence: Sequence[Any]) -> list[tuple[str, str, str, str]]:
    """Each stored flag as (code, label, kind, evidence) in the language of `t`."""
    shown = []
    for name, kind, message, params in evidence:
        label = t(FLAG_LABELS[name]) if name in FLAG_LABELS else name
        shown.append((name, label, kind, t(message, **params)))
    return shown


def link_text(t: Translate, kind: str, value: int) -> str:
    """Why two ads are linked, in the language of `t`."""
    return t(LINK_TEXTS[kind], value=value) if kind in LINK_TEXTS else kind


def screened_page(
    engine: Engine,
    principal: Principal,
    *,
    platform: str | None = None,
    page: int = 1,
    per_page: int = 50,
    min_score: float = 0.0,
) -> tuple[list[AdSummary], int]:
    """Screened ads visible to `principal`, highest score first, and how many there are."""
    scoped = visible_platform(principal, platform)
    offset = (max(page, 1) - 1) * per_page
    return ad_summaries(engine, platform=scoped, offset=offset, limit=per_page, min_score=min_score)


def ad_detail(engine: Engine, principal: Principal, platform: str, ad_id: str) -> AdDetail:
    """One ad with its flag evidence and operator links (a moderator: own platform only)."""
    visible_platform(principal, platform)
    ad = find_ad(engine, platform, ad_id)
    if ad is None:
        raise AdsNotVisible("ad")
    scoped = visible_platform(principal, None)
    links: list[tuple[str, str, int, str]] = []
    if ad.cluster_id is not None:
        members, _total = ad_summaries(engine, platform=scoped, cluster=ad.cluster_id, limit=10_000)
        labels = {m.id: (m.platform, m.ad_id) for m in members}
        for a, b, kind, value in links_among(engine, [ad.id]):
            other = b if a == ad.id else a
            if other in labels:  # an ad this principal may not see is not named
                links.append((kind, labels[other][0], value, labels[other][1]))
    return AdDetail(ad, ad_evidence(engine, [ad.id]).get(ad.id, []), links)


def operators_page(
    engine: Engine, principal: Principal, *, platform: str | None = None, page: int = 1
) -> tuple[list[tuple[int, int, int, float, dt.datetime, dt.datetime]], int]:
    """Operators of two or more visible ads: (cluster, ads, platforms, top score, first,
    last posting), largest first, and how many there are."""
    scoped = visible_platform(principal, platform)
    return cluster_summaries(engine, platform=scoped, offset=(max(page, 1) - 1) * 50, limit=50)


def operator_detail(engine: Engine, principal: Principal, cluster: int) -> Operator:
    """An operator's ads visible to `principal`, with their evidence and the links
    between them (links to ads the principal may not see are left out)."""
    scoped = visible_platform(principal, None)
    ads, _total = ad_summaries(engine, platform=scoped, cluster=cluster, limit=10_000)
    if not ads:
        raise AdsNotVisible("cluster")
    ids = [a.id for a in ads]
    shown = set(ids)
    links = [link for link in links_among(engine, ids) if link[0] in shown and link[1] in shown]
    return Operator(cluster, ads, ad_evidence(engine, ids), links, cluster_contacts(engine, ids))


def export_operator(
    engine: Engine, principal: Principal, actor: Actor, cluster: int, t: Translate
) -> str:
    """An operator as CSV (one row per visible ad: screening, evidence, pseudonyms and
    links), audited as `export_cluster` with the row ids of the ads exported."""
    if scope_of(principal, "export_cluster") is None:
        raise AdsNotVisible("export_cluster")
    operator = operator_detail(engine, principal, cluster)
    names = {a.id: f"{a.platform}/{a.ad_id}" for a in operator.ads}
    joined: dict[int, list[str]] = {}
    for a, b, kind, value in operator.links:
        why = link_text(t, kind, value)
        joined.setdefault(a, []).append(f"{names[b]}: {why}")
        joined.setdefault(b, []).append(f"{names[a]}: {why}")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([
        "cluster_id", "platform", "ad_id", "posted_at", "city", "stated_age", "score",
        "flags", "evidence", "licence_pseudonym", "contact_pseudonyms", "links",
    ])  # fmt: skip
    for ad in operator.ads:
        flags = flag_texts(t, operator.evidence.get(ad.id, []))
        contacts = operator.contacts.get(ad.id, [])
        writer.writerow([
            cluster, _cell(ad.platform), _cell(ad.ad_id), ad.posted_at.isoformat(),
            _cell(ad.city or ""), "" if ad.stated_age is None else ad.stated_age,
            f"{ad.score:g}", ";".join(ad.flags),
            " | ".join(f"{label}: {text}" for _c, label, _k, text in flags),
            ad.licence_key or "", ";".join(f"{kind}:{key}" for kind, key in sorted(contacts)),
            " | ".join(joined.get(ad.id, [])),
        ])  # fmt: skip
    log_action(
        engine,
        AuditEvent(
            actor=actor.name,
            actor_kind=actor.kind,
            actor_organisation=actor.organisation,
            action="export_cluster",
            object_type="ad",
            object_ids=[a.id for a in operator.ads],
            client=actor.client,
            details={"cluster": cluster},
        ),
    )
    return buffer.getvalue()


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    # a spreadsheet must not run a platform's text as a formula
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def ad_activity(
    engine: Engine,
    principal: Principal,
    *,
    platform: str | None = None,
    today: dt.date,
    days: int = 28,
    policy: PublicationPolicy = DEFAULT_PUBLICATION,
) -> Activity:
    """Ads per posting day and per city over the `days` days up to `today`, published:
    both margins add up to one total, and no suppressed cell can be recomputed."""
    scoped = visible_platform(principal, platform)
    first = today - dt.timedelta(days=days - 1)
    counts = ad_counts(engine, platform=scoped, since=dt.datetime.combine(first, dt.time()))
    day_list = tuple(first + dt.timedelta(days=n) for n in range(days))
    inside = {key: n for key, n in counts.items() if first <= key[0] <= today}
    cities = tuple(sorted({city for _day, city in inside}))
    values: dict[Hashable, int] = {}
    for day in day_list:
        values[("day", day)] = sum(n for (d, _c), n in inside.items() if d == day)
    for city in cities:
        values[("city", city)] = sum(n for (_d, c), n in inside.items() if c == city)
    values[("all",)] = sum(inside.values())
    relations = [
        Relation(("all",), tuple(("day", d) for d in day_list)),
        Relation(("all",), tuple(("city", c) for c in cities)),
    ]
    published: Published = publish(values, relations, policy)
    return Activity(
        day_list,
        cities,
        {d: published[("day", d)] for d in day_list},
        {c: published[("city", c)] for c in cities},
        published[("all",)],
        policy,
    )
