"""Who is who: linking victim registrations into persons with Splink (DuckDB or Spark).

The flow: `frame` normalises the identity fields into a linkage table, `settings`
chooses comparisons and blocking rules, `train` fits a Fellegi-Sunter model without
labels and scores blocked pairs on the engine chosen in `engine`, `cluster` turns
pairs into persons while resisting chaining, `runs` versions the run in the store
with stable person ids, `explain` shows why, `evaluate` measures against truth.
"""

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
