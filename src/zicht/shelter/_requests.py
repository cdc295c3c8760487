"""Requests for a place: a partner asks for one person or a group, with needs.

A person is referred to by the keyed pseudonym of a registration (64 hex digits, as
`registration_pseudonym` makes it), never by a name; a crisis group may leave the
pseudonyms out (people not registered yet).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine

from zicht.access import Principal, audited_transaction, authorize, scope_of
from zicht.i18n import N_
from zicht.privacy import Cipher
from zicht.shelter._errors import ShelterError, ShelterNotFound
from zicht.shelter._matching import Candidate, Need, rank_places
from zicht.shelter._scope import audit, require, require_request
from zicht.shelter._vocabulary import (
    BED_KINDS,
    MAX_GROUP,
    REGIONS,
    SECURITY_LEVELS,
    URGENCIES,
    is_pseudonym,
)
from zicht.standard import FORMS, ORGANISATIONS
from zicht.store.models import utcnow
from zicht.store.shelter_beds import insert_request, place_candidates
from zicht.store.shelter_queries import RequestView, request_view, requests

__all__ = [
    "RequestInput",
    "find_request",
    "list_requests",
    "make_request",
    "match_request",
    "need_of",
    "registration_pseudonym",
]


def registration_pseudonym(cipher: Cipher, source: str, source_record_id: str) -> str:
    """The keyed pseudonym a request uses for the person of one registration."""
    return cipher.pseudonym(f"registration/{source}/{source_record_id}")


def _bad(field: str, rule: str) -> ShelterError:
    return ShelterError(N_("field %(field)s: %(rule)s"), field=field, rule=rule)


@dataclass(frozen=True)
class RequestInput:
    """A request as a partner makes it."""

    bed_kind: str
    size: int
    region: str
    form: str
    urgency: str = "tonight"
    person_keys: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    security: int = 1
    care: bool = False
    wheelchair: bool = False

    def check(self) -> None:
        """Raise ShelterError naming the first field that breaks its rule (never a value)."""
        if self.bed_kind not in BED_KINDS:
            raise _bad("bed_kind", "not a known code")
        if not 1 <= self.size <= MAX_GROUP:
            raise _bad("size", f"1-{MAX_GROUP}")
        if self.region not in REGIONS:
            raise _bad("region", "not a known code")
        if self.form not in FORMS:
            raise _bad("form", "not a known code")
        if self.urgency not in URGENCIES:
            raise _bad("urgency", "not a known code")
        if self.security not in SECURITY_LEVELS:
            raise _bad("security", "not a known code")
        if len(self.person_keys) > self.size:
            raise _bad("person_keys", "more people than the size of the request")
        if not all(is_pseudonym(key) for key in self.person_keys):
            raise _bad("person_keys", "a registration pseudonym (64 hex digits)")
        if any(len(code) != 2 or not code.isalpha() for code in self.languages):
            raise _bad("languages", "ISO 639-1 codes")


def need_of(request: RequestView) -> Need:
    """What a stored request needs of a place."""
    needs = request.needs
    return Need(
        request.bed_kind,
        request.size,
        request.region,
        tuple(needs.get("languages", ())),
        int(needs.get("security", 1)),
        bool(needs.get("care", False)),
        bool(needs.get("wheelchair", False)),
    )


def make_request(
    engine: Engine,
    principal: Principal,
    request: RequestInput,
    *,
    organisation: str | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Store a request of the principal's organisation; its id (audited).

    Coordinators may make a request for another partner (`organisation`), as they do
    when a partner phones in. `now` is the time of the request (default: now).
    """
    require(principal, "request_shelter")
    request.check()
    if organisation is not None and organisation != principal.organisation:
        if organisation not in ORGANISATIONS:
            raise _bad("organisation", "not a known code")
        require_request(principal, "request_shelter", organisation)
    organisation = organisation or principal.organisation or "comensha"
    values = {
        "organisation": organisation,
        "requested_by": principal.actor,
        "bed_kind": request.bed_kind,
        "size": request.size,
        "person_keys": list(request.person_keys),
        "needs": {
            "languages": sorted({c.lower() for c in request.languages}),
            "security": request.security,
            "care": request.care,
            "wheelchair": request.wheelchair,
        },
        "urgency": request.urgency,
        "region": request.region,
        "form": request.form,
        "created_at": now or utcnow(),
    }
    with audited_transaction(engine) as transaction:
        request_id = insert_request(transaction.connection, values)
        audit(
            transaction,
            principal,
            "shelter_requested",
            "shelter_request",
            [request_id],
            size=request.size,
            urgency=request.urgency,
        )
    return request_id


def find_request(engine: Engine, principal: Principal, request_id: int) -> RequestView:
    """One request the principal may see (their organisation's, or all for coordinators)."""
    with engine.connect() as connection:
        return _visible(principal, request_id, request_view(connection, request_id))


def _visible(principal: Principal, request_id: int, found: RequestView | None) -> RequestView:
    require(principal, "request_shelter")
    if found is None or not authorize(principal, "request_shelter", found.organisation):
        # another organisation's request is "not found": its existence is not told
        raise ShelterNotFound(N_("no request %(id)s"), id=request_id)
    return found


def list_requests(
    engine: Engine, principal: Principal, *, statuses: tuple[str, ...] | None = None
) -> list[RequestView]:
    """The requests the principal may see, newest first."""
    require(principal, "request_shelter")
    own = scope_of(principal, "request_shelter") == "own"
    with engine.connect() as connection:
        return requests(
            connection, organisation=principal.organisation if own else None, statuses=statuses
        )


def match_request(
    engine: Engine, principal: Principal, request: int | RequestView
) -> list[Candidate]:
    """The suitable shelters for a request, best first, with reasons (coordinators).

    `request` is its id, or the request `find_request` gave (not read again; a page that
    shows the request and its matches reads it once).
    """
    require(principal, "coordinate_shelter")
    if isinstance(request, RequestView):
        found = _visible(principal, request.id, request)
    else:
        found = find_request(engine, principal, request)
    with engine.connect() as connection:  # the read `reserve` ranks by, one statement
        facts, counts, _overdue = place_candidates(connection, found.bed_kind, utcnow())
    return rank_places(need_of(found), facts, counts)
