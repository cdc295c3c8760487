"""Persons: search by id, organisation, year, minor and form; a coordinator confirms a
person or splits a registration off it, with a reason, audited and stored as a review."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from tests.web.conftest import WebWorld
from zicht.store import VictimRegistrationRow
from zicht.store.audit import AuditEntryRow
from zicht.store.linkage import LinkRunRow, PersonRegistrationRow
from zicht.store.person_reviews import PersonReviewRow


def _persons_where(world: WebWorld, *conditions: object) -> set[int]:
    # The test's own join of registrations and persons of the (only) run.
    statement = (
        select(PersonRegistrationRow.person_id)
        .join(
            VictimRegistrationRow, VictimRegistrationRow.id == PersonRegistrationRow.registration_id
        )
        .where(*conditions)  # type: ignore[arg-type]
    )
    with world.engine.connect() as connection:
        return {int(p) for p in connection.execute(statement).scalars()}


def _listed(html: str) -> set[int]:
    return {int(p) for p in re.findall(r'<th scope="row"><a href="/persons/(\d+)">', html)}


def _all_pages(world: WebWorld, query: str) -> set[int]:
    found: set[int] = set()
    for page in range(1, 20):
        html = world.client("coordinator").get(f"/persons?lang=en&{query}&page={page}").text
        listed = _listed(html)
        if not listed:
            break
        found |= listed
    return found


def test_search_by_organisation_year_minor_and_form(world: WebWorld) -> None:
    v = VictimRegistrationRow
    assert _all_pages(world, "organisation=fairwork") == _persons_where(
        world, v.source == "fairwork"
    )
    with world.engine.connect() as connection:
        year = connection.execute(select(v.registration_year).limit(1)).scalar_one()
    assert _all_pages(world, f"year={year}") == _persons_where(world, v.registration_year == year)
    assert _all_pages(world, "minor=yes") == _persons_where(world, v.minor.is_(True))
    both = _all_pages(world, f"organisation=police&year={year}")
    assert both == _persons_where(world, v.source == "police", v.registration_year == year)
    with world.engine.connect() as connection:
        forms = connection.execute(select(v.forms)).scalars().all()
    form = next(f for text in forms for f in re.split(r"[;,]", text) if f)
    expected = {
        p for p in _persons_where(world, v.forms.contains(form)) if p in _persons_where(world)
    }
    assert _all_pages(world, f"form={form}") == expected and expected


def test_search_by_person_or_registration_id_shows_organisations_and_years(
    world: WebWorld,
) -> None:
    with world.engine.connect() as connection:
        members = (
            connection.execute(
                select(PersonRegistrationRow.registration_id).where(
                    PersonRegistrationRow.person_id == world.linked_person
                )
            )
            .scalars()
            .all()
        )
    for number in (world.linked_person, members[-1]):
        # A number is a person id or a registration id: both persons are found.
        expected = _persons_where(world, PersonRegistrationRow.registration_id == number) | (
            _persons_where(world, PersonRegistrationRow.person_id == number)
        )
        html = world.client("coordinator").get(f"/persons?lang=en&q={number}").text
        assert _listed(html) == expected and world.linked_person in expected
        row = re.search(rf'<a href="/persons/{world.linked_person}">.*?</tr>', html)
        assert row is not None
        assert "National Police (AVIM)" in row.group(0) and "FairWork" in row.group(0)
    with world.engine.connect() as connection:
        reference = connection.execute(
            select(VictimRegistrationRow.source_record_id).where(
                VictimRegistrationRow.id == members[-1]
            )
        ).scalar_one()
    by_reference = world.client("coordinator").get(f"/persons?lang=en&q={reference}").text
    assert _listed(by_reference) == {world.linked_person}
    nothing = world.client("coordinator").get("/persons?lang=en&q=no-such-reference").text
    assert _listed(nothing) == set()


def _latest_run(world: WebWorld) -> int:
    # the test's own query: the newest finished link run
    table = LinkRunRow.__table__
    with world.engine.connect() as connection:
        return int(
            connection.execute(
                select(func.max(table.c.id)).where(table.c.finished_at.is_not(None))
            ).scalar_one()
        )


def _review(world: WebWorld, role: str, **form: str) -> object:
    client = world.client(role)
    return client.post(
        f"/persons/{world.linked_person}/review",
        data={"csrf_token": world.csrf(client), "run": str(_latest_run(world)), **form},
        follow_redirects=False,
    )


def _reviews(world: WebWorld) -> list[object]:
    with world.engine.connect() as connection:
        return list(connection.execute(select(PersonReviewRow.__table__)).all())


def _audit(world: WebWorld) -> list[object]:
    table = AuditEntryRow.__table__
    with world.engine.connect() as connection:
        return list(
            connection.execute(select(table).where(table.c.action == "person_reviewed")).all()
        )


def test_a_coordinator_splits_a_registration_off_with_a_reason(world: WebWorld) -> None:
    with world.engine.connect() as connection:
        members = sorted(
            connection.execute(
                select(PersonRegistrationRow.registration_id).where(
                    PersonRegistrationRow.person_id == world.linked_person
                )
            ).scalars()
        )
    reason = "different birth dates on the two documents"
    response = _review(
        world, "coordinator", decision="split", registration=str(members[1]), reason=reason
    )
    assert response.status_code == 303  # type: ignore[attr-defined]
    stored = _reviews(world)
    assert len(stored) == 1
    review = stored[0]
    assert (review.decision, review.registration_id) == ("split", members[1])  # type: ignore[attr-defined]
    assert review.members == [members[0]] and review.reason == reason  # type: ignore[attr-defined]
    entries = _audit(world)
    assert len(entries) == 1
    entry = entries[0]
    assert entry.actor == "coordinator" and entry.purpose == reason  # type: ignore[attr-defined]
    assert entry.details["decision"] == "split"  # type: ignore[attr-defined]
    page = world.client("coordinator").get(f"/persons/{world.linked_person}?lang=en").text
    assert reason in page and "applies from the next link run" in page
    listing = world.client("coordinator").get("/persons?lang=en&organisation=police").text
    marks = {
        int(m.group(1)): m.group(0).endswith("<td>Yes</td></tr>")
        for m in re.finditer(r'<a href="/persons/(\d+)">.*?</tr>', listing)
    }
    assert len(marks) > 1 and marks[world.linked_person] is True
    assert not any(v for k, v in marks.items() if k != world.linked_person)


def test_a_confirmation_keeps_every_registration(world: WebWorld) -> None:
    response = _review(world, "coordinator", decision="confirm", reason="same passport number")
    assert response.status_code == 303  # type: ignore[attr-defined]
    (review,) = _reviews(world)
    assert review.decision == "confirm" and len(review.members) == 2  # type: ignore[attr-defined]


def test_a_review_without_a_reason_is_refused_and_stores_nothing(world: WebWorld) -> None:
    response = _review(world, "coordinator", decision="confirm", reason="ok")
    assert response.status_code == 303  # type: ignore[attr-defined]
    assert "review_error=reason" in response.headers["location"]  # type: ignore[attr-defined]
    bad = _review(world, "coordinator", decision="split", registration="999999", reason="x" * 20)
    assert "review_error=registration" in bad.headers["location"]  # type: ignore[attr-defined]
    assert _reviews(world) == [] and _audit(world) == []
    page = (
        world.client("coordinator")
        .get(f"/persons/{world.linked_person}?lang=en&review_error=reason")
        .text
    )
    assert "State the reason for the review (at least 10 characters)." in page


def test_a_review_of_a_page_of_an_earlier_run_is_refused(world: WebWorld) -> None:
    # Person ids belong to one run: a form shown before a newer run finished would put
    # the review on whoever has that id now.
    page = world.client("coordinator").get(f"/persons/{world.linked_person}").text
    assert f'name="run" value="{_latest_run(world)}"' in page
    older = str(_latest_run(world) - 1)
    response = _review(world, "coordinator", decision="confirm", reason="x" * 20, run=older)
    assert "review_error=run" in response.headers["location"]  # type: ignore[attr-defined]
    assert _reviews(world) == [] and _audit(world) == []


def test_only_roles_allowed_may_review(world: WebWorld) -> None:
    for role in ("analyst", "data_steward", "auditor"):
        response = _review(world, role, decision="confirm", reason="same passport number")
        assert response.status_code == 403  # type: ignore[attr-defined]
    client = world.client("coordinator")
    forged = client.post(
        f"/persons/{world.linked_person}/review",
        data={"decision": "confirm", "reason": "same passport number"},
        follow_redirects=False,
    )
    assert forged.status_code == 403
    assert _reviews(world) == []
