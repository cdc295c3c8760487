"""Who is who: linking victim registrations into persons with Splink (DuckDB or Spark).

The flow: `frame` normalises the identity fields into a linkage table, `settings`
chooses comparisons and blocking rules, `train` fits a Fellegi-Sunter model without
labels and scores blocked pairs on the engine chosen in `engine`, `cluster` turns
pairs into persons while resisting chaining, `runs` versions the run in the store
with stable person ids, `explain` shows why, `evaluate` measures against truth.
"""

from zicht.linkage.cluster import METHODS, ClusterOptions, SuspiciousCluster, cluster_pairs
from zicht.linkage.engine import BACKENDS, EngineError
from zicht.linkage.evaluate import LinkageQuality, linkage_quality
from zicht.linkage.explain import (
    ExplainError,
    FieldWeight,
    PairExplanation,
    PersonExplanation,
    explain_pair,
    explain_person,
    threshold_explanation,
)
from zicht.linkage.frame import linkage_table
from zicht.linkage.pipeline import EngineOptions, LinkResult, link_table
from zicht.linkage.results import (
    ResultsError,
    evaluate,
    export_persons,
    linked_registrations_frame,
    person_table,
    read_truth,
)
from zicht.linkage.runs import LinkageError, LinkRunSummary, run_linkage
from zicht.linkage.threshold import ThresholdChoice, choose_threshold
from zicht.linkage.train import TrainingOptions

__all__ = [
    "BACKENDS",
    "METHODS",
    "ClusterOptions",
    "EngineError",
    "EngineOptions",
    "ExplainError",
    "FieldWeight",
    "LinkResult",
    "LinkRunSummary",
    "LinkageError",
    "LinkageQuality",
    "PairExplanation",
    "PersonExplanation",
    "ResultsError",
    "SuspiciousCluster",
    "ThresholdChoice",
    "TrainingOptions",
    "choose_threshold",
    "cluster_pairs",
    "evaluate",
    "explain_pair",
    "explain_person",
    "export_persons",
    "link_table",
    "linkage_quality",
    "linkage_table",
    "linked_registrations_frame",
    "person_table",
    "read_truth",
    "run_linkage",
    "threshold_explanation",
]
