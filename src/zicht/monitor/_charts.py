"""Static, accessible SVG charts (matplotlib, SVG backend only, deterministic output).

Colours are the Okabe–Ito palette (safe for the common colour-vision deficiencies);
text stays text in the SVG (`svg.fonttype: none`), every chart carries a <title> and
<desc> for screen readers, and the report puts the table behind it right after.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["OKABE_ITO", "Chart", "bar_chart", "trend_chart"]

OKABE_ITO = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",
)
_STYLE = {
    "svg.fonttype": "none",
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


@dataclass(frozen=True)
class Chart:
    """An inline SVG with its text alternative."""

    name: str
    title: str
    description: str
    svg: str


def _render(name: str, title: str, description: str, draw: object) -> Chart:
    import matplotlib
    from cycler import cycler
    from matplotlib.figure import Figure

    style: dict[Any, Any] = dict(_STYLE)
    style.update({"axes.prop_cycle": cycler(color=OKABE_ITO), "svg.hashsalt": name})
    with matplotlib.rc_context(style):
        figure = Figure(figsize=(6.4, 3.2), layout="constrained")
        draw(figure)  # type: ignore[operator]
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    ident = f"chart-{name}"
    # matplotlib numbers its ids per figure; several charts in one page need unique ones.
    svg = re.sub(r'\bid="([^"]+)"', rf'id="{ident}-\1"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", rf"url(#{ident}-\1)", svg)
    svg = re.sub(r'href="#([^"]+)"', rf'href="#{ident}-\1"', svg)
    head_end = svg.index(">") + 1
    head = svg[:head_end]
    head = re.sub(r'\s(width|height)="[^"]*"', "", head, count=2)
    head = head.replace(
        "<svg",
        f'<svg role="img" aria-labelledby="{ident}-title {ident}-desc" class="chart"',
        1,
    )
    accessible = (
        f'<title id="{ident}-title">{html.escape(title)}</title>'
        f'<desc id="{ident}-desc">{html.escape(description)}</desc>'
    )
    # matplotlib's own metadata block would repeat a generic title.
    body = re.sub(r"<metadata>.*?</metadata>\s*", "", svg[head_end:], flags=re.S)
    return Chart(name, title, description, head + accessible + body)


def bar_chart(
    name: str,
    title: str,
    description: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    *,
    number: object,
    suppressed_label: str,
) -> Chart:
    """Horizontal bars; a suppressed value gets no bar, only its mark."""

    def draw(figure: object) -> None:
        axes = figure.subplots()  # type: ignore[attr-defined]
        positions = list(range(len(labels)))[::-1]
        shown = [v if v is not None else 0 for v in values]
        axes.barh(positions, shown, color=OKABE_ITO[0])
        top = max(shown, default=0) or 1
        for y, value in zip(positions, values, strict=True):
            text = suppressed_label if value is None else number(value)  # type: ignore[operator]
            axes.text((value or 0) + top * 0.01, y, text, va="center", fontsize=8)
        axes.set_yticks(positions, labels)
        axes.set_xlim(0, top * 1.15)
        axes.xaxis.set_major_formatter(lambda v, _: number(v))  # type: ignore[operator]
        axes.set_title(title, loc="left", fontsize=10)

    height = max(2.0, 0.28 * len(labels) + 0.9)

    def sized(figure: object) -> None:
        figure.set_size_inches(6.4, height)  # type: ignore[attr-defined]
        draw(figure)

    return _render(name, title, description, sized)


def trend_chart(
    name: str,
    title: str,
    description: str,
    years: Sequence[int],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    number: object,
    band: tuple[str, Sequence[float | None], Sequence[float | None]] | None = None,
    bars: tuple[str, Sequence[float | None]] | None = None,
) -> Chart:
    """Lines over the years, optionally an interval band and a bar series (targets)."""
    markers = ("o", "s", "^", "D", "v")
    styles = ("-", "--", "-.", ":", "-")

    def draw(figure: object) -> None:
        axes = figure.subplots()  # type: ignore[attr-defined]
        if bars is not None:
            label, heights = bars
            axes.bar(
                years,
                [h if h is not None else 0 for h in heights],
                color="#DDDDDD",
                edgecolor="#777777",
                label=label,
                width=0.6,
            )
        if band is not None:
            label, low, high = band
            pairs = [
                (y, lo, hi)
                for y, lo, hi in zip(years, low, high, strict=True)
                if lo is not None and hi is not None
            ]
            if pairs:
                axes.fill_between(
                    [p[0] for p in pairs],
                    [p[1] for p in pairs],
                    [p[2] for p in pairs],
                    color=OKABE_ITO[4],
                    alpha=0.35,
                    label=label,
                    linewidth=0,
                )
        for i, (label, values) in enumerate(series):
            points = [(y, v) for y, v in zip(years, values, strict=True) if v is not None]
            axes.plot(
                [p[0] for p in points],
                [p[1] for p in points],
                marker=markers[i % len(markers)],
                linestyle=styles[i % len(styles)],
                color=OKABE_ITO[i % len(OKABE_ITO)],
                label=label,
            )
        axes.set_xticks(list(years), [str(y) for y in years])
        axes.set_ylim(bottom=0)
        axes.yaxis.set_major_formatter(lambda v, _: number(v))  # type: ignore[operator]
        axes.set_title(title, loc="left", fontsize=10)
        axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=8)

    return _render(name, title, description, draw)
