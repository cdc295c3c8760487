"""Human reviews of linked persons: a coordinator confirms a person or splits a
registration off it, with a reason. Link runs apply them as must-link / cannot-link
constraints after clustering (`zicht.linkage`), so a later run respects them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import (
    JSON,
    Connection,
    DateTime,
    Engine,
    ForeignKey,
    Integer,
    String,
    insert,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column

from zicht.store.models import Base, utcnow

__all__ = [
    "Decision",
    "PersonReview",
    "PersonReviewRow",
    "add_person_review",
    "read_person_reviews",
]

Decision = Literal["confirm", "split"]


class PersonReviewRow(Base):
    """One review: "confirm" keeps `members` together; "split" keeps `registration_id`
    apart from `members` (the other registrations of the person as reviewed)."""

    __tablename__ = "person_review"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    decision: Mapped[str] = mapped_column(String(10))
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("victim_registration.id", ondelete="CASCADE"), index=True
    )
    members: Mapped[list[int]] = mapped_column(JSON)
    person_id: Mapped[int] = mapped_column(Integer, index=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("link_run.id"))
    reason: Mapped[str] = mapped_column(String(400))
    reviewer: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


@dataclass(frozen=True)
class PersonReview:
    """A review as read back (registration ids only, never identity values)."""

    id: int
    decision: Decision
    registration_id: int
    members: tuple[int, ...]
    person_id: int
    run_id: int
    reason: str
    reviewer: str
    created_at: dt.datetime


def add_person_review(
    engine: Engine | Connection,
    *,
    decision: Decision,
    registration_id: int,
    members: Sequence[int],
    person_id: int,
    run_id: int,
    reason: str,
    reviewer: str,
) -> int:
    """Store a review; returns its id. Given a connection, the review is written in the
    caller's transaction (e.g. with its audit entry, `zicht.access.audited_transaction`)."""
    if decision not in ("confirm", "split"):
        raise ValueError(f"unknown review decision {decision!r}")
    with engine.begin() if isinstance(engine, Engine) else nullcontext(engine) as connection:
        result = connection.execute(
            insert(PersonReviewRow)
            .values(
                decision=decision,
                registration_id=registration_id,
                members=sorted(int(m) for m in members),
                person_id=person_id,
                run_id=run_id,
                reason=reason,
                reviewer=reviewer,
                created_at=utcnow(),
            )
            .returning(PersonReviewRow.id)
        )
        return int(result.scalar_one())


def read_person_reviews(
    engine: Engine, registration_ids: Sequence[int] | None = None
) -> list[PersonReview]:
    """Every review in the order made, or those that name one of `registration_ids`."""
    table = PersonReviewRow.__table__
    with engine.connect() as connection:
        rows = connection.execute(select(table).order_by(table.c.id)).all()
    reviews = [
        PersonReview(
            id=row.id,
            decision="confirm" if row.decision == "confirm" else "split",
            registration_id=row.registration_id,
            members=tuple(int(m) for m in row.members),
            person_id=row.person_id,
            run_id=row.run_id,
            reason=row.reason,
            reviewer=row.reviewer,
            created_at=row.created_at,
        )
        for row in rows
    ]
    if registration_ids is None:
        return reviews
    wanted = {int(i) for i in registration_ids}
    return [r for r in reviews if r.registration_id in wanted or wanted & set(r.members)]
