"""The programme document: the 2021 letter's themes and actions, round trips, and clear
errors for bad documents (file, place, rule)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zicht.programme import (
    ProgrammeError,
    dump_programme,
    load_programme,
    seed_programme,
)
from zicht.programme._model import parse_programme

# The seven themes of the letter of 17 November 2021, in its order (written out by hand).
LETTER_THEMES = [
    "Opsporing en vervolging",
    "Versterking aanpak arbeidsuitbuiting",
    "Technologie en de aanpak van mensenhandel",
    "Plan van aanpak jongeren",
    "Pakket maatregelen klanten",
    "Verankering gemeentelijke aanpak",
    "Versterking internationale inzet",
]


def _raw() -> dict[str, Any]:
    raw: dict[str, Any] = seed_programme().model_dump(mode="json")
    return raw


def test_the_shipped_programme_is_the_letters() -> None:
    programme = seed_programme()
    assert programme.year == 2021
    assert [t.name for t in programme.themes] == LETTER_THEMES
    targets = {i.code: i.targets for i in programme.indicators}
    assert targets["om_suspects"] == {2020: 190, 2021: 205}
    assert targets["municipalities_with_policy"] == {2022: 342}
    pilots = [a for t in programme.themes for a in t.actions if a.code.startswith("pilot-")]
    assert {a.code for a in pilots} == {
        "pilot-oost-brabant",
        "pilot-rotterdam-rijnmond",
        "pilot-noord-holland",
    }
    assert all(a.regions for a in pilots)
    assert programme.assessment.policy_block.code == "policy"
    assert all(b.source for b in programme.assessment.blocks)


def test_export_and_import_give_the_same_programme(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(dump_programme(seed_programme()), encoding="utf-8")
    assert load_programme(path) == seed_programme()


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda r: r["themes"][0]["actions"][0].update(status="finished"),
            "themes.0.actions.0.status",
        ),
        (lambda r: r["themes"][1]["actions"][0].update(owners=[]), "themes.1.actions.0.owners"),
        (lambda r: r["themes"][5]["actions"][2].update(regions=["VR99"]), "unknown safety region"),
        (lambda r: r["indicators"][0].update(code="registered_victims"), "appears twice"),
        (lambda r: r["indicators"][0].update(theme="nope"), "unknown theme"),
        (
            lambda r: r["indicators"].append(
                {**r["indicators"][0], "code": "guess", "kind": "computed"}
            ),
            "cannot compute",
        ),
        (lambda r: r["assessment"]["blocks"][1].update(policy=True), "exactly one block"),
        (lambda r: r.update(surprise=1), "surprise"),
    ],
)
def test_a_bad_document_names_the_place_and_rule(change: Any, expected: str) -> None:
    raw = _raw()
    change(raw)
    with pytest.raises(ProgrammeError) as caught:
        parse_programme(raw, "p.yaml")
    assert str(caught.value).startswith("p.yaml: ")
    assert expected in str(caught.value)


def test_unreadable_and_invalid_files(tmp_path: Path) -> None:
    with pytest.raises(ProgrammeError, match="cannot be read"):
        load_programme(tmp_path / "missing.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("year: [2021\n", encoding="utf-8")
    with pytest.raises(ProgrammeError, match="not valid YAML or JSON at line"):
        load_programme(broken)
    listed = tmp_path / "list.yaml"
    listed.write_text("- 1\n", encoding="utf-8")
    with pytest.raises(ProgrammeError, match="is a mapping"):
        load_programme(listed)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found.extend(_paths(value, (*prefix, key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found.extend(_paths(value, (*prefix, index)))
    return found


PATHS = _paths(_raw())
JUNK = st.one_of(
    st.none(),
    st.integers(-10, 3000),
    st.text(max_size=5),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(PATHS), JUNK)
def test_any_replaced_value_is_accepted_or_refused_clearly(
    path: tuple[Any, ...], junk: object
) -> None:
    raw = copy.deepcopy(_raw())
    node = raw
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = junk
    # Accepted, or refused with one ProgrammeError naming the file (never another error).
    message = "p.yaml: accepted"
    try:
        parse_programme(raw, "p.yaml")
    except ProgrammeError as exc:
        message = str(exc)
    assert message.startswith("p.yaml: ")
    assert "\n" not in message
