"""Shelters, their staff and beds: kept by the coordinators and by each shelter."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from zicht.access import Look, Principal, audited_transaction, record_look
from zicht.i18n import N_
from zicht.privacy import Cipher
from zicht.shelter._errors import ShelterError, ShelterNotFound
from zicht.shelter._scope import audit, principal_actor, require, require_shelter
from zicht.shelter._vocabulary import BED_KINDS, REGIONS, SECURITY_LEVELS, SHELTER_KINDS
from zicht.store.models import utcnow
from zicht.store.shelter import address_context
from zicht.store.shelter_beds import (
    BedCount,
    ShelterFacts,
    add_member,
    bed_counts,
    member_shelters,
    members,
    set_beds,
    shelter_address,
    shelter_facts,
    upsert_shelter,
)

__all__ = [
    "Place",
    "ShelterInput",
    "add_staff",
    "availability",
    "list_staff",
    "reveal_address",
    "save_shelter",
    "set_availability",
    "shelter_id_of",
]


@dataclass(frozen=True)
class ShelterInput:
    """A shelter as a coordinator enters it; `address` is encrypted before it is stored."""

    code: str
    name: str
    kind: str
    region: str
    address: str
    languages: tuple[str, ...] = ()
    wheelchair: bool = False
    security: int = 1
    care: bool = False

    def check(self) -> None:
        """Raise ShelterError naming the first field that breaks its rule."""
        if not (1 <= len(self.code) <= 40) or not self.code.replace("-", "").isalnum():
            raise ShelterError(N_("field %(field)s: %(rule)s"), field="code", rule="a-z, 0-9, -")
        if not self.name.strip() or len(self.name) > 120:
            raise ShelterError(N_("field %(field)s: %(rule)s"), field="name", rule="1-120")
        for name, value, allowed in (
            ("kind", self.kind, SHELTER_KINDS),
            ("region", self.region, REGIONS),
            ("security", self.security, SECURITY_LEVELS),
        ):
            if value not in allowed:
                raise ShelterError(
                    N_("field %(field)s: %(rule)s"), field=name, rule="not a known code"
                )
        if not self.address.strip():
            raise ShelterError(N_("field %(field)s: %(rule)s"), field="address", rule="required")
        if any(len(code) != 2 or not code.isalpha() for code in self.languages):
            raise ShelterError(
                N_("field %(field)s: %(rule)s"), field="languages", rule="ISO 639-1 codes"
            )


@dataclass(frozen=True)
class Place:
    """A shelter and its beds per kind (total, taken, free); never its address."""

    shelter: ShelterFacts
    beds: tuple[BedCount, ...]

    @property
    def free(self) -> int:
        """Free beds of every kind."""
        return sum(bed.free for bed in self.beds)


def save_shelter(engine: Engine, principal: Principal, cipher: Cipher, place: ShelterInput) -> int:
    """Add a shelter or change one (by code); the address is stored encrypted."""
    require(principal, "coordinate_shelter")
    place.check()
    values = {
        "code": place.code,
        "name": place.name.strip(),
        "kind": place.kind,
        "region": place.region,
        "languages": ";".join(sorted({code.lower() for code in place.languages})),
        "wheelchair": place.wheelchair,
        "security": place.security,
        "care": place.care,
        "address": cipher.encrypt_json({"address": place.address}, address_context(place.code)),
        "updated_at": utcnow(),
    }
    with audited_transaction(engine) as transaction:
        shelter_id, created = upsert_shelter(transaction.connection, values)
        audit(
            transaction,
            principal,
            "shelter_added" if created else "shelter_changed",
            "shelter",
            [shelter_id],
            code=place.code,
        )
    return shelter_id


def shelter_id_of(engine: Engine, code: str) -> int:
    """The id of the shelter with `code`, or ShelterNotFound."""
    with engine.connect() as connection:
        found = shelter_address(connection, code)
    if found is None:
        raise ShelterNotFound(N_("no shelter %(code)s"), code=code)
    return found[0]


def add_staff(engine: Engine, principal: Principal, code: str, actor: str) -> bool:
    """Make a user ("name") or API token ("token:NAME") staff of a shelter."""
    require(principal, "coordinate_shelter")
    shelter_id = shelter_id_of(engine, code)
    with audited_transaction(engine) as transaction:
        added = add_member(transaction.connection, shelter_id, actor)
        if added:
            audit(
                transaction, principal, "shelter_staff_added", "shelter", [shelter_id], member=actor
            )
    return added


def list_staff(engine: Engine, principal: Principal) -> dict[str, tuple[str, ...]]:
    """Every shelter's staff by shelter code (for coordinators)."""
    require(principal, "coordinate_shelter")
    with engine.connect() as connection:
        codes = {facts.id: facts.code for facts in shelter_facts(connection)}
        staff = members(connection)
    return {code: tuple(staff.get(shelter_id, ())) for shelter_id, code in codes.items()}


def set_availability(
    engine: Engine, principal: Principal, code: str, kind: str, total: int, free: int
) -> int:
    """A shelter's beds of `kind`: `total` in all, `free` on offer now; the free count set."""
    if kind not in BED_KINDS:
        raise ShelterError(N_("field %(field)s: %(rule)s"), field="kind", rule="not a known code")
    if total < 0 or not 0 <= free <= total or total > 10_000:
        raise ShelterError(N_("field %(field)s: %(rule)s"), field="free", rule="0 <= free <= beds")
    shelter_id = shelter_id_of(engine, code)
    with audited_transaction(engine) as transaction:
        connection = transaction.connection
        require_shelter(connection, principal, "manage_shelter", shelter_id)
        try:
            offered = set_beds(connection, shelter_id, kind, total, free)
        except ValueError:
            raise ShelterError(
                N_("field %(field)s: %(rule)s"), field="beds", rule="fewer than reserved"
            ) from None
        audit(
            transaction,
            principal,
            "shelter_availability_set",
            "shelter",
            [shelter_id],
            kind=kind,
            beds=total,
            free=offered,
        )
    return offered


def availability(engine: Engine, principal: Principal, *, own: bool = False) -> list[Place]:
    """Every shelter with its beds (or, with `own`, the principal's own shelters)."""
    require(principal, "view_shelter_availability")
    with engine.connect() as connection:
        ids = sorted(member_shelters(connection, principal.actor)) if own else None
        facts = shelter_facts(connection, ids)
        counts = bed_counts(connection, ids)
    by_shelter: dict[int, list[BedCount]] = {}
    for count in counts:
        by_shelter.setdefault(count.shelter_id, []).append(count)
    return [Place(f, tuple(by_shelter.get(f.id, ()))) for f in facts]


def reveal_address(
    engine: Engine, cipher: Cipher, principal: Principal, code: str, purpose: str
) -> str:
    """A shelter's secret address, for coordinators and its own staff; one audit entry."""
    look = Look(actor=principal_actor(principal), purpose=purpose, details={"shelter": code})
    with engine.connect() as connection:
        found = shelter_address(connection, code)
        if found is None:
            raise ShelterNotFound(N_("no shelter %(code)s"), code=code)
        require_shelter(connection, principal, "view_shelter_address", found[0])
    address = str(cipher.decrypt_json(found[1], address_context(code))["address"])
    record_look(engine, look, "shelter_address_viewed", "shelter", [found[0]])
    return address
