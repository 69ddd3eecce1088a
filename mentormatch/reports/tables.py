"""A report table as the page, the charts and the CSV exports all read it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

# How a column's values are shown: counts, a percentage, a length of time, a date, or words.
COUNT, PERCENT, DURATION, DATE, TEXT = "count", "percent", "duration", "date", "text"


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = COUNT

    @property
    def csv_label(self) -> str:
        """The header in a CSV export, which says the unit a spreadsheet can't infer."""
        if self.kind == DURATION:
            return f"{self.label} (hours)"
        if self.kind == PERCENT:
            return f"{self.label} (%)"
        return self.label


@dataclass
class ReportTable:
    """One table of figures: the first column names each row, the others hold its values."""

    slug: str
    title: str
    columns: tuple[Column, ...]
    rows: list[tuple] = field(default_factory=list)
    empty_message: str = "Nothing to show yet."
    # Rows that sum up the ones above them ("All members"), shown in bold.
    total_rows: int = 0

    def column_values(self, index: int) -> list:
        return [row[index] for row in self.rows]


def format_cell(value: object, kind: str) -> str:
    """A value as the page shows it; '—' where there is none (a median of no answers)."""
    if value is None:
        return "—"
    if kind == COUNT:
        return f"{value:,}"
    if kind == PERCENT:
        return f"{value:.0f}%"
    if kind == DURATION:
        return format_duration(value)
    if kind == DATE:
        return f"{value.day} {value:%b %Y}"
    return str(value)


def csv_cell(value: object, kind: str) -> str | int | float:
    """A value as a CSV export holds it: plain numbers, hours for times, ISO dates."""
    if value is None:
        return ""
    if kind == DURATION:
        return round(value.total_seconds() / 3600, 1)
    if kind == PERCENT:
        return round(value, 1)
    if kind == DATE and isinstance(value, date):
        return value.isoformat()
    return value


def format_duration(value: timedelta) -> str:
    """'2 days 4 hours', '5 hours 10 minutes', 'under a minute': the two largest units."""
    minutes = int(value.total_seconds() // 60)
    if minutes < 1:
        return "under a minute"
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        parts = [(days, "day"), (hours, "hour")]
    elif hours:
        parts = [(hours, "hour"), (minutes, "minute")]
    else:
        parts = [(minutes, "minute")]
    return " ".join(f"{number} {unit}{'s' if number != 1 else ''}" for number, unit in parts if number)
