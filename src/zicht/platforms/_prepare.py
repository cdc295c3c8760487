"""The work on delivered ad rows that needs no store: in this process or in workers.

Per row: checked and normalised (`ad_from_cells`), its licence number parsed and its
keyed pseudonym, its contacts' pseudonyms, its content encrypted, its words hashed,
its MinHash band keys and photo band keys, and its own flags but those that need the
licence register (age, text). None of it depends on other rows or on the store, so a
chunk can be prepared in a worker process while the main process stores and groups
the chunk before it (`prepared_chunks`); the result is the same either way.

Rows travel to the workers as plain tuples and come back as plain tuples and lists:
pickling those stays in C.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from itertools import islice
from typing import Any

from zicht.ingest import RawRow
from zicht.platforms._ads import ad_from_cells
from zicht.platforms._feed import ad_keys, licence_in_ad
from zicht.platforms._images import image_band_keys
from zicht.platforms._problems import Problem, RowRefused
from zicht.platforms._register import licence_key
from zicht.platforms._screening import ScreeningPolicy, own_flags
from zicht.platforms._templates import Vocabulary, band_keys, minhash_signatures
from zicht.privacy import Cipher
from zicht.store.platforms import ad_context

__all__ = ["PreparedAd", "PreparedChunk", "Preparer", "prepared_chunks"]

# One accepted ad: (index in the chunk, ad_id, posted_at, city, stated_age, image
# hashes, encrypted content, issuing municipality of its licence number (None: not a
# number), the rule the number breaks, the number's pseudonym, its (kind, contact
# pseudonym) pairs, word hashes, text band keys, photo band keys, its own flags as
# stored evidence [name, kind, message, params]).
PreparedAd = tuple[
    int, str, dt.datetime, str | None, int | None, list[str], bytes, str | None, str | None,
    str | None, list[tuple[str, str]], list[int], list[str], list[str], list[list[Any]],
]  # fmt: skip
_Wire = list[tuple[int, dict[str, Any], str | None, str | None]]


@dataclass(slots=True)
class PreparedChunk:
    """A chunk of rows: the accepted ads, and the refused rows with their problems
    (both by index in the chunk)."""

    ads: list[PreparedAd]
    refused: list[tuple[int, list[Problem]]]


class Preparer:
    """Prepares chunks of one platform's rows (keeps the word hashes seen so far)."""

    def __init__(self, platform: str, cipher: Cipher, policy: ScreeningPolicy) -> None:
        self.platform, self.cipher, self.policy = platform, cipher, policy
        self.vocabulary = Vocabulary()

    def prepare(self, rows: _Wire) -> PreparedChunk:
        """Rows as (number, cells, unreadable, column) tuples."""
        cipher, platform, policy = self.cipher, self.platform, self.policy
        ads: list[PreparedAd] = []
        refused: list[tuple[int, list[Problem]]] = []
        words: list[list[int]] = []
        for index, (_, cells, unreadable, _column) in enumerate(rows):
            try:
                if unreadable:
                    raise RowRefused([Problem("row", unreadable)])
                ad = ad_from_cells(cells, platform)
            except RowRefused as refusal:
                refused.append((index, refusal.problems))
                continue
            number, rule = licence_in_ad(ad)
            canonical = str(number) if number is not None else None
            words.append(self.vocabulary.words(f"{ad.title or ''}\n{ad.text}"))
            own = own_flags(ad, has_licence=number is not None, policy=policy)
            content = {
                "url": ad.url,
                "title": ad.title,
                "text": ad.text,
                "phones": list(ad.phones),
                "emails": list(ad.emails),
                "licence_number": ad.licence_number,
            }
            ads.append((
                index, ad.ad_id, ad.posted_at, ad.city, ad.stated_age, list(ad.image_hashes),
                cipher.encrypt_json(content, ad_context(platform, ad.ad_id)),
                number.municipality if number is not None else None, rule,
                licence_key(cipher, canonical) if canonical else None,
                ad_keys(cipher, ad), words[-1], [],  # the text band keys: below
                [k for pdq in ad.image_hashes for k in image_band_keys(pdq)],
                [[f.name, f.kind, f.message, f.params] for f in own],
            ))  # fmt: skip
        for ad_bands, text_bands in zip(
            (a[12] for a in ads), band_keys(minhash_signatures(words)), strict=True
        ):
            ad_bands.extend(text_bands)
        return PreparedChunk(ads, refused)


_preparer: Preparer | None = None


def _start_worker(parent: int, platform: str, cipher: Cipher, policy: ScreeningPolicy) -> None:
    from zicht.ingest import die_with_parent

    global _preparer
    die_with_parent(parent)
    _preparer = Preparer(platform, cipher, policy)


def _prepare_in_worker(rows: _Wire) -> PreparedChunk:
    assert _preparer is not None
    return _preparer.prepare(rows)


def _wire(batch: list[RawRow]) -> _Wire:
    return [(row.number, row.cells, row.unreadable, row.column) for row in batch]


def prepared_chunks(
    rows: Iterator[RawRow],
    *,
    platform: str,
    cipher: Cipher,
    policy: ScreeningPolicy,
    chunk_size: int,
    workers: int = 1,
) -> Iterator[tuple[list[RawRow], PreparedChunk]]:
    """Each chunk of raw rows with its prepared form, in file order; with more than
    one worker, at most `2 * workers` chunks are in flight (memory stays bounded)."""
    if workers <= 1:
        preparer = Preparer(platform, cipher, policy)
        while batch := list(islice(rows, chunk_size)):
            yield batch, preparer.prepare(_wire(batch))
        return
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_worker,
        initargs=(os.getpid(), platform, cipher, policy),
    ) as pool:
        pending: deque[tuple[list[RawRow], Future[PreparedChunk]]] = deque()
        while batch := list(islice(rows, chunk_size)):
            pending.append((batch, pool.submit(_prepare_in_worker, _wire(batch))))
            if len(pending) >= 2 * workers:
                done, future = pending.popleft()
                yield done, future.result()
        while pending:
            done, future = pending.popleft()
            yield done, future.result()
