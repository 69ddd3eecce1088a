"""Check-in scores over time: how mentorships feel to the people in them, in aggregate only.

Answers to "Is this mentorship helping you?" (1–5) by the month they were given: how many, and
their mean. No row names a person or carries a comment (mentoring/checkins.py keeps it so).
"""

from __future__ import annotations

from mentormatch.mentoring.checkins import score_summary
from mentormatch.reports.tables import TEXT, Column, ReportTable


def check_in_scores() -> ReportTable:
    """Answered check-ins per month, with their mean score, oldest first, and all months together."""
    table = ReportTable(
        "check-in-scores",
        "Check-in scores over time",
        (Column("Month", TEXT), Column("Answers"), Column("Mean score (1 to 5)", TEXT)),
        empty_message="Nobody has answered a check-in yet.",
        total_rows=1,
    )
    months = score_summary()
    if months:
        table.rows = [(f"{month:%b %Y}", count, f"{mean:.1f}") for month, count, mean in months]
        answers = sum(count for _, count, _ in months)
        overall = sum(count * mean for _, count, mean in months) / answers
        table.rows.append(("All months", answers, f"{overall:.1f}"))
    return table
