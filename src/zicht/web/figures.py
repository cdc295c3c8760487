"""Headline figures and bar charts for the dashboard, as published.

Charts are drawn on the server as inline SVG: every chart has a title, a text
description and the table of its values next to it. The counts are those of the one
publication step (`zicht.privacy._publish`, through `zicht.monitor._publication`): a
suppressed count (None) is shown as SUPPRESSED ("x", as in the report) and drawn as no
bar.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Engine

from zicht.monitor import SUPPRESSED, DashboardFigures, dashboard_figures
from zicht.store.linkage import latest_link_run
from zicht.store.web_counts import record_counts
from zicht.web.i18n import Translator

__all__ = ["SUPPRESSED", "Bar", "Chart", "bar_chart", "dashboard_counts", "shown"]
_BAR_HEIGHT = 26
_GAP = 8
_BARS_WIDTH = 410
"""Room right of the labels: the bars and their values."""
_LABEL_MIN, _LABEL_MAX = 120, 360
_CHAR_WIDTH = 8.4
"""A generous width of one character of the 14 px labels (wide letters and digits
included), so that the longest label fits left of its bar instead of being cut off."""
_ELLIPSIS = "…"


def _label_room(labels: Sequence[str]) -> int:
    longest = max((len(label) for label in labels), default=0)
    return int(min(_LABEL_MAX, max(_LABEL_MIN, longest * _CHAR_WIDTH + 16)))


def _fitted(label: str, room: int) -> str:
    # A label too long for the widest label column is shortened; the table below the
    # chart and the bar's own title give it in full.
    chars = int((room - 16) // _CHAR_WIDTH)
    return label if len(label) <= chars else label[: chars - 1].rstrip() + _ELLIPSIS


@dataclass(frozen=True)
class Bar:
    label: str
    short: str
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


def shown(t: Translator, value: int | None) -> str:
    """A published count for display; SUPPRESSED when it is not published."""
    return SUPPRESSED if value is None else t.number(value)


def bar_chart(
    t: Translator,
    chart_id: str,
    title: str,
    category: str,
    items: Sequence[tuple[str, float | None]],
    display: list[str] | None = None,
) -> Chart:
    """A horizontal bar chart of (label, value) pairs; suppressed values (None) get no bar."""
    displays = display or [shown(t, None if v is None else int(v)) for _, v in items]
    drawable = [0.0 if value is None else float(value) for _, value in items]
    top = max(drawable, default=0.0) or 1.0
    label_width = _label_room([label for label, _ in items])
    room = _BARS_WIDTH - 90
    bars = tuple(
        Bar(
            label,
            _fitted(label, label_width),
            draw,
            text,
            i * (_BAR_HEIGHT + _GAP),
            round(room * draw / top, 1),
            _BAR_HEIGHT,
        )
        for i, ((label, _), text, draw) in enumerate(zip(items, displays, drawable, strict=True))
    )
    if bars:
        best = max(bars, key=lambda bar: bar.value)
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
    width = label_width + _BARS_WIDTH
    return Chart(chart_id, title, desc, category, bars, width, height, label_width)


def dashboard_counts(engine: Engine) -> DashboardFigures:
    """The dashboard's counts as published (cells of the report's protected system)."""
    counts = record_counts(engine)
    run = latest_link_run(engine)
    extra = {
        "reports": counts.per_type["report"],
        "open_quarantine": counts.open_quarantine,
        "persons": run.persons if run is not None else None,
    }
    return dashboard_figures(engine, extra)
