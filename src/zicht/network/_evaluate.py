"""How well a run recovers a synthetic world's networks (truth files of `zicht synth`).

Every registered person of the truth (victims and suspects with a registration in the
store) gets the network of the node its registrations ended in; a person whose
registrations carry no identifier is a network of one. Against the true partition
(the network of the truth, or the person alone) this gives the adjusted Rand index
(Hubert & Arabie 1985) and normalised mutual information (arithmetic mean of the
entropies, as scikit-learn's default), pair precision and recall, and precision at k
of the ranking: of the top k networks, how many distinct true networks among the
truly k largest (by victims, ties included) they stand for (majority of members).

The truth names networks the registrations cannot show: a member whose registrations
carry none of the network's identifiers, or only ones no other registered member
carries. The *recoverable* partition (`recoverable`) is the truth as far as the
registrations show it: two registered members of one true network are together when
a chain of identifiers, each in registrations of members of that network, ties them
(with the true persons, so no linkage error, and only identifiers shared inside the
network, so no chance collision). Its figures against the truth (`ceiling_*`) are what
the registrations' own identifiers show, in the graph's normal forms; not a true upper
bound: chains through ads (identifier, ad, operator, ad, identifier) are left out,
and ARI is not monotone in the pairs found, so a run can score above it. The run
against it (`recoverable_*`) is the method's own error: linkage, evidence and
communities.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from sqlalchemy import Engine

from zicht.store import network as store
from zicht.store import read_records
from zicht.store.linkage import read_person_registrations

__all__ = [
    "EvaluationError",
    "adjusted_rand",
    "evaluate_run",
    "mutual_information",
    "pairs",
    "recoverable",
]


class EvaluationError(RuntimeError):
    """The truth folder or the run cannot be evaluated."""


def _contingency(a: npt.ArrayLike, b: npt.ArrayLike) -> npt.NDArray[np.float64]:
    _, ai = np.unique(np.asarray(a), return_inverse=True)
    _, bi = np.unique(np.asarray(b), return_inverse=True)
    table = np.zeros((ai.max() + 1, bi.max() + 1), dtype=np.float64)
    np.add.at(table, (ai, bi), 1.0)
    return table


def _comb2(x: npt.NDArray[np.float64]) -> float:
    return float((x * (x - 1) / 2).sum())


def pairs(truth: npt.ArrayLike, found: npt.ArrayLike) -> tuple[float, float]:
    """Pair precision and recall: of pairs put together, and of pairs truly together."""
    table = _contingency(truth, found)
    both = _comb2(table)
    together = _comb2(table.sum(axis=0))
    truly = _comb2(table.sum(axis=1))
    return (both / together if together else 1.0), (both / truly if truly else 1.0)


def adjusted_rand(truth: npt.ArrayLike, found: npt.ArrayLike) -> float:
    """Adjusted Rand index of two labelings (1: equal; about 0: chance)."""
    table = _contingency(truth, found)
    n = table.sum()
    index = _comb2(table)
    rows, cols = _comb2(table.sum(axis=1)), _comb2(table.sum(axis=0))
    expected = rows * cols / (n * (n - 1) / 2) if n > 1 else 0.0
    maximum = (rows + cols) / 2
    if maximum == expected:
        return 1.0
    return float((index - expected) / (maximum - expected))


def mutual_information(truth: npt.ArrayLike, found: npt.ArrayLike) -> float:
    """Normalised mutual information, I / mean(H(truth), H(found))."""
    table = _contingency(truth, found)
    n = table.sum()
    p = table / n
    pr, pc = p.sum(axis=1), p.sum(axis=0)
    nz = p > 0
    mi = float((p[nz] * np.log(p[nz] / np.outer(pr, pc)[nz])).sum())
    hr = -float((pr[pr > 0] * np.log(pr[pr > 0])).sum())
    hc = -float((pc[pc > 0] * np.log(pc[pc > 0])).sum())
    if hr == 0 and hc == 0:
        return 1.0
    return mi / ((hr + hc) / 2)


def _read_truth(truth_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    try:
        registrations = pd.read_csv(
            truth_dir / "registrations.csv",
            usecols=["source", "source_record_id", "record_type", "person_id", "network_id"],
            dtype=str,
            keep_default_na=False,
        )
        networks = pd.read_csv(
            truth_dir / "networks.csv",
            usecols=["network_id", "victims"],
            dtype={"network_id": str, "victims": np.int64},
        ).set_index("network_id")
    except (OSError, ValueError, KeyError) as exc:
        raise EvaluationError(
            f"{truth_dir}: not a truth folder of zicht synth "
            f"(registrations.csv and networks.csv): {type(exc).__name__}"
        ) from None
    return registrations, networks


def recoverable(members: pd.DataFrame, ties: pd.DataFrame) -> pd.Series:
    """The truth as far as the registrations show it: a label per registered person.

    Args:
        members: `person_id` (unique) and true `network_id` ("" for none).
        ties: `person_id` and `identifier`: an identifier node the person's
            registrations carry.

    Two members of one true network are together when a chain of identifiers, each
    carried by members of that network, ties them; everyone else is alone. Returns
    labels indexed by `person_id`, in the order of `members`.
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    persons = pd.Index(members["person_id"])
    network = members["network_id"].to_numpy(object)
    position = persons.get_indexer(ties["person_id"])
    known = position >= 0
    position = position[known]
    inside = network[position] != ""
    position = position[inside]
    # an identifier counts inside one network only: shared across networks, it is two
    identifier = (
        pd.Series(network[position]).astype(str)
        + "\x1f"
        + pd.Series(ties["identifier"].to_numpy()[known][inside]).astype(str)
    )
    codes, _ = pd.factorize(identifier)
    size = len(persons) + (int(codes.max()) + 1 if len(codes) else 0)
    matrix = coo_matrix(
        (np.ones(len(codes), dtype=np.int8), (position, len(persons) + codes)), shape=(size, size)
    )
    _, labels = connected_components(matrix, directed=False)
    return pd.Series("r" + pd.Series(labels[: len(persons)]).astype(str).to_numpy(), index=persons)


def _registration_nodes(
    engine: Engine, run: store.NetworkRunRecord
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`record_type`, `source`, `source_record_id`, `node` of every registration placed,
    and the identifier nodes each registration carries (`record_type`,
    `registration_id`, `identifier`)."""
    nodes = store.read_network_nodes(engine, run.id)
    edges = store.read_network_edges(engine, run.id)
    carried = edges[edges["record_type"] != "ad"][["record_type", "record_id", "target_node"]]
    carried = carried.rename(columns={"record_id": "registration_id", "target_node": "identifier"})
    placed = edges[edges["record_type"] != "ad"][["record_type", "record_id", "source_node"]]
    placed = placed.rename(columns={"record_id": "registration_id", "source_node": "node"})
    parts = [placed]
    if run.link_run_id is not None:
        persons = read_person_registrations(engine, run.link_run_id)
        by_key = pd.Series(nodes["node"].to_numpy(), index=nodes["key"].to_numpy())
        node = by_key.reindex("person:" + persons["person_id"].astype(str)).to_numpy()
        parts.append(
            pd.DataFrame(
                {
                    "record_type": "victim_registration",
                    "registration_id": persons["registration_id"].to_numpy(),
                    "node": node,
                }
            ).dropna()
        )
    placed = pd.concat(parts, ignore_index=True).drop_duplicates(["record_type", "registration_id"])
    records = []
    for record_type in ("victim_registration", "suspect_registration"):
        frame = read_records(engine, record_type)[["registration_id", "source", "source_record_id"]]
        records.append(frame.assign(record_type=record_type))
    located = pd.concat(records, ignore_index=True).merge(
        placed, on=["record_type", "registration_id"], how="left"
    )
    network = pd.Series(nodes["network"].to_numpy(), index=nodes["node"].to_numpy())
    located["network"] = network.reindex(located["node"].to_numpy()).to_numpy()
    return located, carried


def evaluate_run(
    engine: Engine, truth_dir: Path, *, run_id: int | None = None, top: int = 10
) -> dict[str, Any]:
    """Recovery and ranking figures of a run (default: the latest) against the truth."""
    run = (
        store.latest_network_run(engine)
        if run_id is None
        else store.read_network_run(engine, run_id)
    )
    if run is None or run.status != "done":
        raise EvaluationError("no finished network run to evaluate; run zicht network build")
    truth, true_networks = _read_truth(truth_dir)
    located, carried = _registration_nodes(engine, run)
    located = located.merge(truth, on=["record_type", "source", "source_record_id"], how="inner")
    if located.empty:
        raise EvaluationError(f"{truth_dir}: no registration of the store is in this truth")
    located = located.sort_values("network", na_position="last")
    person = located.drop_duplicates("person_id")
    found = np.where(
        person["network"].notna(),
        "n" + person["network"].fillna(-1).astype(np.int64).astype(str),
        "p" + person["person_id"],
    )
    true = np.where(person["network_id"] != "", person["network_id"], "p" + person["person_id"])
    ties = carried.merge(
        located[["record_type", "registration_id", "person_id"]],
        on=["record_type", "registration_id"],
    )
    shown = recoverable(person[["person_id", "network_id"]], ties).to_numpy()
    located = located.assign(
        recoverable=pd.Series(shown, index=person["person_id"].to_numpy())
        .reindex(located["person_id"].to_numpy())
        .to_numpy()
    )
    networked = (person["network_id"] != "").to_numpy()
    figures: dict[str, Any] = {
        "run_id": run.id,
        "persons": len(person),
        "networked_persons": int(networked.sum()),
        **_agreement("", true, found),
        "networked_adjusted_rand_index": round(
            float(adjusted_rand(true[networked], found[networked])), 4
        ),
        "networked_normalised_mutual_information": round(
            mutual_information(true[networked], found[networked]), 4
        ),
        **_agreement("ceiling_", true, shown),
        **_agreement("recoverable_", shown, found),
    }
    figures.update(_precision_at(engine, run.id, located, true_networks, top))
    return figures


def _agreement(prefix: str, truth: npt.ArrayLike, found: npt.ArrayLike) -> dict[str, float]:
    precision, recall = pairs(truth, found)
    return {
        f"{prefix}adjusted_rand_index": round(float(adjusted_rand(truth, found)), 4),
        f"{prefix}normalised_mutual_information": round(mutual_information(truth, found), 4),
        f"{prefix}pair_precision": round(precision, 4),
        f"{prefix}pair_recall": round(recall, 4),
    }


def _precision_at(
    engine: Engine, run_id: int, located: pd.DataFrame, true_networks: pd.DataFrame, top: int
) -> dict[str, Any]:
    ranked = store.read_networks(engine, run_id, top=top)
    victims = located[
        (located["record_type"] == "victim_registration") & (located["network_id"] != "")
    ]
    registered = victims.groupby("network_id")["person_id"].nunique()
    shown = victims.groupby("recoverable")["person_id"].nunique()
    return {
        f"precision_at_{top}": _hits(ranked, located, "network_id", true_networks["victims"], top),
        f"precision_at_{top}_registered": _hits(ranked, located, "network_id", registered, top),
        f"precision_at_{top}_recoverable": _hits(ranked, located, "recoverable", shown, top),
    }


def _hits(
    ranked: pd.DataFrame, located: pd.DataFrame, label: str, size: pd.Series, top: int
) -> float:
    """Share of the top networks standing for distinct true networks among the largest.

    `label` is the column of `located` naming each registration's true group, `size`
    the groups' sizes; a ranked network stands for the group most of its networked
    members are in.
    """
    sizes = size.sort_values(ascending=False).to_numpy()
    if len(ranked) == 0 or len(sizes) == 0:
        return 0.0
    cut = sizes[min(top, len(sizes)) - 1]
    largest = set(size.index[size.to_numpy() >= cut])
    members = located[located["network"].isin(ranked["network"]) & (located["network_id"] != "")]
    majority = (
        members.groupby("network")[label].agg(lambda s: s.value_counts().index[0])
        if len(members)
        else pd.Series(dtype=object)
    )
    hits = {majority[n] for n in ranked["network"] if n in majority and majority[n] in largest}
    return round(len(hits) / min(top, len(ranked)), 4)
