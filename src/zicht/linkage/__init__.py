"""Who is who: linking victim registrations into persons with Splink (DuckDB or Spark).

The flow: `frame` normalises the identity fields into a linkage table, `settings`
chooses comparisons and blocking rules, `train` fits a Fellegi-Sunter model without
labels and scores blocked pairs on the engine chosen in `engine`, `cluster` turns
pairs into persons while resisting chaining, `runs` versions the run in the store
with stable person ids, `explain` shows why, `evaluate` measures against truth.

Importing this package is cheap: each name is imported from its module when first used
(`zicht pprl encode` needs the normalisers of `_frame` only, not Splink or the store).
"""

from typing import TYPE_CHECKING as _TYPE_CHECKING

from zicht._lazy import lazy_names as _lazy_names

if _TYPE_CHECKING:
    from zicht.linkage._cluster import (
        METHODS,
        ClusterOptions,
        SuspiciousCluster,
        cluster_pairs,
        resolve_options,
    )
    from zicht.linkage._engine import BACKENDS, EngineError, database_api
    from zicht.linkage._evaluate import LinkageQuality, linkage_quality
    from zicht.linkage._explain import (
        ExplainError,
        FieldWeight,
        PairExplanation,
        PersonExplanation,
        explain_pair,
        explain_person,
        threshold_explanation,
    )
    from zicht.linkage._frame import (
        linkage_table,
        name_key,
        normalise_document,
        normalise_phone,
        normalise_postcode,
        normalise_text,
    )
    from zicht.linkage._pipeline import EngineOptions, LinkResult, link_table
    from zicht.linkage._results import (
        ResultsError,
        evaluate,
        export_persons,
        linked_registrations_frame,
        person_table,
        read_truth,
        unlinked_years,
    )
    from zicht.linkage._reviews import (
        ReviewConstraints,
        ReviewEffect,
        apply_reviews,
        review_constraints,
    )
    from zicht.linkage._runs import LinkageError, LinkRunSummary, TableLinker, run_linkage
    from zicht.linkage._settings import MIN_COVERAGE, ModelSpec
    from zicht.linkage._threshold import ThresholdChoice, choose_threshold
    from zicht.linkage._train import (
        PAIR_FLOOR,
        Timings,
        TrainingOptions,
        load_model,
        predict_pairs,
        train_model,
    )

# Each name and the module it comes from: imported when first asked for (PEP 562).
_SOURCES = {
    "BACKENDS": "zicht.linkage._engine",
    "ClusterOptions": "zicht.linkage._cluster",
    "EngineError": "zicht.linkage._engine",
    "EngineOptions": "zicht.linkage._pipeline",
    "ExplainError": "zicht.linkage._explain",
    "FieldWeight": "zicht.linkage._explain",
    "LinkResult": "zicht.linkage._pipeline",
    "LinkRunSummary": "zicht.linkage._runs",
    "LinkageError": "zicht.linkage._runs",
    "LinkageQuality": "zicht.linkage._evaluate",
    "METHODS": "zicht.linkage._cluster",
    "MIN_COVERAGE": "zicht.linkage._settings",
    "ModelSpec": "zicht.linkage._settings",
    "PAIR_FLOOR": "zicht.linkage._train",
    "PairExplanation": "zicht.linkage._explain",
    "PersonExplanation": "zicht.linkage._explain",
    "ResultsError": "zicht.linkage._results",
    "ReviewConstraints": "zicht.linkage._reviews",
    "ReviewEffect": "zicht.linkage._reviews",
    "SuspiciousCluster": "zicht.linkage._cluster",
    "TableLinker": "zicht.linkage._runs",
    "ThresholdChoice": "zicht.linkage._threshold",
    "Timings": "zicht.linkage._train",
    "TrainingOptions": "zicht.linkage._train",
    "apply_reviews": "zicht.linkage._reviews",
    "choose_threshold": "zicht.linkage._threshold",
    "cluster_pairs": "zicht.linkage._cluster",
    "database_api": "zicht.linkage._engine",
    "evaluate": "zicht.linkage._results",
    "explain_pair": "zicht.linkage._explain",
    "explain_person": "zicht.linkage._explain",
    "export_persons": "zicht.linkage._results",
    "link_table": "zicht.linkage._pipeline",
    "linkage_quality": "zicht.linkage._evaluate",
    "linkage_table": "zicht.linkage._frame",
    "load_model": "zicht.linkage._train",
    "linked_registrations_frame": "zicht.linkage._results",
    "name_key": "zicht.linkage._frame",
    "normalise_document": "zicht.linkage._frame",
    "normalise_phone": "zicht.linkage._frame",
    "normalise_postcode": "zicht.linkage._frame",
    "normalise_text": "zicht.linkage._frame",
    "person_table": "zicht.linkage._results",
    "predict_pairs": "zicht.linkage._train",
    "read_truth": "zicht.linkage._results",
    "resolve_options": "zicht.linkage._cluster",
    "review_constraints": "zicht.linkage._reviews",
    "run_linkage": "zicht.linkage._runs",
    "threshold_explanation": "zicht.linkage._explain",
    "train_model": "zicht.linkage._train",
    "unlinked_years": "zicht.linkage._results",
}

__all__ = [
    "BACKENDS",
    "METHODS",
    "MIN_COVERAGE",
    "PAIR_FLOOR",
    "ClusterOptions",
    "EngineError",
    "EngineOptions",
    "ExplainError",
    "FieldWeight",
    "LinkResult",
    "LinkRunSummary",
    "LinkageError",
    "LinkageQuality",
    "ModelSpec",
    "PairExplanation",
    "PersonExplanation",
    "ResultsError",
    "ReviewConstraints",
    "ReviewEffect",
    "SuspiciousCluster",
    "TableLinker",
    "ThresholdChoice",
    "Timings",
    "TrainingOptions",
    "apply_reviews",
    "choose_threshold",
    "cluster_pairs",
    "database_api",
    "evaluate",
    "explain_pair",
    "explain_person",
    "export_persons",
    "link_table",
    "linkage_quality",
    "linkage_table",
    "linked_registrations_frame",
    "load_model",
    "name_key",
    "normalise_document",
    "normalise_phone",
    "normalise_postcode",
    "normalise_text",
    "person_table",
    "predict_pairs",
    "read_truth",
    "resolve_options",
    "review_constraints",
    "run_linkage",
    "threshold_explanation",
    "train_model",
    "unlinked_years",
]


__getattr__, __dir__ = _lazy_names(__name__, _SOURCES)
