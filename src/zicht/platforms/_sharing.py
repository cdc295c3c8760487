"""The stored uses of licence numbers and contacts that the sharing pass counts, kept
across chunks.

The sharing pass takes a delivery's ads chunk by chunk, roughly in posting order, and
each chunk needs, per licence key and contact key of its ads, the stored ads posted
within the window of its own. Read per chunk, an ad of a poster who posts daily was
read again for every chunk of the 28 days around it (the cost per ad grew with the
window); here a key's uses are read once for the chunk's span plus `ahead`, and reused
while later chunks fall inside what was read. A key whose span no longer covers a
chunk is read again, so the counts are those of a fresh read whatever the order of
the ads; only the number of reads depends on it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from sqlalchemy.orm import Session

from zicht.platforms._screening import Usage, UsageIndex
from zicht.store.ads import Usage as StoredUsage
from zicht.store.ads import usages

__all__ = ["SharingWindows"]

Operator = Callable[[int, int | None], int | None]


class _Kind:
    """The uses of one kind of key (licence or contact): per key, sorted by posting
    time, with the span of posting times they were read for."""

    def __init__(self) -> None:
        self.uses: dict[str, list[Usage]] = {}
        self.times: dict[str, list[dt.datetime]] = {}
        self.span: dict[str, tuple[dt.datetime, dt.datetime]] = {}
        self.index = UsageIndex.presorted(self.uses, self.times)

    def missing(self, keys: Iterable[str], start: dt.datetime, end: dt.datetime) -> list[str]:
        """The keys whose uses from `start` to `end` were not all read."""
        span = self.span
        need = set()
        for key in keys:
            got = span.get(key)
            if got is None or got[0] > start or got[1] < end:
                need.add(key)
        return sorted(need)

    def keep(
        self,
        keys: list[str],
        found: list[tuple[str, Usage]],
        start: dt.datetime,
        end: dt.datetime,
    ) -> None:
        """The uses read for `keys` from `start` to `end` (replacing what was kept)."""
        grouped: dict[str, list[Usage]] = {key: [] for key in keys}
        for key, use in found:
            grouped[key].append(use)
        for key, uses in grouped.items():
            uses.sort(key=_posted)
            self.uses[key] = uses
            self.times[key] = [u.posted_at for u in uses]
            self.span[key] = (start, end)

    def forget_before(self, moment: dt.datetime) -> int:
        """Drop the keys read up to before `moment` (no later chunk can use them);
        returns the number of uses still kept."""
        for key in [k for k, (_, end) in self.span.items() if end < moment]:
            del self.uses[key], self.times[key], self.span[key]
        return sum(len(v) for v in self.uses.values())


def _posted(use: Usage) -> dt.datetime:
    return use.posted_at


class SharingWindows:
    """Uses of licence and contact keys for the sharing pass of one delivery.

    Args:
        operator: the operator cluster of a stored ad from its row id and stored
            cluster id (the clusters are final when the sharing pass starts).
        ahead: how far past a chunk's window a key's uses are read.
        most: the number of uses kept before keys that ended are dropped.
    """

    def __init__(
        self, session: Session, operator: Operator, *, ahead: dt.timedelta, most: int = 2_000_000
    ) -> None:
        self.session, self.operator, self.ahead, self.most = session, operator, ahead, most
        self.licences, self.contacts = _Kind(), _Kind()
        self.reads = 0  # uses read from the store (a measure of the work)

    def indexes(
        self,
        licence_keys: Iterable[str],
        contact_keys: Iterable[str],
        start: dt.datetime,
        end: dt.datetime,
    ) -> tuple[UsageIndex, UsageIndex]:
        """Indexes holding at least every use of the keys posted from `start` to `end`
        (the licence uses with their operators and phones)."""
        licence_keys, contact_keys = set(licence_keys), set(contact_keys)
        need_licences = self.licences.missing(licence_keys, start, end)
        need_contacts = self.contacts.missing(contact_keys, start, end)
        if need_licences or need_contacts:
            held = self.licences.forget_before(start) + self.contacts.forget_before(start)
            if held > self.most:  # memory stays bounded whatever the order of the ads
                self.licences, self.contacts = _Kind(), _Kind()
                need_licences = sorted(licence_keys)
                need_contacts = sorted(contact_keys)
            until = end + self.ahead
            by_licence, by_contact = usages(
                self.session, need_licences, need_contacts, start, until
            )
            self.reads += len(by_licence) + len(by_contact)
            self.licences.keep(need_licences, self._uses(by_licence, True), start, until)
            self.contacts.keep(need_contacts, self._uses(by_contact, False), start, until)
        return self.licences.index, self.contacts.index

    def _uses(self, found: list[StoredUsage], operators: bool) -> list[tuple[str, Usage]]:
        operator = self.operator
        return [
            (u.key, Usage(str(u.id), u.posted_at, u.city, (), u.licence_key, u.phones,
                          operator(u.id, u.cluster_id) if operators else None))
            for u in found
        ]  # fmt: skip
