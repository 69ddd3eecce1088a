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
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, Date, and_, case, cast, exists, func, literal_column, select

from mentormatch.accounts.models import User
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.core.vocabulary import REGIONS, SPECIALTIES, STAGE_BY_CODE, STAGES
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
from mentormatch.mentors.models import MENTOR_STATUS_LABELS, MENTOR_STATUSES
from mentormatch.profiles.listing import listed
from mentormatch.profiles.models import Profile, ProfileSpecialty
from mentormatch.reports.tables import DATE, DURATION, PERCENT, TEXT, Column, ReportTable

MENTEE_STAGES: tuple[str, ...] = tuple(stage.code for stage in STAGES if stage.rank <= 1)
WEEKS = 26
KIND_LABELS = {MENTORING: "Mentoring", PEER: "Peer"}
# Approved and waiting first, as the issue asks; then the others, in the order mentors/models.py gives.
STATUS_ORDER = (
    "approved",
    "pending",
    *(status for status in MENTOR_STATUSES if status not in {"approved", "pending"}),
)


def _is_member() -> tuple[ColumnElement[bool], ...]:
    """The conditions for a counted member (User joined to Profile): the listed ones."""
    return listed()


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    # SUM(CASE …) rather than COUNT(*) FILTER: the same SQL on every database we run on.
    return func.sum(case((condition, 1), else_=0))


def _has_mentor() -> ColumnElement[bool]:
    """True for a User row with an active mentoring connection as the mentee."""
    return exists().where(
        Connection.kind == MENTORING, Connection.second_id == User.id, Connection.ended_at.is_(None)
    )


def _free_places() -> ColumnElement[int]:
    """An approved mentor's places left (never below zero); nobody else has any (Profile.free_places)."""
    left = func.coalesce(Profile.mentor_capacity, 0) - Profile.mentor_places_taken
    return case((and_(Profile.mentor_status == "approved", left > 0), left), else_=0)


def _stage_label(code: str | None) -> str:
    stage = STAGE_BY_CODE.get(code or "")
    return stage.label if stage else (code or "Not given")


def members_by_stage() -> ReportTable:
    """Members at each career stage, and how many of them are approved mentors."""
    table = ReportTable(
        "members-by-stage",
        "Members by career stage",
        (Column("Career stage", TEXT), Column("Members"), Column("Approved mentors")),
        empty_message="No members yet: nobody has verified their address and finished onboarding.",
        total_rows=1,
    )
    found = {
        stage: (int(members), int(mentors))
        for stage, members, mentors in db.session.execute(
            select(User.career_stage, func.count(), _count_if(Profile.mentor_status == "approved"))
            .join(Profile, Profile.user_id == User.id)
            .where(*_is_member())
            .group_by(User.career_stage)
        )
    }
    if not found:
        return table
    table.rows = [(stage.label, *found.pop(stage.code, (0, 0))) for stage in STAGES]
    # Anything outside the vocabulary (an old code) still counts, under its own name.
    table.rows += [(_stage_label(code), *found[code]) for code in sorted(found, key=lambda c: c or "")]
    table.rows.append(("All members", *(sum(row[i] for row in table.rows) for i in (1, 2))))
    return table


def members_by_region() -> ReportTable:
    """Members in each region: mentees and approved mentors among them."""
    table = ReportTable(
        "members-by-region",
        "Members by region",
        (Column("Region", TEXT), Column("Members"), Column("Mentees"), Column("Approved mentors")),
        empty_message="No members yet.",
        total_rows=1,
    )
    found = {
        region: (int(members), int(mentees), int(mentors))
        for region, members, mentees, mentors in db.session.execute(
            select(
                Profile.region,
                func.count(),
                _count_if(User.career_stage.in_(MENTEE_STAGES)),
                _count_if(Profile.mentor_status == "approved"),
            )
            .join(User, User.id == Profile.user_id)
            .where(*_is_member())
            .group_by(Profile.region)
        )
    }
    if not found:
        return table
    table.rows = [(label, *found.pop(code, (0, 0, 0))) for code, label in REGIONS.items()]
    unknown = sorted((code for code in found if code), key=str)
    table.rows += [(code, *found[code]) for code in unknown]
    if None in found:
        table.rows.append(("Not given", *found[None]))
    table.rows.append(("All members", *(sum(row[i] for row in table.rows) for i in (1, 2, 3))))
    return table


def mentors_by_status() -> ReportTable:
    """Mentors approved and waiting for approval, with the places they offer, have taken and have free."""
    table = ReportTable(
        "mentors",
        "Mentors approved and waiting",
        (
            Column("Status", TEXT),
            Column("Mentors"),
            Column("Places offered"),
            Column("Places taken"),
            Column("Free places"),
        ),
        empty_message="Nobody has offered to mentor yet.",
    )
    found = {
        status: tuple(int(value or 0) for value in values)
        for status, *values in db.session.execute(
            select(
                Profile.mentor_status,
                func.count(),
                func.sum(func.coalesce(Profile.mentor_capacity, 0)),
                func.sum(Profile.mentor_places_taken),
                func.sum(_free_places()),
            )
            .join(User, User.id == Profile.user_id)
            .where(*_is_member(), Profile.mentor_status.is_not(None))
            .group_by(Profile.mentor_status)
        )
    }
    if not found:
        return table
    # Approved and waiting always; the others when someone has them; an unknown status last, as it is.
    statuses = [s for s in STATUS_ORDER if s in found or s in {"approved", "pending"}]
    statuses += sorted(set(found) - set(STATUS_ORDER))
    table.rows = [
        (MENTOR_STATUS_LABELS.get(status, status), *found.get(status, (0, 0, 0, 0))) for status in statuses
    ]
    return table


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
                _count_if(Connection.ended_at.is_(None)),
                _count_if(Connection.ended_at.is_not(None)),
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
    has_mentor = _has_mentor()
    waiting = exists().where(
        MentoringRequest.kind == MENTORING,
        MentoringRequest.sender_id == User.id,
        MentoringRequest.status == PENDING,
    )
    found = {
        stage: (int(mentees), int(matched), int(mentees) - int(matched), int(asked))
        for stage, mentees, matched, asked in db.session.execute(
            select(
                User.career_stage, func.count(), _count_if(has_mentor), _count_if(and_(~has_mentor, waiting))
            )
            .join(Profile, Profile.user_id == User.id)
            .where(*_is_member(), User.career_stage.in_(MENTEE_STAGES))
            .group_by(User.career_stage)
        )
    }
    if not found:
        return table
    table.rows = [(_stage_label(code), *found.get(code, (0, 0, 0, 0))) for code in MENTEE_STAGES]
    table.rows.append(("All mentees", *(sum(row[i] for row in table.rows) for i in (1, 2, 3, 4))))
    return table


def supply_and_demand() -> ReportTable:
    """By specialty: mentees interested (and those without a mentor) against approved mentors' free places.

    A member lists several specialties, so they count under each: the rows don't add up to a total.
    """
    table = ReportTable(
        "specialties",
        "Supply and demand by specialty",
        (
            Column("Specialty", TEXT),
            Column("Mentees interested"),
            Column("Mentees without a mentor"),
            Column("Approved mentors"),
            Column("Free mentor places"),
        ),
        empty_message="No mentee or approved mentor has listed a specialty yet.",
    )
    members = (
        select(ProfileSpecialty.code)
        .join(User, User.id == ProfileSpecialty.user_id)
        .join(Profile, Profile.user_id == ProfileSpecialty.user_id)
        .where(*_is_member())
        .group_by(ProfileSpecialty.code)
    )
    demand = {
        code: (int(interested), int(interested) - int(matched))
        for code, interested, matched in db.session.execute(
            members.add_columns(func.count(), _count_if(_has_mentor())).where(
                User.career_stage.in_(MENTEE_STAGES)
            )
        )
    }
    supply = {
        code: (int(mentors), int(free))
        for code, mentors, free in db.session.execute(
            members.add_columns(func.count(), func.sum(_free_places())).where(
                Profile.mentor_status == "approved"
            )
        )
    }
    rows = [
        (SPECIALTIES.get(code, code), *demand.get(code, (0, 0)), *supply.get(code, (0, 0)))
        for code in demand.keys() | supply.keys()
    ]
    # Most wanted first, then the most places; alphabetical among equals.
    table.rows = sorted(rows, key=lambda row: (-row[1], -row[4], row[0]))
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
}


def all_reports() -> dict[str, ReportTable]:
    """Every report table, freshly computed."""
    return {name: build() for name, build in REPORTS.items()}
