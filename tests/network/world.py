"""A hand-made graph whose networks, ranks and centralities are known by construction."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Engine

from zicht.network import Evidence, analyse_evidence
from zicht.store import network as store

D_NEW, D_OLD = dt.date(2024, 1, 10), dt.date(2020, 1, 10)

# holder, identifier, kind, record type, record id, organisation, day
EDGES = [
    ("person:1", "k-phone-a", "phone", "victim_registration", 1, "police", D_NEW),
    ("person:2", "k-phone-a", "phone", "victim_registration", 2, "fairwork", D_NEW),
    ("person:2", "k-iban-b", "iban", "victim_registration", 2, "fairwork", D_NEW),
    ("suspect-x", "k-iban-b", "iban", "suspect_registration", 7, "police", D_NEW),
    ("person:3", "k-address-c", "address", "victim_registration", 3, "police", D_OLD),
    ("person:4", "k-address-c", "address", "victim_registration", 4, "shelter", D_OLD),
    ("ad:1", "operator:1", "operator", "ad", 1, "synthplatform", D_NEW),
    ("ad:2", "operator:1", "operator", "ad", 2, "synthplatform", D_NEW),
]
# the networks by construction (the path person:1 - phone - person:2 - iban - suspect,
# a pair at one address, two ads of one operator, and a victim with nothing shared)
TRUE_NETWORKS = [
    {"person:1", "k-phone-a", "person:2", "k-iban-b", "suspect-x"},
    {"person:3", "k-address-c", "person:4"},
    {"ad:1", "ad:2", "operator:1"},
    {"person:5"},
]


def facts() -> pd.DataFrame:
    rows = [
        ("person:1", "person", True, "sexual_domestic", False, False, D_NEW),
        ("person:2", "person", False, "labour", False, False, D_NEW),
        ("person:3", "person", False, "labour", False, False, D_OLD),
        ("person:4", "person", False, "labour", False, False, D_OLD),
        ("person:5", "person", False, "labour", False, False, D_OLD),
        ("suspect-x", "suspect", False, "labour", False, True, D_NEW),
        ("ad:1", "ad", False, "", False, False, D_NEW),
        ("ad:2", "ad", False, "", False, False, D_NEW),
    ]
    return pd.DataFrame(
        rows, columns=["key", "kind", "minor", "forms", "cross_border", "om", "seen_on"]
    )


def evidence() -> Evidence:
    edges = pd.DataFrame(
        EDGES,
        columns=[
            "source_key",
            "target_key",
            "kind",
            "record_type",
            "record_id",
            "organisation",
            "seen_on",
        ],
    )
    holder_facts = facts()
    holders = holder_facts[["key", "kind"]]
    targets = edges[["target_key", "kind"]].drop_duplicates("target_key")
    nodes = pd.concat([holders, targets.rename(columns={"target_key": "key"})], ignore_index=True)
    nodes["label"] = nodes["key"]
    nodes["ref"] = None
    return Evidence(nodes=nodes, edges=edges, facts=holder_facts)


def fake_network_run(engine: Engine) -> int:
    """A finished network run of the hand-made graph; returns its id."""
    result = analyse_evidence(evidence(), None)
    run_id = store.start_network_run(engine, link_run_id=None, parameters={"test": True})
    store.write_network_results(engine, run_id, result.nodes, result.edges, result.networks)
    store.finish_network_run(
        engine,
        run_id,
        timings={},
        metrics={},
        nodes=len(result.nodes),
        edges=result.pairs,
        networks=len(result.networks),
    )
    return run_id
