"""A network drawn as SVG on the server: no script, so it works under the strict CSP.

Positions come from igraph's Fruchterman-Reingold layout (seeded, so the same network
is drawn the same way twice); colours and shapes say the node's kind, a ring marks an
articulation point (a node whose removal splits the network). Every node has a
`<title>` (its label and kind) for screen readers and hover, and the drawing has a
text alternative: the members table beside it on the page.
"""

from __future__ import annotations

from html import escape

import numpy as np
import pandas as pd

__all__ = ["KIND_COLOURS", "MAX_DRAWN", "draw_svg"]

MAX_DRAWN = 400
KIND_COLOURS = {
    "person": "#d52b1e",
    "suspect": "#154273",
    "employer": "#8fcae7",
    "address": "#39870c",
    "postcode": "#76d2b6",
    "phone": "#e17000",
    "email": "#ffb612",
    "iban": "#a90061",
    "ad": "#42145f",
    "operator": "#673327",
    "licence": "#777c00",
}
_SIZE = 560
_MARGIN = 24


def draw_svg(nodes: pd.DataFrame, edges: pd.DataFrame, title: str, *, seed: int = 1) -> str:
    """The SVG of a network (at most `MAX_DRAWN` nodes, else an empty string).

    Args:
        nodes: `node`, `label`, `kind`, `articulation`.
        edges: `source_node`, `target_node` (one row per drawn edge).
    """
    import igraph as ig

    if len(nodes) == 0 or len(nodes) > MAX_DRAWN:
        return ""
    index = {int(n): i for i, n in enumerate(nodes["node"])}
    pairs = [
        (index[int(a)], index[int(b)])
        for a, b in zip(edges["source_node"], edges["target_node"], strict=True)
        if int(a) in index and int(b) in index
    ]
    graph = ig.Graph(n=len(nodes), edges=pairs)
    # a start on a shuffled circle instead of igraph's global random generator: the same
    # network is drawn the same way in every process
    start = np.random.default_rng(seed).permutation(len(nodes))
    angle = 2 * np.pi * start / len(nodes)
    initial = np.column_stack([np.cos(angle), np.sin(angle)]).tolist()
    layout = graph.layout_fruchterman_reingold(seed=initial, niter=500)
    coords = np.asarray(layout.coords, dtype=float)
    if len(coords) > 1:
        low, high = coords.min(axis=0), coords.max(axis=0)
        span = np.where(high - low > 0, high - low, 1.0)
        coords = _MARGIN + (coords - low) / span * (_SIZE - 2 * _MARGIN)
    else:
        coords = np.full((1, 2), _SIZE / 2)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_SIZE} {_SIZE}" '
        f'width="{_SIZE}" height="{_SIZE}" role="img" aria-labelledby="network-drawing-title">',
        f'<title id="network-drawing-title">{escape(title)}</title>',
        '<g stroke="#767676" stroke-width="1">',
    ]
    for a, b in pairs:
        (x1, y1), (x2, y2) = coords[a], coords[b]
        parts.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}"/>')
    parts.append("</g>")
    for i, row in enumerate(nodes.itertuples()):
        x, y = coords[i]
        colour = KIND_COLOURS.get(str(row.kind), "#000000")
        radius = 8 if row.kind in ("person", "suspect") else 5
        ring = ' stroke="#000000" stroke-width="3"' if bool(row.articulation) else ""
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius}" fill="{colour}"{ring}>'
            f"<title>{escape(str(row.label))} ({escape(str(row.kind))})</title></circle>"
        )
    parts.append("</svg>")
    return "".join(parts)
