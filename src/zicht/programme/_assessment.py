"""The municipal self-assessment against the Kader mensenhandel: answers, who may see
them, and coverage per municipality, safety region and year.

A municipality account fills in its own answers (partial saves keep what was saved
before); until the round of a year is published, only the municipality itself and the
programme's managers see its answers. Every save and the publication are audited.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Engine

from zicht.access import Actor, AuditEvent, Principal, audited_transaction, authorize
from zicht.programme._model import ANSWERS, Programme
from zicht.standard import municipalities, safety_regions
from zicht.store import programme as store

__all__ = [
    "MAX_NOTE",
    "AnswerInput",
    "AssessmentError",
    "Coverage",
    "can_see_answers",
    "coverage",
    "municipalities_with_policy",
    "publish_assessment",
    "save_assessment",
    "visible_answers",
]

MAX_NOTE = 2000


class AssessmentError(ValueError):
    """Answers that cannot be saved (the message names the block and the rule)."""


@dataclass(frozen=True, slots=True)
class AnswerInput:
    """One answer as given: yes / partly / no, and an evidence note."""

    answer: str
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Coverage:
    """How far a municipality (or a region, or the country) meets the Kader.

    ``answered`` / ``met`` count building blocks (met = answered "yes"; "partly" counts
    half); ``blocks`` is the number asked of each municipality times the municipalities.
    """

    code: str
    name: str
    blocks: int
    answered: int
    met: float

    @property
    def share(self) -> float | None:
        """Share of the blocks met, among those asked (None when nothing was answered)."""
        return None if self.answered == 0 else self.met / self.blocks


def _check(programme: Programme, given: Mapping[str, AnswerInput]) -> None:
    known = {block.code for block in programme.assessment.blocks}
    for block, answer in given.items():
        if block not in known:
            raise AssessmentError(f"{block}: unknown building block")
        if answer.answer not in ANSWERS:
            raise AssessmentError(f"{block}: answer must be one of {', '.join(ANSWERS)}")
        if answer.note is not None and len(answer.note) > MAX_NOTE:
            raise AssessmentError(f"{block}: the note is longer than {MAX_NOTE} characters")


def save_assessment(
    engine: Engine,
    principal: Principal,
    programme: Programme,
    municipality: str,
    given: Mapping[str, AnswerInput],
    client: str | None = None,
) -> int:
    """Store `municipality`'s answers of the programme's year; returns how many.

    Raises PermissionError when `principal` may not answer for `municipality`, and
    AssessmentError for an unknown block, answer or an overlong note (nothing stored).
    """
    if municipality not in municipalities() or not authorize(
        principal, "self_assess", municipality
    ):
        raise PermissionError("self_assess")
    _check(programme, given)
    rows = [(block, a.answer, (a.note or "").strip() or None) for block, a in given.items()]
    with audited_transaction(engine) as transaction:
        written = store.save_answers(
            transaction.connection, programme.year, municipality, rows, principal.actor
        )
        if written:
            transaction.log(
                AuditEvent(
                    actor=principal.actor,
                    actor_kind=principal.kind,
                    actor_organisation=principal.organisation,
                    action="assessment_saved",
                    object_type="assessment",
                    object_ids=[f"{programme.year}/{municipality}"],
                    client=client,
                    details={"blocks": sorted(given)},
                )
            )
    return written


def can_see_answers(principal: Principal, engine: Engine, year: int, municipality: str) -> bool:
    """Whether `principal` may read `municipality`'s answers of `year`."""
    if authorize(principal, "manage_programme"):
        return True
    if principal.organisation == municipality and authorize(principal, "self_assess"):
        return True
    return authorize(principal, "view_programme") and store.round_published(engine, year)


def visible_answers(
    engine: Engine, principal: Principal, year: int, municipality: str
) -> dict[str, store.StoredAnswer]:
    """`municipality`'s answers of `year` by block; PermissionError when not visible."""
    if not can_see_answers(principal, engine, year, municipality):
        raise PermissionError("view_programme")
    return {a.block: a for a in store.answers(engine, year, municipality)}


def publish_assessment(engine: Engine, actor: Actor, year: int) -> None:
    """Publish the answers of `year`'s round (audited)."""
    with audited_transaction(engine) as transaction:
        store.publish_round(transaction.connection, year, actor.name)
        transaction.log(
            AuditEvent(
                actor=actor.name,
                actor_kind=actor.kind,
                actor_organisation=actor.organisation,
                action="assessment_published",
                object_type="assessment",
                object_ids=[str(year)],
                client=actor.client,
            )
        )


_CREDIT = {"yes": 1.0, "partly": 0.5, "no": 0.0}


def coverage(
    engine: Engine, programme: Programme, year: int, published_only: bool = False
) -> tuple[list[Coverage], list[Coverage], Coverage]:
    """Coverage of `year` per municipality (reference order), per region, and national.

    With `published_only`, an unpublished round counts as not answered (what the public
    results table may show).
    """
    asked = len(programme.assessment.blocks)
    known = {block.code for block in programme.assessment.blocks}
    answered: dict[str, int] = {}
    met: dict[str, float] = {}
    shown = not published_only or store.round_published(engine, year)
    for answer in store.answers(engine, year) if shown else []:
        if answer.block in known:
            answered[answer.municipality] = answered.get(answer.municipality, 0) + 1
            met[answer.municipality] = met.get(answer.municipality, 0.0) + _CREDIT[answer.answer]
    places = municipalities()
    per_place = [
        Coverage(code, m.name, asked, answered.get(code, 0), met.get(code, 0.0))
        for code, m in places.items()
    ]
    per_region = []
    for region, name in safety_regions().items():
        members = [c for c in per_place if places[c.code].region == region]
        per_region.append(
            Coverage(
                region,
                name,
                asked * len(members),
                sum(c.answered for c in members),
                sum(c.met for c in members),
            )
        )
    national = Coverage(
        "NL",
        "Nederland",
        asked * len(per_place),
        sum(c.answered for c in per_place),
        sum(c.met for c in per_place),
    )
    return per_place, per_region, national


def municipalities_with_policy(engine: Engine, programme: Programme, year: int) -> int | None:
    """Municipalities that answered "yes" to the policy block in `year`'s published round."""
    if not store.round_published(engine, year):
        return None
    block = programme.assessment.policy_block.code
    return sum(
        1
        for answer in store.answers(engine, year)
        if answer.block == block
        and answer.answer == "yes"
        and answer.municipality in municipalities()
    )
