"""What the edges show of a run: the ranking, one network's members, edges and timeline.

The CLI, the web pages and the exports all read a run through these functions.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine

from zicht.store import network as store

__all__ = [
    "NetworkDetail",
    "RunNotFound",
    "graph_edges",
    "network_detail",
    "ranking",
    "resolve_run",
]


class RunNotFound(LookupError):
    """No finished network run (or not the one asked for)."""


def resolve_run(engine: Engine, run_id: int | None = None) -> store.NetworkRunRecord:
    """The finished run `run_id`, or the latest finished run."""
    run = (
        store.latest_network_run(engine)
        if run_id is None
        else store.read_network_run(engine, run_id)
    )
    if run is None or run.status != "done":
        raise RunNotFound(
            "no finished network run" if run_id is None else f"no finished network run {run_id}"
        )
    return run


def ranking(engine: Engine, run: store.NetworkRunRecord, top: int | None = None) -> pd.DataFrame:
    """The ranked networks of `run` (the first `top`)."""
    return store.read_networks(engine, run.id, top=top)


def graph_edges(evidence: pd.DataFrame) -> pd.DataFrame:
    """One edge per node pair from the evidence rows, with what stands behind it."""
    columns = [
        "source_node",
        "target_node",
        "kind",
        "registrations",
        "organisations",
        "first_seen",
        "last_seen",
    ]
    if evidence.empty:
        return pd.DataFrame(columns=columns)
    seen = pd.to_datetime(evidence["seen_on"])
    grouped = evidence.assign(seen=seen).groupby(["source_node", "target_node"], sort=True)
    edges = grouped.agg(
        kind=("kind", "first"),
        registrations=("id", "size"),
        organisations=("organisation", lambda s: ";".join(sorted(set(s)))),
        first_seen=("seen", "min"),
        last_seen=("seen", "max"),
    ).reset_index()
    for column in ("first_seen", "last_seen"):
        edges[column] = edges[column].dt.strftime("%Y-%m-%d").fillna("")
    return edges[columns]


@dataclass(frozen=True)
class NetworkDetail:
    """One network of a run: its ranking row, members, edges, evidence and timeline."""

    run: store.NetworkRunRecord
    summary: dict[str, object]
    nodes: pd.DataFrame
    edges: pd.DataFrame
    evidence: pd.DataFrame
    timeline: pd.DataFrame


def network_detail(engine: Engine, run: store.NetworkRunRecord, network: int) -> NetworkDetail:
    """Members, edges (with their registrations) and timeline of one ranked network."""
    summary = store.read_networks(engine, run.id, network=network)
    if summary.empty:
        raise RunNotFound(f"no network {network} in run {run.id}")
    nodes = store.read_network_nodes(engine, run.id, network=network)
    members = set(nodes["node"])
    evidence = store.read_network_edges(engine, run.id, nodes=sorted(members))
    evidence = evidence[
        evidence["source_node"].isin(members) & evidence["target_node"].isin(members)
    ]
    timeline = (
        evidence.assign(month=pd.to_datetime(evidence["seen_on"]).dt.strftime("%Y-%m"))
        .groupby(["month", "organisation"])
        .size()
        .reset_index(name="registrations")
        if len(evidence)
        else pd.DataFrame(columns=["month", "organisation", "registrations"])
    )
    return NetworkDetail(
        run=run,
        summary=summary.iloc[0].to_dict(),
        nodes=nodes,
        edges=graph_edges(evidence),
        evidence=evidence.reset_index(drop=True),
        timeline=timeline,
    )
