"""Programme health on /admin/reports: connections that meet, the wait for a first meeting, meetings
per connection and mentors paused for not answering, worked out by hand on planted data."""

from __future__ import annotations

import csv
import io
import itertools
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask

from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.mentoring.models import (
    ACCEPTED,
    DECLINED,
    EXPIRED,
    MENTORING,
    PEER,
    PENDING,
    WITHDRAWN,
    Connection,
    MentoringRequest,
)
from mentormatch.mentoring.pair_models import ACCEPTED as MEETING_ACCEPTED
from mentormatch.mentoring.pair_models import CANCELLED, HELD, CheckIn, Meeting
from mentormatch.reports import health, queries
from mentormatch.web.admin.reports import table_as_csv
from tests.factories import make_member

DAY = timedelta(days=1)
_uids = itertools.count(1)


def meeting(connection: int, status: str, ago: timedelta, minutes: int = 60) -> None:
    db.session.add(
        Meeting(
            connection_id=connection,
            uid=f"health-{next(_uids)}@test",
            status=status,
            starts_at=utcnow() - ago,
            minutes=minutes,
            mode="phone",
        )
    )


def connected(kind: str, first: int, second: int, started_ago: timedelta, ended: bool = False) -> int:
    row = Connection(
        kind=kind,
        first_id=first,
        second_id=second,
        started_at=utcnow() - started_ago,
        ended_at=utcnow() if ended else None,
    )
    db.session.add(row)
    db.session.flush()
    return row.id


def asked(recipient: int, sender: int, status: str, ago: timedelta) -> None:
    sent = utcnow() - ago
    db.session.add(
        MentoringRequest(
            kind=MENTORING,
            sender_id=sender,
            recipient_id=recipient,
            status=status,
            created_at=sent,
            expires_at=sent + 14 * DAY,
        )
    )


@pytest.fixture
def planted(app: Flask) -> None:
    people = [make_member(app, f"Person {n}") for n in range(8)]
    silent = make_member(app, "Silent Mentor", stage="consultant", mentor="paused")
    busy = make_member(app, "Busy Mentor", stage="consultant", mentor="paused")
    approved = make_member(app, "Approved Mentor", stage="consultant", mentor=True)
    with app.app_context():
        # C1, mentoring: first met 10 days after connecting, met again 30 days ago: alive, 2 meetings.
        c1 = connected(MENTORING, people[0], people[1], 100 * DAY)
        meeting(c1, HELD, 90 * DAY)
        meeting(c1, HELD, 30 * DAY)
        # C2, mentoring: an agreed meeting 3 days in, now past: alive, 1 meeting.
        c2 = connected(MENTORING, people[2], people[3], 20 * DAY)
        meeting(c2, MEETING_ACCEPTED, 17 * DAY)
        # C3, peers: a cancelled meeting and one still to come: not met, not alive.
        c3 = connected(PEER, people[4], people[5], 50 * DAY)
        meeting(c3, CANCELLED, 40 * DAY)
        meeting(c3, MEETING_ACCEPTED, -5 * DAY)
        # C4, mentoring, ended: first met 100 days in.
        c4 = connected(MENTORING, people[6], people[7], 200 * DAY, ended=True)
        meeting(c4, HELD, 100 * DAY)
        # Silent: an old acceptance, then three expired (a withdrawal and a pending one don't count).
        asked(silent, people[0], ACCEPTED, 90 * DAY)
        for days in (60, 45, 30):
            asked(silent, people[days // 15], EXPIRED, days * DAY)
        asked(silent, people[6], WITHDRAWN, 20 * DAY)
        asked(silent, people[7], PENDING, 1 * DAY)
        # Busy: two expired, but the latest declined. Approved: three expired, yet not paused.
        asked(busy, people[1], EXPIRED, 50 * DAY)
        asked(busy, people[2], EXPIRED, 40 * DAY)
        asked(busy, people[3], DECLINED, 30 * DAY)
        for days in (50, 40, 30):
            asked(approved, people[days // 10], EXPIRED, days * DAY)
        # Check-ins on C1 and C2: two answers in January, one in March, and one never answered.
        for connection, member, number, score, answered in (
            (c1, people[0], 1, 4, datetime(2026, 1, 10, 9, tzinfo=UTC)),
            (c1, people[1], 1, 5, datetime(2026, 1, 31, 23, tzinfo=UTC)),
            (c2, people[2], 1, 2, datetime(2026, 3, 1, 0, tzinfo=UTC)),
            (c2, people[3], 1, None, None),
        ):
            db.session.add(
                CheckIn(
                    connection_id=connection,
                    member_id=member,
                    number=number,
                    due_on=date(2026, 1, 1),
                    score=score,
                    comment="private words" if score else None,
                    answered_at=answered,
                )
            )
        db.session.commit()


def test_connections_that_met_in_the_last_60_days(app, planted):
    with app.app_context():
        rows = health.alive_connections().rows

    assert rows == [
        ("Mentoring", 2, 2, 100.0),
        ("Peer", 1, 0, 0.0),
        ("All connections", 3, 2, pytest.approx(200 / 3)),
    ]


def test_time_to_the_first_meeting_in_buckets_and_its_median(app, planted):
    with app.app_context():
        buckets = health.first_meeting_wait().rows
        median = health.median_first_meeting().rows

    assert buckets == [
        ("Within a week", 1, 25.0),
        ("1 to 2 weeks", 1, 25.0),
        ("2 to 4 weeks", 0, 0.0),
        ("4 to 8 weeks", 0, 0.0),
        ("Over 8 weeks", 1, 25.0),
        ("Not met yet", 1, 25.0),
        ("All connections", 4, 100.0),
    ]
    # Mentoring connections met after 3, 10 and 100 days: the middle one is 10.
    assert [(label, number) for label, number, _ in median] == [
        ("Mentoring", 3),
        ("Peer", 0),
        ("All connections", 3),
    ]
    assert abs(median[0][2] - 10 * DAY) < timedelta(seconds=2) and median[1][2] is None
    assert abs(median[2][2] - 10 * DAY) < timedelta(seconds=2)


def test_meetings_per_connection(app, planted):
    with app.app_context():
        rows = health.meetings_per_connection().rows

    assert rows == [
        ("None", 1, 0, 1),
        ("1", 1, 1, 2),
        ("2 or 3", 1, 0, 1),
        ("4 to 6", 0, 0, 0),
        ("7 or more", 0, 0, 0),
        ("All connections", 3, 1, 4),
    ]


def test_mentors_paused_for_not_answering(app, planted):
    with app.app_context():
        rows = health.paused_for_not_answering().rows

    assert rows[0] == ("All paused mentors", 2, 100.0)
    assert rows[1][1:] == (1, 50.0) and rows[2][1:] == (1, 50.0)


def test_check_in_scores_by_month_in_aggregate_only(app, planted, client, login_as):
    with app.app_context():
        rows = queries.REPORTS["check-in-scores"]().rows

    assert rows == [("Jan 2026", 2, "4.5"), ("Mar 2026", 1, "2.0"), ("All months", 3, "3.7")]
    login_as("admin")
    assert "private words" not in client.get("/admin/reports").get_data(as_text=True)


def test_the_page_shows_health_with_a_chart_and_the_check_in_scores(app, planted, client, login_as):
    login_as("admin")

    body = client.get("/admin/reports").get_data(as_text=True)

    assert 'id="health-title"' in body and 'id="chart-first-meeting"' in body
    assert "Mentors paused for not answering" in body and "Check-in scores over time" in body
    for name in queries.HEALTH:
        assert f"/admin/reports/{name}.csv" in body


@pytest.mark.parametrize("name", queries.HEALTH)
def test_each_health_csv_matches_its_table(app, planted, client, login_as, name):
    login_as("admin")

    response = client.get(f"/admin/reports/{name}.csv")

    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).removeprefix("\ufeff"))))
    with app.app_context():
        table = queries.REPORTS[name]()
    assert rows == list(csv.reader(io.StringIO(table_as_csv(table)))) and len(rows) == len(table.rows) + 1 > 1


def test_health_tables_are_empty_with_a_sentence_when_nobody_has_connected(app, client, login_as):
    login_as("admin")

    body = client.get("/admin/reports").get_data(as_text=True)

    assert "Nobody is connected at the moment." in body and "No mentor is paused." in body
