"""Estimates for the monitor: capture tables from masks, rounding, list merging."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from zicht.estimate import capture_histories_from_registrations
from zicht.monitor.estimates import (
    MERGED,
    capture_table,
    fit_estimate,
    list_plan,
    round_to_interval,
)


@pytest.mark.parametrize(
    ("value", "lower", "upper", "expected"),
    [
        (5234.7, 4100.2, 6600.9, (5200.0, 100)),
        (380.4, 281.0, 548.0, (380.0, 10)),
        (57.3, 52.0, 61.0, (57.0, 1)),
        (12346.0, 12000.0, 12700.0, (12350.0, 10)),
    ],
)
def test_rounding_follows_the_interval(
    value: float, lower: float, upper: float, expected: tuple[float, int]
) -> None:
    assert round_to_interval(value, lower, upper) == expected


def test_masks_give_the_same_table_as_the_estimate_package() -> None:
    rng = np.random.default_rng(3)
    organisations = ["fairwork", "kmar", "police"]
    rows = []
    for person in range(300):
        for organisation in organisations:
            if rng.random() < 0.4:
                rows.append((person, organisation))
    frame = pd.DataFrame(rows, columns=["person_id", "organisation"]).assign(
        year=2021, forms="labour", minor=False, gender="male", dutch=False
    )
    expected = capture_histories_from_registrations(frame)[()]
    masks: dict[int, int] = {}
    for _, group in frame.groupby("person_id"):
        mask = sum(1 << organisations.index(o) for o in set(group["organisation"]))
        masks[mask] = masks.get(mask, 0) + 1
    plan = {o: o for o in organisations}
    table = capture_table(masks, organisations, plan)
    assert table is not None
    assert table.lists == expected.lists
    assert table.counts.tolist() == expected.counts.tolist()


def test_small_organisations_are_merged_into_other() -> None:
    persons = {"a": 500, "b": 400, "c": 300, "d": 200, "e": 100, "f": 5, "g": 3}
    organisations, plan = list_plan(persons)
    assert organisations == sorted(persons)
    assert plan["f"] == plan["g"] == MERGED
    assert plan["a"] == "a"
    table = capture_table({0b0100000: 3, 0b1000000: 2, 0b1: 50}, organisations, plan)
    assert table is not None
    assert table.lists == ("OTHER", "a")


def test_too_few_or_one_list_is_said_not_numbered() -> None:
    assert fit_estimate("2021", None, 5, k=10).problem == "too_few"
    assert fit_estimate("2021", None, 50, k=10).problem == "not_estimable"
    assert capture_table({1: 40}, ["a", "b"], {"a": "a", "b": "b"}) is None
