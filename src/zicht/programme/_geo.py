"""The municipalities' shapes for the map (2023 division, as `zicht.standard._municipalities`).

`nl-municipalities-regions.topo.json` is the shared reference map (342 municipalities).
Boundaries: CBS / Kadaster (CC BY 4.0), as simplified for the government's coronavirus
dashboard (EUPL-1.2).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["ATTRIBUTION", "Shape", "shapes"]

ATTRIBUTION = "CBS / Kadaster (CC BY 4.0)"
# Degrees of longitude are shorter than degrees of latitude at the Netherlands' 52.2° N.
_X_STRETCH = math.cos(math.radians(52.2))


@dataclass(frozen=True, slots=True)
class Shape:
    """A municipality's outline as SVG path data in map units (width 1000)."""

    code: str
    path: str


def _read(name: str) -> str:
    return resources.files("zicht.programme").joinpath(name).read_text("utf-8")


def _arcs(topology: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """The topology's arcs in degrees (TopoJSON delta-encoded, quantised arcs)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    decoded = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        decoded.append(points)
    return decoded


def _ring(arcs: list[list[tuple[float, float]]], indexes: list[int]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


@cache
def shapes() -> tuple[tuple[Shape, ...], tuple[float, float]]:
    """Every municipality's outline and the map's (width, height), width 1000 units."""
    topology = json.loads(_read("nl-municipalities-regions.topo.json"))
    arcs = _arcs(topology)
    polygons: dict[str, list[list[tuple[float, float]]]] = {}
    for geometry in topology["objects"]["gm_features"]["geometries"]:
        parts = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        polygons[geometry["properties"]["code"]] = [
            _ring(arcs, ring) for polygon in parts for ring in polygon
        ]
    xs = [x for rings in polygons.values() for ring in rings for x, _ in ring]
    ys = [y for rings in polygons.values() for ring in rings for _, y in ring]
    west, east, south, north = min(xs), max(xs), min(ys), max(ys)
    scale = 1000 / ((east - west) * _X_STRETCH)
    height = (north - south) * scale

    def point(x: float, y: float) -> str:
        return f"{(x - west) * _X_STRETCH * scale:.0f},{(north - y) * scale:.0f}"

    drawn = tuple(
        Shape(
            code,
            " ".join("M" + " L".join(point(x, y) for x, y in ring) + "Z" for ring in rings),
        )
        for code, rings in polygons.items()
    )
    return drawn, (1000.0, round(height, 1))
