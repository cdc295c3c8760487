"""Properties: every decision the rules accept exports as a valid statement; bad notices
get a clear refusal, never a crash."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from tests.platforms.notices.conftest import (
    ADMIN,
    MODERATOR,
    PLATFORM,
    POLICE_FLAGGER,
    PUBLIC,
    notice_form,
)
from zicht.platforms.notices import (
    DecisionForm,
    NoticeError,
    NoticeForm,
    NoticeItem,
    check_decision,
    check_notice,
    decide,
    designate_flagger,
    file_notice,
    register_platform,
    statement_problems,
    statements_since,
    tdb_statement,
)
from zicht.platforms.notices._vocabulary import (
    ACCOUNT_TYPES,
    AUTOMATED_DECISIONS,
    CONTENT_TYPES,
    DECISION_ACCOUNTS,
    DECISION_MONETARIES,
    DECISION_PROVISIONS,
    DECISION_VISIBILITIES,
    EEA_COUNTRIES,
    KEYWORDS,
    OTHER_TEXTS,
    STATEMENT_CATEGORIES,
)
from zicht.privacy import Cipher, generate_key
from zicht.store import make_engine, upgrade
from zicht.store.models import utcnow

TODAY = utcnow().date()
_TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=60).filter(
    str.strip
)


def _long(most: int) -> st.SearchStrategy[str]:
    return st.one_of(_TEXT, st.just("x" * most))


@st.composite
def decisions_to_act(draw: st.DrawFn) -> DecisionForm:
    """A decision to act of any kind: every restriction, ground, scope and OTHER text."""
    visibility = draw(st.lists(st.sampled_from(DECISION_VISIBILITIES), unique=True, max_size=3))
    monetary = draw(st.none() | st.sampled_from(DECISION_MONETARIES))
    provision = draw(st.none() | st.sampled_from(DECISION_PROVISIONS))
    account = draw(st.none() | st.sampled_from(DECISION_ACCOUNTS))
    if not (visibility or monetary or provision or account):
        visibility = [draw(st.sampled_from(DECISION_VISIBILITIES))]
    ground = draw(
        st.sampled_from(["DECISION_GROUND_ILLEGAL_CONTENT", "DECISION_GROUND_INCOMPATIBLE_CONTENT"])
    )
    content_type = draw(
        st.lists(st.sampled_from(CONTENT_TYPES), unique=True, min_size=1, max_size=3)
    )
    keywords = draw(st.none() | st.lists(st.sampled_from(KEYWORDS), unique=True, max_size=4))
    chosen = {*visibility, monetary, *content_type, *(keywords or ())}
    others = {field: draw(_long(500)) for value, field in OTHER_TEXTS.items() if value in chosen}
    return DecisionForm(
        acted=True,
        facts=draw(_long(5000)),
        visibility=tuple(visibility),
        monetary=monetary,
        provision=provision,
        account=account,
        ground=ground,
        ground_reference=draw(_long(500)),
        ground_explanation=draw(_long(2000)),
        incompatible_illegal=(
            draw(st.sampled_from([None, "Yes", "No"]))
            if ground == "DECISION_GROUND_INCOMPATIBLE_CONTENT"
            else None
        ),
        territorial_scope=tuple(
            draw(st.lists(st.sampled_from(EEA_COUNTRIES), unique=True, min_size=1))
        ),
        content_type=tuple(content_type),
        category=draw(st.none() | st.sampled_from(STATEMENT_CATEGORIES)),
        keywords=None if keywords is None else tuple(keywords),
        account_type=draw(st.none() | st.sampled_from(ACCOUNT_TYPES)),
        end_date=draw(st.none() | st.dates(TODAY, dt.date(2037, 12, 31))),
        automated_decision=draw(st.sampled_from(AUTOMATED_DECISIONS)),
        other_texts=others,
    )


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, Cipher]]:
    """One SQLite database for all examples (a fresh one per example would be minutes)."""
    path: Path = tmp_path_factory.mktemp("notices") / "zicht.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    register_platform(engine, ADMIN, PLATFORM, "Kinky NL", "dsa@kinky.example")
    designate_flagger(engine, ADMIN, "police", dt.date(2026, 1, 1))
    try:
        yield engine, Cipher(generate_key())
    finally:
        engine.dispose()


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(form=decisions_to_act(), flagged=st.booleans())
def test_every_accepted_decision_exports_a_valid_statement(
    world: tuple[Engine, Cipher], form: DecisionForm, flagged: bool
) -> None:
    engine, cipher = world
    assert check_decision(form, TODAY) == []
    filer = POLICE_FLAGGER if flagged else PUBLIC
    receipt = file_notice(engine, cipher, filer, notice_form(name=None, email=None))
    decision = decide(engine, cipher, MODERATOR, receipt.notice_id, form)
    statement = tdb_statement(decision)
    assert statement_problems(statement) == []
    assert "source_identity" not in statement
    expected = "SOURCE_TRUSTED_FLAGGER" if flagged else "SOURCE_ARTICLE_16"
    assert statement["source_type"] == expected


def test_the_export_is_every_decision_to_act(world: tuple[Engine, Cipher]) -> None:
    engine, _ = world
    exported = statements_since(engine, MODERATOR, PLATFORM, TODAY)
    assert exported and all(statement_problems(s) == [] for s in exported)
    assert len({s["puid"] for s in exported}) == len(exported)


_ANY = st.text(max_size=80)
# Every message the notice checker has, written out by hand.
MESSAGES = {
    "not a Transparency Database category",
    "at most 10 known keywords",
    "1 to 5000 characters",
    "no control characters",
    "1 to 20 items",
    "a URL of 1 to 2000 characters",
    "a URL has no spaces or control characters",
    "not a valid URL",
    "an http(s) URL with a host",
    "1 to 200 visible ASCII",
    "the statement of good faith",
    "nl or en",
    "no name or e-mail for child sexual abuse notices",
    "at most 200 characters",
    "not an e-mail address",
}
FIELDS = {
    "category", "keywords", "explanation", "items", "good_faith", "language", "contact",
    "name", "email",
}  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    category=st.one_of(st.sampled_from(STATEMENT_CATEGORIES), _ANY),
    keywords=st.lists(st.one_of(st.sampled_from(KEYWORDS), _ANY), max_size=12),
    explanation=st.one_of(_ANY, st.text(min_size=4990, max_size=5010)),
    urls=st.lists(
        st.one_of(
            _ANY,
            st.from_regex(r"https?://[a-z0-9.\[\]:]{0,20}/[^\s]{0,30}", fullmatch=True),
        ),
        max_size=22,
    ),
    ad_id=st.one_of(st.none(), _ANY),
    good_faith=st.booleans(),
    name=st.one_of(st.none(), _ANY),
    email=st.one_of(st.none(), _ANY, st.emails()),
    language=st.sampled_from(["nl", "en", "de", ""]),
)
def test_notice_checks_never_crash_and_name_field_and_rule(
    category: str,
    keywords: list[str],
    explanation: str,
    urls: list[str],
    ad_id: str | None,
    good_faith: bool,
    name: str | None,
    email: str | None,
    language: str,
) -> None:
    form = NoticeForm(
        PLATFORM, category, explanation, [NoticeItem(url, ad_id) for url in urls],
        good_faith, keywords, False, name, email, language,
    )  # fmt: skip
    problems = check_notice(form)
    for problem in problems:  # fixed texts: a value can never leak into a message
        assert problem.message in MESSAGES
        assert problem.field.split("[")[0] in FIELDS
    if category not in STATEMENT_CATEGORIES:
        assert ("category", "code") in {(p.field, p.rule) for p in problems}
    if len(explanation) > 5000 or not good_faith or not urls:
        assert problems


def test_a_refused_notice_is_a_notice_error(world: tuple[Engine, Cipher]) -> None:
    engine, cipher = world
    with pytest.raises(NoticeError) as refused:
        file_notice(
            engine, cipher, PUBLIC,
            notice_form(category="STATEMENT_CATEGORY_TRAFFICKING", explanation="x" * 5001,
                        items=(NoticeItem("javascript:alert(1)"),)),
        )  # fmt: skip
    rules = {(p.field, p.rule) for p in refused.value.problems}
    assert rules == {("category", "code"), ("explanation", "length"), ("items[1].url", "url")}
