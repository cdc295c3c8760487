"""Truth table of the moderators' notice-and-action pages: every role x every action x a
record of its own platform, of another platform and a missing one; and logged out.

The oracle is the hand-written table of tests/access (EXPECTED), not `authorize`. A
refused request (401 as a redirect to the login page, 403, 404) changes nothing; an
admitted one does what the page says and leaves its audit entry under the user's name.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from httpx import Response
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from tests.access.test_permissions import EXPECTED
from tests.web.conftest import ORGANISATION_OF, PASSWORD, WebWorld
from zicht.access import ROLES, Actor, Principal, add_user, search
from zicht.config import Settings
from zicht.platforms.notices import (
    DecisionForm,
    NoticeForm,
    NoticeItem,
    decide,
    file_complaint,
    file_notice,
    register_platform,
)
from zicht.privacy import Cipher, generate_key
from zicht.store import make_engine, upgrade
from zicht.store.notices import ComplaintRow, DecisionRow, NoticeRow
from zicht.web import create_app

OWN, OTHER = "kinky-nl", "elders"  # the platform_moderator test user's platform, another
assert ORGANISATION_OF["platform_moderator"] == OWN
ADMIN = Principal.for_user(1, "admin", "administrator", None)
PUBLIC = Principal.public("198.51.100.7")
REMOVE = DecisionForm(
    acted=True,
    facts="Template ad of a known network.",
    visibility=("DECISION_VISIBILITY_CONTENT_REMOVED",),
    ground="DECISION_GROUND_ILLEGAL_CONTENT",
    ground_reference="Art. 273f Sr",
    ground_explanation="Recruitment for sexual exploitation.",
)
DECIDE_FORM = {
    "acted": "yes",
    "visibility": "DECISION_VISIBILITY_CONTENT_REMOVED",
    "ground": "DECISION_GROUND_ILLEGAL_CONTENT",
    "ground_reference": "Art. 273f Sr",
    "ground_explanation": "Recruitment for sexual exploitation.",
    "territorial_scope": "NL",
    "content_type": "CONTENT_TYPE_TEXT",
    "automated_decision": "AUTOMATED_DECISION_NOT_AUTOMATED",
    "facts": "Template ad of a known network.",
}
MISSING = 987654


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebWorld]:
    folder: Path = tmp_path_factory.mktemp("notice-truth-table")
    engine = make_engine(f"sqlite:///{folder / 'web.db'}")
    upgrade(engine)
    cipher = Cipher(generate_key())
    register_platform(engine, ADMIN, OWN, "Kinky NL", "dsa@kinky.example")
    register_platform(engine, ADMIN, OTHER, "Elders", "dsa@elders.example")
    for role in ROLES:
        add_user(engine, Actor("test"), role, role, ORGANISATION_OF[role], PASSWORD)
    app = create_app(
        Settings(database_url=str(engine.url)), engine=engine, cipher=cipher, report_dir=folder
    )
    yield WebWorld(engine, cipher, app, folder, 0)
    engine.dispose()


def _decider(platform: str) -> Principal:
    """A second moderator of `platform`: the decider, so the test user may approve/review."""
    return Principal.for_user(90, f"decider-{platform}", "platform_moderator", platform)


def _notice(world: WebWorld, platform: str) -> int:
    form = NoticeForm(
        platform=platform,
        category="STATEMENT_CATEGORY_VIOLENCE",
        explanation="Same template as a network's ads.",
        items=(NoticeItem(f"https://{platform}.example/ad/A-1", "A-1"),),
        good_faith=True,
    )
    return file_notice(world.engine, world.cipher, PUBLIC, form).notice_id


def _decision(world: WebWorld, platform: str, form: DecisionForm = REMOVE) -> DecisionRow:
    notice_id = _notice(world, platform)
    return decide(world.engine, world.cipher, _decider(platform), notice_id, form)


def _pending(world: WebWorld, platform: str) -> int:
    terminate = dataclasses.replace(REMOVE, account="DECISION_ACCOUNT_TERMINATED")
    return _decision(world, platform, terminate).id


def _complaint(world: WebWorld, platform: str) -> int:
    decision = _decision(world, platform)
    receipt = file_complaint(world.engine, world.cipher, PUBLIC, decision.redress_key, "Wrong.")
    return receipt.complaint_id


def _state(engine: Engine, table: type, row_id: int) -> tuple[object, ...]:
    with Session(engine) as session:
        row = session.get(table, row_id)
        if row is None:
            return ()
        if isinstance(row, NoticeRow):
            return (row.status, row.assigned_to)
        if isinstance(row, DecisionRow):
            return (row.status, row.approved_by)
        assert isinstance(row, ComplaintRow)
        return (row.status, row.reviewer)


# (method, path with {id}, action, the record it acts on, how to make one, form)
Case = tuple[str, str, str, type, Callable[[WebWorld, str], int], dict[str, str]]
CASES: dict[str, Case] = {
    "notice page": ("GET", "/notices/{id}", "decide_notice", NoticeRow, _notice, {}),
    "take": ("POST", "/notices/{id}/take", "decide_notice", NoticeRow, _notice, {}),
    "decide": ("POST", "/notices/{id}/decide", "decide_notice", NoticeRow, _notice, DECIDE_FORM),
    "decision page": ("GET", "/decisions/{id}", "decide_notice", DecisionRow, _pending, {}),
    "approve": ("POST", "/decisions/{id}/approve", "decide_notice", DecisionRow, _pending, {}),
    "reject": ("POST", "/decisions/{id}/reject", "decide_notice", DecisionRow, _pending, {}),
    "review": (
        "POST",
        "/complaints/{id}/review",
        "review_complaint",
        ComplaintRow,
        _complaint,
        {"outcome": "reverse", "reason": "The licence was checked."},
    ),
}
# What an admitted request leaves: its redirect (None: a page), the record's new state
# and the audit action under the user's name (None for a page that only reads).
ADMITTED: dict[str, tuple[str | None, tuple[object, ...] | None, str | None]] = {
    "notice page": (None, None, None),
    "take": ("/notices/{id}", ("open", "platform_moderator"), "notice_assigned"),
    "decide": ("/decisions/", ("decided", "platform_moderator"), "notice_decided"),
    "decision page": (None, None, None),
    "approve": (
        "/decisions/{id}?done=approved",
        ("in_force", "platform_moderator"),
        "decision_approved",
    ),
    "reject": ("/notices?done=rejected", ("rejected", None), "decision_rejected"),
    "review": (
        "/notices?done=reviewed",
        ("reversed", "platform_moderator"),
        "complaint_reviewed",
    ),
}


def _request(
    world: WebWorld, role: str | None, method: str, path: str, form: dict[str, str]
) -> Response:
    client = world.client(role)
    data = {**form, "csrf_token": world.csrf(client)} if role else dict(form)
    response: Response = (
        client.get(path, follow_redirects=False)
        if method == "GET"
        else client.post(path, data=data, follow_redirects=False)
    )
    return response


def _audited(world: WebWorld, actor: str, action: str) -> list[object]:
    entries, _ = search(world.engine, limit=500)
    return [e for e in entries if e.actor == actor and e.action == action]


@pytest.mark.parametrize("target", ["own", "other", "missing"])
@pytest.mark.parametrize("role", [None, *ROLES])
@pytest.mark.parametrize("case", list(CASES))
def test_truth_table(world: WebWorld, case: str, role: str | None, target: str) -> None:
    method, path, action, table, make, form = CASES[case]
    record = {"own": lambda: make(world, OWN), "other": lambda: make(world, OTHER)}.get(
        target, lambda: MISSING
    )()
    before = _state(world.engine, table, record)
    response = _request(world, role, method, path.format(id=record), form)
    scope = EXPECTED[role].get(action) if role else None
    after = _state(world.engine, table, record)
    if role is None:  # logged out: to the login page
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login?next=")
    elif scope is None:
        assert response.status_code == 403
    elif target != "own" and scope == "own":  # another platform's record does not exist
        assert response.status_code == 404
    else:
        redirect, state, audited = ADMITTED[case]
        if redirect is None:
            assert response.status_code == 200, response.text[:300]
        else:
            assert response.status_code == 303
            assert response.headers["location"].startswith(redirect.format(id=record))
        if state is not None:
            assert after == state and after != before
        if audited is not None:
            assert _audited(world, role, audited)
        return
    assert after == before  # refused: nothing changed


def test_the_queue_shows_only_the_own_platform(world: WebWorld) -> None:
    own, other = _notice(world, OWN), _notice(world, OTHER)
    own_pending, other_pending = _pending(world, OWN), _pending(world, OTHER)
    page = world.client("platform_moderator").get("/notices").text
    assert f'href="/notices/{own}"' in page and f'href="/notices/{other}"' not in page
    assert f'href="/decisions/{own_pending}"' in page
    assert f'href="/decisions/{other_pending}"' not in page
    # a trusted flagger sees its own notices (none here), never the queue or its forms
    flagger = world.client("trusted_flagger").get("/notices").text
    assert "/decide" not in flagger and "/approve" not in flagger and "/review" not in flagger


@pytest.mark.parametrize("role", [None, *ROLES])
def test_every_role_and_anyone_reach_the_public_complaint_form(
    world: WebWorld, role: str | None
) -> None:
    response = world.client(role).get("/complaint")
    assert response.status_code == 200 and 'action="/complaint"' in response.text
