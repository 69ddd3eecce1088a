"""Programme health charts: one series of horizontal bars, drawn like the other report charts."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from markupsafe import Markup

from mentormatch.reports.charts import FIRST, GRID, INK, MUTED, WIDTH, _element, _svg, _ticks, nice_maximum
from mentormatch.reports.tables import ReportTable, format_cell


def bar_chart(table: ReportTable, chart_id: str, what: str) -> Markup:
    """Horizontal bars of the table's first figure column, one per row (total rows left out)."""
    rows = table.rows[: len(table.rows) - table.total_rows]
    label_width, right, top, bar, group = 210, 60, 20, 18, 30
    plot_width = WIDTH - label_width - right
    bottom = top + group * len(rows)
    maximum = nice_maximum(max([row[1] for row in rows] + [1]))
    description = (
        f"Horizontal bar chart of {what}: "
        + "; ".join(f"{row[0]}, {format_cell(row[1], 'count')}" for row in rows)
        + ". The figures are in the table below the chart."
    )
    svg = _svg(chart_id, bottom + 30, table.title, description)

    def x_of(value: int) -> float:
        return label_width + plot_width * value / maximum

    axis = _element(svg, "g", class_="chart-axis")
    for tick in _ticks(maximum):
        _element(axis, "line", x1=x_of(tick), y1=top - 6, x2=x_of(tick), y2=bottom, stroke=GRID)
        _element(
            axis,
            "text",
            format_cell(tick, "count"),
            x=x_of(tick),
            y=bottom + 18,
            fill=MUTED,
            text_anchor="middle",
        )
    bars = _element(svg, "g", class_="chart-bars")
    for index, row in enumerate(rows):
        label, value = row[0], row[1]
        y = top + index * group
        _element(bars, "text", label, x=label_width - 8, y=y + bar - 4, fill=INK, text_anchor="end")
        rect = _element(
            bars,
            "rect",
            x=label_width,
            y=y,
            width=max(x_of(value) - label_width, 0.0),
            height=bar,
            class_="chart-bar",
            fill=FIRST,
        )
        rect.set("data-value", str(value))
        _element(rect, "title", f"{label}: {value} {what}")
        _element(bars, "text", str(value), x=x_of(value) + 5, y=y + bar - 4, fill=INK)
    return Markup(ET.tostring(svg, encoding="unicode"))  # noqa: S704 (built by ElementTree, which escapes)
