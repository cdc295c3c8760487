"""`zicht network export`: a run (or one network) to GraphML, GEXF or i2, audited.

Labels are pseudonyms; identities only when a `Look` (actor and purpose) is given,
through `zicht.access`'s audited door (`_identities`). Every export, with or without
identities, writes one ``network_export`` entry to the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from zicht.access import Actor, AuditEvent, Look, log_action
from zicht.network._formats import write_graph
from zicht.network._identities import node_identities
from zicht.network._views import graph_edges, resolve_run
from zicht.privacy import Cipher
from zicht.store import network as store

__all__ = ["ExportSummary", "export_network"]


@dataclass(frozen=True)
class ExportSummary:
    """What was written."""

    run_id: int
    out: Path
    format: str
    nodes: int
    edges: int
    identities: bool


def export_network(
    engine: Engine,
    out: Path,
    fmt: str,
    *,
    actor: Actor,
    run_id: int | None = None,
    network: int | None = None,
    look: Look | None = None,
    cipher: Cipher | None = None,
) -> ExportSummary:
    """Write a run's graph (or one network's) to `out` and audit the export.

    Args:
        look: who asks for identities and why; None keeps every label a pseudonym.
        cipher: needed with `look`.
    """
    run = resolve_run(engine, run_id)
    nodes = store.read_network_nodes(engine, run.id, network=network)
    evidence = store.read_network_edges(
        engine, run.id, nodes=None if network is None else nodes["node"].tolist()
    )
    if network is not None:
        members = set(nodes["node"])
        evidence = evidence[
            evidence["source_node"].isin(members) & evidence["target_node"].isin(members)
        ]
    if look is not None:
        if cipher is None:
            raise ValueError("identities need the cipher")
        labels = node_identities(engine, cipher, look, nodes, evidence)
        nodes = nodes.assign(
            label=[
                labels.get(int(n), label)
                for n, label in zip(nodes["node"], nodes["label"], strict=True)
            ]
        )
    edges = graph_edges(evidence)
    write_graph(nodes, edges, fmt, out)
    log_action(
        engine,
        AuditEvent(
            actor=actor.name,
            actor_kind=actor.kind,
            actor_organisation=actor.organisation,
            action="network_export",
            object_type="network_run",
            object_ids=[run.id],
            purpose=None if look is None else look.purpose,
            client=actor.client,
            details={
                "format": fmt,
                "network": network,
                "nodes": len(nodes),
                "edges": len(edges),
                "identities": look is not None,
            },
        ),
    )
    return ExportSummary(run.id, out, fmt, len(nodes), len(edges), look is not None)
