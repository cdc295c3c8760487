"""Operators: groups of ads that one hand writes, joined by links that carry evidence.

A link joins two ads for one reason (a shared phone or e-mail address, a text
template, a photo); clusters are the connected components of all links together
(meta-clusters across evidence types). A cluster's id is the smallest stored row id
among its ads, so an existing cluster keeps its id when a new day's ads join it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = ["Link", "cluster_ids", "links_by_shared_key"]


@dataclass(frozen=True, slots=True)
class Link:
    """Two ads (indexes into the node list) joined for one reason."""

    a: int
    b: int
    kind: str
    detail: str
    value: int = 0  # photo: PDQ distance in bits; template: percentage of words aligned


class _Forest:
    """Union-find with path halving."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, node: int) -> int:
        parent = self.parent
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    def union(self, a: int, b: int) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            self.parent[max(root_a, root_b)] = min(root_a, root_b)


def links_by_shared_key(
    keys: Sequence[Iterable[tuple[str, str]]], detail: str = "shares a {kind}"
) -> list[Link]:
    """Links between ads that share a key; each ad is linked to the first with that key.

    Args:
        keys: per ad, its (kind, key) pairs (e.g. ("phone", pseudonym)).
    """
    first: dict[str, int] = {}
    links: list[Link] = []
    for node, own in enumerate(keys):
        for kind, key in own:
            earlier = first.setdefault(key, node)
            if earlier != node:
                links.append(Link(earlier, node, kind, detail.format(kind=kind)))
    return links


def cluster_ids(
    row_ids: Sequence[int], existing: Sequence[int | None], links: Iterable[Link]
) -> list[int]:
    """The cluster id of every node: the smallest row id or existing cluster id it joins.

    Args:
        row_ids: each node's stored row id.
        existing: each node's cluster id so far (None for a new ad); nodes with one
            existing id stay together.
    """
    forest = _Forest(len(row_ids))
    for link in links:
        forest.union(link.a, link.b)
    by_existing: dict[int, int] = {}
    for node, cluster in enumerate(existing):
        if cluster is not None:
            forest.union(by_existing.setdefault(cluster, node), node)
    smallest: dict[int, int] = {}
    for node, row_id in enumerate(row_ids):
        root = forest.find(node)
        earlier = existing[node]
        own = row_id if earlier is None else min(row_id, earlier)
        smallest[root] = min(smallest.get(root, own), own)
    return [smallest[forest.find(node)] for node in range(len(row_ids))]
