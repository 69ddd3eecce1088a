"""A member's profile: stage, where they work, specialties, goals, interests and what they seek."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from operator import attrgetter

from sqlalchemy import DDL, Column, ForeignKey, Index, SmallInteger, String, Table, Text, event
from sqlalchemy.ext.associationproxy import AssociationProxy, association_proxy
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mentormatch.accounts.models import User
from mentormatch.core import changes
from mentormatch.core.database import EnumText, UTCDateTime, utcnow
from mentormatch.core.extensions import db

profile_interest = Table(
    "profile_interest",
    db.metadata,
    Column("user_id", ForeignKey("profile.user_id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class MentorStatus(StrEnum):
    """A member's standing as a mentor (None: not a mentor). Only mentors/standing.py changes it."""

    PENDING = "pending"  # waiting for an admin
    APPROVED = "approved"  # suggested and asked (matching treats only this as available)
    REJECTED = "rejected"
    PAUSED = "paused"  # by the mentor, for a while
    SUSPENDED = "suspended"  # by an admin


class Tag(db.Model):
    """A free interest tag ("cycling", "line dancing"), stored normalised: one row per tag."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)


class ProfileSpecialty(db.Model):
    """A specialty (a code from the vocabulary) on a profile."""

    __tablename__ = "profile_specialty"
    user_id: Mapped[int] = mapped_column(ForeignKey("profile.user_id", ondelete="CASCADE"), primary_key=True)
    code: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)


class ProfileGoal(db.Model):
    """A goal (a code from the vocabulary) on a profile."""

    __tablename__ = "profile_goal"
    user_id: Mapped[int] = mapped_column(ForeignKey("profile.user_id", ondelete="CASCADE"), primary_key=True)
    code: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)


class ProfileOffer(db.Model):
    """A goal (a code from the vocabulary) that a mentor says they can help with."""

    __tablename__ = "profile_offer"
    user_id: Mapped[int] = mapped_column(ForeignKey("profile.user_id", ondelete="CASCADE"), primary_key=True)
    code: Mapped[str] = mapped_column(String(40), primary_key=True)


class HelpTopic(db.Model):
    """One "ask me about" entry: a practical thing a member is glad to help colleagues with.

    `skill_key` is what makes two entries the same (core/skills.py: "cannulation" and "venflons"
    share one), unique per member; `position` keeps the member's own order.
    """

    __tablename__ = "help_topic"
    __table_args__ = (Index("uq_help_topic_skill", "user_id", "skill_key", unique=True),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("profile.user_id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(60))
    skill_key: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(SmallInteger, default=0)


class Profile(db.Model):
    """What matching reads and other members see. One per account, made at onboarding."""

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    stage_detail: Mapped[str | None] = mapped_column(String(20))
    organisation: Mapped[str | None] = mapped_column(String(120))
    department: Mapped[str | None] = mapped_column(String(120))
    # Where and when colleagues can find them for the things they help with ("ask me about").
    site: Mapped[str | None] = mapped_column(String(120))
    usually_around: Mapped[str | None] = mapped_column(String(80))
    region: Mapped[str | None] = mapped_column(String(40), index=True)
    about: Mapped[str | None] = mapped_column(Text)
    looking_for: Mapped[str | None] = mapped_column(Text)
    availability_hours: Mapped[int | None]
    meet_in_person: Mapped[bool] = mapped_column(default=False)
    meet_video: Mapped[bool] = mapped_column(default=False)
    meet_messages: Mapped[bool] = mapped_column(default=False)
    # Mentoring: offered by the member, approved by an admin (see the mentor-approval pages).
    offers_mentoring: Mapped[bool] = mapped_column(default=False)
    mentor_status: Mapped[MentorStatus | None] = mapped_column(EnumText(MentorStatus, 20), index=True)
    mentor_capacity: Mapped[int | None]
    registration_number: Mapped[str | None] = mapped_column(String(20))
    # Mentees connected now; only ever changed by one conditional UPDATE (mentoring/connections.py),
    # so two acceptances racing for the last place cannot both win.
    mentor_places_taken: Mapped[int] = mapped_column(default=0, server_default="0")
    # Pay it forward: the member agreed to show how many people they introduced, mentored and helped.
    # No Python default: rows written by older code (and its tests) leave it to the database.
    shows_contributions: Mapped[bool] = mapped_column(server_default="0")
    # The career stage a near-peer invitation (mentor the stage you left) was last sent for: once each.
    near_peer_invited_for: Mapped[str | None] = mapped_column(String(40))
    onboarded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Denormalised text the directory searches (see profiles/search.py): kept up to date on save.
    search_primary: Mapped[str] = mapped_column(Text, default="")
    search_secondary: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User] = relationship(backref=db.backref("profile", uselist=False, passive_deletes=True))
    interests: Mapped[list[Tag]] = relationship(
        secondary=profile_interest, order_by=Tag.name, lazy="selectin"
    )
    specialty_rows: Mapped[list[ProfileSpecialty]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, lazy="selectin", order_by=ProfileSpecialty.code
    )
    goal_rows: Mapped[list[ProfileGoal]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, lazy="selectin", order_by=ProfileGoal.code
    )
    offer_rows: Mapped[list[ProfileOffer]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, lazy="selectin", order_by=ProfileOffer.code
    )
    # Loaded only where shown (the profile page, the directory), not with every signed-in request.
    help_topics: Mapped[list[HelpTopic]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by=(HelpTopic.position, HelpTopic.id)
    )
    # profile.specialties = ["cardiology", "research"] replaces the rows.
    specialties: AssociationProxy[list[str]] = association_proxy(
        "specialty_rows", "code", creator=lambda code: ProfileSpecialty(code=code)
    )
    goals: AssociationProxy[list[str]] = association_proxy(
        "goal_rows", "code", creator=lambda code: ProfileGoal(code=code)
    )
    offers: AssociationProxy[list[str]] = association_proxy(
        "offer_rows", "code", creator=lambda code: ProfileOffer(code=code)
    )

    @property
    def is_approved_mentor(self) -> bool:
        return self.mentor_status == MentorStatus.APPROVED

    @property
    def free_places(self) -> int:
        """Places an approved mentor has left; nobody else has any."""
        if not self.is_approved_mentor:
            return 0
        return max((self.mentor_capacity or 0) - self.mentor_places_taken, 0)


# --- full-text search, per database ---------------------------------------------------------
# PostgreSQL: a stored tsvector (name, specialties, interests and workplace weigh most) with a
# GIN index. SQLite: an FTS5 index over the same two columns, kept in step by triggers.

PG_SEARCH_VECTOR = (
    "setweight(to_tsvector('simple', coalesce(search_primary, '')), 'A') || "
    "setweight(to_tsvector('simple', coalesce(search_secondary, '')), 'B')"
)
POSTGRES_SEARCH_DDL = [
    f"ALTER TABLE profile ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({PG_SEARCH_VECTOR}) STORED",
    "CREATE INDEX ix_profile_search_vector ON profile USING gin (search_vector)",
]
SQLITE_SEARCH_DDL = [
    "CREATE VIRTUAL TABLE profile_fts USING fts5(search_primary, search_secondary, content='profile', "
    "content_rowid='user_id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER profile_fts_insert AFTER INSERT ON profile BEGIN "
    "INSERT INTO profile_fts(rowid, search_primary, search_secondary) "
    "VALUES (new.user_id, new.search_primary, new.search_secondary); END",
    "CREATE TRIGGER profile_fts_delete AFTER DELETE ON profile BEGIN "
    "INSERT INTO profile_fts(profile_fts, rowid, search_primary, search_secondary) "
    "VALUES ('delete', old.user_id, old.search_primary, old.search_secondary); END",
    "CREATE TRIGGER profile_fts_update AFTER UPDATE OF search_primary, search_secondary ON profile BEGIN "
    "INSERT INTO profile_fts(profile_fts, rowid, search_primary, search_secondary) "
    "VALUES ('delete', old.user_id, old.search_primary, old.search_secondary); "
    "INSERT INTO profile_fts(rowid, search_primary, search_secondary) "
    "VALUES (new.user_id, new.search_primary, new.search_secondary); END",
]
SQLITE_SEARCH_DROP = ["DROP TABLE IF EXISTS profile_fts"]

for statement in POSTGRES_SEARCH_DDL:
    event.listen(Profile.__table__, "after_create", DDL(statement).execute_if(dialect="postgresql"))
for statement in SQLITE_SEARCH_DDL:
    event.listen(Profile.__table__, "after_create", DDL(statement).execute_if(dialect="sqlite"))
for statement in SQLITE_SEARCH_DROP:
    event.listen(Profile.__table__, "before_drop", DDL(statement).execute_if(dialect="sqlite"))

Index("ix_profile_updated_at", Profile.updated_at)


# Any change to a profile or its tags changes its owner's matching data (core/changes.py).
for _part in (Profile, ProfileSpecialty, ProfileGoal, ProfileOffer, HelpTopic):
    changes.watch(_part, member_id=attrgetter("user_id"))
