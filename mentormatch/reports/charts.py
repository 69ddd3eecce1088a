"""Charts drawn on the server as SVG: no JavaScript, no inline styles, nothing told by colour alone.

Each chart is `role="img"` named by its `<title>` and described by its `<desc>` (which sums the
figures up in words), and the page puts the same figures in a table right below it. The two
series differ in pattern and marker as well as colour: solid against hatched bars, a solid line
with circles against a dashed line with squares, and a legend that shows both. The SVG is built
with ElementTree, so every label is escaped and the markup is always well formed.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import date

from markupsafe import Markup

from mentormatch.reports.tables import ReportTable, format_cell

SVG_NS = "http://www.w3.org/2000/svg"
WIDTH = 720
INK, MUTED, GRID = "#1d252c", "#5b6770", "#cdd5db"
# Both at least 3:1 against white, as WCAG asks of the parts of a chart one needs to read it.
FIRST, SECOND = "#0b5563", "#8a4b00"
FONT_SIZE = "13"


def _element(
    parent: ET.Element | None, tag: str, text: str | None = None, **attributes: object
) -> ET.Element:
    """A child element; attribute names use _ for - (stroke_width → stroke-width)."""
    values = {name.rstrip("_").replace("_", "-"): _number(value) for name, value in attributes.items()}
    element = ET.Element(tag, values) if parent is None else ET.SubElement(parent, tag, values)
    if text is not None:
        element.text = text
    return element


def _number(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.1f}".rstrip("0").rstrip(".")
    return str(value)


def nice_maximum(value: int) -> int:
    """The top of an axis: the value rounded up to 1, 2, 2.5 or 5 times a power of ten (at least 1)."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power and (step * power) == int(step * power):
            return int(step * power)
    return 10 * power


def _ticks(maximum: int) -> list[int]:
    """About four to five evenly spaced whole-number ticks from 0 to `maximum`."""
    step = max(1, math.ceil(maximum / 5))
    while maximum % step:
        step += 1
    return list(range(0, maximum + 1, step))


def _svg(chart_id: str, height: float, title: str, description: str) -> ET.Element:
    svg = _element(
        None,
        "svg",
        xmlns=SVG_NS,
        viewBox=f"0 0 {WIDTH} {_number(height)}",
        role="img",
        aria_labelledby=f"{chart_id}-title {chart_id}-desc",
        id=chart_id,
        class_="chart",
        font_size=FONT_SIZE,
    )
    _element(svg, "title", title, id=f"{chart_id}-title")
    _element(svg, "desc", description, id=f"{chart_id}-desc")
    return svg


def _hatch(svg: ET.Element, pattern_id: str, colour: str) -> str:
    """A diagonal hatching pattern on white; returns the fill that uses it."""
    defs = _element(svg, "defs")
    pattern = _element(
        defs,
        "pattern",
        id=pattern_id,
        width=6,
        height=6,
        patternUnits="userSpaceOnUse",
        patternTransform="rotate(45)",
    )
    _element(pattern, "rect", width=6, height=6, fill="#ffffff")
    _element(pattern, "line", x1=0, y1=0, x2=0, y2=6, stroke=colour, stroke_width=3)
    return f"url(#{pattern_id})"


def _legend(
    svg: ET.Element, entries: Sequence[tuple[str, dict[str, object], str]], x: float, y: float
) -> None:
    """Swatches and their names in a row: (name, swatch attributes, "bar" or "line")."""
    group = _element(svg, "g", class_="chart-legend")
    for name, swatch, shape in entries:
        if shape == "bar":
            _element(group, "rect", x=x, y=y - 10, width=24, height=12, **swatch)
        else:
            _element(group, "line", x1=x, y1=y - 4, x2=x + 24, y2=y - 4, stroke_width=2.5, **swatch)
        _element(group, "text", name, x=x + 30, y=y, fill=INK)
        x += 40 + 7.5 * len(name)


def supply_and_demand_chart(table: ReportTable, chart_id: str = "chart-specialties") -> Markup:
    """A horizontal grouped bar chart: mentees interested against free mentor places, per specialty."""
    rows = table.rows
    label_width, right, top, bar, gap, group = 210, 50, 48, 14, 2, 44
    plot_width = WIDTH - label_width - right
    height = top + group * len(rows) + 36
    maximum = nice_maximum(max([row[1] for row in rows] + [row[4] for row in rows] + [1]))
    short = [row for row in rows if row[4] < row[2]]
    description = (
        f"Horizontal bar chart of {len(rows)} specialt{'y' if len(rows) == 1 else 'ies'}: for each, "
        "the mentees interested in it (solid bars) against the free places of approved mentors in it "
        "(hatched bars). "
    )
    if rows:
        first = rows[0]
        description += f"Most wanted: {first[0]}, {first[1]} mentees interested and {first[4]} free places. "
    if short:
        description += (
            f"{len(short)} specialt{'y has' if len(short) == 1 else 'ies have'} fewer free places "
            "than mentees without a mentor. "
        )
    description += "The figures are in the table below the chart."
    svg = _svg(chart_id, height, table.title, description)
    hatched = _hatch(svg, f"{chart_id}-hatch", SECOND)
    _legend(
        svg,
        [
            ("Mentees interested", {"fill": FIRST}, "bar"),
            ("Free mentor places", {"fill": hatched, "stroke": SECOND}, "bar"),
        ],
        label_width,
        20,
    )

    def x_of(value: int) -> float:
        return label_width + plot_width * value / maximum

    axis = _element(svg, "g", class_="chart-axis")
    bottom = top + group * len(rows)
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
    for index, (label, interested, _without, _mentors, free) in enumerate(rows):
        y = top + index * group
        _element(bars, "text", label, x=label_width - 8, y=y + bar + gap + 4, fill=INK, text_anchor="end")
        for offset, value, name, fill in (
            (0, interested, "mentees interested", {"fill": FIRST}),
            (bar + gap, free, "free mentor places", {"fill": hatched, "stroke": SECOND}),
        ):
            rect = _element(
                bars,
                "rect",
                x=label_width,
                y=y + offset,
                width=max(x_of(value) - label_width, 0.0),
                height=bar,
                class_="chart-bar",
                **fill,
            )
            rect.set("data-value", str(value))
            _element(rect, "title", f"{label}: {value} {name}")
            _element(bars, "text", str(value), x=x_of(value) + 5, y=y + offset + bar - 2, fill=INK)
    return Markup(ET.tostring(svg, encoding="unicode"))  # noqa: S704 (built by ElementTree, which escapes)


def _date_label(day: date) -> str:
    return f"{day.day} {day:%b}"


def requests_per_week_chart(table: ReportTable, chart_id: str = "chart-weeks") -> Markup:
    """A line chart of requests sent (solid, circles) and accepted (dashed, squares) each week."""
    rows = table.rows
    left, right, top, bottom_margin, plot_height = 48, 110, 44, 40, 220
    height = top + plot_height + bottom_margin
    sent = [row[1] for row in rows]
    accepted = [row[2] for row in rows]
    maximum = nice_maximum(max([*sent, *accepted, 1]))
    busiest = max(range(len(rows)), key=lambda i: (sent[i], i)) if rows else 0
    description = "Line chart of the requests sent (solid line, circles) and accepted (dashed line, squares) "
    if rows:
        description += (
            f"each week from the week of {format_cell(rows[0][0], 'date')} to that of "
            f"{format_cell(rows[-1][0], 'date')}: {sum(sent)} sent and {sum(accepted)} accepted in all. "
            f"The busiest week began {format_cell(rows[busiest][0], 'date')}, with {sent[busiest]} sent. "
        )
    description += "The figures are in the table below the chart."
    svg = _svg(chart_id, height, table.title, description)
    _legend(
        svg,
        [
            ("Sent", {"stroke": FIRST}, "line"),
            ("Accepted", {"stroke": SECOND, "stroke_dasharray": "6 4"}, "line"),
        ],
        left,
        20,
    )
    plot_width = WIDTH - left - right
    step = plot_width / max(len(rows) - 1, 1)
    bottom = top + plot_height

    def point(index: int, value: int) -> tuple[float, float]:
        return left + step * index, bottom - plot_height * value / maximum

    axis = _element(svg, "g", class_="chart-axis")
    for tick in _ticks(maximum):
        y = point(0, tick)[1]
        _element(axis, "line", x1=left, y1=y, x2=left + plot_width, y2=y, stroke=GRID)
        _element(axis, "text", format_cell(tick, "count"), x=left - 8, y=y + 4, fill=MUTED, text_anchor="end")
    # Every fourth week, counted back from the latest, so the current week is always labelled.
    for index in range(len(rows) - 1, -1, -4):
        x = point(index, 0)[0]
        _element(axis, "line", x1=x, y1=bottom, x2=x, y2=bottom + 5, stroke=MUTED)
        _element(
            axis, "text", _date_label(rows[index][0]), x=x, y=bottom + 20, fill=MUTED, text_anchor="middle"
        )
    ends: list[tuple[float, str, str]] = []
    for values, name, colour, dashes, marker in (
        (sent, "Sent", FIRST, None, "circle"),
        (accepted, "Accepted", SECOND, "6 4", "square"),
    ):
        series = _element(svg, "g", class_="chart-series", data_series=name.lower())
        points = [point(index, value) for index, value in enumerate(values)]
        line = {"stroke_dasharray": dashes} if dashes else {}
        _element(
            series,
            "polyline",
            points=" ".join(f"{_number(x)},{_number(y)}" for x, y in points),
            fill="none",
            stroke=colour,
            stroke_width=2.5,
            **line,
        )
        for (x, y), value, row in zip(points, values, rows, strict=True):
            if marker == "circle":
                shape = _element(series, "circle", cx=x, cy=y, r=4, fill=colour)
            else:
                shape = _element(series, "rect", x=x - 4, y=y - 4, width=8, height=8, fill=colour)
            _element(shape, "title", f"Week of {format_cell(row[0], 'date')}: {value} {name.lower()}")
        if points:
            ends.append((points[-1][1], f"{name}: {values[-1]}", colour))
    # Direct labels at the end of each line, kept apart when the lines end close together.
    ends.sort()
    if len(ends) == 2 and ends[1][0] - ends[0][0] < 16:
        middle = (ends[0][0] + ends[1][0]) / 2
        ends = [(middle - 8, *ends[0][1:]), (middle + 8, *ends[1][1:])]
    for y, text, _colour in ends:
        _element(svg, "text", text, x=left + plot_width + 10, y=y + 4, fill=INK)
    return Markup(ET.tostring(svg, encoding="unicode"))  # noqa: S704 (built by ElementTree, which escapes)
