"""What members do: requests, answers, connections, unmatched mentees, requests per week."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, Date, and_, cast, exists, func, literal_column, select

from mentormatch.accounts.models import User
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.mentoring.models import (
    ACCEPTED,
    DECLINED,
    EXPIRED,
    MENTORING,
    PENDING,
    WITHDRAWN,
    Connection,
    MentoringRequest,
)
from mentormatch.profiles.models import Profile
from mentormatch.reports.sql import (
    KIND_LABELS,
    MENTEE_STAGES,
    WEEKS,
    count_if,
    counted,
    has_mentor,
    stage_label,
)
from mentormatch.reports.tables import DATE, DURATION, PERCENT, TEXT, Column, ReportTable


def requests_by_kind() -> ReportTable:
    """Requests sent, by kind, and what became of them."""
    outcomes = (ACCEPTED, DECLINED, WITHDRAWN, EXPIRED, PENDING)
    table = ReportTable(
        "requests",
        "Requests sent and what became of them",
        (
            Column("Kind", TEXT),
            Column("Sent"),
            Column("Accepted"),
            Column("Declined"),
            Column("Withdrawn"),
            Column("Expired"),
            Column("Waiting for an answer"),
            Column("Accepted, of those sent", PERCENT),
        ),
        empty_message="No requests have been sent yet.",
        total_rows=1,
    )
    counts: dict[tuple[str, str], int] = {
        (kind, status): int(number)
        for kind, status, number in db.session.execute(
            select(MentoringRequest.kind, MentoringRequest.status, func.count()).group_by(
                MentoringRequest.kind, MentoringRequest.status
            )
        )
    }
    if not counts:
        return table

    def row(label: str, kinds: tuple[str, ...]) -> tuple:
        sent = sum(number for (kind, _), number in counts.items() if kind in kinds)
        by_outcome = [sum(counts.get((kind, status), 0) for kind in kinds) for status in outcomes]
        return (label, sent, *by_outcome, 100 * by_outcome[0] / sent if sent else None)

    table.rows = [row(label, (kind,)) for kind, label in KIND_LABELS.items()]
    table.rows.append(row("All requests", tuple(KIND_LABELS)))
    return table


def _answer_seconds() -> ColumnElement[float]:
    """decided_at − created_at in seconds, in the database's own date arithmetic."""
    if db.engine.dialect.name == "sqlite":
        return (
            func.julianday(MentoringRequest.decided_at) - func.julianday(MentoringRequest.created_at)
        ) * 86400.0
    return func.extract("epoch", MentoringRequest.decided_at - MentoringRequest.created_at)


def median_answer_time(statuses: tuple[str, ...]) -> tuple[int, timedelta | None]:
    """How many mentoring requests mentors answered with one of `statuses`, and the median time they took.

    SQLite has no percentile function, so both databases count the answers, then read just the
    middle one or two in order (ORDER BY … OFFSET): nothing but those reaches Python.
    """
    seconds = _answer_seconds()
    answered = (
        MentoringRequest.kind == MENTORING,
        MentoringRequest.status.in_(statuses),
        MentoringRequest.decided_at.is_not(None),
    )
    number = db.session.scalar(select(func.count()).select_from(MentoringRequest).where(*answered)) or 0
    if not number:
        return 0, None
    middle = db.session.scalars(
        select(seconds).where(*answered).order_by(seconds).offset((number - 1) // 2).limit(2 - number % 2)
    ).all()
    return number, timedelta(seconds=round(sum(float(value) for value in middle) / len(middle)))


def mentor_answers() -> ReportTable:
    """The median time from a mentoring request to the mentor's answer, accepting or declining."""
    table = ReportTable(
        "answer-times",
        "Time to a mentor's answer",
        (Column("Answer", TEXT), Column("Requests answered"), Column("Median time to answer", DURATION)),
        empty_message="No mentor has answered a mentoring request yet.",
        total_rows=1,
    )
    rows = [
        ("Accepted", *median_answer_time((ACCEPTED,))),
        ("Declined", *median_answer_time((DECLINED,))),
        ("All answers", *median_answer_time((ACCEPTED, DECLINED))),
    ]
    if rows[-1][1]:
        table.rows = rows
    return table


def connections_by_kind() -> ReportTable:
    """Connections active now and ended, by kind."""
    table = ReportTable(
        "connections",
        "Connections",
        (Column("Kind", TEXT), Column("Active"), Column("Ended")),
        empty_message="Nobody is connected yet.",
        total_rows=1,
    )
    found = {
        kind: (int(active), int(ended))
        for kind, active, ended in db.session.execute(
            select(
                Connection.kind,
                count_if(Connection.ended_at.is_(None)),
                count_if(Connection.ended_at.is_not(None)),
            ).group_by(Connection.kind)
        )
    }
    if not found:
        return table
    table.rows = [(label, *found.get(kind, (0, 0))) for kind, label in KIND_LABELS.items()]
    table.rows.append(("All connections", *(sum(row[i] for row in table.rows) for i in (1, 2))))
    return table


def unmatched_mentees() -> ReportTable:
    """Mentees with and without a mentor, by stage; of those without, how many wait for an answer."""
    table = ReportTable(
        "mentees",
        "Mentees with and without a mentor",
        (
            Column("Career stage", TEXT),
            Column("Mentees"),
            Column("With a mentor"),
            Column("Without a mentor"),
            Column("Without a mentor, waiting for an answer"),
        ),
        empty_message="No mentees yet: no medical student or foundation doctor has finished onboarding.",
        total_rows=1,
    )
    mentored = has_mentor()
    waiting = exists().where(
        MentoringRequest.kind == MENTORING,
        MentoringRequest.sender_id == User.id,
        MentoringRequest.status == PENDING,
    )
    found = {
        stage: (int(mentees), int(matched), int(mentees) - int(matched), int(asked))
        for stage, mentees, matched, asked in db.session.execute(
            select(User.career_stage, func.count(), count_if(mentored), count_if(and_(~mentored, waiting)))
            .join(Profile, Profile.user_id == User.id)
            .where(*counted(), User.career_stage.in_(MENTEE_STAGES))
            .group_by(User.career_stage)
        )
    }
    if not found:
        return table
    table.rows = [(stage_label(code), *found.get(code, (0, 0, 0, 0))) for code in MENTEE_STAGES]
    table.rows.append(("All mentees", *(sum(row[i] for row in table.rows) for i in (1, 2, 3, 4))))
    return table


def _week_start(column: ColumnElement[datetime]) -> ColumnElement[date]:
    """The Monday (UTC) of the week a timestamp falls in. Literal SQL arguments, not bound parameters,
    so that PostgreSQL sees the SELECT and GROUP BY expressions as the same."""
    if db.engine.dialect.name == "sqlite":
        # SQLite stores UTC; 'weekday 0' moves to the next Sunday (or stays), then back six days.
        return func.date(column, literal_column("'weekday 0'"), literal_column("'-6 days'"))
    return cast(
        func.date_trunc(literal_column("'week'"), func.timezone(literal_column("'UTC'"), column)), Date
    )


def _per_week(column: ColumnElement[datetime], since: datetime, *conditions: ColumnElement[bool]) -> dict:
    week = _week_start(column)
    found = db.session.execute(
        select(week, func.count()).where(column >= since, *conditions).group_by(week)
    ).all()
    return {(date.fromisoformat(day) if isinstance(day, str) else day): int(number) for day, number in found}


def requests_per_week(now: datetime | None = None) -> ReportTable:
    """Requests sent, and requests accepted, in each of the last 26 weeks (Monday to Sunday, UTC)."""
    table = ReportTable(
        "requests-per-week",
        f"Requests sent and accepted each week, last {WEEKS} weeks",
        (Column("Week beginning", DATE), Column("Sent"), Column("Accepted")),
        empty_message=f"No requests were sent or accepted in the last {WEEKS} weeks.",
    )
    today = (now or utcnow()).astimezone(UTC).date()
    first = today - timedelta(days=today.weekday(), weeks=WEEKS - 1)
    since = datetime.combine(first, time(), UTC)
    sent = _per_week(MentoringRequest.created_at, since)
    accepted = _per_week(MentoringRequest.decided_at, since, MentoringRequest.status == ACCEPTED)
    if not (sent or accepted):
        return table
    weeks = [first + timedelta(weeks=number) for number in range(WEEKS)]
    table.rows = [(week, sent.get(week, 0), accepted.get(week, 0)) for week in weeks]
    return table
