"""An event, who registered for it, and whom each attendee said they met there."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mentormatch.accounts.models import User
from mentormatch.core.database import UTCDateTime, utcnow
from mentormatch.core.extensions import db

KIND_LABELS = {
    "workshop": "Workshop",
    "conference": "Conference",
    "teaching": "Teaching session",
    "networking": "Networking evening",
    "careers": "Careers fair",
}


class Event(db.Model):
    """An event admins run. `taken` counts registrations: registering is one conditional UPDATE
    `taken = taken + 1 WHERE taken < capacity` (events/registering.py), so the last place goes once."""

    __tablename__ = "event"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("capacity >= 0", name="capacity_not_negative"),
        CheckConstraint("taken >= 0 AND taken <= capacity", name="taken_within_capacity"),
        # A double click on "Create" makes one event, not two.
        UniqueConstraint("title", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(120))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    place: Mapped[str] = mapped_column(String(300), default="")  # an address, or a link to join
    description: Mapped[str] = mapped_column(Text, default="")
    capacity: Mapped[int] = mapped_column(Integer)
    taken: Mapped[int] = mapped_column(Integer, default=0)
    sequence: Mapped[int] = mapped_column(Integer, default=0)  # bumped on each change, for the .ics
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    registrations: Mapped[list[EventRegistration]] = relationship(
        back_populates="event", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def places_left(self) -> int:
        return max(0, self.capacity - self.taken)

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    def is_over(self, now: datetime) -> bool:
        return self.ends_at <= now


class EventRegistration(db.Model):
    """A member registered for an event. `listed`: they agreed to be shown as going (off by default).
    `answered_at`: when they said whom they met (even "nobody"), so they are asked only once."""

    __tablename__ = "event_registration"
    __table_args__ = (UniqueConstraint("event_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    listed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship(back_populates="registrations")
    member: Mapped[User] = relationship()


class EventMeeting(db.Model):
    """`member` said they met `met` at the event. The follow-up columns are claimed once each by the
    cron command (a conditional UPDATE … WHERE followed_… IS NULL), so two runs send one email."""

    __tablename__ = "event_meeting"
    __table_args__ = (
        UniqueConstraint("event_id", "member_id", "met_id"),
        CheckConstraint("member_id <> met_id", name="not_yourself"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    met_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Why the pick couldn't become a connection request, in words (None: the request was sent).
    request_problem: Mapped[str | None] = mapped_column(String(300))
    followed_up_48h_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    followed_up_3m_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship()
    member: Mapped[User] = relationship(foreign_keys=[member_id])
    met: Mapped[User] = relationship(foreign_keys=[met_id])
