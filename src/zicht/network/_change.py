"""Change between two runs: networks that appeared, grew, shrank, merged or stayed.

Nodes keep their key from run to run (keyed pseudonyms and stable person ids), so a
network of the new run is compared with the networks of the old run its nodes were in:
none (``new``), several (``merged``), or one, then by node count (``grew``, ``shrank``,
``same``).
"""

from __future__ import annotations

import pandas as pd

__all__ = ["CHANGES", "compare_runs"]

CHANGES = ("new", "merged", "grew", "shrank", "same")


def compare_runs(
    current: pd.DataFrame, previous: pd.DataFrame | None
) -> dict[int, tuple[str, list[int]]]:
    """For each network of `current`: its change and the previous networks it came from.

    Args:
        current, previous: `key`, `network` of every node of each run (previous: None
            when there is no earlier run, and every network is new).
    """
    if previous is None or previous.empty:
        return {int(n): ("new", []) for n in current["network"].unique()}
    old_size = previous.groupby("network").size()
    new_size = current.groupby("network").size()
    joined = current.merge(
        previous[["key", "network"]].rename(columns={"network": "before"}), on="key", how="left"
    )
    result: dict[int, tuple[str, list[int]]] = {}
    for network, group in joined.groupby("network"):
        before = sorted(int(b) for b in group["before"].dropna().unique())
        if not before:
            change = "new"
        elif len(before) > 1:
            change = "merged"
        else:
            now, then = int(new_size[network]), int(old_size[before[0]])
            change = "grew" if now > then else "shrank" if now < then else "same"
        result[int(str(network))] = (change, before)
    return result
