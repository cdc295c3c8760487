"""`zicht ads screen`: store a platform's ads, screen each, group them into operators.

One transaction (the caller's, given a connection), in chunks of `CHUNK` ads so that
memory stays bounded whatever the size of the delivery:

1. read, check and store a chunk: the ads (content encrypted, contacts as keyed
   pseudonyms), the refused rows in the shared quarantine (source = platform, record
   type "ad"), and each ad's own flags (licence, age, text);
2. group the chunk's ads, one at a time in row order (`_grouping.Grouping`): a contact
   links an ad to the first stored ad with it, a template or photo band to the band's
   representatives in the store (`ad_band` holds only those). So the grouping state is
   the store: a new day's ads join existing clusters without recomputing the rest, only
   a few stored ads per band are decrypted, and the result does not depend on the chunk
   size;
3. when every chunk is grouped, screen the sharing of licence numbers and contacts
   (which needs the operators) chunk by chunk, from the stored ads posted within the
   window, and write the CSVs.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import re
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from zicht.ingest import IngestFileError
from zicht.platforms._ads import Ad
from zicht.platforms._feed import FeedRow, ad_keys, licence_in_ad, read_feed
from zicht.platforms._grouping import REPRESENTATIVES, Grouping, link_detail
from zicht.platforms._images import image_band_keys
from zicht.platforms._operators import Link
from zicht.platforms._outputs import CsvOutputs
from zicht.platforms._register import licence_key
from zicht.platforms._screening import (
    Flag,
    ScreeningPolicy,
    Usage,
    UsageIndex,
    ad_flags,
    sharing_flags,
    with_sharing,
)
from zicht.platforms._templates import Vocabulary, band_keys, minhash_signatures
from zicht.privacy import Cipher
from zicht.store import writing
from zicht.store.ads import (
    AdFacts,
    band_representatives,
    batch_links,
    first_with_contact,
    grouping_facts,
    relabel_clusters,
    save_bands,
    save_clusters,
    save_links,
    save_screening,
    screened_ads,
    usages,
    write_ads,
)
from zicht.store.licences import licence_states
from zicht.store.platforms import ad_context

__all__ = ["CHUNK", "PLATFORM_NAME", "ScreenResult", "screen_file"]

RECORD_TYPE = "ad"
PLATFORM_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,39}")
CHUNK = 5000  # ads read, stored and grouped at a time
_WORDS_CACHE = 20_000  # word lists of stored representatives kept between chunks


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


def _stored_row(
    cipher: Cipher, ad: Ad, number_key: str | None, flags: list[Flag]
) -> dict[str, Any]:
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
        "flags": [f.name for f in flags if f.kind == "evidence"],
        "evidence": _evidence(flags),
        "score": sum(f.weight for f in flags),
        "cluster_id": None,
    }


def _text_of(title: str | None, text: str) -> str:
    return f"{title or ''}\n{text}"


def _evidence(flags: list[Flag]) -> list[list[Any]]:
    return [[f.name, f.kind, f.message, f.params] for f in flags]


def _stored_flags(evidence: list[Any], policy: ScreeningPolicy) -> list[Flag]:
    return [
        Flag(name, kind, float(policy.weights.get(name, 1)) if kind == "evidence" else 0.0,
             message, params)
        for name, kind, message, params in evidence
    ]  # fmt: skip


class _Run:
    """The state of one delivery between chunks (the rest is in the store)."""

    def __init__(
        self, session: Session, cipher: Cipher, platform: str, batch: int, policy: ScreeningPolicy
    ) -> None:
        self.session, self.cipher, self.platform, self.batch = session, cipher, platform, batch
        self.policy = policy
        self.vocabulary = Vocabulary()
        self.new_ids = array("q")  # row ids of this delivery's ads, in file order
        self.words: dict[int, list[int]] = {}
        self.images: dict[int, tuple[str, ...]] = {}  # of the chunk's ads
        self.facts: dict[int, AdFacts] = {}  # of the stored ads the chunk meets
        self.grouping = Grouping(self._words_of, self._images_of)
        self.clusters_seen: set[int] = set()  # stored clusters this delivery touched

    def _facts(self, ids: Sequence[int]) -> None:
        """Load what grouping needs of stored ads (of earlier chunks or deliveries)."""
        self.facts = grouping_facts(self.session, ids)
        for row_id, facts in self.facts.items():
            if facts.cluster_id is not None:  # an earlier delivery's (this one's: not yet)
                self.grouping.stored(row_id, facts.cluster_id)
                self.clusters_seen.add(facts.cluster_id)

    def _words_of(self, row_id: int) -> list[int]:
        words = self.words.get(row_id)
        if words is None:  # a stored representative: its text decrypted here only
            facts = self.facts[row_id]
            context = ad_context(facts.platform, facts.ad_id)
            content = self.cipher.decrypt_json(facts.content, context)
            words = self.vocabulary.words(_text_of(content["title"], content["text"]))
            self.words[row_id] = words
        return words

    def _images_of(self, row_id: int) -> tuple[str, ...]:
        images = self.images.get(row_id)
        return self.facts[row_id].image_hashes if images is None else images

    def chunk(self, ads: list[Ad]) -> None:
        """Store, screen (on their own) and group one chunk of checked ads."""
        cipher, session, policy = self.cipher, self.session, self.policy
        licences = [licence_in_ad(ad) for ad in ads]
        number_keys = [licence_key(cipher, str(n)) if n else None for n, _ in licences]
        contacts = [ad_keys(cipher, ad) for ad in ads]
        words = [self.vocabulary.words(_text_of(ad.title, ad.text)) for ad in ads]
        text_bands = band_keys(minhash_signatures(words, self.vocabulary))
        image_bands = [[k for pdq in ad.image_hashes for k in image_band_keys(pdq)] for ad in ads]
        states = licence_states(session, [k for k in number_keys if k])
        stored = [
            _stored_row(
                cipher, ad, key,
                ad_flags(ad, licence=licence, state=states.get(key) if key else None,
                         policy=policy),
            )
            for ad, licence, key in zip(ads, licences, number_keys, strict=True)
        ]  # fmt: skip
        row_ids = write_ads(session, stored, contacts, self.batch)
        del stored
        self.new_ids.extend(row_ids)
        if len(self.words) >= _WORDS_CACHE:
            self.words.clear()
        self.words.update(zip(row_ids, words, strict=True))
        self.images = {row_id: ad.image_hashes for row_id, ad in zip(row_ids, ads, strict=True)}
        firsts = first_with_contact(session, [key for own in contacts for _, key in own])
        keys = {key for own in image_bands + text_bands for key in own}
        buckets = band_representatives(session, keys, per_key=REPRESENTATIVES)
        met = {i for r in buckets.values() for i in r} | set(firsts.values())
        self._facts(sorted(met - set(row_ids)))
        links: list[Link] = []
        new_bands: list[tuple[int, str]] = []
        for row_id, own, images, texts in zip(
            row_ids, contacts, image_bands, text_bands, strict=True
        ):
            band_list = images + texts
            found, joined = self.grouping.add(
                row_id,
                [(kind, firsts[key]) for kind, key in own],
                [buckets.setdefault(key, []) for key in images],
                [buckets.setdefault(key, []) for key in texts],
            )
            links += found
            new_bands += [(row_id, band_list[i]) for i in joined]
        save_bands(session, new_bands)
        save_links(session, [(k.a, k.b, k.kind, k.value) for k in links])
        represented = {row_id for row_id, _ in new_bands}
        for row_id in row_ids:  # keep the words of the chunk's new representatives only
            if row_id not in represented:
                del self.words[row_id]
        self.images, self.facts = {}, {}

    def cluster(self, row_id: int) -> int:
        """The cluster id of a new ad (after all chunks)."""
        return self.grouping.cluster_of(row_id)

    def finish_clusters(self) -> None:
        """Earlier clusters that merged take the id of the merged cluster."""
        renamed = {c: self.grouping.cluster_of(-c) for c in self.clusters_seen}
        relabel_clusters(self.session, {old: new for old, new in renamed.items() if old != new})


def _screen_sharing(run: _Run, ids: Sequence[int], outputs: CsvOutputs) -> list[float]:
    """Add the sharing flags to a chunk of new ads, store their screening and cluster,
    write their rows; returns their scores."""
    session, policy = run.session, run.policy
    ads = screened_ads(session, ids)
    start = min(a[2] for a in ads) - policy.window
    end = max(a[2] for a in ads) + policy.window
    by_licence, by_contact = usages(
        session,
        [a[3] for a in ads if a[3]],
        [key for a in ads for _, key in a[5]],
        start,
        end,
    )
    new = run.new_ids

    def operator(row_id: int, stored: int | None) -> int | None:
        at = _bisect(new, row_id)
        return run.cluster(row_id) if at is not None else stored

    def index(found: list[Any]) -> UsageIndex:
        grouped: dict[str, list[Usage]] = {}
        for u in found:
            grouped.setdefault(u.key, []).append(
                Usage(str(u.id), u.posted_at, u.city, (), u.licence_key, u.phones,
                      operator(u.id, u.cluster_id))
            )  # fmt: skip
        return UsageIndex(grouped)

    licence_index, contact_index = index(by_licence), index(by_contact)
    results: list[dict[str, Any]] = []
    clusters: list[tuple[int, int]] = []
    scores: list[float] = []
    for row_id, ad_id, posted_at, number_key, evidence, contacts in ads:
        shared = sharing_flags(
            posted_at, licence_key=number_key, contact_keys=[k for _, k in contacts],
            licences=licence_index, contacts=contact_index, policy=policy,
        )  # fmt: skip
        flags, score = with_sharing(_stored_flags(evidence, policy), shared)
        cluster = run.cluster(row_id)
        if shared:
            results.append({
                "id": row_id, "flags": [f.name for f in flags if f.kind == "evidence"],
                "evidence": _evidence(flags), "score": score, "cluster_id": cluster,
            })  # fmt: skip
        else:  # its own flags are stored already
            clusters.append((row_id, cluster))
        outputs.ad(ad_id, flags, score, cluster)
        scores.append(score)
    save_screening(session, results)
    save_clusters(session, clusters)
    return scores


def _bisect(ids: array[int], row_id: int) -> int | None:
    at = bisect.bisect_left(ids, row_id)
    return at if at < len(ids) and ids[at] == row_id else None


def _chunks(rows: Iterator[FeedRow], size: int) -> Iterator[list[FeedRow]]:
    while chunk := list(islice(rows, size)):
        yield chunk


def screen_file(
    path: Path,
    *,
    platform: str,
    engine: Engine | Connection,
    cipher: Cipher,
    out: Path,
    policy: ScreeningPolicy | None = None,
    chunk_size: int = CHUNK,
) -> ScreenResult:
    """Store, screen and cluster one ad file of `platform`; write the CSVs to `out`.

    Given a connection, everything is written in the caller's transaction (e.g. with
    its audit entry, `zicht.access.audited_transaction`). The result does not depend
    on `chunk_size` (memory does).

    Raises:
        IngestFileError: the file is not an ad feed or unreadable (nothing stored).
    """
    if not PLATFORM_NAME.fullmatch(platform):
        raise IngestFileError(path, "platform name: 1 to 40 of a-z 0-9 . _ - (lower case)")
    policy = policy or ScreeningPolicy()
    rows = read_feed(path, platform)
    result = ScreenResult(file=str(path), platform=platform)
    with Session(engine) as session, session.begin():
        batch = writing.start_batch(
            session,
            source=platform,
            record_type=RECORD_TYPE,
            file_name=path.name,
            file_sha256=_sha256(path),
        )
        result.batch_id = batch.id
        run = _Run(session, cipher, platform, batch.id, policy)
        for chunk in _chunks(rows, max(1, chunk_size)):
            result.rows_read += len(chunk)
            refused = [row for row in chunk if row.ad is None]
            writing.insert_quarantine(
                session, [_quarantine(cipher, platform, batch.id, path.name, r) for r in refused]
            )
            for row in refused:
                result.refusals += [p.describe(path.name, row.number) for p in row.problems]
            ads = [row.ad for row in chunk if row.ad is not None]
            result.stored += len(ads)
            result.quarantined += len(refused)
            if ads:
                run.chunk(ads)
        run.finish_clusters()
        clusters: set[int] = set()
        with CsvOutputs(out) as outputs:
            new = run.new_ids
            for start in range(0, len(new), max(1, chunk_size)):
                ids = list(new[start : start + max(1, chunk_size)])
                scores = _screen_sharing(run, ids, outputs)
                result.flagged += sum(1 for score in scores if score > 0)
                clusters.update(run.cluster(i) for i in ids)
            for a, b, kind, value in batch_links(session, batch.id):
                outputs.link(a, b, kind, link_detail(kind, value))
        result.clusters = len(clusters)
        writing.finish_batch(
            session,
            batch,
            {"read": result.rows_read, "new": result.stored, "quarantined": result.quarantined},
        )
    return result
