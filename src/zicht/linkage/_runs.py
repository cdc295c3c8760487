"""Versioned link runs over the store: read, link, keep person ids stable, write back.

A full run trains a new model; an incremental run (`zicht link --incremental`) takes
the model of the latest run as it is, scores only pairs that involve registrations
the latest run had not seen, and clusters those together with the latest run's
pairs. Either way every run stores its parameters, model, timings and metrics.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from zicht.i18n import N_
from zicht.linkage._cluster import (
    ClusterOptions,
    Method,
    SuspiciousCluster,
    cluster_pairs,
    cluster_sizes,
    resolve_options,
    suspicious_clusters,
)
from zicht.linkage._engine import Backend, database_api
from zicht.linkage._frame import linkage_table
from zicht.linkage._pipeline import EngineOptions, LinkResult, link_table
from zicht.linkage._reviews import ReviewConstraints, apply_reviews, review_constraints
from zicht.linkage._train import PAIR_FLOOR, Timings, TrainingOptions, load_model, predict_new_pairs
from zicht.privacy import Cipher
from zicht.store import linkage as store
from zicht.store import read_records
from zicht.store.locks import JobBusyError, exclusive_job
from zicht.store.person_reviews import read_person_reviews

__all__ = ["LinkRunSummary", "LinkageError", "TableLinker", "run_linkage", "stable_person_ids"]

# Links a linkage table: (table, engine options, clustering, training) -> result.
TableLinker = Callable[[pd.DataFrame, EngineOptions, ClusterOptions, TrainingOptions], LinkResult]


def _plain_linker(
    table: pd.DataFrame,
    engine: EngineOptions,
    clustering: ClusterOptions,
    training: TrainingOptions,
) -> LinkResult:
    return link_table(table, engine=engine, clustering=clustering, training=training)


logger = logging.getLogger(__name__)


class LinkageError(RuntimeError):
    """A link run that cannot be done; the message says why (never personal data)."""


@dataclass(frozen=True)
class LinkRunSummary:
    """What a link run did: counts, ids, timings, cluster sizes, suspicious clusters."""

    run_id: int
    mode: str
    backend: str
    registrations: int
    persons: int
    new_registrations: int
    pairs_scored: int
    persons_kept: int
    persons_new: int
    cluster_sizes: dict[int, int]
    suspicious: tuple[SuspiciousCluster, ...]
    threshold: float = 0.0
    threshold_choice: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (suspicious clusters by person id, no identity values)."""
        out = asdict(self)
        out["cluster_sizes"] = {str(k): v for k, v in self.cluster_sizes.items()}
        return out


def stable_person_ids(
    clusters: pd.Series, previous: pd.DataFrame | None
) -> tuple[pd.Series, pd.Series]:
    """Give each new cluster the id of an earlier person it wholly contains.

    A cluster keeps the id of the largest earlier person all of whose (still
    existing) registrations it contains; unchanged and grown persons keep their id,
    in a merge the largest keeps it. Clusters without such a person need a new id.

    Args:
        clusters: registration id -> cluster id (this run).
        previous: `registration_id`, `person_id` of the earlier run, or None.

    Returns:
        (cluster id -> kept person id, for the clusters that keep one;
         cluster ids that need a new person id, sorted).
    """
    frame = pd.DataFrame({"registration_id": clusters.index, "cluster_id": clusters.to_numpy()})
    if previous is None or previous.empty:
        return pd.Series(dtype="int64"), pd.Series(np.sort(frame["cluster_id"].unique()))
    frame = frame.merge(previous[["registration_id", "person_id"]], how="left")
    known = frame.dropna(subset=["person_id"])
    old_size = known.groupby("person_id").size()
    joint = known.groupby(["cluster_id", "person_id"]).size().rename("together").reset_index()
    joint["old_size"] = old_size.reindex(joint["person_id"]).to_numpy()
    whole = joint[joint["together"] == joint["old_size"]]
    whole = whole.sort_values(
        ["cluster_id", "old_size", "person_id"], ascending=[True, False, True]
    )
    kept = whole.drop_duplicates("cluster_id").set_index("cluster_id")["person_id"].astype("int64")
    needing = np.setdiff1d(frame["cluster_id"].unique(), kept.index.to_numpy())
    return kept, pd.Series(np.sort(needing))


def _suspicion_table(
    persons: pd.Series, suspicious: list[SuspiciousCluster], person_of_cluster: pd.Series
) -> pd.DataFrame:
    sizes = persons.value_counts()
    table = pd.DataFrame(
        {"person_id": sizes.index.astype("int64"), "registrations": sizes.to_numpy()}
    )
    reasons = {person_of_cluster[c.cluster_id]: "; ".join(c.reasons) for c in suspicious}
    table["suspicious"] = table["person_id"].isin(list(reasons))
    table["reasons"] = table["person_id"].map(reasons)
    return table


def _incremental_pairs(
    table: pd.DataFrame,
    latest: store.LinkRunRecord,
    engine: Engine,
    options: EngineOptions,
    timings: Timings,
) -> tuple[pd.DataFrame, set[int]]:
    previous = store.read_person_registrations(engine, latest.id)
    new_ids = set(table["unique_id"].tolist()) - set(previous["registration_id"].tolist())
    old_pairs = store.read_scored_pairs(engine, latest.id)
    if not new_ids:
        return old_pairs, new_ids
    assert latest.model is not None
    api = database_api(
        options.backend,
        spark_master=options.spark_master,
        threads=options.threads,
        memory_limit=options.memory_limit,
        spark_driver_memory=options.spark_driver_memory,
    )
    linker = load_model(api, table, latest.model)
    new_pairs = predict_new_pairs(linker, api, table, new_ids, PAIR_FLOOR, timings)
    return pd.concat([old_pairs, new_pairs], ignore_index=True), new_ids


def run_linkage(
    engine: Engine,
    cipher: Cipher,
    *,
    backend: Backend = "duckdb",
    incremental: bool = False,
    threshold: float | None = None,
    method: Method = "robust",
    strong: float | None = None,
    large: int | None = None,
    spark_master: str | None = None,
    threads: int | None = None,
    memory_limit: str | None = None,
    spark_driver_memory: str = "2g",
    training: TrainingOptions | None = None,
    table_of: Callable[[pd.DataFrame], pd.DataFrame] = linkage_table,
    linker: TableLinker | None = None,
    kind: str = "plain",
    progress: Callable[[str], None] | None = None,
) -> LinkRunSummary:
    """Link all victim registrations in the store into persons and store the run.

    Args:
        engine: the application database.
        cipher: decrypts the identity fields (they never leave this process).
        backend: "duckdb" (default) or "spark".
        incremental: keep the latest run's model and pairs; score only new registrations.
        threshold: match probability at which two registrations are the same person;
            None: chosen from the scored pairs (`zicht.linkage._threshold`).
        method: clustering method (see `zicht.linkage._cluster`).
        strong: match probability a link needs to hold a cluster together alone;
            None: 1 - (1 - threshold) / 10.
        large: clusters above this size are re-clustered at `strong`; None: no cap.
        spark_master: Spark master URL (backend "spark").
        threads: engine threads; memory_limit: DuckDB memory limit (e.g. "8GB").
        spark_driver_memory: memory of the Spark driver (backend "spark"), e.g. "4g".
        training: knobs of unsupervised training.
        table_of: makes the linkage table from the stored registrations (with their
            decrypted identity columns); default: plain linkage's `linkage_table`.
        linker: links that table (default: plain linkage's `link_table`); a run with
            another linker is full only (its model is not plain linkage's).
        kind: what the run linked on ("plain" or "encodings"), kept in its parameters.
        progress: told each step as it starts ("read", "link", "write"), e.g. for the
            progress page of a job started from the web.

    Raises:
        LinkageError: nothing to link, `incremental` without an earlier run, or another
            link run in progress on the same database (one at a time, across processes).
    """
    if linker is not None and incremental:
        raise LinkageError("a run on encodings is always full: run it without --incremental")
    try:
        with exclusive_job(engine, "link"):
            return _linkage(
                engine,
                cipher,
                backend=backend,
                incremental=incremental,
                clustering=ClusterOptions(
                    method=method, threshold=threshold, strong=strong, large=large
                ),
                engine_options=EngineOptions(
                    backend, spark_master, threads, memory_limit, spark_driver_memory
                ),
                training=training or TrainingOptions(),
                table_of=table_of,
                linker=linker or _plain_linker,
                kind=kind,
                progress=progress or (lambda step: None),
            )
    except JobBusyError:
        raise LinkageError(
            N_("another link run is in progress on this database; start again when it has finished")
        ) from None


def _linkage(
    engine: Engine,
    cipher: Cipher,
    *,
    backend: Backend,
    incremental: bool,
    clustering: ClusterOptions,
    engine_options: EngineOptions,
    training: TrainingOptions,
    table_of: Callable[[pd.DataFrame], pd.DataFrame],
    linker: TableLinker,
    kind: str,
    progress: Callable[[str], None],
) -> LinkRunSummary:
    """`run_linkage` while holding the database's link lock."""
    progress("read")
    timings = Timings()
    started = time.perf_counter()
    registrations = read_records(engine, "victim_registration", cipher=cipher)
    if registrations.empty:
        raise LinkageError(N_("there are no victim registrations in the store to link"))
    table = table_of(registrations)
    timings.record("read_and_normalise", started)
    latest = store.latest_link_run(engine)
    if incremental and (latest is None or latest.model is None):
        raise LinkageError(N_("no earlier link run to add to; run `zicht link` first"))
    parameters = {
        "threshold": clustering.threshold,
        "method": clustering.method,
        "strong": clustering.strong,
        "large": clustering.large,
        "pair_floor": PAIR_FLOOR,
        "training": asdict(training),
        "threads": engine_options.threads,
        "memory_limit": engine_options.memory_limit,
        "linked_on": kind,
    }
    reviews = review_constraints(
        (r.decision, r.registration_id, r.members) for r in read_person_reviews(engine)
    )
    run_id = store.start_link_run(
        engine,
        mode="incremental" if incremental else "full",
        backend=backend,
        parameters=parameters,
        model_run_id=latest.id if incremental and latest is not None else None,
    )
    try:
        summary = _run(
            engine,
            run_id,
            table,
            latest,
            incremental,
            engine_options,
            clustering,
            training,
            timings,
            linker,
            reviews,
            progress,
        )
    except Exception as exc:
        store.fail_link_run(engine, run_id, type(exc).__name__)
        raise
    return summary


def _run(
    engine: Engine,
    run_id: int,
    table: pd.DataFrame,
    latest: store.LinkRunRecord | None,
    incremental: bool,
    engine_options: EngineOptions,
    clustering: ClusterOptions,
    training: TrainingOptions,
    timings: Timings,
    linker: TableLinker,
    reviews: ReviewConstraints,
    progress: Callable[[str], None],
) -> LinkRunSummary:
    progress("link")
    if incremental:
        assert latest is not None
        assert latest.model is not None
        model = latest.model
        pairs, new_ids = _incremental_pairs(table, latest, engine, engine_options, timings)
        started = time.perf_counter()
        clustering, choice = resolve_options(clustering, pairs["match_probability"].to_numpy())
        clusters = cluster_pairs(table["unique_id"].to_numpy(), pairs, clustering)
        timings.record("cluster", started)
    else:
        result = linker(table, engine_options, clustering, training)
        model, pairs, clusters = result.model, result.pairs, result.clusters
        clustering, choice = result.clustering, result.threshold_choice
        timings.steps.update(result.timings)
        new_ids = set(table["unique_id"].tolist())
    assert clustering.threshold is not None
    assert clustering.strong is not None
    started = time.perf_counter()
    # Human reviews override the clustering: confirmed persons stay, splits stay split.
    clusters, reviewed = apply_reviews(clusters, reviews)
    progress("write")
    suspicious = suspicious_clusters(
        clusters,
        pairs,
        threshold=clustering.threshold,
        strong=clustering.strong,
        large=clustering.large,
    )
    previous = None if latest is None else store.read_person_registrations(engine, latest.id)
    kept, needing = stable_person_ids(clusters, previous)
    fresh = store.allocate_person_ids(engine, run_id, len(needing))
    person_of_cluster = pd.concat([kept, pd.Series(fresh, index=needing.to_numpy(), dtype="int64")])
    persons = pd.Series(
        person_of_cluster.reindex(clusters.to_numpy()).to_numpy(), index=clusters.index
    )
    store.write_linked_persons(
        engine, run_id, _suspicion_table(persons, suspicious, person_of_cluster)
    )
    store.write_person_registrations(
        engine,
        run_id,
        pd.DataFrame({"registration_id": persons.index, "person_id": persons.to_numpy()}),
    )
    store.write_scored_pairs(engine, run_id, pairs)
    timings.record("write", started)
    sizes = cluster_sizes(clusters)
    summary = LinkRunSummary(
        run_id=run_id,
        mode="incremental" if incremental else "full",
        backend=engine_options.backend,
        registrations=len(table),
        persons=int(persons.nunique()),
        new_registrations=len(new_ids) if incremental else len(table),
        pairs_scored=len(pairs),
        persons_kept=len(kept),
        persons_new=len(fresh),
        cluster_sizes=sizes,
        suspicious=tuple(
            SuspiciousCluster(
                cluster_id=int(person_of_cluster[c.cluster_id]),
                size=c.size,
                density=c.density,
                weakest_link=c.weakest_link,
                reasons=c.reasons,
            )
            for c in suspicious
        ),
        threshold=clustering.threshold,
        threshold_choice={**choice.as_dict(), "explanation": choice.explanation()},
        timings=dict(timings.steps),
    )
    metrics = {
        "threshold": clustering.threshold,
        "strong": clustering.strong,
        "threshold_choice": summary.threshold_choice,
        "cluster_sizes": {str(k): v for k, v in sizes.items()},
        "pairs_scored": len(pairs),
        "pairs_linked": int((pairs["match_probability"] >= clustering.threshold).sum()),
        "suspicious_clusters": len(suspicious),
        "persons_kept": len(kept),
        "persons_new": len(fresh),
        "new_registrations": summary.new_registrations,
        "reviews": reviewed.as_dict(),
    }
    store.finish_link_run(
        engine,
        run_id,
        model=model,
        timings=summary.timings,
        metrics=metrics,
        registrations=summary.registrations,
        persons=summary.persons,
    )
    return summary
