"""Everything stored about a person, as the JSON they can download from /settings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from mentormatch.accounts.models import User
from mentormatch.accounts.signals import personal_data_requested
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.core.mail.models import OutboxMessage


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def export_personal_data(user: User) -> dict:
    """The person's account, the emails we sent them, and every other part's section, as JSON types."""
    emails = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_addr == user.email).order_by(OutboxMessage.id)
    )
    data = {
        "exported_at": _iso(utcnow()),
        "account": {
            "name": user.name,
            "email": user.email,
            "career_stage": user.career_stage,
            "is_admin": user.is_admin,
            "created_at": _iso(user.created_at),
            "email_verified_at": _iso(user.email_verified_at),
            "terms_accepted_at": _iso(user.terms_accepted_at),
            "last_login_at": _iso(user.last_login_at),
        },
        "email_preferences": {
            "digest_opt_in": user.digest_opt_in,
            "digest_consent_at": _iso(user.digest_consent_at),
        },
        "emails_sent_to_you": [
            {
                "subject": message.subject,
                "kind": message.kind,
                "queued_at": _iso(message.created_at),
                "status": message.status,
                "sent_at": _iso(message.sent_at),
            }
            for message in emails
        ],
    }
    for _receiver, sections in personal_data_requested.send(user):
        data.update(sections)
    return data
