"""Group ads into operators: links by contact, text template and photo, then clusters.

Every link carries its evidence. Candidates within a bucket (ads sharing a template
band or a photo band) are checked against a few representatives of the bucket, and
never when the two ads are already in one cluster: the number of alignments stays
close to the number of ads.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from zicht.platforms._images import MATCH_DISTANCE, hamming, image_band_keys
from zicht.platforms._operators import Link, cluster_ids, links_by_shared_key
from zicht.platforms._templates import TEMPLATE_SIMILARITY, template_similarity

__all__ = ["REPRESENTATIVES", "Node", "group_ads"]

REPRESENTATIVES = 6  # ads of different clusters a bucket's new member is aligned with


@dataclass(slots=True)
class Node:
    """One ad as grouping sees it (no cleartext contact; words as ids)."""

    row_id: int
    cluster: int | None
    contacts: Sequence[tuple[str, str]]
    words: Sequence[int]
    text_bands: Sequence[str]
    images: Sequence[str]


class _Forest:
    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, node: int) -> int:
        parent = self.parent
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    def union(self, a: int, b: int) -> None:
        self.parent[self.find(a)] = self.find(b)


def _bucket_links(
    buckets: dict[str, list[int]],
    forest: _Forest,
    matches: Callable[[int, int], tuple[str, str, int] | None],
) -> list[Link]:
    links: list[Link] = []
    tried: set[tuple[int, int]] = set()
    for members in buckets.values():
        if len(members) < 2:
            continue
        first = forest.find(members[0])
        if all(forest.find(m) == first for m in members):
            continue  # one operator already: nothing to align
        representatives: list[int] = []
        for member in members:
            root = forest.find(member)
            if any(forest.find(r) == root for r in representatives):
                continue
            for rep in representatives:
                pair = (min(rep, member), max(rep, member))
                if pair in tried:
                    continue
                tried.add(pair)
                evidence = matches(rep, member)
                if evidence is not None:
                    links.append(Link(rep, member, *evidence))
                    forest.union(member, rep)
                    break
            else:
                if len(representatives) < REPRESENTATIVES:
                    representatives.append(member)
    return links


def group_ads(nodes: Sequence[Node]) -> tuple[list[int], list[Link]]:
    """Cluster ids (smallest row id or existing cluster id) and the links that made them."""
    forest = _Forest(len(nodes))
    by_cluster: dict[int, int] = {}
    for index, node in enumerate(nodes):
        if node.cluster is not None:
            forest.union(index, by_cluster.setdefault(node.cluster, index))
    links = links_by_shared_key([node.contacts for node in nodes])
    for link in links:
        forest.union(link.a, link.b)

    def same_photo(a: int, b: int) -> tuple[str, str, int] | None:
        best = min(
            (hamming(x, y) for x in nodes[a].images for y in nodes[b].images),
            default=MATCH_DISTANCE + 1,
        )
        if best > MATCH_DISTANCE:
            return None
        detail = f"same photo: PDQ distance {best} of 256 bits (at most {MATCH_DISTANCE})"
        return "image", detail, best

    def same_template(a: int, b: int) -> tuple[str, str, int] | None:
        similarity = template_similarity(nodes[a].words, nodes[b].words)
        if similarity < TEMPLATE_SIMILARITY:
            return None
        detail = f"same text template: {similarity:.0%} of the words align in order"
        return "template", detail, round(similarity * 100)

    image_buckets: dict[str, list[int]] = {}
    text_buckets: dict[str, list[int]] = {}
    for index, node in enumerate(nodes):
        for pdq in node.images:
            for key in image_band_keys(pdq):
                image_buckets.setdefault(key, []).append(index)
        for key in node.text_bands:
            text_buckets.setdefault(key, []).append(index)
    links += _bucket_links(image_buckets, forest, same_photo)
    links += _bucket_links(text_buckets, forest, same_template)
    ids = cluster_ids([n.row_id for n in nodes], [n.cluster for n in nodes], links)
    return ids, links
