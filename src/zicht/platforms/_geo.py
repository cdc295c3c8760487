"""Dutch municipalities (2023 division): CBS code, name, safety region and a centre point.

`municipalities.json` holds the 342 municipalities of the shared reference list with
the area centroid of each computed once from the CBS / Kadaster boundaries
(`nl-municipalities-regions.topo.json`, CC BY 4.0), in degrees WGS 84.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from anyascii import anyascii

__all__ = ["Municipality", "distance_km", "municipalities", "municipality_by_name"]

_EARTH_RADIUS_KM = 6371.0
# Names ads use for municipalities whose official name differs.
_ALIASES = {
    "den haag": "GM0518",
    "the hague": "GM0518",
    "den bosch": "GM0796",
    "hengelo": "GM0164",
    "bergen": "GM0373",
    "rijswijk": "GM0603",
    "middelburg": "GM0687",
    "sittard": "GM1883",
    "geleen": "GM1883",
    "voorburg": "GM1916",
    "leidschendam": "GM1916",
}


@dataclass(frozen=True, slots=True)
class Municipality:
    """A municipality (gemeente) with its safety region and centroid."""

    code: str
    name: str
    safety_region: str
    lat: float
    lon: float


@cache
def municipalities() -> dict[str, Municipality]:
    """All municipalities by CBS code ("GM0363")."""
    raw = json.loads(
        resources.files("zicht.platforms").joinpath("municipalities.json").read_text("utf-8")
    )
    return {
        code: Municipality(code, v["name"], v["safety_region"], v["lat"], v["lon"])
        for code, v in raw.items()
    }


def _name_key(name: str) -> str:
    return " ".join(anyascii(name).casefold().replace("-", " ").replace("'", "").split())


@cache
def _by_name() -> dict[str, Municipality]:
    known = municipalities()
    by_name = {_name_key(m.name): m for m in known.values()}
    by_name.update({alias: known[code] for alias, code in _ALIASES.items()})
    return by_name


@lru_cache(maxsize=1 << 12)
def municipality_by_name(name: str | None) -> Municipality | None:
    """The municipality called `name` (case, accents and hyphens forgiven), if any."""
    if not name:
        return None
    return _by_name().get(_name_key(name))


def distance_km(a: Municipality, b: Municipality) -> float:
    """Great-circle distance between two municipality centroids (haversine)."""
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    dlat = lat2 - lat1
    dlon = math.radians(b.lon - a.lon)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * _EARTH_RADIUS_KM * math.asin(math.sqrt(h))
