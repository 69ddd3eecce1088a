"""The programme's figures: one function per report table, each a few grouped SQL aggregates.

Who counts (the page says so too):
- a member is a verified account, not deleted, that has finished onboarding;
- a mentee is a member at stage rank 0 or 1 (a medical student or a foundation doctor);
- a mentee is matched while they have an active mentoring connection (as its mentee).
Requests and connections count whatever their people have done since, deleted accounts included:
they are the programme's history.
"""

from __future__ import annotations

from collections.abc import Callable

from mentormatch.reports.activity import (
    connections_by_kind,
    mentor_answers,
    requests_by_kind,
    requests_per_week,
    unmatched_mentees,
)
from mentormatch.reports.check_ins import check_in_scores
from mentormatch.reports.connectors import connectors
from mentormatch.reports.events import event_report
from mentormatch.reports.health import (
    alive_connections,
    first_meeting_wait,
    median_first_meeting,
    meetings_per_connection,
    paused_for_not_answering,
)
from mentormatch.reports.members import (
    members_by_region,
    members_by_stage,
    mentors_by_status,
    supply_and_demand,
)
from mentormatch.reports.tables import ReportTable

# Every table, in the page's order, by the name its CSV export goes by.
REPORTS: dict[str, Callable[[], ReportTable]] = {
    "members-by-stage": members_by_stage,
    "members-by-region": members_by_region,
    "mentors": mentors_by_status,
    "requests": requests_by_kind,
    "answer-times": mentor_answers,
    "requests-per-week": requests_per_week,
    "connections": connections_by_kind,
    "mentees": unmatched_mentees,
    "specialties": supply_and_demand,
    "alive": alive_connections,
    "first-meeting-median": median_first_meeting,
    "first-meeting": first_meeting_wait,
    "meetings-per-connection": meetings_per_connection,
    "paused-mentors": paused_for_not_answering,
    "check-in-scores": check_in_scores,
    "connectors": connectors,
    "events": event_report,
}

# The programme health section's tables, in order.
HEALTH: list[str] = [
    "alive",
    "first-meeting-median",
    "first-meeting",
    "meetings-per-connection",
    "paused-mentors",
    "check-in-scores",
]


def all_reports() -> dict[str, ReportTable]:
    """Every report table, freshly computed."""
    return {name: build() for name, build in REPORTS.items()}
