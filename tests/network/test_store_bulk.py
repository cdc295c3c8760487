"""The bulk write of a run's graph: what is read back is what was written, on both
databases, whether the secondary indexes are kept or dropped and built again."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine, Index, inspect

from tests.network.world import evidence
from zicht.network import analyse_evidence
from zicht.store import network as store

TABLES = ("network_node", "network_edge", "network")


def _indexes(engine: Engine) -> dict[str, set[str]]:
    inspector = inspect(engine)
    return {t: {str(ix["name"]) for ix in inspector.get_indexes(t)} for t in TABLES}


def _write(engine: Engine) -> tuple[int, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    result = analyse_evidence(evidence(), None)
    run_id = store.start_network_run(engine, link_run_id=None, parameters={})
    store.write_network_results(engine, run_id, result.nodes, result.edges, result.networks)
    return run_id, result.nodes, result.edges, result.networks


@pytest.mark.parametrize("bulk_rows", [1, 10**9], ids=["indexes-rebuilt", "indexes-kept"])
def test_a_written_run_reads_back_as_written(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, bulk_rows: int
) -> None:
    monkeypatch.setattr(store, "BULK_LOAD_ROWS", bulk_rows)
    before = _indexes(engine)
    assert before["network_edge"] >= {
        "ix_network_edge_source_node",
        "ix_network_edge_target_node",
    }
    first, *_ = _write(engine)  # a table with rows already: a second, smaller run keeps them
    run_id, nodes, edges, networks = _write(engine)
    assert _indexes(engine) == before

    got = store.read_network_nodes(engine, run_id)
    want = nodes[store.NODE_COLUMNS].sort_values("node").reset_index(drop=True)
    assert got["key"].tolist() == want["key"].tolist()
    assert got["network"].tolist() == want["network"].tolist()
    assert got["articulation"].astype(bool).tolist() == want["articulation"].tolist()
    assert got["betweenness"].tolist() == pytest.approx(want["betweenness"].tolist())
    assert got["ref"].isna().all()

    got_edges = store.read_network_edges(engine, run_id)
    assert got_edges["record_id"].tolist() == edges["record_id"].tolist()
    assert got_edges["organisation"].tolist() == edges["organisation"].tolist()
    assert [str(d) for d in got_edges["seen_on"]] == [str(d) for d in edges["seen_on"]]

    got_networks = store.read_networks(engine, run_id)
    assert got_networks["network"].tolist() == networks["network"].tolist()
    assert [list(map(list, r)) for r in got_networks["reasons"]] == [
        list(map(list, r)) for r in networks["reasons"]
    ]
    # the earlier run is untouched, and the indexes answer a query on one network
    assert len(store.read_network_nodes(engine, first)) == len(nodes)
    one = int(networks["network"].iloc[0])
    assert set(store.read_network_nodes(engine, run_id, network=one)["node"]) == set(
        nodes.loc[nodes["network"] == one, "node"]
    )


def test_a_bulk_load_leaves_the_sqlite_connection_as_it_was(
    tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from zicht.store import make_engine, upgrade

    engine = make_engine(f"sqlite:///{tmp_path}/one.db", pool_size=1, max_overflow=0)
    upgrade(engine)
    with engine.connect() as connection:
        raw = connection.connection.driver_connection
        assert raw is not None
        before = [raw.execute(f"PRAGMA {p}").fetchone()[0] for p in ("cache_size", "temp_store")]
    monkeypatch.setattr(store, "BULK_LOAD_ROWS", 1)
    _write(engine)
    with engine.connect() as connection:
        raw = connection.connection.driver_connection
        assert raw is not None
        after = [raw.execute(f"PRAGMA {p}").fetchone()[0] for p in ("cache_size", "temp_store")]
    assert after == before
    engine.dispose()


def test_only_sqlite_drops_indexes_for_a_bulk_load(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DROP INDEX on PostgreSQL locks the table against readers until the commit, so
    the network pages would wait for the whole load: there the indexes stay."""
    monkeypatch.setattr(store, "BULK_LOAD_ROWS", 1)
    dropped: list[str] = []
    original = Index.drop

    def drop(index: Index, *args: Any, **kwargs: Any) -> None:
        dropped.append(str(index.name))
        original(index, *args, **kwargs)

    monkeypatch.setattr(Index, "drop", drop)
    _write(engine)
    if engine.dialect.name == "postgresql":
        assert dropped == []
    else:
        assert "ix_network_edge_source_node" in dropped


@pytest.mark.parametrize("copy_rows", [2, 10**6], ids=["many-copy-chunks", "one-copy-chunk"])
def test_awkward_values_and_missing_ones_read_back_as_written(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, copy_rows: int
) -> None:
    """What COPY's text format must escape (backslash, tab, newline, carriage return),
    missing values of each type and floats at full precision come back as written,
    whether the rows go in one COPY chunk or many, from columns that Arrow holds in
    several chunks."""
    monkeypatch.setattr(store, "COPY_CHUNK_ROWS", copy_rows)
    result = analyse_evidence(evidence(), None)
    # concatenated halves: pandas keeps their strings as an Arrow array of two chunks
    half = len(result.nodes) // 2
    nodes = pd.concat([result.nodes.iloc[:half], result.nodes.iloc[half:]], ignore_index=True)
    edges = result.edges.copy()
    awkward = ["a\\b", "tab\there", "two\nlines", "cr\rhere", "\\N", ""]
    edges["organisation"] = [awkward[i % len(awkward)] for i in range(len(edges))]
    edges["record_id"] = pd.array([None if i % 3 == 0 else i for i in range(len(edges))], "Int64")
    edges["seen_on"] = [None if i % 4 == 0 else d for i, d in enumerate(edges["seen_on"])]
    nodes["ref"] = [None if i % 2 else f"r\\{i}\t" for i in range(len(nodes))]
    nodes["betweenness"] = [1 / 3 + i * 1e-17 + (i % 5) * 1e300 for i in range(len(nodes))]
    run_id = store.start_network_run(engine, link_run_id=None, parameters={})
    store.write_network_results(engine, run_id, nodes, edges, result.networks)

    got = store.read_network_nodes(engine, run_id)
    assert [None if pd.isna(r) else r for r in got["ref"]] == [
        None if i % 2 else f"r\\{i}\t" for i in range(len(nodes))
    ]
    assert got["betweenness"].tolist() == [
        1 / 3 + i * 1e-17 + (i % 5) * 1e300 for i in range(len(nodes))
    ]
    got_edges = store.read_network_edges(engine, run_id)
    assert got_edges["organisation"].tolist() == [
        awkward[i % len(awkward)] for i in range(len(edges))
    ]
    assert [None if pd.isna(r) else int(r) for r in got_edges["record_id"]] == [
        None if i % 3 == 0 else i for i in range(len(edges))
    ]
    want_days = [None if i % 4 == 0 else str(d) for i, d in enumerate(result.edges["seen_on"])]
    assert [None if d is None else str(d) for d in got_edges["seen_on"]] == want_days
