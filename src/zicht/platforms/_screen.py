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
import pickle
import re
from array import array
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from zicht.ingest import IngestFileError, RawRow
from zicht.platforms._feed import open_feed
from zicht.platforms._grouping import REPRESENTATIVES, Grouping, link_detail
from zicht.platforms._operators import Link
from zicht.platforms._outputs import CsvOutputs
from zicht.platforms._prepare import PreparedAd, prepared_chunks
from zicht.platforms._problems import Problem
from zicht.platforms._screening import (
    Flag,
    ScreeningPolicy,
    licence_flags,
    sharing_flags,
    with_sharing,
)
from zicht.platforms._sharing import SharingWindows
from zicht.platforms._templates import Vocabulary, WordCodes
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
    write_ads,
)
from zicht.store.database import bulk_page_cache
from zicht.store.licences import licence_states
from zicht.store.platforms import ad_context

__all__ = ["CHUNK", "PLATFORM_NAME", "ScreenResult", "screen_file"]

RECORD_TYPE = "ad"
PLATFORM_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,39}")
CHUNK = 5000  # ads read, stored and grouped at a time
# Word lists of stored representatives kept between chunks, least recently aligned
# dropped first, as strings of one character a word (`WordCodes`: about 200 bytes a
# text): a representative whose words are gone is read and decrypted again.
_WORDS_CACHE = 200_000
# SQLite's page cache while a delivery is stored and grouped (the default is 2 MiB): the
# ads, their contacts and band keys go into indexes far larger than that.
PAGE_CACHE_MIB = 256


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


def _quarantine(
    cipher: Cipher, platform: str, batch: int, name: str, row: RawRow, problems: list[Problem]
) -> Any:
    cells = [[c, v] for c, v in row.cells.items()]
    return {
        "batch_id": batch,
        "source": platform,
        "record_type": RECORD_TYPE,
        "status": "open",
        "file_name": name,
        "row_number": row.number,
        "errors": [p.as_dict() for p in problems],
        "original": cipher.encrypt_json(
            {"cells": cells}, f"quarantine/{platform}/{name}/{row.number}"
        ),
        "original_hash": cipher.pseudonym(json.dumps(cells, default=str)),
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
        self.codes = WordCodes()  # the words of a text as one character each
        self.words: dict[int, str | list[int]] = {}  # coded, in order of last use
        self.images: dict[int, tuple[str, ...]] = {}  # of the chunk's ads
        # Photos of this delivery's representatives of photo bands, oldest dropped first.
        self.rep_images: dict[int, tuple[str, ...]] = {}
        self.facts: dict[int, AdFacts] = {}  # of the stored ads the chunk meets
        self.grouping = Grouping(self._words_of_rows, self._images_of)
        self.clusters_seen: set[int] = set()  # stored clusters this delivery touched
        self.pending: list[bytes] = []  # per chunk, what the sharing pass needs
        self.windows = SharingWindows(session, self._operator, ahead=policy.window)

    def _facts(self, ids: Sequence[int], texts: set[int], photos: set[int]) -> None:
        """Load what grouping needs of stored ads (of earlier chunks or deliveries) that
        the chunk meets (`texts`, `photos`: those met as representatives of text bands,
        of photo bands).

        An earlier delivery's ad is read for its cluster (and photos, and content when
        its words are not held); this delivery's ads have no stored cluster yet, and are
        read only for what is not held: the words of a text representative, the photos
        of a photo representative."""
        words, held, new_ids = self.words, self.rep_images, self.new_ids
        ids = [
            i for i in ids
            if _bisect(new_ids, i) is None or (i in texts and i not in words)
            or (i in photos and i not in held)
        ]  # fmt: skip
        self.facts = grouping_facts(
            self.session, ids, content_of=[i for i in ids if i not in words]
        )
        for row_id, facts in self.facts.items():
            if facts.cluster_id is not None:  # an earlier delivery's (this one's: not yet)
                self.grouping.stored(row_id, facts.cluster_id)
                self.clusters_seen.add(facts.cluster_id)

    def _words_of_rows(self, *rows: int) -> tuple[Sequence[Hashable], ...]:
        """The words of representatives and, last, of the chunk's ad (held for its
        chunk: not moved in the order of use), in one form."""
        *earlier, ad = rows
        words_ad = self.words.get(ad)
        if words_ad is None:
            words_ad = self._words_of(ad)
        return self.codes.same_kind(*[self._words_of(row) for row in earlier], words_ad)

    def _words_of(self, row_id: int) -> str | list[int]:
        cache = self.words
        words = cache.pop(row_id, None)
        if words is None:  # a stored representative: its text decrypted here only
            facts = self.facts[row_id]
            assert facts.content is not None  # read for every ad without words
            context = ad_context(facts.platform, facts.ad_id)
            content = self.cipher.decrypt_json(facts.content, context)
            text = _text_of(content["title"], content["text"])
            words = self.codes.text(self.vocabulary.words(text))
        cache[row_id] = words  # the most recently used last
        return words

    def _images_of(self, row_id: int) -> tuple[str, ...]:
        images = self.images.get(row_id)
        if images is None:
            images = self.rep_images.get(row_id)
        return self.facts[row_id].image_hashes if images is None else images

    def chunk(self, ads: list[PreparedAd]) -> None:
        """Store, screen (on their own) and group one chunk of checked, prepared ads."""
        session, policy = self.session, self.policy
        weights = policy.weights
        states = licence_states(session, [ad[9] for ad in ads if ad[9]])
        stored: list[dict[str, Any]] = []
        evidences: list[list[list[Any]]] = []
        for (_, ad_id, posted_at, city, age, images, content, municipality, rule, number_key,
             _, _, _, _, own) in ads:  # fmt: skip
            licence = licence_flags(
                posted_at, city, licence=(municipality, rule),
                state=states.get(number_key) if number_key else None, policy=policy,
            )  # fmt: skip
            evidence = _evidence(licence) + own
            named = [e[0] for e in evidence if e[1] == "evidence"]
            evidences.append(evidence)
            stored.append({
                "platform": self.platform, "ad_id": ad_id, "posted_at": posted_at,
                "city": city, "stated_age": age, "licence_key": number_key,
                "image_hashes": images, "content": content, "flags": named,
                "evidence": evidence, "score": sum(float(weights.get(n, 1)) for n in named),
                "cluster_id": None,
            })  # fmt: skip
        contacts = [ad[10] for ad in ads]
        row_ids = write_ads(session, stored, contacts, self.batch)
        del stored
        self.new_ids.extend(row_ids)
        # What the sharing pass needs of the chunk's ads, kept (pickled) until then.
        self.pending.append(pickle.dumps(
            [(row_id, ad[1], ad[2], ad[9], evidence, ad[10])
             for row_id, ad, evidence in zip(row_ids, ads, evidences, strict=True)],
            protocol=pickle.HIGHEST_PROTOCOL,
        ))  # fmt: skip
        if self.codes.full():  # start the codes again (rare: over a million words)
            self.codes.clear()
            self.words.clear()
        if (excess := len(self.words) - _WORDS_CACHE) > 0:  # the least recently used
            for row_id in list(islice(self.words, excess)):
                del self.words[row_id]
        code = self.codes.text
        self.words.update(zip(row_ids, (code(ad[11]) for ad in ads), strict=True))
        self.images = {row_id: tuple(ad[5]) for row_id, ad in zip(row_ids, ads, strict=True)}
        image_bands = [ad[13] for ad in ads]
        text_bands = [ad[12] for ad in ads]
        firsts = first_with_contact(session, [key for own in contacts for _, key in own])
        keys = {key for own in image_bands + text_bands for key in own}
        buckets = band_representatives(session, keys, per_key=REPRESENTATIVES)
        met = {i for r in buckets.values() for i in r} | set(firsts.values())
        text_reps = {i for key, r in buckets.items() if key[0] == "t" for i in r}
        photo_reps = {i for key, r in buckets.items() if key[0] == "i" for i in r}
        self._facts(sorted(met - set(row_ids)), text_reps, photo_reps)
        links: list[Link] = []
        new_bands: list[tuple[int, str]] = []
        for row_id, own_contacts, images, texts in zip(
            row_ids, contacts, image_bands, text_bands, strict=True
        ):
            band_list = images + texts
            found, joined = self.grouping.add(
                row_id,
                [(kind, firsts[key]) for kind, key in own_contacts],
                [buckets.setdefault(key, []) for key in images],
                [buckets.setdefault(key, []) for key in texts],
            )
            links += found
            new_bands += [(row_id, band_list[i]) for i in joined]
        save_bands(session, new_bands)
        save_links(session, [(k.a, k.b, k.kind, k.value) for k in links])
        represented = {row_id for row_id, _ in new_bands}
        held = self.rep_images
        held.update((row_id, self.images[row_id]) for row_id, key in new_bands if key[0] == "i")
        if (excess := len(held) - _WORDS_CACHE) > 0:  # the oldest
            for row_id in list(islice(held, excess)):
                del held[row_id]
        words = self.words
        for row_id in row_ids:  # keep the words of the chunk's new representatives only
            if row_id not in represented:
                del words[row_id]
        self.images, self.facts = {}, {}

    def _operator(self, row_id: int, stored: int | None) -> int | None:
        """The operator of a stored ad: this delivery's cluster of it if it is new."""
        return self.cluster(row_id) if _bisect(self.new_ids, row_id) is not None else stored

    def cluster(self, row_id: int) -> int:
        """The cluster id of a new ad (after all chunks)."""
        return self.grouping.cluster_of(row_id)

    def finish_clusters(self) -> None:
        """Earlier clusters that merged take the id of the merged cluster."""
        renamed = {c: self.grouping.cluster_of(-c) for c in self.clusters_seen}
        relabel_clusters(self.session, {old: new for old, new in renamed.items() if old != new})


def _screen_sharing(run: _Run, ads: list[Any], outputs: CsvOutputs) -> list[float]:
    """Add the sharing flags to a chunk of new ads (as `_Run.chunk` kept them), store
    their screening and cluster, write their rows; returns their scores."""
    session, policy = run.session, run.policy
    # The licence rule counts operators (and phones); the contact rule cities and numbers.
    licence_index, contact_index = run.windows.indexes(
        [a[3] for a in ads if a[3]],
        [key for a in ads for _, key in a[5]],
        min(a[2] for a in ads) - policy.window,
        max(a[2] for a in ads) + policy.window,
    )
    results: list[dict[str, Any]] = []
    clusters: list[tuple[int, int]] = []
    scores: list[float] = []
    for row_id, ad_id, posted_at, number_key, evidence, contacts in ads:
        shared = sharing_flags(
            posted_at, licence_key=number_key, contact_keys=[k for _, k in contacts],
            licences=licence_index, contacts=contact_index, policy=policy,
        ) if number_key or contacts else []  # fmt: skip
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


def screen_file(
    path: Path,
    *,
    platform: str,
    engine: Engine | Connection,
    cipher: Cipher,
    out: Path,
    policy: ScreeningPolicy | None = None,
    chunk_size: int = CHUNK,
    workers: int = 1,
) -> ScreenResult:
    """Store, screen and cluster one ad file of `platform`; write the CSVs to `out`.

    Given a connection, everything is written in the caller's transaction (e.g. with
    its audit entry, `zicht.access.audited_transaction`). The result does not depend
    on `chunk_size` (memory does) nor on `workers` (processes that check, encrypt and
    hash the next chunks while this one stores and groups).

    Raises:
        IngestFileError: the file is not an ad feed or unreadable (nothing stored).
    """
    if not PLATFORM_NAME.fullmatch(platform):
        raise IngestFileError(path, "platform name: 1 to 40 of a-z 0-9 . _ - (lower case)")
    policy = policy or ScreeningPolicy()
    rows = open_feed(path)
    result = ScreenResult(file=str(path), platform=platform)
    with (
        Session(engine) as session,
        session.begin(),
        bulk_page_cache(session.connection(), PAGE_CACHE_MIB),
    ):
        batch = writing.start_batch(
            session,
            source=platform,
            record_type=RECORD_TYPE,
            file_name=path.name,
            file_sha256=_sha256(path),
        )
        result.batch_id = batch.id
        run = _Run(session, cipher, platform, batch.id, policy)
        seen: set[str] = set()  # ad ids of this file so far
        for chunk, prepared in prepared_chunks(
            rows, platform=platform, cipher=cipher, policy=policy,
            chunk_size=max(1, chunk_size), workers=workers,
        ):  # fmt: skip
            result.rows_read += len(chunk)
            problems = dict(prepared.refused)
            ads: list[PreparedAd] = []
            for ad in prepared.ads:
                if ad[1] in seen:
                    problems[ad[0]] = [Problem("ad_id", "duplicate_record_id")]
                else:
                    seen.add(ad[1])
                    ads.append(ad)
            refused = [(chunk[index], problems[index]) for index in sorted(problems)]
            writing.insert_quarantine(
                session,
                [_quarantine(cipher, platform, batch.id, path.name, r, p) for r, p in refused],
            )
            for row, found in refused:
                result.refusals += [p.describe(path.name, row.number) for p in found]
            result.stored += len(ads)
            result.quarantined += len(refused)
            if ads:
                run.chunk(ads)
        run.finish_clusters()
        clusters: set[int] = set()
        with CsvOutputs(out) as outputs:
            while run.pending:
                kept = pickle.loads(run.pending.pop(0))  # noqa: S301 (our own, from memory)
                scores = _screen_sharing(run, kept, outputs)
                result.flagged += sum(1 for score in scores if score > 0)
                clusters.update(run.cluster(a[0]) for a in kept)
            for a, b, kind, value in batch_links(session, batch.id):
                outputs.link(a, b, kind, link_detail(kind, value))
        result.clusters = len(clusters)
        writing.finish_batch(
            session,
            batch,
            {"read": result.rows_read, "new": result.stored, "quarantined": result.quarantined},
        )
    return result
