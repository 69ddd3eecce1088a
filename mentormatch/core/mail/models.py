"""The outbox: every email is a row written in the same transaction as the change that causes it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from mentormatch.core.database import UTCDateTime, utcnow
from mentormatch.core.extensions import db

# last_error of a message that was handed over but whose reply never came (see docs/email.md).
UNCONFIRMED = "unconfirmed: "


class OutboxMessage(db.Model):
    """One email waiting to be delivered, being delivered, delivered, or given up on."""

    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    to_addr: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    # Extra headers for this message, e.g. a digest's List-Unsubscribe and List-Unsubscribe-Post.
    headers: Mapped[dict[str, str] | None] = mapped_column(JSON)
    # Files sent with it, each {"filename", "content_type", "text"}: a meeting's .ics invitation.
    attachments: Mapped[list[dict[str, str]] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A worker owns a message while claimed_until is in the future.
    claim_token: Mapped[str | None] = mapped_column(String(32))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))

    __table_args__ = (Index("ix_outbox_message_due", "sent_at", "failed_at", "next_attempt_at"),)

    @property
    def status(self) -> str:
        if self.sent_at:
            return "unconfirmed" if (self.last_error or "").startswith(UNCONFIRMED) else "sent"
        return "failed" if self.failed_at else "queued"
