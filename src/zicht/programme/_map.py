"""The coverage map: an SVG of the 342 municipalities, each shape carrying its CBS code,
shaded by how far it meets the Kader, with a title, a description and a legend. Every
map is shown or written with the table of its values (`coverage`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from zicht.i18n import N_, Translator
from zicht.programme._assessment import Coverage
from zicht.programme._geo import ATTRIBUTION, shapes

__all__ = ["BANDS", "band_of", "coverage_map"]


@dataclass(frozen=True, slots=True)
class Band:
    """A shade of the map: shares from `low` (inclusive) up to `high` (exclusive)."""

    key: str
    label: str
    low: float
    high: float
    fill: str


# Five shades of one hue (sequential, distinguishable without colour by the table), and
# a hatched grey for municipalities that answered nothing.
BANDS: tuple[Band, ...] = (
    Band("none", N_("No answer"), -1.0, 0.0, "#d9d9d9"),
    Band("b0", N_("Less than a quarter met"), 0.0, 0.25, "#eff3ff"),
    Band("b1", N_("A quarter to half met"), 0.25, 0.5, "#bdd7e7"),
    Band("b2", N_("Half to three quarters met"), 0.5, 0.75, "#6baed6"),
    Band("b3", N_("Three quarters or more met"), 0.75, 1.0, "#3182bd"),
    Band("b4", N_("All building blocks met"), 1.0, 2.0, "#08519c"),
)


def band_of(item: Coverage) -> Band:
    """The band of a municipality's coverage."""
    share = item.share
    if share is None:
        return BANDS[0]
    return next(band for band in BANDS[1:] if band.low <= share < band.high)


def coverage_map(t: Translator, per_place: Sequence[Coverage], year: int) -> Markup:
    """The SVG map of `per_place` (every municipality of the reference list once)."""
    drawn, (width, height) = shapes()
    by_code = {item.code: item for item in per_place}
    legend_top = 20
    title = t("Self-assessment %(year)s: building blocks met per municipality", year=year)
    desc = t(
        "Map of the %(n)s municipalities shaded by the share of the building blocks of the "
        "Kader mensenhandel they meet; the table gives every value.",
        n=len(drawn),
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'role="img" aria-labelledby="map-title map-desc" class="coverage-map">',
        f'<title id="map-title">{escape(title)}</title>',
        f'<desc id="map-desc">{escape(desc)}</desc>',
        '<g stroke="#ffffff" stroke-width="0.8">',
    ]
    for shape in drawn:
        item = by_code.get(shape.code)
        band = band_of(item) if item is not None else BANDS[0]
        label = item.name if item is not None else shape.code
        parts.append(
            f'<path d="{shape.path}" fill="{band.fill}" data-code="{shape.code}">'
            f"<title>{escape(label)}: {escape(t(band.label))}</title></path>"
        )
    parts.append("</g>")
    for i, band in enumerate(BANDS):
        y = legend_top + i * 34
        parts.append(
            f'<rect x="20" y="{y}" width="26" height="26" fill="{band.fill}" stroke="#333333"/>'
            f'<text x="56" y="{y + 19}" font-size="20" fill="#1a1a1a">'
            f"{escape(t(band.label))}</text>"
        )
    parts.append(
        f'<text x="{width - 10:.0f}" y="{height - 10:.0f}" font-size="16" text-anchor="end" '
        f'fill="#1a1a1a">{escape(t("Map: %(source)s", source=ATTRIBUTION))}</text>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text in it is escaped above
