"""The chain's graph: victims, suspects, employers, identifiers, ads and operators.

Built from the store as a versioned run (`build_network`), analysed with igraph and
Leiden (components, communities, brokers and bridges), ranked by risk with reasons,
compared with the previous run, exported for Gephi and i2 Analyst's Notebook
(`export_network`, audited), and evaluated against a synthetic world's truth
(`evaluate_run`). See docs/network.md.
"""

from zicht.network._analysis import Structure, analyse, hub_fence, specificity, weighted_pairs
from zicht.network._build import Evidence, GraphInputs, collect_evidence
from zicht.network._change import CHANGES, compare_runs
from zicht.network._drawing import KIND_COLOURS, MAX_DRAWN, draw_svg
from zicht.network._evaluate import (
    EvaluationError,
    adjusted_rand,
    evaluate_run,
    mutual_information,
    pairs,
    recoverable,
)
from zicht.network._export import ExportSummary, export_network
from zicht.network._formats import EDGE_ATTRIBUTES, FORMATS, NODE_ATTRIBUTES, write_graph
from zicht.network._identifiers import HARD_KINDS, IDENTIFIER_KINDS, normal_identifier
from zicht.network._identities import node_identities
from zicht.network._ranking import REASONS, RECENT_DAYS, rank_networks
from zicht.network._runs import (
    NetworkError,
    NetworkRunSummary,
    analyse_evidence,
    build_network,
)
from zicht.network._texts import CHANGE_TEXTS, KIND_TEXTS, reason_text
from zicht.network._views import (
    NetworkDetail,
    RunNotFound,
    graph_edges,
    network_detail,
    ranking,
    resolve_run,
)

__all__ = [
    "CHANGES",
    "CHANGE_TEXTS",
    "EDGE_ATTRIBUTES",
    "FORMATS",
    "HARD_KINDS",
    "IDENTIFIER_KINDS",
    "KIND_COLOURS",
    "KIND_TEXTS",
    "MAX_DRAWN",
    "NODE_ATTRIBUTES",
    "REASONS",
    "RECENT_DAYS",
    "EvaluationError",
    "Evidence",
    "ExportSummary",
    "GraphInputs",
    "NetworkDetail",
    "NetworkError",
    "NetworkRunSummary",
    "RunNotFound",
    "Structure",
    "adjusted_rand",
    "analyse",
    "analyse_evidence",
    "build_network",
    "collect_evidence",
    "compare_runs",
    "draw_svg",
    "evaluate_run",
    "export_network",
    "graph_edges",
    "hub_fence",
    "mutual_information",
    "network_detail",
    "node_identities",
    "normal_identifier",
    "pairs",
    "rank_networks",
    "ranking",
    "reason_text",
    "recoverable",
    "resolve_run",
    "specificity",
    "weighted_pairs",
    "write_graph",
]
