"""People's accounts and the single-use tokens emailed to them."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mentormatch.core import changes
from mentormatch.core.database import UTCDateTime, utcnow
from mentormatch.core.extensions import db
from mentormatch.core.vocabulary import STAGE_BY_CODE


class User(UserMixin, db.Model):
    """A member's account. Deleting an account scrubs it to a 'former member' stub."""

    __tablename__ = "user_account"
    __audit_subject__ = "member"  # how the audit log names an account (core/audit.py)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased; NULL once the account is deleted.
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    name: Mapped[str | None] = mapped_column(String(120))
    career_stage: Mapped[str | None] = mapped_column(String(32))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(default=False)
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    terms_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    digest_opt_in: Mapped[bool] = mapped_column(default=False)
    # How often, while opted in: "weekly" (what the signup opt-in means) or "daily".
    digest_frequency: Mapped[str] = mapped_column(String(10), default="weekly", server_default="weekly")
    digest_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Part of the login cookie: bumping it signs out every session (see get_id()).
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    tokens: Mapped[list[AccountToken]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    def get_id(self) -> str:
        """Flask-Login's session identity: the id and the session version together."""
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:
        return self.deleted_at is None

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def display_name(self) -> str:
        """What other people see: the name, or 'Former member' once the account is deleted."""
        return "Former member" if self.deleted_at else (self.name or "")

    @property
    def stage_label(self) -> str:
        stage = STAGE_BY_CODE.get(self.career_stage or "")
        return stage.label if stage else ""

    def __repr__(self) -> str:
        return f"<User {self.id}>"


# What of an account counts for matching (core/changes.py): its stage, name, verification, deletion.
changes.watch(
    User, member_id=lambda user: user.id, fields=("career_stage", "email_verified_at", "deleted_at", "name")
)


class AccountToken(db.Model):
    """A single-use secret sent by email; only its SHA-256 is stored."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(32))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    new_email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="tokens")
