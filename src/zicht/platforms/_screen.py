"""`zicht ads screen`: store a platform's ads, screen each, group them into operators.

One transaction: the ads (content encrypted, contacts as keyed pseudonyms, band keys
for templates and photos), the refused rows in the shared quarantine (source =
platform, record type "ad"), each ad's flags, score and cluster. Stored ads of earlier
deliveries that share a licence number, contact, template band or photo band with the
new ones take part (their content decrypted in this process only), so a new day's ads
join existing clusters without recomputing the rest.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from zicht.ingest import IngestFileError
from zicht.platforms._ads import Ad
from zicht.platforms._feed import FeedRow, ad_keys, licence_in_ad, read_feed
from zicht.platforms._grouping import REPRESENTATIVES, Node, group_ads
from zicht.platforms._images import image_band_keys
from zicht.platforms._outputs import write_outputs
from zicht.platforms._register import licence_key
from zicht.platforms._screening import Flag, ScreeningPolicy, Usage, UsageIndex, screen_ad
from zicht.platforms._templates import Vocabulary, band_keys, minhash_signatures
from zicht.privacy import Cipher
from zicht.store import writing
from zicht.store.ads import (
    StoredAd,
    ads_sharing,
    band_representatives,
    relabel_clusters,
    save_links,
    save_screening,
    write_ads,
)
from zicht.store.licences import licence_states
from zicht.store.platforms import ad_context

__all__ = ["PLATFORM_NAME", "ScreenResult", "screen_file"]

RECORD_TYPE = "ad"
PLATFORM_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,39}")


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


def _stored_row(cipher: Cipher, ad: Ad, number_key: str | None) -> dict[str, Any]:
    content = {
        "url": ad.url,
        "title": ad.title,
        "text": ad.text,
        "phones": list(ad.phones),
        "emails": list(ad.emails),
        "licence_number": ad.licence_number,
    }
    return {
        "platform": ad.platform,
        "ad_id": ad.ad_id,
        "posted_at": ad.posted_at,
        "city": ad.city,
        "stated_age": ad.stated_age,
        "licence_key": number_key,
        "image_hashes": list(ad.image_hashes),
        "content": cipher.encrypt_json(content, ad_context(ad.platform, ad.ad_id)),
        "flags": [],
        "score": 0.0,
        "cluster_id": None,
    }


def _text_of(title: str | None, text: str) -> str:
    return f"{title or ''}\n{text}"


def _usage_indexes(
    ads: list[Ad], keys: list[str | None], contacts: list[list[tuple[str, str]]],
    earlier: list[StoredAd], clusters: list[int],
) -> tuple[UsageIndex, UsageIndex]:  # fmt: skip
    """Uses of licence numbers and contacts; `clusters`: the new ads', then the earlier."""
    by_licence: dict[str, list[Usage]] = {}
    by_contact: dict[str, list[Usage]] = {}
    uses = [
        Usage(f"{a.platform}/{a.ad_id}", a.posted_at, a.city, tuple(k for _, k in own), key,
              tuple(k for kind, k in own if kind == "phone"), cluster)
        for a, key, own, cluster in zip(ads, keys, contacts, clusters[: len(ads)], strict=True)
    ] + [
        Usage(f"{e.platform}/{e.ad_id}", e.posted_at, e.city, tuple(k for _, k in e.contacts),
              e.licence_key, tuple(k for kind, k in e.contacts if kind == "phone"), cluster)
        for e, cluster in zip(earlier, clusters[len(ads) :], strict=True)
    ]  # fmt: skip
    for use in uses:
        if use.licence:
            by_licence.setdefault(use.licence, []).append(use)
        for key in use.contacts:
            by_contact.setdefault(key, []).append(use)
    return UsageIndex(by_licence), UsageIndex(by_contact)


def screen_file(
    path: Path,
    *,
    platform: str,
    engine: Engine | Connection,
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
    ads = [row.ad for row in rows if row.ad is not None]
    licences = [licence_in_ad(ad) for ad in ads]
    number_keys = [licence_key(cipher, str(n)) if n else None for n, _ in licences]
    contacts = [ad_keys(cipher, ad) for ad in ads]
    vocabulary = Vocabulary()
    words = [vocabulary.words(_text_of(ad.title, ad.text)) for ad in ads]
    text_bands = band_keys(minhash_signatures(words, vocabulary))
    bands = [
        t + [k for pdq in ad.image_hashes for k in image_band_keys(pdq)]
        for ad, t in zip(ads, text_bands, strict=True)
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
        stored = [_stored_row(cipher, ad, key) for ad, key in zip(ads, number_keys, strict=True)]
        row_ids = write_ads(session, stored, contacts, bands, batch.id)
        del stored
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
            [key for own in bands for key in own],
            exclude_batch=batch.id,
        )
        # Only a few stored ads of each text band are read (per band, one of each of the
        # first clusters, as many as grouping aligns): an earlier ad joins the new ones
        # by its cluster id, contacts and photos without its text being decrypted.
        readable = band_representatives(
            session,
            [key for own in text_bands for key in own],
            exclude_batch=batch.id,
            per_key=REPRESENTATIVES,
        )
        earlier_words: list[list[int]] = []
        for e in earlier:
            if e.id not in readable:
                earlier_words.append([])
                continue
            content = cipher.decrypt_json(e.content, ad_context(e.platform, e.ad_id))
            earlier_words.append(vocabulary.words(_text_of(content["title"], content["text"])))
        earlier_bands = band_keys(minhash_signatures(earlier_words, vocabulary))
        nodes = [
            Node(row_id, None, own, w, t, ad.image_hashes)
            for row_id, own, w, t, ad in zip(row_ids, contacts, words, text_bands, ads, strict=True)
        ] + [
            Node(e.id, e.cluster_id, e.contacts, w, t, e.image_hashes)
            for e, w, t in zip(earlier, earlier_words, earlier_bands, strict=True)
        ]
        clusters, links = group_ads(nodes)
        # Screening after grouping: a licence number used by two operators is shared.
        states = licence_states(session, [k for k in number_keys if k])
        licence_index, contact_index = _usage_indexes(ads, number_keys, contacts, earlier, clusters)
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
        renamed = {
            e.cluster_id: new
            for e, new in zip(earlier, clusters[len(ads) :], strict=True)
            if e.cluster_id is not None and e.cluster_id != new
        }
        relabel_clusters(session, renamed)
        save_screening(
            session,
            [
                {
                    "id": row_id,
                    "flags": [f.name for f in flags if f.kind == "evidence"],
                    "evidence": [[f.name, f.kind, f.message, f.params] for f in flags],
                    "score": score,
                    "cluster_id": cluster,
                }
                for row_id, (flags, score), cluster in zip(
                    row_ids, screenings, clusters[: len(ads)], strict=True
                )
            ],
        )
        node_rows = row_ids + [e.id for e in earlier]
        fresh = len(ads)  # links among earlier ads are stored already
        save_links(
            session,
            [
                (node_rows[k.a], node_rows[k.b], k.kind, k.value)
                for k in links
                if k.a < fresh or k.b < fresh
            ],
        )
        writing.finish_batch(
            session, batch, {"read": result.rows_read, "new": len(ads), "quarantined": len(refused)}
        )
    result.flagged = sum(1 for _, score in screenings if score > 0)
    result.clusters = len(set(clusters[: len(ads)]))
    tokens = [f"{platform}/{ad.ad_id}" for ad in ads] + [f"{e.platform}/{e.ad_id}" for e in earlier]
    write_outputs(out, [ad.ad_id for ad in ads], screenings, clusters[: len(ads)], links, tokens)
    return result
