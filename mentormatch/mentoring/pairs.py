"""A pair's page as data (in a fixed number of queries), and what a pair's rows mean for privacy:
the data download, and an account's deletion."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import case, delete, func, select, update

from mentormatch.accounts.models import User
from mentormatch.accounts.signals import account_deleting, personal_data_requested
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.mentoring.models import Connection
from mentormatch.mentoring.pair_models import (
    ACCEPTED,
    CANCELLED,
    DONE,
    HELD,
    PROPOSED,
    CheckIn,
    Goal,
    Meeting,
    Message,
    PairNote,
    Reader,
    Reflection,
)

# How many of the latest messages the page shows; the data download has them all.
SHOWN_MESSAGES = 200


class PairProblem(Exception):
    """Why a step on a pair's page can't be taken (already answered, the connection ended…)."""


@dataclass
class PairPage:
    """Everything the pair's page shows one of the two people."""

    connection: Connection
    me: User
    other: User
    messages: list[Message] = field(default_factory=list)
    last_read_id: int = 0
    meetings: list[Meeting] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    my_note: PairNote | None = None
    shared_note: PairNote | None = None
    my_reflections: list[Reflection] = field(default_factory=list)

    @property
    def unread(self) -> int:
        return sum(1 for m in self.messages if m.id > self.last_read_id and m.author_id != self.me.id)

    def author_name(self, message: Message) -> str:
        return "You" if message.author_id == self.me.id else self.other.display_name

    @property
    def upcoming(self) -> list[Meeting]:
        now = utcnow()
        return [m for m in self.meetings if m.status in (PROPOSED, ACCEPTED) and m.starts_at >= now]

    @property
    def past(self) -> list[Meeting]:
        """Held, or agreed and now over (newest first); a proposal nobody took up before its time too."""
        now = utcnow()
        over = [m for m in self.meetings if m.status == HELD or (m.status != CANCELLED and m.starts_at < now)]
        return over[::-1]

    @property
    def cancelled(self) -> list[Meeting]:
        return [m for m in self.meetings if m.status == CANCELLED]

    @property
    def goals_done(self) -> int:
        return sum(1 for goal in self.goals if goal.status == DONE)


def pair_page(connection: Connection, me: User) -> PairPage:
    """The page's rows for `me`: one query each for messages, read state, meetings, goals and notes."""
    page = PairPage(connection=connection, me=me, other=connection.other(me))
    latest = (
        select(Message)
        .where(Message.connection_id == connection.id)
        .order_by(Message.id.desc())
        .limit(SHOWN_MESSAGES)
    )
    page.messages = list(reversed(db.session.scalars(latest).all()))
    page.last_read_id = (
        db.session.scalar(
            select(Reader.last_read_id).where(Reader.connection_id == connection.id, Reader.user_id == me.id)
        )
        or 0
    )
    page.meetings = list(
        db.session.scalars(
            select(Meeting).where(Meeting.connection_id == connection.id).order_by(Meeting.starts_at)
        )
    )
    page.goals = list(
        db.session.scalars(select(Goal).where(Goal.connection_id == connection.id).order_by(Goal.id))
    )
    for note in db.session.scalars(
        select(PairNote).where(
            PairNote.connection_id == connection.id,
            (PairNote.owner_id == me.id) | PairNote.owner_id.is_(None),
        )
    ):
        if note.owner_id is None:
            page.shared_note = note
        else:
            page.my_note = note
    page.my_reflections = list(
        db.session.scalars(
            select(Reflection)
            .where(Reflection.connection_id == connection.id, Reflection.member_id == me.id)
            .order_by(Reflection.id)
        )
    )
    return page


@dataclass(frozen=True)
class PairSummary:
    """One of someone's connections as the dashboard shows it: goals done, unread, the next meeting."""

    connection: Connection
    other: User
    goals_done: int
    goals_total: int
    unread: int
    next_meeting: datetime | None


def pair_summaries(user: User, connections: list[Connection]) -> list[PairSummary]:
    """A line for each of `user`'s active connections, in three queries whatever their number."""
    ids = [connection.id for connection in connections]
    if not ids:
        return []
    goals = {
        row[0]: (row[1] or 0, row[2])
        for row in db.session.execute(
            select(Goal.connection_id, func.sum(case((Goal.status == DONE, 1), else_=0)), func.count())
            .where(Goal.connection_id.in_(ids))
            .group_by(Goal.connection_id)
        )
    }
    read_up_to = func.coalesce(
        select(Reader.last_read_id)
        .where(Reader.connection_id == Message.connection_id, Reader.user_id == user.id)
        .scalar_subquery(),
        0,
    )
    unread = dict(
        db.session.execute(
            select(Message.connection_id, func.count())
            .where(Message.connection_id.in_(ids), Message.author_id != user.id, Message.id > read_up_to)
            .group_by(Message.connection_id)
        )
        .tuples()
        .all()
    )
    upcoming = dict(
        db.session.execute(
            select(Meeting.connection_id, func.min(Meeting.starts_at))
            .where(Meeting.connection_id.in_(ids), Meeting.status == ACCEPTED, Meeting.starts_at >= utcnow())
            .group_by(Meeting.connection_id)
        )
        .tuples()
        .all()
    )
    return [
        PairSummary(
            connection=connection,
            other=connection.other(user),
            goals_done=goals.get(connection.id, (0, 0))[0],
            goals_total=goals.get(connection.id, (0, 0))[1],
            unread=unread.get(connection.id, 0),
            next_meeting=_aware(upcoming.get(connection.id)),
        )
        for connection in connections
    ]


def _aware(moment: datetime | None) -> datetime | None:
    """min() over a UTC column comes back naive on SQLite: the same moment, in UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


@personal_data_requested.connect
def _export_pair_rows(user: User) -> dict:
    """The messages someone wrote, the meetings and goals of their connections, their own notes."""
    theirs = select(Connection.id).where((Connection.first_id == user.id) | (Connection.second_id == user.id))
    messages = db.session.scalars(select(Message).where(Message.author_id == user.id).order_by(Message.id))
    meetings = db.session.scalars(
        select(Meeting).where(Meeting.connection_id.in_(theirs)).order_by(Meeting.starts_at)
    )
    goals = db.session.scalars(select(Goal).where(Goal.connection_id.in_(theirs)).order_by(Goal.id))
    notes = db.session.scalars(
        select(PairNote).where(PairNote.connection_id.in_(theirs), PairNote.owner_id == user.id)
    )
    reflections = db.session.scalars(select(Reflection).where(Reflection.member_id == user.id))
    check_ins = db.session.scalars(select(CheckIn).where(CheckIn.member_id == user.id).order_by(CheckIn.id))
    return {
        "messages": [
            {"connection": m.connection_id, "sent_at": m.created_at.isoformat(), "body": m.body}
            for m in messages
        ],
        "meetings": [
            {
                "connection": m.connection_id,
                "starts_at": m.starts_at.isoformat(),
                "minutes": m.minutes,
                "mode": m.mode,
                "where": m.where,
                "status": m.status,
            }
            for m in meetings
        ],
        "goals": [
            {
                "connection": g.connection_id,
                "goal": g.title,
                "status": g.status,
                "target_date": g.target_date.isoformat() if g.target_date else None,
            }
            for g in goals
        ],
        "private_notes": [{"connection": n.connection_id, "notes": n.body} for n in notes],
        "reflections": [
            {"connection": r.connection_id, "written_at": r.created_at.isoformat(), "reflection": r.body}
            for r in reflections
        ],
        "check_ins": [
            {
                "connection": c.connection_id,
                "due_on": c.due_on.isoformat(),
                "score": c.score,
                "comment": c.comment,
            }
            for c in check_ins
        ],
    }


@account_deleting.connect
def _forget_pair_rows(user: User) -> None:
    """A deleted account's messages, private notes and read state go; the other person keeps the
    meetings and goals they shared, with "Former member" on the other side."""
    db.session.execute(delete(Message).where(Message.author_id == user.id))
    db.session.execute(delete(PairNote).where(PairNote.owner_id == user.id))
    db.session.execute(delete(Reflection).where(Reflection.member_id == user.id))
    # Scores stay in the programme's aggregate, with no words of theirs.
    db.session.execute(update(CheckIn).where(CheckIn.member_id == user.id).values(comment=None))
    db.session.execute(delete(Reader).where(Reader.user_id == user.id))
