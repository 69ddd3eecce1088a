"""Demo conversations, meetings, goals and notes for the seeded connections.

Priya (the demo student) and Tom (the demo mentor) get one of everything: a conversation with
messages Priya hasn't read, meetings held, agreed, waiting for her answer and cancelled, and goals in
every state. About half of the other active mentorships get a shorter version, so the programme's
figures have something to count. Inserted in bulk; the caller commits.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from random import Random

from sqlalchemy import select

from mentormatch.accounts.models import User
from mentormatch.core.calendar import LONDON
from mentormatch.core.extensions import db
from mentormatch.core.vocabulary import GOALS
from mentormatch.demo.logins import DEMO_LOGINS
from mentormatch.mentoring.models import MENTORING, Connection
from mentormatch.mentoring.pair_models import (
    ACCEPTED,
    CANCELLED,
    DONE,
    HELD,
    IN_PROGRESS,
    NOT_STARTED,
    PROPOSED,
    Goal,
    Meeting,
    Message,
    PairNote,
    Reader,
)

# (who writes: "mentee" or "mentor", days ago, words)
PRIYA_AND_TOM = [
    (
        "mentor",
        49,
        "Hello Priya, welcome! I'm glad you got in touch. What would you most like from the next few months?",
    ),
    (
        "mentee",
        48,
        "Thank you so much, Tom. Mainly the academic foundation programme application, and how to get"
        " some cardiology audit experience before finals.\nI'm free most Thursday evenings.",
    ),
    (
        "mentor",
        47,
        "Both very doable. Let's have a video call next Thursday. Have a look at the AFP person"
        " specification before then: https://foundationprogramme.nhs.uk/",
    ),
    ("mentee", 30, "I've drafted my white space questions, could you look at them before our next call?"),
    ("mentor", 29, "Happy to. Send them over here and I'll reply with comments by the weekend."),
    (
        "mentor",
        3,
        "The re-audit of heart-failure discharge letters is starting on Ward 12: would you like to"
        " join as data collector? Dr Shah (no relation!) is leading it.",
    ),
    ("mentor", 2, "Also: I've suggested a time for our next call, see below."),
]
GOAL_TITLES = ("Finish the AFP application", "Present a poster at a regional meeting")


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


def _uid(connection: Connection, index: int) -> str:
    """Stable for a seed, like the rest of the demo."""
    return f"meeting-demo-{connection.id}-{index}@demo.mentormatch.example"


def seed_pairs(rng: Random, now: datetime) -> dict[str, int]:
    """Conversations, meetings, goals and notes for the demo pair and some other mentorships."""
    connections = db.session.scalars(
        select(Connection)
        .where(Connection.kind == MENTORING, Connection.ended_at.is_(None))
        .order_by(Connection.id)
    ).all()
    emails = {DEMO_LOGINS["student"].email, DEMO_LOGINS["mentor"].email}
    demo_ids = set(db.session.scalars(select(User.id).where(User.email.in_(emails))))
    rows: dict[str, list[dict]] = {"messages": [], "meetings": [], "goals": [], "notes": [], "readers": []}
    for connection in connections:
        if {connection.first_id, connection.second_id} == demo_ids:
            _demo_pair(rows, connection, now)
        elif rng.random() < 0.6:
            _some_pair(rows, rng, connection, now)
    if rows["messages"]:
        table = Message.__table__
        ids = db.session.scalars(
            table.insert().returning(table.c.id, sort_by_parameter_order=True), rows["messages"]
        ).all()
        for reader in rows["readers"]:
            reader["last_read_id"] = ids[reader.pop("read_index")]
    for table, key in (
        (Meeting, "meetings"),
        (Goal, "goals"),
        (PairNote, "notes"),
        (Reader, "readers"),
    ):
        if rows[key]:
            db.session.execute(table.__table__.insert(), rows[key])
    return {key: len(value) for key, value in rows.items()}


def _message(rows, connection: Connection, who: str, when: datetime, body: str) -> None:
    author = connection.second_id if who == "mentee" else connection.first_id
    rows["messages"].append(
        {"connection_id": connection.id, "author_id": author, "body": body, "created_at": when}
    )


def _meeting(rows, connection: Connection, status: str, starts: datetime, by: int, **extra) -> None:
    rows["meetings"].append(
        {
            "connection_id": connection.id,
            "uid": _uid(connection, len(rows["meetings"])),
            "status": status,
            "proposed_by_id": by,
            "starts_at": starts,
            "minutes": extra.get("minutes", 45),
            "mode": extra.get("mode", "video"),
            "where": extra.get("where", ""),
            "sequence": extra.get("sequence", 0 if status == PROPOSED else 1),
            "created_at": starts - timedelta(days=7),
            "updated_at": starts - timedelta(days=6),
        }
    )


def _goal(
    rows, connection: Connection, title: str, status: str, code: str | None, target: date | None, now
) -> None:
    rows["goals"].append(
        {
            "connection_id": connection.id,
            "goal_code": code,
            "title": title,
            "status": status,
            "target_date": target,
            "created_at": now - timedelta(days=40),
            "updated_at": now - timedelta(days=5),
        }
    )


def _demo_pair(rows, connection: Connection, now: datetime) -> None:
    tom, priya = connection.first_id, connection.second_id
    for who, days, body in PRIYA_AND_TOM:
        _message(rows, connection, who, now - timedelta(days=days, hours=3), body)
    # Priya has read up to the message of 29 days ago: Tom's last two are new to her.
    last = len(rows["messages"]) - 1
    rows["readers"].append({"connection_id": connection.id, "user_id": priya, "read_index": last - 2})
    rows["readers"].append({"connection_id": connection.id, "user_id": tom, "read_index": last})
    today = now.astimezone(LONDON).date()
    _meeting(
        rows,
        connection,
        HELD,
        _local(today - timedelta(days=42), 19),
        priya,
        where="https://meet.example.org/priya-tom",
    )
    _meeting(
        rows,
        connection,
        ACCEPTED,
        _local(today - timedelta(days=14), 18, 30),
        tom,
        mode="in_person",
        where="Costa, Leeds General Infirmary",
        minutes=60,
    )
    _meeting(rows, connection, CANCELLED, _local(today - timedelta(days=7), 19), priya, sequence=2)
    _meeting(
        rows,
        connection,
        ACCEPTED,
        _local(today + timedelta(days=5), 18, 30),
        priya,
        where="https://meet.example.org/priya-tom",
    )
    _meeting(
        rows, connection, PROPOSED, _local(today + timedelta(days=19), 19), tom, mode="phone", minutes=30
    )
    _goal(rows, connection, "Exams", DONE, "exams", None, now)
    _goal(
        rows,
        connection,
        GOAL_TITLES[0],
        IN_PROGRESS,
        "specialty_applications",
        today + timedelta(days=60),
        now,
    )
    _goal(
        rows, connection, "Join a cardiology audit", IN_PROGRESS, "audit_qi", today + timedelta(days=120), now
    )
    _goal(rows, connection, GOAL_TITLES[1], NOT_STARTED, None, None, now)
    rows["notes"].append(
        {
            "connection_id": connection.id,
            "owner_id": None,
            "body": "Reading list: ESC heart failure guidelines; the AFP person specification.",
            "updated_at": now - timedelta(days=20),
        }
    )
    rows["notes"].append(
        {
            "connection_id": connection.id,
            "owner_id": tom,
            "body": "Priya: strong on research, less confident presenting. Suggest the poster.",
            "updated_at": now - timedelta(days=20),
        }
    )


def _some_pair(rows, rng: Random, connection: Connection, now: datetime) -> None:
    started = connection.started_at
    age = max((now - started).days, 2)
    _message(
        rows,
        connection,
        "mentee",
        started + timedelta(days=1),
        "Thank you for accepting! When suits you for a first call?",
    )
    _message(
        rows,
        connection,
        "mentor",
        started + timedelta(days=2),
        "Any weekday evening after 7. Suggest a time below.",
    )
    first_call = started + timedelta(days=min(10, age - 1))
    if first_call < now:
        _meeting(rows, connection, HELD, first_call, connection.second_id)
    if rng.random() < 0.5:
        _meeting(rows, connection, ACCEPTED, now + timedelta(days=rng.randint(3, 30)), connection.first_id)
    elif rng.random() < 0.3:
        _meeting(rows, connection, CANCELLED, now + timedelta(days=rng.randint(3, 30)), connection.first_id)
    code = rng.choice(list(GOALS))
    _goal(rows, connection, GOALS[code], rng.choice((NOT_STARTED, IN_PROGRESS, DONE)), code, None, now)
