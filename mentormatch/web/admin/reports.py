"""Programme reports at /admin/reports: tables, SVG charts and a CSV export of each table."""

from __future__ import annotations

import csv
import io

from flask import Response, abort, render_template
from flask.typing import ResponseReturnValue

from mentormatch.core.database import utcnow
from mentormatch.core.vocabulary import STAGE_BY_CODE
from mentormatch.reports.charts import requests_per_week_chart, supply_and_demand_chart
from mentormatch.reports.health import ALIVE_DAYS
from mentormatch.reports.health_charts import bar_chart
from mentormatch.reports.queries import HEALTH, REPORTS, all_reports
from mentormatch.reports.sql import MENTEE_STAGES, WEEKS
from mentormatch.reports.tables import ReportTable, csv_cell, format_cell
from mentormatch.web.admin import admin_required, bp

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection, OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@bp.route("/reports")
@admin_required
def reports() -> ResponseReturnValue:
    """The programme's figures: members, mentors, requests, connections, supply and demand."""
    tables = all_reports()
    charts = {
        "specialties": supply_and_demand_chart(tables["specialties"]) if tables["specialties"].rows else None,
        "requests-per-week": (
            requests_per_week_chart(tables["requests-per-week"]) if tables["requests-per-week"].rows else None
        ),
        "first-meeting": (
            bar_chart(tables["first-meeting"], "chart-first-meeting", "connections")
            if tables["first-meeting"].rows
            else None
        ),
    }
    return render_template(
        "admin/reports.html",
        tables=tables,
        charts=charts,
        weeks=WEEKS,
        health=HEALTH,
        alive_days=ALIVE_DAYS,
        mentee_stages=[STAGE_BY_CODE[code].label for code in MENTEE_STAGES],
        generated_at=utcnow(),
        format_cell=format_cell,
    )


@bp.route("/reports/<name>.csv")
@admin_required
def report_csv(name: str) -> ResponseReturnValue:
    """One report table as a CSV file (UTF-8 with a byte-order mark, so Excel reads it right)."""
    build = REPORTS.get(name)
    if build is None:
        abort(404)
    filename = f"mentormatch-{name}-{utcnow():%Y-%m-%d}.csv"
    return Response(
        "\ufeff" + table_as_csv(build()),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )


def table_as_csv(table: ReportTable) -> str:
    """The table's header and rows as CSV text, every text cell defused against formula injection."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(defuse(column.csv_label) for column in table.columns)
    for row in table.rows:
        writer.writerow(
            defuse(csv_cell(value, column.kind)) for value, column in zip(row, table.columns, strict=True)
        )
    return out.getvalue()


def defuse(value: str | int | float) -> str | int | float:
    """A text cell a spreadsheet would take for a formula gets a leading apostrophe; numbers stay."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
