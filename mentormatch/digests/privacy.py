"""A member's digests in their data download, and gone with their account."""

from __future__ import annotations

from sqlalchemy import delete, select

from mentormatch.accounts.models import User
from mentormatch.accounts.signals import account_deleting, personal_data_requested
from mentormatch.core.extensions import db
from mentormatch.digests.models import Digest


@personal_data_requested.connect
def _export_digests(user: User) -> dict:
    """The digest section of someone's data download: their preference and every digest decided."""
    digests = db.session.scalars(select(Digest).where(Digest.user_id == user.id).order_by(Digest.id))
    return {
        "digests": {
            "frequency": user.digest_frequency if user.digest_opt_in else "never",
            "periods": [
                {
                    "period": digest.period_key,
                    "outcome": digest.outcome,
                    "decided_at": digest.created_at.isoformat(),
                    "included": digest.included,
                }
                for digest in digests
            ],
        }
    }


@account_deleting.connect
def _delete_digests(user: User) -> None:
    """What we showed a person, and when, goes with their account."""
    db.session.execute(delete(Digest).where(Digest.user_id == user.id))
