"""`zicht ads screen`: store a platform's ads, screen each, group them into operators.

One transaction: the ads (content encrypted, contacts as keyed pseudonyms), the
refused rows in the shared quarantine (source = platform, record type "ad"), each
ad's flags, score and cluster. Then `screening.csv`, `clusters.csv` (every stored ad
of the file exactly once, singletons included) and `cluster_evidence.csv` in `out`.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from zicht.ingest.problems import IngestFileError
from zicht.platforms.feed import FeedRow, ad_keys, licence_in_ad, read_feed
from zicht.platforms.operators import Link, cluster_ids, links_by_shared_key
from zicht.platforms.register import licence_key
from zicht.platforms.screening import Flag, ScreeningPolicy, Usage, UsageIndex, screen_ad
from zicht.privacy import Cipher
from zicht.store import writing
from zicht.store.ads import ads_sharing, relabel_clusters, save_screening, write_ads
from zicht.store.licences import licence_states
from zicht.store.platforms import ad_context

__all__ = ["PLATFORM_NAME", "ScreenResult", "screen_file"]

RECORD_TYPE = "ad"
PLATFORM_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,39}")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class ScreenResult:
    """What happened to one ad file."""

    file: str
    platform: str
    batch_id: int = 0
    rows_read: int = 0
    stored: int = 0
    quarantined: int = 0
    flagged: int = 0
    clusters: int = 0
    refusals: list[str] = field(default_factory=list)


def _safe_cell(text: str) -> str:
    # A spreadsheet must not run an ad id from a platform as a formula.
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _quarantine(cipher: Cipher, platform: str, batch: int, name: str, row: FeedRow) -> Any:
    cells = [[c, v] for c, v in row.cells.items()]
    return {
        "batch_id": batch,
        "source": platform,
        "record_type": RECORD_TYPE,
        "status": "open",
        "file_name": name,
        "row_number": row.number,
        "errors": [p.as_dict() for p in row.problems],
        "original": cipher.encrypt_json(
            {"cells": cells}, f"quarantine/{platform}/{name}/{row.number}"
        ),
        "original_hash": cipher.pseudonym(json.dumps(cells, default=str)),
    }


def screen_file(
    path: Path,
    *,
    platform: str,
    engine: Engine,
    cipher: Cipher,
    out: Path,
    policy: ScreeningPolicy | None = None,
) -> ScreenResult:
    """Store, screen and cluster one ad file of `platform`; write the CSVs to `out`.

    Raises:
        IngestFileError: the file is not an ad feed or unreadable (nothing stored).
    """
    if not PLATFORM_NAME.fullmatch(platform):
        raise IngestFileError(path, "platform name: 1 to 40 of a-z 0-9 . _ - (lower case)")
    policy = policy or ScreeningPolicy()
    rows = list(read_feed(path, platform))
    result = ScreenResult(file=str(path), platform=platform, rows_read=len(rows))
    good = [row for row in rows if row.ad is not None]
    ads = [row.ad for row in good if row.ad is not None]
    licences = [licence_in_ad(ad) for ad in ads]
    number_keys = [licence_key(cipher, str(n)) if n else None for n, _ in licences]
    contacts = [ad_keys(cipher, ad) for ad in ads]
    stored_rows = [
        {
            "platform": platform,
            "ad_id": ad.ad_id,
            "posted_at": ad.posted_at,
            "city": ad.city,
            "stated_age": ad.stated_age,
            "licence_key": key,
            "image_hashes": list(ad.image_hashes),
            "content": cipher.encrypt_json(
                {
                    "url": ad.url,
                    "title": ad.title,
                    "text": ad.text,
                    "phones": list(ad.phones),
                    "emails": list(ad.emails),
                    "licence_number": ad.licence_number,
                },
                ad_context(platform, ad.ad_id),
            ),
            "flags": [],
            "score": 0.0,
            "cluster_id": None,
        }
        for ad, key in zip(ads, number_keys, strict=True)
    ]
    with Session(engine) as session, session.begin():
        batch = writing.start_batch(
            session,
            source=platform,
            record_type=RECORD_TYPE,
            file_name=path.name,
            file_sha256=_sha256(path),
        )
        result.batch_id = batch.id
        row_ids = write_ads(session, stored_rows, contacts, batch.id)
        refused = [row for row in rows if row.ad is None]
        writing.insert_quarantine(
            session, [_quarantine(cipher, platform, batch.id, path.name, r) for r in refused]
        )
        for row in refused:
            result.refusals += [p.describe(path.name, row.number) for p in row.problems]
        result.stored, result.quarantined = len(ads), len(refused)
        earlier = ads_sharing(
            session,
            [k for k in number_keys if k],
            [key for own in contacts for _, key in own],
            exclude_batch=batch.id,
        )
        states = licence_states(session, [k for k in number_keys if k])
        by_licence: dict[str, list[Usage]] = {}
        by_contact: dict[str, list[Usage]] = {}
        tokens = [f"{platform}/{ad.ad_id}" for ad in ads] + [
            f"{e.platform}/{e.ad_id}" for e in earlier
        ]
        all_keys = [tuple(k for _, k in own) for own in contacts] + [
            e.contact_keys for e in earlier
        ]
        when_where = [(a.posted_at, a.city) for a in ads] + [(e.posted_at, e.city) for e in earlier]
        all_licences = [*number_keys, *(e.licence_key for e in earlier)]
        uses = [
            Usage(token, moment, city, keys, held)
            for token, (moment, city), keys, held in zip(
                tokens, when_where, all_keys, all_licences, strict=True
            )
        ]
        for use in uses:
            if use.licence:
                by_licence.setdefault(use.licence, []).append(use)
            for key in use.contacts:
                by_contact.setdefault(key, []).append(use)
        licence_index, contact_index = UsageIndex(by_licence), UsageIndex(by_contact)
        screenings: list[tuple[list[Flag], float]] = [
            screen_ad(
                ad,
                licence=licence,
                licence_key=key,
                state=states.get(key) if key else None,
                contact_keys=[k for _, k in own],
                licences=licence_index,
                contacts=contact_index,
                policy=policy,
            )
            for ad, licence, key, own in zip(ads, licences, number_keys, contacts, strict=True)
        ]
        kinds = [list(own) for own in contacts] + [
            [("contact", k) for k in e.contact_keys] for e in earlier
        ]
        links: list[Link] = links_by_shared_key(kinds)
        existing: list[int | None] = [*(None for _ in ads), *(e.cluster_id for e in earlier)]
        clusters = cluster_ids([*row_ids, *(e.id for e in earlier)], existing, links)
        renamed = {
            old: new
            for old, new in zip(existing[len(ads) :], clusters[len(ads) :], strict=True)
            if old is not None and old != new
        }
        relabel_clusters(session, renamed)
        save_screening(
            session,
            [
                {
                    "id": row_id,
                    "flags": [f.name for f in flags if f.kind == "evidence"],
                    "score": score,
                    "cluster_id": cluster,
                }
                for row_id, (flags, score), cluster in zip(
                    row_ids, screenings, clusters[: len(ads)], strict=True
                )
            ],
        )
        writing.finish_batch(
            session,
            batch,
            {"read": result.rows_read, "new": len(ads), "quarantined": len(refused)},
        )
    result.flagged = sum(1 for _, score in screenings if score > 0)
    result.clusters = len(set(clusters[: len(ads)]))
    _write_outputs(out, ads, screenings, clusters[: len(ads)], links, tokens)
    return result


def _write_outputs(
    out: Path,
    ads: list[Any],
    screenings: list[tuple[list[Flag], float]],
    clusters: list[int],
    links: list[Link],
    tokens: list[str],
) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with (out / "screening.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ad_id", "flags", "score", "reasons", "context"])
        for ad, (flags, score) in zip(ads, screenings, strict=True):
            writer.writerow([
                _safe_cell(ad.ad_id),
                ";".join(f.name for f in flags if f.kind == "evidence"),
                f"{score:g}",
                " | ".join(f.evidence for f in flags if f.kind == "evidence"),
                " | ".join(f.evidence for f in flags if f.kind == "context"),
            ])  # fmt: skip
    with (out / "clusters.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ad_id", "cluster_id"])
        for ad, cluster in zip(ads, clusters, strict=True):
            writer.writerow([_safe_cell(ad.ad_id), cluster])
    with (out / "cluster_evidence.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ad", "linked_ad", "kind", "evidence"])
        for link in links:
            writer.writerow(
                [_safe_cell(tokens[link.a]), _safe_cell(tokens[link.b]), link.kind, link.detail]
            )
