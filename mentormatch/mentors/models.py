"""Applications to mentor, and the people a mentor must never be matched with.

A member's standing as a mentor lives on their profile (`Profile.mentor_status`, which matching
reads): None, or one of MENTOR_STATUSES. Each application is kept, decided or not, so the admins
see the history and a rejected applicant can apply again.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mentormatch.accounts.models import User
from mentormatch.core.database import EnumText, UTCDateTime, utcnow
from mentormatch.core.extensions import db
from mentormatch.profiles.models import MentorStatus


class ApplicationStatus(StrEnum):
    """Where one application to mentor stands."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"  # replaced by a newer application


APPLICATION_STATUSES = tuple(ApplicationStatus)
# A mentor's standing (Profile.mentor_status): the names the code uses for its values.
PENDING, APPROVED, REJECTED = MentorStatus.PENDING, MentorStatus.APPROVED, MentorStatus.REJECTED
PAUSED, SUSPENDED = MentorStatus.PAUSED, MentorStatus.SUSPENDED
WITHDRAWN = ApplicationStatus.WITHDRAWN
MENTOR_STATUSES = tuple(MentorStatus)
MENTOR_STATUS_LABELS = {
    PENDING: "Waiting for approval",
    APPROVED: "Approved",
    REJECTED: "Not approved",
    PAUSED: "Paused by the mentor",
    SUSPENDED: "Suspended by an admin",
}

# Where an application came from: the form at /mentor/apply, or a profile that was already
# waiting for approval without one (an imported mentor, a mentor whose career stage changed).
FROM_FORM, FROM_PROFILE = "form", "profile"


class MentorApplication(db.Model):
    """One application to mentor, with what it asked for and how it was decided."""

    __tablename__ = "mentor_application"
    __table_args__ = (
        # At most one application waits per applicant, on both databases (a partial unique index).
        Index(
            "uq_mentor_application_one_pending",
            "applicant_id",
            unique=True,
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    career_stage: Mapped[str] = mapped_column(String(32))
    registration_body: Mapped[str] = mapped_column(String(8))
    registration_number: Mapped[str] = mapped_column(String(20))
    specialties: Mapped[list[str]] = mapped_column(JSON, default=list)
    offers: Mapped[list[str]] = mapped_column(JSON, default=list)
    capacity: Mapped[int]
    hours_a_month: Mapped[int]
    statement: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(10), default=FROM_FORM)
    status: Mapped[ApplicationStatus] = mapped_column(
        EnumText(ApplicationStatus, 10), default=ApplicationStatus.PENDING, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # Only ever set by one conditional UPDATE (mentors/service.py): two admins deciding at once
    # end with one decision.
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(Text)

    applicant: Mapped[User] = relationship(foreign_keys=[applicant_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    @property
    def is_pending(self) -> bool:
        return self.status == ApplicationStatus.PENDING


class MentorExclusion(db.Model):
    """Someone a mentor must not be matched with (their own trainee or supervisee), by email address.

    Kept by address, not account, so a trainee who joins later is excluded too.
    """

    __tablename__ = "mentor_exclusion"
    __table_args__ = (UniqueConstraint("mentor_id", "excluded_email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    excluded_email: Mapped[str] = mapped_column(String(254), index=True)
    why: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
