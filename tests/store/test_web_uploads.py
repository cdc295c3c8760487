"""A delivery's quarantined rows that wait as entries of another delivery (hand-made cases)."""

from __future__ import annotations

import pytest

from zicht.store.web_uploads import Batch, BatchProblem


def _batch(quarantined: int, statuses: list[str]) -> Batch:
    problems = [BatchProblem(i, i, [], status) for i, status in enumerate(statuses, 1)]
    return Batch(1, "police", "victim_registration", "f.csv", None, None, 3, 1, 0, 0,
                 quarantined, 0, problems)  # fmt: skip


@pytest.mark.parametrize(
    ("quarantined", "statuses", "waiting"),
    [
        (2, ["open", "open"], 0),  # its own entries, both waiting here
        (2, [], 2),  # delivered again: both rows already wait as older entries
        (2, ["resolved", "resolved"], 0),  # resolved later by another file: not elsewhere
        (1, ["resolved", "open"], 0),  # one corrected into this delivery
        (3, ["open"], 2),
    ],
)
def test_waiting_elsewhere(quarantined: int, statuses: list[str], waiting: int) -> None:
    assert _batch(quarantined, statuses).waiting_elsewhere == waiting
