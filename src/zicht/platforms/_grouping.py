"""Group ads into operators: links by contact, text template and photo, then clusters.

Every link carries its evidence. Grouping is online: ads are taken one at a time in
the order they were stored (row id), and each is compared only with what came before
it, so a delivery gives the same operators whether it is grouped at once, in chunks
or day by day (`screen_file` keeps the state in the store between chunks):

- a contact (phone, e-mail) links the ad to the first ad with that contact;
- a bucket (ads sharing a template band or a photo band) keeps a few representatives
  of different clusters: a new member is aligned with them (never when it is in one
  cluster with one of them already) and, matching none, becomes one while there is
  room. The number of alignments per ad stays bounded, whatever the size of the store.
  A template match must also hold when each word is weighed by how few of the ad's
  other candidates (its buckets' representatives of other clusters that pass the plain
  test with neither ad of the pair) hold it (`specific_similarity`): boilerplate that
  several other operators write is weak evidence.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass

from zicht.platforms._images import MATCH_DISTANCE, hamming, image_band_keys
from zicht.platforms._operators import Link
from zicht.platforms._templates import (
    TEMPLATE_SHARE,
    TEMPLATE_SIMILARITY,
    specific_similarity,
    template_similarity,
)

__all__ = ["CONTACT_DETAIL", "REPRESENTATIVES", "Grouping", "Node", "group_ads", "link_detail"]

REPRESENTATIVES = 6  # ads of different clusters a bucket's new member is aligned with
CONTACT_DETAIL = "shares a {kind}"


@dataclass(slots=True)
class Node:
    """One ad as grouping sees it (no cleartext contact; words as ids)."""

    row_id: int
    cluster: int | None
    contacts: Sequence[tuple[str, str]]
    words: Sequence[int]
    text_bands: Sequence[str]
    images: Sequence[str]


def link_detail(kind: str, value: int) -> str:
    """The evidence text of a link of `kind` with its `value` (bits, percent)."""
    if kind == "image":
        return f"same photo: PDQ distance {value} of 256 bits (at most {MATCH_DISTANCE})"
    if kind == "template":
        return f"same text template: {value}% of the words align in order"
    return CONTACT_DETAIL.format(kind=kind)


class Grouping:
    """Clusters of ads (by row id) as links join them; an earlier ad's stored cluster
    is a node of its own (`-cluster`), so that ads of one cluster stay together.

    Args:
        words: the words of ads (by row id; the ad in hand last) in one form, for
            template alignment: all as stable 32-bit hashes, or all coded by one
            `WordCodes`.
        images: the PDQ hashes of an ad (by row id).
    """

    def __init__(
        self,
        words: Callable[..., tuple[Sequence[Hashable], ...]],
        images: Callable[[int], Sequence[str]],
    ) -> None:
        self._parent: dict[int, int] = {}
        self._label: dict[int, int] = {}  # root -> smallest row id or cluster id
        self._words = words
        self._images = images
        self._candidates: list[int] = []  # the text representatives of the ad in hand

    def find(self, node: int) -> int:
        """The root of `node`'s cluster."""
        parent = self._parent
        root = node
        while (up := parent.get(root, root)) != root:
            root = up
        while node != root:  # path compression
            parent[node], node = root, parent[node]
        return root

    def union(self, a: int, b: int) -> None:
        """Join the clusters of `a` and `b`."""
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            self._parent[root_b] = root_a
            self._label[root_a] = min(self.label(root_a), self.label(root_b))
            self._label.pop(root_b, None)

    def label(self, root: int) -> int:
        """The cluster id of a root: the smallest row id or stored cluster id in it."""
        return self._label.get(root, abs(root))

    def cluster_of(self, node: int) -> int:
        """The cluster id of an ad (row id) or of a stored cluster (`-cluster`)."""
        return self.label(self.find(node))

    def stored(self, row_id: int, cluster: int | None) -> None:
        """An earlier ad in its stored cluster."""
        if cluster is not None:
            self.union(-cluster, row_id)

    def add(
        self,
        row_id: int,
        firsts: Iterable[tuple[str, int]],
        image_buckets: Iterable[list[int]],
        text_buckets: Iterable[list[int]],
    ) -> tuple[list[Link], list[int]]:
        """Take one ad: its links and the buckets (indexes, images then text) it joined
        as a representative.

        Args:
            firsts: per contact of the ad, its kind and the first ad with it.
            image_buckets, text_buckets: per band key of the ad, the bucket's
                representatives so far (the ad is appended where it becomes one).
        """
        text_buckets = list(text_buckets)
        self._candidates = list(dict.fromkeys(rep for reps in text_buckets for rep in reps))
        links: list[Link] = []
        for kind, first in firsts:
            if first != row_id:
                links.append(Link(first, row_id, kind, CONTACT_DETAIL.format(kind=kind)))
                self.union(first, row_id)
        find = self.find
        root = find(row_id)
        roots: dict[int, int] = {}  # representatives' roots, until the next union
        tried: set[int] = set()
        joined: list[int] = []
        position = -1
        for matches, buckets in (
            (self._same_photo, image_buckets),
            (self._same_template, text_buckets),
        ):
            for representatives in buckets:
                position += 1
                if not representatives:  # a new bucket (most are): no one to align with
                    representatives.append(row_id)
                    joined.append(position)
                    continue
                one_operator = False
                for rep in representatives:
                    rep_root = roots.get(rep)
                    if rep_root is None:
                        rep_root = roots[rep] = find(rep)
                    if rep_root == root:
                        one_operator = True
                        break
                if one_operator:
                    continue  # one operator already: nothing to align
                for rep in representatives:
                    if rep in tried:
                        continue
                    tried.add(rep)
                    evidence = matches(rep, row_id)
                    if evidence is not None:
                        links.append(Link(rep, row_id, *evidence))
                        self.union(rep, row_id)
                        root = find(row_id)
                        roots.clear()
                        break
                else:  # matching none: a representative while there is room
                    if len(representatives) < REPRESENTATIVES:
                        representatives.append(row_id)
                        joined.append(position)
        return links, joined

    def _same_photo(self, a: int, b: int) -> tuple[str, str, int] | None:
        best = min(
            (hamming(x, y) for x in self._images(a) for y in self._images(b)),
            default=MATCH_DISTANCE + 1,
        )
        if best > MATCH_DISTANCE:
            return None
        return "image", link_detail("image", best), best

    def _same_template(self, a: int, b: int) -> tuple[str, str, int] | None:
        words_a, words_b = self._words(a, b)
        similarity = template_similarity(words_a, words_b, at_least=TEMPLATE_SIMILARITY)
        if similarity < TEMPLATE_SIMILARITY:
            return None
        find = self.find
        own = {find(a), find(b)}
        rows = [other for other in self._candidates if other != b and find(other) not in own]
        if rows:
            *texts, words_a, words_b = self._words(*rows, a, b)  # all in one form
            others: dict[int, set[Hashable]] = {}  # per other cluster, its words
            for other, words in zip(rows, texts, strict=True):
                if not (
                    template_similarity(words, words_a, at_least=TEMPLATE_SIMILARITY)
                    or template_similarity(words, words_b, at_least=TEMPLATE_SIMILARITY)
                ):  # one that passes with either ad is as much this template as they are
                    others.setdefault(find(other), set()).update(words)
            if specific_similarity(words_a, words_b, others.values()) < TEMPLATE_SHARE:
                return None
        value = round(similarity * 100)
        return "template", link_detail("template", value), value


def group_ads(nodes: Sequence[Node]) -> tuple[list[int], list[Link]]:
    """Cluster ids (smallest row id or existing cluster id) and the links that made them,
    grouping `nodes` in memory in the order of their row ids (links between indexes)."""
    by_row = {node.row_id: index for index, node in enumerate(nodes)}
    grouping = Grouping(
        lambda *rows: tuple(nodes[by_row[row]].words for row in rows),
        lambda row: nodes[by_row[row]].images,
    )
    firsts: dict[str, int] = {}
    buckets: dict[str, list[int]] = {}
    links: list[Link] = []
    for node in sorted(nodes, key=lambda n: n.row_id):
        grouping.stored(node.row_id, node.cluster)
        own = [(kind, firsts.setdefault(key, node.row_id)) for kind, key in node.contacts]
        images = [key for pdq in node.images for key in image_band_keys(pdq)]
        found, _ = grouping.add(
            node.row_id,
            own,
            [buckets.setdefault(key, []) for key in images],
            [buckets.setdefault(key, []) for key in node.text_bands],
        )
        links += found
    return [grouping.cluster_of(node.row_id) for node in nodes], [
        Link(by_row[k.a], by_row[k.b], k.kind, k.detail, k.value) for k in links
    ]
