"""The digest ledger: one row per person and period, written in the transaction that queues the email."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from mentormatch.core.database import UTCDateTime, utcnow
from mentormatch.core.extensions import db

QUEUED = "queued"  # an email went into the outbox (its delivery is the outbox's business)
NOTHING_NEW = "nothing_new"  # nothing new this period: no email, and none later in the period


class Digest(db.Model):
    """A person's digest for one period, decided once: queued, or nothing new.

    The unique (user_id, period_key) is what makes a second run, or two runs at once, send
    nothing twice: a run claims the row and queues the email in one transaction.
    """

    __tablename__ = "digest"
    __table_args__ = (UniqueConstraint("user_id", "period_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    # "2026-11-22" (daily) or "2026-W47" (weekly, ISO week), both in Europe/London.
    period_key: Mapped[str] = mapped_column(String(10))
    outcome: Mapped[str] = mapped_column(String(12))
    # What "new" means for the next digest: anything after this time.
    as_of: Mapped[datetime] = mapped_column(UTCDateTime)
    # The outbox Message-ID (no foreign key: the outbox may be pruned, the ledger stays).
    message_id: Mapped[str | None] = mapped_column(String(255))
    # Ids shown in this email: {"mentors": [...], "peers": [...], "received": [...], "sent": [...],
    # "connections": [...], "applications": [...]}.
    included: Mapped[dict] = mapped_column(JSON, default=dict)
    # Carried from digest to digest: every suggestion ever shown (never "new" again) and the
    # mentor applications that were already waiting.
    seen: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<Digest {self.user_id} {self.period_key} {self.outcome}>"
