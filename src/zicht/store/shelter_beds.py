"""Repository of the shelter area: shelters, beds, availability and reservations.

`write_transaction` takes the database's write lock up front (SQLite: BEGIN IMMEDIATE,
so two writers never both read and then upgrade; PostgreSQL: READ COMMITTED, where a
conditional UPDATE on a bed row waits for a competing one and re-checks its condition).
`claim_bed` gives a bed only when its UPDATE changed exactly one row from free to taken,
so a bed is never given twice, whatever the concurrency.

The statements a reservation runs (`candidate_places`, `hold_bed`) are built once, at
import: under load, building a statement per call cost more CPU than the database took
to run it. On PostgreSQL `hold_bed` claims the bed and stores its reservation in one
statement (the claim's UPDATE in a WITH): a round trip less per person placed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import (
    Connection,
    CursorResult,
    DateTime,
    Integer,
    String,
    bindparam,
    delete,
    exists,
    func,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy import cast as sql_cast

from zicht.store.database import transaction_rows
from zicht.store.shelter import (
    BedRow,
    ReservationRow,
    ShelterMemberRow,
    ShelterRequestRow,
    ShelterRow,
)

__all__ = [
    "HOLD_RAN_OUT",
    "BedCount",
    "ReservationState",
    "ShelterFacts",
    "add_member",
    "bed_counts",
    "candidate_of",
    "candidate_places",
    "claim_bed",
    "hold_bed",
    "insert_request",
    "insert_reservation",
    "member_shelters",
    "members",
    "overdue_holds",
    "place_candidates",
    "release_bed",
    "reservation_state",
    "set_beds",
    "set_reservation_status",
    "shelter_address",
    "shelter_facts",
    "upsert_shelter",
]

# How many free beds one claim tries before it gives up on a shelter and kind.
_CLAIM_TRIES = 16


@dataclass(frozen=True, slots=True)
class ShelterFacts:
    """A shelter as matching sees it: no address."""

    id: int
    code: str
    name: str
    kind: str
    region: str
    languages: tuple[str, ...]
    wheelchair: bool
    security: int
    care: bool


@dataclass(frozen=True, slots=True)
class BedCount:
    """Beds of one kind in one shelter: all, taken (reserved or occupied), free."""

    shelter_id: int
    kind: str
    total: int
    taken: int
    free: int


@dataclass(frozen=True, slots=True)
class ReservationState:
    """A reservation with what the permission checks and audit entries need."""

    id: int
    request_id: int
    person_index: int
    shelter_id: int
    bed_id: int
    status: str
    held_until: dt.datetime
    organisation: str


def upsert_shelter(connection: Connection, values: dict[str, Any]) -> tuple[int, bool]:
    """Insert a shelter or update the one with the same `code`; (id, created)."""
    found = connection.execute(
        select(ShelterRow.id).where(ShelterRow.code == values["code"])
    ).scalar_one_or_none()
    if found is None:
        new_id = connection.execute(insert(ShelterRow).values(**values)).inserted_primary_key
        assert new_id is not None
        return int(new_id[0]), True
    connection.execute(update(ShelterRow).where(ShelterRow.id == found).values(**values))
    return int(found), False


def add_member(connection: Connection, shelter_id: int, actor: str) -> bool:
    """Make `actor` (a username or "token:NAME") staff of a shelter; False if already."""
    exists = connection.execute(
        select(ShelterMemberRow.id).where(
            ShelterMemberRow.shelter_id == shelter_id, ShelterMemberRow.actor == actor
        )
    ).first()
    if exists is not None:
        return False
    connection.execute(insert(ShelterMemberRow).values(shelter_id=shelter_id, actor=actor))
    return True


def member_shelters(connection: Connection, actor: str) -> set[int]:
    """The ids of the shelters `actor` works for."""
    statement = select(ShelterMemberRow.shelter_id).where(ShelterMemberRow.actor == actor)
    return set(connection.execute(statement).scalars())


def members(connection: Connection) -> dict[int, list[str]]:
    """The staff of every shelter (usernames and "token:NAME"), by shelter id."""
    statement = select(ShelterMemberRow.shelter_id, ShelterMemberRow.actor).order_by(
        ShelterMemberRow.shelter_id, ShelterMemberRow.actor
    )
    found: dict[int, list[str]] = {}
    for shelter_id, actor in connection.execute(statement):
        found.setdefault(shelter_id, []).append(actor)
    return found


# A shelter's facts without its address (secret): what matching and the lists read.
_FACT_COLUMNS = (
    ShelterRow.id,
    ShelterRow.code,
    ShelterRow.name,
    ShelterRow.kind,
    ShelterRow.region,
    ShelterRow.languages,
    ShelterRow.wheelchair,
    ShelterRow.security,
    ShelterRow.care,
)


def shelter_facts(connection: Connection, ids: Sequence[int] | None = None) -> list[ShelterFacts]:
    """Every shelter (or those of `ids`) without its address, by code."""
    statement = select(*_FACT_COLUMNS).order_by(ShelterRow.code)
    if ids is not None:
        statement = statement.where(ShelterRow.id.in_(list(ids)))
    return [_facts(row) for row in connection.execute(statement)]


def _facts(row: Sequence[Any]) -> ShelterFacts:
    # By position (the order of _FACT_COLUMNS): a row of a wider statement reads the same.
    shelter_id, code, name, kind, region, languages, wheelchair, security, care = row[:9]
    return ShelterFacts(
        shelter_id,
        code,
        name,
        kind,
        region,
        tuple(language for language in languages.split(";") if language),
        wheelchair,
        security,
        care,
    )


def shelter_address(connection: Connection, code: str) -> tuple[int, bytes] | None:
    """A shelter's id and encrypted address, or None when there is no such shelter."""
    row = connection.execute(
        select(ShelterRow.id, ShelterRow.address).where(ShelterRow.code == code)
    ).first()
    return None if row is None else (int(row.id), bytes(row.address))


def bed_counts(
    connection: Connection, shelter_ids: Sequence[int] | None = None, kind: str | None = None
) -> list[BedCount]:
    """Beds per shelter and kind (or of one kind): total, taken and free (in service, not
    taken)."""
    free = func.sum(sql_cast(BedRow.in_service.is_(True) & BedRow.taken.is_(False), Integer))
    statement = (
        select(
            BedRow.shelter_id,
            BedRow.kind,
            func.count(BedRow.id),
            func.sum(sql_cast(BedRow.taken, Integer)),
            free,
        )
        .group_by(BedRow.shelter_id, BedRow.kind)
        .order_by(BedRow.shelter_id, BedRow.kind)
    )
    if shelter_ids is not None:
        statement = statement.where(BedRow.shelter_id.in_(list(shelter_ids)))
    if kind is not None:
        statement = statement.where(BedRow.kind == kind)
    return [
        BedCount(int(s), str(k), int(n), int(t or 0), int(f or 0))
        for s, k, n, t, f in connection.execute(statement)
    ]


def set_beds(connection: Connection, shelter_id: int, kind: str, total: int, free: int) -> int:
    """Make a shelter have `total` beds of `kind`, `free` of them on offer.

    Taken beds are kept; free is capped by the beds not taken. Returns the free count.
    """
    rows = connection.execute(
        select(BedRow.id, BedRow.taken)
        .where(BedRow.shelter_id == shelter_id, BedRow.kind == kind)
        .order_by(BedRow.id)
    ).all()
    taken = sum(1 for row in rows if row.taken)
    untaken = [int(row.id) for row in rows if not row.taken]
    if total < taken:
        raise ValueError(f"{taken} beds of this kind are reserved or occupied; total is less")
    surplus = len(rows) - total
    if surplus > 0:
        connection.execute(delete(BedRow).where(BedRow.id.in_(untaken[-surplus:])))
        untaken = untaken[:-surplus]
    elif surplus < 0:
        connection.execute(
            insert(BedRow),
            [{"shelter_id": shelter_id, "kind": kind, "in_service": False, "taken": False}]
            * -surplus,
        )
        untaken = [
            int(i)
            for i in connection.execute(
                select(BedRow.id).where(
                    BedRow.shelter_id == shelter_id,
                    BedRow.kind == kind,
                    BedRow.taken.is_(False),
                )
            ).scalars()
        ]
        untaken.sort()
    offered = max(0, min(free, len(untaken)))
    if untaken[:offered]:
        connection.execute(
            update(BedRow).where(BedRow.id.in_(untaken[:offered])).values(in_service=True)
        )
    if untaken[offered:]:
        connection.execute(
            update(BedRow).where(BedRow.id.in_(untaken[offered:])).values(in_service=False)
        )
    return offered


_FREE = BedRow.in_service.is_(True) & BedRow.taken.is_(False)


def candidate_places(kind: Any) -> Any:
    """The statement of every shelter with beds of `kind` (a bound parameter or a
    subquery): its facts (no address) and its beds of that kind (total, taken, free),
    unordered; read a row with `candidate_of`."""
    # FILTER counts rather than sums of booleans cast to integers: a reservation runs
    # this over every bed of the kind, and on SQLite (in the caller's process) the casts
    # took a third of the aggregate's time.
    counts = (
        select(
            BedRow.shelter_id,
            func.count(BedRow.id).label("total"),
            func.count().filter(BedRow.taken.is_(True)).label("taken"),
            func.count().filter(_FREE).label("free"),
        )
        .where(BedRow.kind == kind)
        .group_by(BedRow.shelter_id)
        .subquery()
    )
    return select(*_FACT_COLUMNS, counts.c.total, counts.c.taken, counts.c.free).join(
        counts, counts.c.shelter_id == ShelterRow.id
    )


def candidate_of(row: Sequence[Any], kind: str) -> tuple[ShelterFacts, BedCount]:
    """The values of a row of `candidate_places`, in its order: the shelter's facts and
    its beds of `kind`."""
    total, taken, free = row[9:12]
    return _facts(row), BedCount(row[0], kind, int(total), int(taken or 0), int(free or 0))


# Whether any hold (of any kind) ran out before `now`.
HOLD_RAN_OUT = exists().where(
    ReservationRow.status == "held", ReservationRow.held_until < bindparam("now")
)
# Every shelter with beds of a kind, its facts and counts, and whether any hold ran out
# before `now`: what `zicht.shelter` reads to match a request.
_CANDIDATES = (
    candidate_places(bindparam("kind"))
    .add_columns(HOLD_RAN_OUT.label("overdue"))
    .order_by(ShelterRow.code)
)


def place_candidates(
    connection: Connection, kind: str, now: dt.datetime
) -> tuple[list[ShelterFacts], list[BedCount], bool]:
    """The shelters with beds of `kind` (by code), their beds of that kind, and whether a
    hold ran out before `now` (any kind), in one statement."""
    facts, counts, overdue = [], [], False
    for row in connection.execute(_CANDIDATES, {"kind": kind, "now": now}):
        shelter, beds = candidate_of(row, kind)
        facts.append(shelter)
        counts.append(beds)
        overdue = overdue or bool(row.overdue)
    return facts, counts, overdue


# Take the first free bed of a shelter and kind in one statement. PostgreSQL locks the
# candidate row in the subquery, skipping those another transaction holds, so that
# concurrent claims take different beds instead of queueing on the first one; SQLite has
# no row locks (its writers take turns) and leaves FOR UPDATE out.
_CANDIDATE_BED = BedRow.__table__.alias("candidate")  # the subquery's own shelter_bed
_CLAIM_FIRST = (
    update(BedRow)
    .where(
        BedRow.id
        == select(_CANDIDATE_BED.c.id)
        .where(
            _CANDIDATE_BED.c.shelter_id == bindparam("of_shelter"),
            _CANDIDATE_BED.c.kind == bindparam("of_kind"),
            _CANDIDATE_BED.c.in_service.is_(True),
            _CANDIDATE_BED.c.taken.is_(False),
        )
        .order_by(_CANDIDATE_BED.c.id)
        .limit(1)
        .with_for_update(skip_locked=True)
        .scalar_subquery(),
        _FREE,
    )
    .values(taken=True)
    .returning(BedRow.id)
)


def claim_bed(connection: Connection, shelter_id: int, kind: str) -> int | None:
    """Take one free bed of `kind` in a shelter; its id, or None when none is free."""
    # The claim keeps its row lock until its commit, after the audit entry: locking a
    # batch of candidates would hide free beds from the others meanwhile. The UPDATE's
    # condition is what guarantees a bed is given once.
    bed_id = connection.execute(_CLAIM_FIRST, {"of_shelter": shelter_id, "of_kind": kind}).scalar()
    if bed_id is not None:
        return int(bed_id)
    # None: no free bed, or (in theory) the one found was taken meanwhile. The slower
    # path below tells the two apart, bed by bed.
    return _claim_one_by_one(connection, shelter_id, kind)


def _claim_one_by_one(connection: Connection, shelter_id: int, kind: str) -> int | None:
    tried: list[int] = []
    for _ in range(_CLAIM_TRIES):
        statement = (
            select(BedRow.id)
            .where(BedRow.shelter_id == shelter_id, BedRow.kind == kind, _FREE)
            .order_by(BedRow.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        if tried:
            statement = statement.where(BedRow.id.not_in(tried))
        bed_id = connection.execute(statement).scalar()
        if bed_id is None:
            return None
        result = cast(
            CursorResult[Any],
            connection.execute(update(BedRow).where(BedRow.id == bed_id, _FREE).values(taken=True)),
        )
        if result.rowcount == 1:
            return int(bed_id)
        tried.append(int(bed_id))
    return None


def release_bed(connection: Connection, bed_id: int) -> None:
    """Give a bed back (after a refusal, an expired hold or a discharge)."""
    connection.execute(update(BedRow).where(BedRow.id == bed_id).values(taken=False))


def insert_request(connection: Connection, values: dict[str, Any]) -> int:
    """Store a request for a place; its id."""
    new_id = connection.execute(insert(ShelterRequestRow).values(**values)).inserted_primary_key
    assert new_id is not None
    return int(new_id[0])


_INSERT_RESERVATION = insert(ReservationRow)


def insert_reservation(connection: Connection, values: dict[str, Any]) -> int:
    """Store a reservation of a claimed bed; its id."""
    new_id = connection.execute(_INSERT_RESERVATION, values).inserted_primary_key
    assert new_id is not None
    return int(new_id[0])


# PostgreSQL: `_CLAIM_FIRST` and the reservation of the bed it took in one statement (a
# round trip less per person; SQLite has no UPDATE inside WITH and runs the two).
_CLAIMED = _CLAIM_FIRST.cte("claimed")
_HOLD_FIRST = (
    insert(ReservationRow)
    .from_select(
        [
            "request_id",
            "person_index",
            "bed_id",
            "shelter_id",
            "status",
            "held_until",
            "created_at",
        ],
        select(
            bindparam("request_id", type_=Integer),
            bindparam("person_index", type_=Integer),
            _CLAIMED.c.id,
            bindparam("of_shelter", type_=Integer),
            literal("held", String),
            bindparam("held_until", type_=DateTime),
            bindparam("created_at", type_=DateTime),
        ),
    )
    .add_cte(_CLAIMED)
    .returning(ReservationRow.id, ReservationRow.bed_id)
)


def hold_bed(
    connection: Connection,
    shelter_id: int,
    kind: str,
    request_id: int,
    person_index: int,
    held_until: dt.datetime,
    now: dt.datetime,
) -> tuple[int, int] | None:
    """Take one free bed of `kind` in a shelter (as `claim_bed`) and store its hold for
    one person of a request; (reservation id, bed id), or None when none is free."""
    hold = {
        "request_id": request_id,
        "person_index": person_index,
        "held_until": held_until,
        "created_at": now,
    }
    if connection.dialect.name == "postgresql":
        rows = transaction_rows(
            connection, _HOLD_FIRST, {**hold, "of_shelter": shelter_id, "of_kind": kind}
        )
        if rows:
            return int(rows[0][0]), int(rows[0][1])
        bed_id = _claim_one_by_one(connection, shelter_id, kind)
    else:
        bed_id = claim_bed(connection, shelter_id, kind)
    if bed_id is None:
        return None
    values = {**hold, "bed_id": bed_id, "shelter_id": shelter_id, "status": "held"}
    return insert_reservation(connection, values), bed_id


def reservation_state(connection: Connection, reservation_id: int) -> ReservationState | None:
    """A reservation with its request's organisation, or None."""
    row = connection.execute(
        select(
            ReservationRow.id,
            ReservationRow.request_id,
            ReservationRow.person_index,
            ReservationRow.shelter_id,
            ReservationRow.bed_id,
            ReservationRow.status,
            ReservationRow.held_until,
            ShelterRequestRow.organisation,
        )
        .join(ShelterRequestRow, ShelterRequestRow.id == ReservationRow.request_id)
        .where(ReservationRow.id == reservation_id)
    ).first()
    return None if row is None else ReservationState(*row)


def set_reservation_status(
    connection: Connection,
    reservation_id: int,
    *,
    expected: str,
    status: str,
    changes: dict[str, Any],
) -> bool:
    """Move a reservation from `expected` to `status`; False when it was not in `expected`."""
    result = cast(
        CursorResult[Any],
        connection.execute(
            update(ReservationRow)
            .where(ReservationRow.id == reservation_id, ReservationRow.status == expected)
            .values(status=status, **changes)
        ),
    )
    return result.rowcount == 1


def overdue_holds(connection: Connection, now: dt.datetime) -> list[tuple[int, int]]:
    """(reservation id, bed id) of every hold whose time ran out before `now`."""
    statement = (
        select(ReservationRow.id, ReservationRow.bed_id)
        .where(ReservationRow.status == "held", ReservationRow.held_until < now)
        .order_by(ReservationRow.id)  # every releaser locks them in the same order
    )
    return [(int(r), int(b)) for r, b in connection.execute(statement)]
