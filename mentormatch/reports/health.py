"""Programme health: are connections alive? Meetings, the wait for a first one, and mentors paused.

A meeting counts once it has taken place: logged as held, or agreed and its time has passed.
Each table is one or two grouped queries, however many connections there are.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, case, func, or_, select

from mentormatch.accounts.models import User
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.mentoring.models import ACCEPTED, DECLINED, EXPIRED, MENTORING, Connection, MentoringRequest
from mentormatch.mentoring.pair_models import ACCEPTED as MEETING_ACCEPTED
from mentormatch.mentoring.pair_models import HELD, Meeting
from mentormatch.mentors.models import PAUSED
from mentormatch.profiles.models import Profile
from mentormatch.reports.sql import KIND_LABELS, count_if
from mentormatch.reports.tables import DURATION, PERCENT, TEXT, Column, ReportTable

ALIVE_DAYS = 60
# How long after connecting the first meeting took place: (label, up to this many days).
FIRST_MEETING_BUCKETS = (
    ("Within a week", 7),
    ("1 to 2 weeks", 14),
    ("2 to 4 weeks", 28),
    ("4 to 8 weeks", 56),
    ("Over 8 weeks", None),
)
# Meetings a connection has had: (label, at least, at most).
MEETING_COUNT_BUCKETS = (
    ("None", 0, 0),
    ("1", 1, 1),
    ("2 or 3", 2, 3),
    ("4 to 6", 4, 6),
    ("7 or more", 7, None),
)
# Requests in a row left to expire that count as a mentor not answering (issue 14's nudges).
UNANSWERED_IN_A_ROW = 3


def took_place(now: datetime) -> ColumnElement[bool]:
    """A meeting logged as held, or agreed and its time now past."""
    return or_(Meeting.status == HELD, and_(Meeting.status == MEETING_ACCEPTED, Meeting.starts_at < now))


def _seconds_between(start: ColumnElement[datetime], end: ColumnElement[datetime]) -> ColumnElement[float]:
    if db.engine.dialect.name == "sqlite":
        return (func.julianday(end) - func.julianday(start)) * 86400.0
    return func.extract("epoch", end - start)


def _by_kind(found: dict[str, tuple], width: int) -> list[tuple]:
    rows = [(label, *found.get(kind, (0,) * width)) for kind, label in KIND_LABELS.items()]
    rows.append(("All connections", *(sum(row[i] for row in rows) for i in range(1, width + 1))))
    return rows


def _grouped(rows, aggregates):
    """Rows labelled by a computed `bucket`, counted per bucket. Grouping on a subquery's column, not
    the CASE itself: PostgreSQL would see the CASE's bound parameters twice, as different expressions."""
    inner = rows.subquery()
    return select(inner.c.bucket, *aggregates(inner)).group_by(inner.c.bucket)


def alive_connections(now: datetime | None = None) -> ReportTable:
    """Current connections with a meeting in the last 60 days: how many, and their share."""
    now = now or utcnow()
    table = ReportTable(
        "alive",
        f"Current connections with a meeting in the last {ALIVE_DAYS} days",
        (
            Column("Kind", TEXT),
            Column("Current connections"),
            Column(f"Met in the last {ALIVE_DAYS} days"),
            Column("Share that met", PERCENT),
        ),
        empty_message="Nobody is connected at the moment.",
        total_rows=1,
    )
    met = (
        select(Meeting.connection_id)
        .where(took_place(now), Meeting.starts_at >= now - timedelta(days=ALIVE_DAYS))
        .distinct()
        .scalar_subquery()
    )
    found = {
        kind: (int(current), int(alive))
        for kind, current, alive in db.session.execute(
            select(Connection.kind, func.count(), count_if(Connection.id.in_(met)))
            .where(Connection.ended_at.is_(None))
            .group_by(Connection.kind)
        )
    }
    if found:
        table.rows = [(*row, 100 * row[2] / row[1] if row[1] else None) for row in _by_kind(found, 2)]
    return table


def _first_meetings(now: datetime):
    """Each connection that has met, with the seconds from connecting to its first meeting."""
    first = (
        select(Meeting.connection_id, func.min(Meeting.starts_at).label("first_at"))
        .where(took_place(now))
        .group_by(Meeting.connection_id)
        .subquery()
    )
    seconds = _seconds_between(Connection.started_at, first.c.first_at)
    return first, seconds


def first_meeting_wait(now: datetime | None = None) -> ReportTable:
    """How long connections waited for their first meeting, in buckets (and those not met yet)."""
    now = now or utcnow()
    table = ReportTable(
        "first-meeting",
        "Time from connecting to the first meeting",
        (Column("First meeting", TEXT), Column("Connections"), Column("Share", PERCENT)),
        empty_message="Nobody has connected yet.",
        total_rows=1,
    )
    first, seconds = _first_meetings(now)
    whens = [(seconds <= days * 86400, label) for label, days in FIRST_MEETING_BUCKETS if days is not None]
    bucket = case((first.c.first_at.is_(None), "Not met yet"), *whens, else_=FIRST_MEETING_BUCKETS[-1][0])
    found = {
        label: int(number)
        for label, number in db.session.execute(
            _grouped(
                select(bucket.label("bucket"))
                .select_from(Connection)
                .outerjoin(first, first.c.connection_id == Connection.id),
                lambda rows: (func.count(),),
            )
        )
    }
    total = sum(found.values())
    if total:
        labels = [label for label, _ in FIRST_MEETING_BUCKETS] + ["Not met yet"]
        table.rows = [(label, found.get(label, 0), 100 * found.get(label, 0) / total) for label in labels]
        table.rows.append(("All connections", total, 100.0))
    return table


def median_first_meeting(now: datetime | None = None) -> ReportTable:
    """The median time from connecting to the first meeting, by kind, over connections that have met."""
    now = now or utcnow()
    table = ReportTable(
        "first-meeting-median",
        "Median time to the first meeting",
        (Column("Kind", TEXT), Column("Connections that have met"), Column("Median time", DURATION)),
        empty_message="No connection has met yet.",
        total_rows=1,
    )
    first, seconds = _first_meetings(now)
    joined = select(Connection.kind, seconds.label("seconds")).join(
        first, first.c.connection_id == Connection.id
    )
    rows = []
    for label, kinds in [
        *((label, (kind,)) for kind, label in KIND_LABELS.items()),
        ("All connections", tuple(KIND_LABELS)),
    ]:
        met = joined.where(Connection.kind.in_(kinds)).subquery()
        number = db.session.scalar(select(func.count()).select_from(met)) or 0
        middle = (
            db.session.scalars(
                select(met.c.seconds)
                .order_by(met.c.seconds)
                .offset(max(number - 1, 0) // 2)
                .limit(2 - number % 2)
            ).all()
            if number
            else []
        )
        median = timedelta(seconds=round(max(sum(map(float, middle)) / len(middle), 0))) if middle else None
        rows.append((label, number, median))
    if rows[-1][1]:
        table.rows = rows
    return table


def meetings_per_connection(now: datetime | None = None) -> ReportTable:
    """Connections by how many meetings they have had, current and ended."""
    now = now or utcnow()
    table = ReportTable(
        "meetings-per-connection",
        "Meetings per connection",
        (
            Column("Meetings held", TEXT),
            Column("Current connections"),
            Column("Ended connections"),
            Column("All"),
        ),
        empty_message="Nobody has connected yet.",
        total_rows=1,
    )
    held = (
        select(Meeting.connection_id, func.count().label("meetings"))
        .where(took_place(now))
        .group_by(Meeting.connection_id)
        .subquery()
    )
    meetings = func.coalesce(held.c.meetings, 0)
    bucket = case(
        *((meetings <= most, label) for label, _, most in MEETING_COUNT_BUCKETS if most is not None),
        else_=MEETING_COUNT_BUCKETS[-1][0],
    )
    found = {
        label: (int(current), int(ended))
        for label, current, ended in db.session.execute(
            _grouped(
                select(bucket.label("bucket"), Connection.ended_at.is_(None).label("current"))
                .select_from(Connection)
                .outerjoin(held, held.c.connection_id == Connection.id),
                lambda rows: (count_if(rows.c.current), count_if(~rows.c.current)),
            )
        )
    }
    if found:
        rows = [(label, *found.get(label, (0, 0))) for label, _, _ in MEETING_COUNT_BUCKETS]
        rows.append(("All connections", sum(row[1] for row in rows), sum(row[2] for row in rows)))
        table.rows = [(*row, row[1] + row[2]) for row in rows]
    return table


def paused_for_not_answering() -> ReportTable:
    """Paused mentors, and those of them whose last three mentoring requests all expired unanswered.

    Pausing keeps no reason, so "for not answering" is read from the requests: a paused mentor whose
    latest three answerable requests (accepted, declined or expired) all expired.
    """
    table = ReportTable(
        "paused-mentors",
        "Mentors paused for not answering",
        (Column("Mentors", TEXT), Column("Number"), Column("Share of paused mentors", PERCENT)),
        empty_message="No mentor is paused.",
    )
    ranked = (
        select(
            MentoringRequest.recipient_id,
            MentoringRequest.status,
            func.row_number()
            .over(
                partition_by=MentoringRequest.recipient_id,
                order_by=(MentoringRequest.created_at.desc(), MentoringRequest.id.desc()),
            )
            .label("latest"),
        )
        .where(MentoringRequest.kind == MENTORING, MentoringRequest.status.in_((ACCEPTED, DECLINED, EXPIRED)))
        .subquery()
    )
    silent = (
        select(ranked.c.recipient_id)
        .where(ranked.c.latest <= UNANSWERED_IN_A_ROW)
        .group_by(ranked.c.recipient_id)
        .having(count_if(ranked.c.status == EXPIRED) == UNANSWERED_IN_A_ROW)
    )
    paused, unanswered = db.session.execute(
        select(func.count(), count_if(Profile.user_id.in_(silent)))
        .select_from(Profile)
        .join(User, User.id == Profile.user_id)
        .where(Profile.mentor_status == PAUSED, User.deleted_at.is_(None))
    ).one()
    paused, unanswered = int(paused or 0), int(unanswered or 0)
    if paused:
        table.rows = [
            ("All paused mentors", paused, 100.0),
            (
                f"Paused, their last {UNANSWERED_IN_A_ROW} requests expired unanswered",
                unanswered,
                100 * unanswered / paused,
            ),
            (
                "Paused for another reason (their own choice)",
                paused - unanswered,
                100 * (paused - unanswered) / paused,
            ),
        ]
    return table
