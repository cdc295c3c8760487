"""Matching, pure: hard rules leave shelters out, soft ones rank the rest (hand-made cases)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from zicht.shelter import Need, rank_places
from zicht.store.shelter_beds import BedCount, ShelterFacts


def _shelter(
    id_: int,
    region: str = "rotterdam",
    languages: tuple[str, ...] = (),
    *,
    wheelchair: bool = False,
    security: int = 1,
    care: bool = False,
) -> ShelterFacts:
    return ShelterFacts(
        id_, f"s{id_}", f"S{id_}", "categorical", region, languages, wheelchair, security, care
    )


def _beds(id_: int, free: int, kind: str = "women") -> BedCount:
    return BedCount(id_, kind, free + 1, 1, free)


def test_region_before_language_before_size() -> None:
    shelters = [_shelter(1, "limburg", ("pl",)), _shelter(2), _shelter(3, "limburg")]
    counts = [_beds(1, 5), _beds(2, 1), _beds(3, 9)]
    ranked = rank_places(Need("women", 1, "rotterdam", ("pl",)), shelters, counts)
    assert [c.shelter.code for c in ranked] == ["s2", "s1", "s3"]
    assert [r.code for r in ranked[0].reasons] == ["free", "region"]
    assert [r.code for r in ranked[1].reasons] == ["free", "language"]


def test_room_for_the_whole_group_counts() -> None:
    shelters = [_shelter(1), _shelter(2)]
    ranked = rank_places(Need("women", 4, "rotterdam"), shelters, [_beds(1, 3), _beds(2, 4)])
    assert [c.shelter.code for c in ranked] == ["s2", "s1"]
    assert "whole_group" in {r.code for r in ranked[0].reasons}


def test_hard_rules() -> None:
    shelters = [
        _shelter(1),
        _shelter(2, wheelchair=True),
        _shelter(3, wheelchair=True, security=3),
        _shelter(4, wheelchair=True, security=3, care=True),
    ]
    counts = [_beds(i, 2) for i in (1, 2, 3, 4)] + [_beds(1, 9, "men")]
    codes = [
        [c.shelter.code for c in rank_places(need, shelters, counts)]
        for need in (
            Need("women", 1, "x", wheelchair=True),
            Need("women", 1, "x", security=2),
            Need("women", 1, "x", security=2, care=True),
            Need("men", 1, "x"),
            Need("minors", 1, "x"),
        )
    ]
    assert codes == [["s2", "s3", "s4"], ["s3", "s4"], ["s4"], ["s1"], []]


@given(
    st.lists(
        st.tuples(st.integers(0, 5), st.booleans(), st.integers(1, 3), st.booleans()),
        max_size=8,
    ),
    st.integers(1, 3),
    st.booleans(),
)
def test_every_candidate_meets_every_hard_rule(
    rows: list[tuple[int, bool, int, bool]], security: int, wheelchair: bool
) -> None:
    shelters = [
        _shelter(i, wheelchair=w, security=s, care=c) for i, (_f, w, s, c) in enumerate(rows)
    ]
    counts = [_beds(i, free) for i, (free, *_rest) in enumerate(rows)]
    need = Need("women", 1, "x", security=security, wheelchair=wheelchair)
    ranked = rank_places(need, shelters, counts)
    expected = {
        f"s{i}"
        for i, (free, w, s, _c) in enumerate(rows)
        if free > 0 and s >= security and (w or not wheelchair)
    }
    assert {c.shelter.code for c in ranked} == expected
    assert [c.score for c in ranked] == sorted((c.score for c in ranked), reverse=True)
