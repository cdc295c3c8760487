"""Headline figures and bar charts for the dashboard, small counts suppressed.

Charts are drawn on the server as inline SVG: every chart has a title, a text
description and the table of its values next to it. Counts from 1 to
SMALL_COUNT - 1 are shown as "< SMALL_COUNT" and drawn as no bar.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from zicht.store.linkage import latest_link_run
from zicht.store.web_queries import record_counts
from zicht.web.i18n import Translator

__all__ = ["SMALL_COUNT", "Bar", "Chart", "bar_chart", "dashboard_counts", "shown"]

SMALL_COUNT = 5
_BAR_HEIGHT = 26
_GAP = 8
_WIDTH = 640
_LABEL_WIDTH = 230


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    display: str
    y: int
    width: float
    height: int


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    desc: str
    category: str
    bars: tuple[Bar, ...]
    width: int
    height: int
    label_width: int


def shown(t: Translator, value: int) -> str:
    """A count for display, suppressed when small."""
    if 0 < value < SMALL_COUNT:
        return f"< {SMALL_COUNT}"
    return t.number(value)


def bar_chart(
    t: Translator,
    chart_id: str,
    title: str,
    category: str,
    items: list[tuple[str, float]],
    display: list[str] | None = None,
) -> Chart:
    """A horizontal bar chart of (label, value) pairs; suppressed values get no bar."""
    displays = display or [shown(t, int(value)) for _, value in items]
    drawable = [
        0.0 if text.startswith("<") else float(value)
        for (_, value), text in zip(items, displays, strict=True)
    ]
    top = max(drawable, default=0.0) or 1.0
    room = _WIDTH - _LABEL_WIDTH - 90
    bars = tuple(
        Bar(label, value, text, i * (_BAR_HEIGHT + _GAP), round(room * draw / top, 1), _BAR_HEIGHT)
        for i, ((label, value), text, draw) in enumerate(
            zip(items, displays, drawable, strict=True)
        )
    )
    if bars:
        best = max(bars, key=lambda bar: 0.0 if bar.display.startswith("<") else bar.value)
        desc = t(
            "Bar chart with %(n)s bars; the highest is %(top)s at %(value)s. "
            "The table below gives all values.",
            n=len(bars),
            top=best.label,
            value=best.display,
        )
    else:
        desc = t("No data.")
    height = max(len(bars) * (_BAR_HEIGHT + _GAP), _BAR_HEIGHT)
    return Chart(chart_id, title, desc, category, bars, _WIDTH, height, _LABEL_WIDTH)


def dashboard_counts(engine: Engine) -> dict[str, Any]:
    """The raw counts behind the dashboard (no labels, no suppression)."""
    counts = record_counts(engine)
    run = latest_link_run(engine)
    counts["persons"] = run.persons if run is not None else None
    return counts
