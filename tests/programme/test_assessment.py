"""The self-assessment on SQLite and PostgreSQL: partial saves lose nothing, a
municipality sees only its own answers until the round is published, coverage per
municipality, region and country, and every change in the audit trail."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from zicht.access import Actor, Principal, search
from zicht.programme import (
    AnswerInput,
    AssessmentError,
    Programme,
    ProgrammeError,
    can_see_answers,
    coverage,
    enter_figure,
    import_programme,
    municipalities_with_policy,
    publish_assessment,
    save_assessment,
    seed_programme,
    stored_programme,
    visible_answers,
)
from zicht.store import programme as store

AMSTERDAM, ROTTERDAM = "GM0363", "GM0599"


def _municipality(code: str) -> Principal:
    return Principal.for_user(1, f"user-{code}", "municipality", code)


def test_partial_saves_keep_earlier_answers(engine: Engine) -> None:
    programme = seed_programme()
    me = _municipality(AMSTERDAM)
    save_assessment(engine, me, programme, AMSTERDAM, {"policy": AnswerInput("yes", "Nota")})
    save_assessment(engine, me, programme, AMSTERDAM, {"training": AnswerInput("partly")})
    save_assessment(engine, me, programme, AMSTERDAM, {"policy": AnswerInput("yes", "Nota 2")})
    stored = visible_answers(engine, me, 2021, AMSTERDAM)
    assert {b: (a.answer, a.note) for b, a in stored.items()} == {
        "policy": ("yes", "Nota 2"),
        "training": ("partly", None),
    }


def test_bad_answers_are_refused_and_nothing_is_stored(engine: Engine) -> None:
    programme = seed_programme()
    me = _municipality(AMSTERDAM)
    for given, rule in (
        ({"policy": AnswerInput("yes"), "budget": AnswerInput("yes")}, "budget: unknown"),
        ({"policy": AnswerInput("maybe")}, "policy: answer must be"),
        ({"policy": AnswerInput("yes", "x" * 2001)}, "policy: the note is longer"),
    ):
        with pytest.raises(AssessmentError, match=rule):
            save_assessment(engine, me, programme, AMSTERDAM, given)
    assert store.answers(engine, 2021) == []


def test_a_municipality_answers_only_for_itself(engine: Engine) -> None:
    programme = seed_programme()
    with pytest.raises(PermissionError):
        save_assessment(
            engine, _municipality(AMSTERDAM), programme, ROTTERDAM, {"policy": AnswerInput("no")}
        )
    coordinator = Principal.for_user(2, "co", "coordinator", "comensha")
    with pytest.raises(PermissionError):
        save_assessment(engine, coordinator, programme, AMSTERDAM, {"policy": AnswerInput("no")})


def test_answers_are_private_until_published(engine: Engine) -> None:
    programme = seed_programme()
    save_assessment(
        engine, _municipality(AMSTERDAM), programme, AMSTERDAM, {"policy": AnswerInput("yes")}
    )
    other = _municipality(ROTTERDAM)
    analyst = Principal.for_user(3, "an", "analyst", None)
    coordinator = Principal.for_user(2, "co", "coordinator", "comensha")
    auditor = Principal.for_user(4, "au", "auditor", None)
    assert not can_see_answers(other, engine, 2021, AMSTERDAM)
    assert not can_see_answers(analyst, engine, 2021, AMSTERDAM)
    assert can_see_answers(coordinator, engine, 2021, AMSTERDAM)
    assert can_see_answers(_municipality(AMSTERDAM), engine, 2021, AMSTERDAM)
    with pytest.raises(PermissionError):
        visible_answers(engine, other, 2021, AMSTERDAM)
    assert municipalities_with_policy(engine, programme, 2021) is None
    publish_assessment(engine, Actor("coordinator"), 2021)
    assert can_see_answers(other, engine, 2021, AMSTERDAM)
    assert can_see_answers(analyst, engine, 2021, AMSTERDAM)
    assert not can_see_answers(auditor, engine, 2021, AMSTERDAM)
    assert municipalities_with_policy(engine, programme, 2021) == 1


def test_coverage_per_municipality_region_and_country(engine: Engine) -> None:
    programme = seed_programme()  # six building blocks
    save_assessment(
        engine,
        _municipality(AMSTERDAM),
        programme,
        AMSTERDAM,
        {
            "policy": AnswerInput("yes"),
            "training": AnswerInput("partly"),
            "care_pathway": AnswerInput("no"),
        },
    )
    save_assessment(
        engine,
        _municipality(ROTTERDAM),
        programme,
        ROTTERDAM,
        {block.code: AnswerInput("yes") for block in programme.assessment.blocks},
    )
    places, regions, national = coverage(engine, programme, 2021)
    by_code = {p.code: p for p in places}
    assert (by_code[AMSTERDAM].answered, by_code[AMSTERDAM].met) == (3, 1.5)
    assert by_code[AMSTERDAM].share == pytest.approx(1.5 / 6)
    assert (by_code[ROTTERDAM].answered, by_code[ROTTERDAM].met) == (6, 6.0)
    assert by_code["GM0014"].share is None
    region = {r.code: r for r in regions}
    # Amsterdam is in Amsterdam-Amstelland (VR13), Rotterdam in Rotterdam-Rijnmond (VR17).
    assert (region["VR13"].answered, region["VR13"].met) == (3, 1.5)
    assert (region["VR17"].answered, region["VR17"].met) == (6, 6.0)
    assert region["VR17"].blocks == 6 * 13  # 13 municipalities in Rotterdam-Rijnmond
    assert (national.answered, national.met, national.blocks) == (9, 7.5, 6 * 342)
    hidden, _, nothing = coverage(engine, programme, 2021, published_only=True)
    assert nothing.answered == 0 and all(p.share is None for p in hidden)


def manual_variant(programme: Programme, *codes: str) -> Programme:
    """`programme` with the indicators `codes` entered by hand."""
    raw = programme.model_dump(mode="json")
    for indicator in raw["indicators"]:
        if indicator["code"] in codes:
            indicator["kind"] = "manual"
    return Programme.model_validate(raw)


def test_import_figures_and_the_audit_trail(engine: Engine) -> None:
    actor = Actor("coordinator")
    first = import_programme(engine, actor, seed_programme())
    again = import_programme(engine, actor, seed_programme())
    assert (first.new, again.new) == (True, False)
    assert (first.themes, first.actions, first.blocks) == (7, 24, 6)
    assert stored_programme(engine, 2021) == seed_programme()
    assert stored_programme(engine, 2022) is None
    # Both are computed from Zicht's data by default; a programme may declare them manual.
    with pytest.raises(ProgrammeError, match="computed from Zicht's data"):
        enter_figure(engine, actor, seed_programme(), "shelter_waiting_days", 1.0, "x")
    programme = manual_variant(seed_programme(), "shelter_waiting_days", "anonymous_reports")
    enter_figure(engine, actor, programme, "shelter_waiting_days", 12.5, "CoMensha jaarbeeld")
    assert [(f.indicator, f.value, f.source) for f in store.stored_figures(engine, [2021])] == [
        ("shelter_waiting_days", 12.5, "CoMensha jaarbeeld")
    ]
    for indicator, value, source, rule in (
        ("om_suspects", 1.0, "x", "computed from Zicht's data"),
        ("ghost", 1.0, "x", "no indicator"),
        ("anonymous_reports", 3.0, " ", "needs its source"),
        ("anonymous_reports", -1.0, "Fier", "at least 0"),
    ):
        with pytest.raises(ProgrammeError, match=rule):
            enter_figure(engine, actor, programme, indicator, value, source)
    save_assessment(
        engine, _municipality(AMSTERDAM), programme, AMSTERDAM, {"policy": AnswerInput("yes")}
    )
    publish_assessment(engine, actor, 2021)
    entries, _ = search(engine, limit=50)
    logged = [entry.action for entry in entries]
    for action in (
        "programme_imported",
        "programme_figure_entered",
        "assessment_saved",
        "assessment_published",
    ):
        assert action in logged
