"""The moderator's forms and the public complaint form, without JavaScript: take, decide
(with the rules' errors), four eyes on an account termination, a complaint by the
notifier, its review by another moderator, a reversal in force at once; CSRF required."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from zicht.access import Actor, Principal, add_user, create_session, search
from zicht.config import Settings
from zicht.platforms.notices import NoticeForm, NoticeItem, file_notice, register_platform
from zicht.privacy import Cipher, generate_key
from zicht.store import make_engine, upgrade
from zicht.store.notices import ComplaintRow, DecisionRow, NoticeRow, OutboxRow
from zicht.web import create_app

ADMIN = Principal.for_user(1, "admin", "administrator", None)
PASSWORD = "correct horse battery staple"
Site = tuple[TestClient, Engine, Cipher, object]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    folder: Path = tmp_path_factory.mktemp("notice-moderation")
    engine = make_engine(f"sqlite:///{folder / 'web.db'}")
    upgrade(engine)
    cipher = Cipher(generate_key())
    register_platform(engine, ADMIN, "kinky-nl", "Kinky NL", "dsa@kinky.example")
    register_platform(engine, ADMIN, "elders", "Elders", "dsa@elders.example")
    for name, platform in (("anna", "kinky-nl"), ("bert", "kinky-nl"), ("cleo", "elders")):
        add_user(engine, Actor("test"), name, "platform_moderator", platform, PASSWORD)
    app = create_app(
        Settings(database_url=str(engine.url)), engine=engine, cipher=cipher, report_dir=folder
    )
    with TestClient(app, base_url="http://localhost") as client:  # type: ignore[arg-type]
        yield client, engine, cipher, app
    engine.dispose()


def _as(site: Site, username: str) -> TestClient:
    _, engine, _, app = site
    from zicht.store.accounts import UserRow

    with Session(engine) as session:
        user_id = session.scalar(select(UserRow.id).where(UserRow.username == username))
    assert user_id is not None
    client = TestClient(app, base_url="http://localhost")  # type: ignore[arg-type]
    client.cookies.set("zicht_session", create_session(engine, user_id, "testclient"))
    return client


def _token(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found
    return found.group(1)


def _notice(
    site: Site,
    email: str | None = "melder@example.org",
    category: str = "STATEMENT_CATEGORY_VIOLENCE",
) -> tuple[int, str]:
    _, engine, cipher, _ = site
    form = NoticeForm(
        platform="kinky-nl",
        category=category,
        explanation="Zelfde sjabloon als advertenties van een netwerk.",
        items=(NoticeItem("https://kinky.example/ad/A-1", "A-1"),),
        good_faith=True,
        email=email,
    )
    receipt = file_notice(engine, cipher, Principal.public("198.51.100.9"), form)
    return receipt.notice_id, receipt.reference


ACT = {
    "acted": "yes",
    "content_type": ["CONTENT_TYPE_TEXT", "CONTENT_TYPE_IMAGE"],
    "automated_decision": "AUTOMATED_DECISION_PARTIALLY",
    "visibility": "DECISION_VISIBILITY_CONTENT_REMOVED",
    "ground": "DECISION_GROUND_ILLEGAL_CONTENT",
    "ground_reference": "Art. 273f Sr",
    "ground_explanation": "Werving voor seksuele uitbuiting.",
    "territorial_scope": "NL, BE",
    "facts": "Advertentie biedt een persoon aan die door een derde wordt gestuurd.",
}


def test_take_and_decide_with_errors_then_in_force(site: Site) -> None:
    _, engine, _, _ = site
    notice_id, _ = _notice(site)
    anna = _as(site, "anna")
    queue = anna.get("/notices")
    assert f'href="/notices/{notice_id}"' in queue.text
    page = anna.get(f"/notices/{notice_id}")
    assert page.status_code == 200 and 'name="visibility"' in page.text
    # without the session's token: refused, nothing changed
    assert anna.post(f"/notices/{notice_id}/take", data={}).status_code == 403
    taken = anna.post(f"/notices/{notice_id}/take", data={"csrf_token": _token(page.text)})
    assert taken.status_code == 200 and "niemand" not in taken.text  # followed the redirect
    token = _token(taken.text)
    broken = anna.post(
        f"/notices/{notice_id}/decide", data={"csrf_token": token, "acted": "yes", "facts": ""}
    )
    assert broken.status_code == 400
    assert 'href="#facts"' in broken.text and 'href="#restrictions"' in broken.text
    with Session(engine) as session:
        assert session.scalar(select(DecisionRow).where(DecisionRow.notice_id == notice_id)) is None
    done = anna.post(
        f"/notices/{notice_id}/decide", data={"csrf_token": token, **ACT}, follow_redirects=False
    )
    with Session(engine) as session:
        decision = session.scalar(select(DecisionRow).where(DecisionRow.notice_id == notice_id))
        assert decision is not None and decision.status == "in_force"
        assert decision.territorial_scope == ["BE", "NL"]
        assert decision.automated_decision == "AUTOMATED_DECISION_PARTIALLY"
        assert sorted(decision.content_type) == ["CONTENT_TYPE_IMAGE", "CONTENT_TYPE_TEXT"]
    assert done.status_code == 303
    assert done.headers["location"] == f"/decisions/{decision.id}?done=decided"
    # the decision's page gives the statement of reasons with the poster's redress key
    statement = anna.get(done.headers["location"])
    assert statement.status_code == 200 and "Het besluit is vastgelegd." in statement.text
    assert decision.redress_key in statement.text and "Art. 273f Sr" in statement.text
    assert "Motivering (artikel 17" in statement.text
    english = anna.get(f"/decisions/{decision.id}?lang=en")
    assert "Statement of reasons (Article 17" in english.text
    assert "The decision was taken partly by automated means." in english.text
    assert "melder@example.org" not in english.text  # never the notifier
    # a moderator of another platform sees neither the notice nor the decision
    cleo = _as(site, "cleo")
    assert cleo.get(f"/notices/{notice_id}").status_code == 404
    assert cleo.get(f"/decisions/{decision.id}").status_code == 404


def test_four_eyes_complaint_review_and_reversal(site: Site) -> None:
    client, engine, _, _ = site
    notice_id, _ = _notice(site)
    anna, bert = _as(site, "anna"), _as(site, "bert")
    token = _token(anna.get(f"/notices/{notice_id}").text)
    terminate = {**ACT, "account": "DECISION_ACCOUNT_TERMINATED", "visibility": ""}
    anna.post(f"/notices/{notice_id}/decide", data={"csrf_token": token, **terminate})
    with Session(engine) as session:
        decision = session.scalar(select(DecisionRow).where(DecisionRow.notice_id == notice_id))
        assert decision is not None and decision.status == "pending_approval"
        decision_id, redress = decision.id, decision.redress_key
    own = anna.get("/notices")
    assert f'action="/decisions/{decision_id}/approve"' not in own.text  # not its decider
    refused = anna.post(f"/decisions/{decision_id}/approve", data={"csrf_token": token})
    assert "vier ogen" in refused.text
    page = bert.get("/notices")
    assert f'action="/decisions/{decision_id}/approve"' in page.text
    bert.post(f"/decisions/{decision_id}/approve", data={"csrf_token": _token(page.text)})
    with Session(engine) as session:
        assert session.get(DecisionRow, decision_id).status == "in_force"  # type: ignore[union-attr]
    # the poster complains with the redress key, logged out
    form = client.get("/complaint", params={"key": redress})
    assert form.status_code == 200 and redress in form.text
    empty = client.post("/complaint", data={"csrf_token": _token(form.text), "key": redress})
    assert empty.status_code == 400 and 'href="#text"' in empty.text
    bad = client.post(
        "/complaint", data={"csrf_token": _token(empty.text), "key": "R-nope", "text": "Fout."}
    )
    assert bad.status_code == 400 and 'href="#key"' in bad.text and "R-nope" in bad.text
    filed = client.post(
        "/complaint",
        data={"csrf_token": _token(bad.text), "key": redress, "text": "Dit is mijn account niet."},
    )
    assert filed.status_code == 201 and "C-" in filed.text
    with Session(engine) as session:
        complaint = session.scalar(
            select(ComplaintRow).where(ComplaintRow.decision_id == decision_id)
        )
        assert complaint is not None and complaint.complainant == "poster"
        complaint_id = complaint.id
    # neither the decider nor the approver may review it
    for moderator in (anna, bert):
        listed = moderator.get("/notices")
        assert f'action="/complaints/{complaint_id}/review"' not in listed.text
    review = bert.post(
        f"/complaints/{complaint_id}/review",
        data={"csrf_token": _token(page.text), "outcome": "reverse", "reason": "Gekaapt."},
    )
    assert "vier ogen" in review.text  # bert approved the decision: not a reviewer either
    with Session(engine) as session:
        assert session.get(ComplaintRow, complaint_id).status == "open"  # type: ignore[union-attr]


def test_a_notifier_complaint_reversed_reopens_the_notice(site: Site) -> None:
    client, engine, _, _ = site
    notice_id, reference = _notice(site)
    anna, bert = _as(site, "anna"), _as(site, "bert")
    token = _token(anna.get(f"/notices/{notice_id}").text)
    no_action = {
        "acted": "no",
        "facts": "Geen aanwijzing van illegale inhoud.",
        "territorial_scope": "NL",
    }
    # no kind of content ticked: refused with the field named, nothing decided
    refused = anna.post(f"/notices/{notice_id}/decide", data={"csrf_token": token, **no_action})
    assert refused.status_code == 400 and 'href="#content_type"' in refused.text
    no_action["content_type"] = "CONTENT_TYPE_IMAGE"
    anna.post(f"/notices/{notice_id}/decide", data={"csrf_token": token, **no_action})
    form = client.get("/complaint")
    client.post(
        "/complaint",
        data={"csrf_token": _token(form.text), "key": reference, "text": "Kijk nog eens."},
    )
    page = bert.get("/notices")
    with Session(engine) as session:
        complaint_id = session.scalar(
            select(ComplaintRow.id)
            .join(DecisionRow, DecisionRow.id == ComplaintRow.decision_id)
            .where(DecisionRow.notice_id == notice_id)
        )
    assert f'action="/complaints/{complaint_id}/review"' in page.text
    assert "Kijk nog eens." in page.text
    # The reviewer is told that the reason goes to the complainant as written, beside
    # the field (in each language).
    warning = "krijgt deze reden woordelijk met de uitkomst"
    assert warning in page.text
    assert f'aria-describedby="reason-{complaint_id}-hint"' in page.text
    assert "receives this reason word for word" in bert.get("/notices?lang=en").text
    page = bert.get("/notices?lang=nl")  # the language chosen stays: back to Dutch
    response = bert.post(
        f"/complaints/{complaint_id}/review",
        data={"csrf_token": _token(page.text), "outcome": "reverse", "reason": "Toch illegaal."},
    )
    assert "De klacht is beoordeeld." in response.text
    with Session(engine) as session:
        assert session.get(NoticeRow, notice_id).status == "open"  # type: ignore[union-attr]
    entries, _ = search(engine, limit=50)
    assert {"complaint_filed", "complaint_reviewed", "complaints_read"} <= {
        e.action for e in entries
    }


def test_the_complaint_form_takes_an_address_for_the_outcome(site: Site) -> None:
    client, engine, _, _ = site
    notice_id, _ = _notice(site)
    anna, bert = _as(site, "anna"), _as(site, "bert")
    token = _token(anna.get(f"/notices/{notice_id}").text)
    anna.post(f"/notices/{notice_id}/decide", data={"csrf_token": token, **ACT})
    with Session(engine) as session:
        redress = session.scalar(
            select(DecisionRow.redress_key).where(DecisionRow.notice_id == notice_id)
        )
    form = client.get("/complaint?lang=en")
    assert 'name="email"' in form.text and "E-mail address (optional)" in form.text
    data = {"key": redress, "text": "My own ad.", "email": "not-an-address"}
    bad = client.post("/complaint?lang=en", data={**data, "csrf_token": _token(form.text)})
    assert bad.status_code == 400 and 'href="#email"' in bad.text
    assert "Give a valid e-mail address, or leave it empty." in bad.text
    data["email"] = "poster@example.net"
    filed = client.post("/complaint?lang=en", data={**data, "csrf_token": _token(bad.text)})
    assert filed.status_code == 201
    with Session(engine) as session:
        complaint = session.scalar(
            select(ComplaintRow)
            .join(DecisionRow, DecisionRow.id == ComplaintRow.decision_id)
            .where(DecisionRow.notice_id == notice_id)
        )
        assert complaint is not None and complaint.contact is not None
        assert complaint.language == "en" and b"poster@example.net" not in complaint.contact
    page = bert.get("/notices")
    bert.post(
        f"/complaints/{complaint.id}/review",
        data={"csrf_token": _token(page.text), "outcome": "uphold", "reason": "Checked."},
    )
    with Session(engine) as session:
        message = session.scalar(select(OutboxRow).where(OutboxRow.complaint_id == complaint.id))
        assert message is not None and message.subject == "Outcome of your complaint"


def test_the_complaint_form_asks_no_address_of_a_child_abuse_notifier(site: Site) -> None:
    # As on the notice itself: the notifier of a child sexual abuse notice is never
    # asked for contact details, so an address with the complaint is refused (the
    # field named, nothing stored); without one the complaint is filed.
    client, engine, _, _ = site
    minors = "STATEMENT_CATEGORY_PROTECTION_OF_MINORS"
    notice_id, reference = _notice(site, email=None, category=minors)
    anna = _as(site, "anna")
    token = _token(anna.get(f"/notices/{notice_id}").text)
    anna.post(f"/notices/{notice_id}/decide", data={"csrf_token": token, **ACT})
    form = client.get("/complaint?lang=en")
    assert "Not for a notice about child sexual abuse: there you stay anonymous." in form.text
    data = {"key": reference, "text": "Still online.", "email": "melder@example.org"}
    refused = client.post("/complaint?lang=en", data={**data, "csrf_token": _token(form.text)})
    assert refused.status_code == 400 and 'href="#email"' in refused.text
    assert "No e-mail address for a notice about child sexual abuse" in refused.text

    def filed() -> list[ComplaintRow]:
        with Session(engine) as session:
            return list(
                session.scalars(
                    select(ComplaintRow)
                    .join(DecisionRow, DecisionRow.id == ComplaintRow.decision_id)
                    .where(DecisionRow.notice_id == notice_id)
                )
            )

    assert filed() == []
    data["email"] = ""
    done = client.post("/complaint?lang=en", data={**data, "csrf_token": _token(refused.text)})
    assert done.status_code == 201
    (complaint,) = filed()
    assert complaint.complainant == "notifier" and complaint.contact is None


def test_the_public_complaint_form_needs_its_token_and_closes_after_six_months(
    site: Site,
) -> None:
    client, engine, _, _ = site
    notice_id, _ = _notice(site)
    anna = _as(site, "anna")
    token = _token(anna.get(f"/notices/{notice_id}").text)
    anna.post(f"/notices/{notice_id}/decide", data={"csrf_token": token, **ACT})
    with Session(engine) as session:
        decision = session.scalar(select(DecisionRow).where(DecisionRow.notice_id == notice_id))
        assert decision is not None
        decision_id, redress = decision.id, decision.redress_key

    def complaints() -> int:
        with Session(engine) as session:
            rows = session.scalars(
                select(ComplaintRow).where(ComplaintRow.decision_id == decision_id)
            )
            return len(list(rows))

    # another site's page cannot post it: no token, or a token without its cookie
    fresh = TestClient(client.app, base_url="http://localhost")
    assert fresh.post("/complaint", data={"key": redress, "text": "Fout."}).status_code == 403
    form = client.get("/complaint?lang=en")
    forged = {"csrf_token": _token(form.text), "key": redress, "text": "Fout."}
    assert fresh.post("/complaint", data=forged).status_code == 403
    assert complaints() == 0
    # six calendar months and a day after the decision: refused, naming the rule
    with Session(engine) as session, session.begin():
        row = session.get(DecisionRow, decision_id)
        assert row is not None
        row.decided_at = row.decided_at - dt.timedelta(days=185)
    late = client.post("/complaint", data={**forged, "csrf_token": _token(form.text)})
    assert late.status_code == 400 and 'href="#key"' in late.text
    assert "The six months to complain about this decision have passed." in late.text
    assert complaints() == 0


def test_the_statement_marks_the_moderators_texts_and_escapes_them() -> None:
    from types import SimpleNamespace

    from zicht.web.routers.notice_moderation import _marked

    decision = SimpleNamespace(
        facts="<script>alert(1)</script> & no",
        ground_reference="no",  # also a word of the markup put around the others
        ground_explanation="span",
        redress_key="R-abc_1",
        other_texts={},
    )
    text = "Feiten: <script>alert(1)</script> & no\nGrond: no; span\nSleutel: R-abc_1"
    html = str(_marked(text, decision))  # type: ignore[arg-type]
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert html == (
        'Feiten: <span translate="no">&lt;script&gt;alert(1)&lt;/script&gt; &amp; no</span>\n'
        'Grond: <span translate="no">no</span>; <span translate="no">span</span>\n'
        'Sleutel: <span translate="no">R-abc_1</span>'
    )
