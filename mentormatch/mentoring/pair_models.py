"""What a connected pair keeps together: their conversation, meetings, goals and notes.

Every row hangs off a Connection. Only the two people in it ever see these (the pages 404 for
anyone else, admins included); admins see counts, never content.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, SmallInteger, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mentormatch.accounts.models import User
from mentormatch.core.database import UTCDateTime, utcnow
from mentormatch.core.extensions import db

# A meeting's life: proposed (by proposed_by; the other accepts, or suggests another time, which
# makes them the proposer), accepted, cancelled by either; or logged afterwards as held.
PROPOSED, ACCEPTED, CANCELLED, HELD = "proposed", "accepted", "cancelled", "held"
MEETING_STATUSES = (PROPOSED, ACCEPTED, CANCELLED, HELD)
MODES = {"in_person": "In person", "video": "Video call", "phone": "Phone call"}

NOT_STARTED, IN_PROGRESS, DONE = "not_started", "in_progress", "done"
GOAL_STATUSES = {NOT_STARTED: "Not started", IN_PROGRESS: "In progress", DONE: "Done"}


class Message(db.Model):
    """One plain-text message in a pair's conversation. Deleted with its author's account."""

    __tablename__ = "connection_message"
    __table_args__ = (
        Index("ix_connection_message_thread", "connection_id", "id"),
        # The form's one-time token: the same form sent twice (a double click) makes one message.
        Index("uq_connection_message_token", "author_id", "client_token", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("connection.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    client_token: Mapped[str | None] = mapped_column(String(64))


class Reader(db.Model):
    """One person's side of a conversation: what they have read, and when they were last emailed.

    `notified_at` throttles the emails (one per thread per person per 15 minutes); `notify_after`
    is set while messages wait for the next one, which then tells of them all.
    """

    __tablename__ = "conversation_reader"

    connection_id: Mapped[int] = mapped_column(
        ForeignKey("connection.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    last_read_id: Mapped[int] = mapped_column(default=0)
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    notify_after: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)


class Meeting(db.Model):
    """A meeting the pair proposed, agreed, cancelled or logged afterwards. Its `uid` never changes,
    and `sequence` goes up with every change, so calendars update the one entry."""

    __tablename__ = "connection_meeting"
    __table_args__ = (
        Index("ix_connection_meeting_pair", "connection_id", "starts_at"),
        Index("uq_connection_meeting_token", "proposed_by_id", "client_token", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("connection.id", ondelete="CASCADE"))
    uid: Mapped[str] = mapped_column(String(80), unique=True)
    status: Mapped[str] = mapped_column(String(20), default=PROPOSED)
    # Who asked for the time it has now; None once their account is gone.
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    minutes: Mapped[int] = mapped_column(default=60)
    mode: Mapped[str] = mapped_column(String(20))
    where: Mapped[str] = mapped_column(String(500), default="")
    sequence: Mapped[int] = mapped_column(default=0)
    client_token: Mapped[str | None] = mapped_column(String(64))  # as a message's: one meeting per form
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    proposed_by: Mapped[User | None] = relationship()

    @property
    def mode_label(self) -> str:
        return MODES.get(self.mode, self.mode)


class Goal(db.Model):
    """A goal the pair works on: from the vocabulary (`goal_code`) or in their own words (`title`)."""

    __tablename__ = "connection_goal"

    id: Mapped[int] = mapped_column(primary_key=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("connection.id", ondelete="CASCADE"), index=True)
    goal_code: Mapped[str | None] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default=NOT_STARTED)
    target_date: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def status_label(self) -> str:
        return GOAL_STATUSES.get(self.status, self.status)


class PairNote(db.Model):
    """Notes on a connection: each person's private ones (`owner_id`), and the pair's shared ones
    (`owner_id` None). One of each per connection."""

    __tablename__ = "connection_note"
    __table_args__ = (
        Index("uq_connection_note_owner", "connection_id", "owner_id", unique=True),
        Index(
            "uq_connection_note_shared",
            "connection_id",
            unique=True,
            sqlite_where=text("owner_id IS NULL"),
            postgresql_where=text("owner_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("connection.id", ondelete="CASCADE"))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CheckIn(db.Model):
    """One person's check-in on a connection: "Is this mentorship helping you?" (1–5) and one line.

    Due 30 days after the connection starts and every 60 days after (`number` 1, 2, …); made and
    emailed once by the hourly job (mentoring/checkins.py), answered once. Admins see the answers
    only in aggregate; the other person never sees them.
    """

    __tablename__ = "check_in"
    __table_args__ = (Index("uq_check_in_number", "connection_id", "member_id", "number", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("connection.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(SmallInteger)
    due_on: Mapped[date] = mapped_column(Date)
    score: Mapped[int | None] = mapped_column(SmallInteger)
    comment: Mapped[str | None] = mapped_column(String(280))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None


class Reflection(db.Model):
    """What someone wrote on ending a mentorship, for themselves: private to the writer (never the
    other person, never the admins), shown on the pair's page and kept for their appraisal record."""

    __tablename__ = "reflection"

    id: Mapped[int] = mapped_column(primary_key=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("connection.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class QuickQuestion(db.Model):
    """A question a mentee asks a mentor before any request: one open per pair at a time (the partial
    unique index), answered once in one text field, or left unanswered; it never blocks a request."""

    __tablename__ = "quick_question"
    __table_args__ = (
        Index(
            "uq_quick_question_open_pair",
            "asker_id",
            "mentor_id",
            unique=True,
            sqlite_where=text("answered_at IS NULL"),
            postgresql_where=text("answered_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    asker_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    answer: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    asker: Mapped[User] = relationship(foreign_keys=[asker_id])
    mentor: Mapped[User] = relationship(foreign_keys=[mentor_id])
