"""Single-use, expiring tokens for the links we email: verify, reset, change email, invitation."""

from __future__ import annotations

import enum
import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select, update

from mentormatch.accounts.models import AccountToken, User
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db


class Purpose(enum.StrEnum):
    VERIFY_EMAIL = "verify_email"
    RESET_PASSWORD = "reset_password"  # noqa: S105 (a purpose, not a password)
    CHANGE_EMAIL = "change_email"
    INVITATION = "invitation"


LIFETIMES = {
    Purpose.VERIFY_EMAIL: timedelta(hours=48),
    Purpose.RESET_PASSWORD: timedelta(hours=1),
    Purpose.CHANGE_EMAIL: timedelta(hours=48),
    Purpose.INVITATION: timedelta(days=7),
}


class TokenError(Exception):
    """A link that can't be used; `reason` is 'invalid', 'expired' or 'used'."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(user: User, purpose: Purpose, *, new_email: str | None = None) -> str:
    """Add a token for the user to the session and return the secret to put in the link."""
    raw = secrets.token_urlsafe(32)
    db.session.add(
        AccountToken(
            user=user,
            purpose=purpose.value,
            token_hash=_digest(raw),
            new_email=new_email,
            expires_at=utcnow() + LIFETIMES[purpose],
        )
    )
    return raw


def check_token(raw: str, purpose: Purpose) -> AccountToken:
    """The live token for this secret and purpose, or TokenError saying why not."""
    token = db.session.scalar(select(AccountToken).where(AccountToken.token_hash == _digest(raw)))
    # A token for another purpose is as good as a forged one.
    if token is None or token.purpose != purpose.value or token.user.deleted_at is not None:
        raise TokenError("invalid")
    if token.used_at is not None:
        raise TokenError("used")
    if token.expires_at <= utcnow():
        raise TokenError("expired")
    return token


def consume_token(raw: str, purpose: Purpose) -> AccountToken:
    """Check the token and mark it used, atomically: of two racing clicks only one succeeds.

    Every other unused link of the same purpose for the same person stops working too.
    The caller commits, together with whatever the token allowed.
    """
    token = check_token(raw, purpose)
    now = utcnow()
    claimed = db.session.execute(
        update(AccountToken)
        .where(AccountToken.id == token.id, AccountToken.used_at.is_(None))
        .values(used_at=now)
    ).rowcount
    if claimed != 1:
        raise TokenError("used")
    retire_tokens(token.user, purpose)
    db.session.refresh(token)
    return token


def retire_tokens(user: User, *purposes: Purpose) -> None:
    """Make the person's unused links stop working: those of these purposes, or all of them.

    Called whenever the password or the email address changes, so that a link sent before
    (to an old address, or requested by someone who briefly had the account) can't undo it.
    """
    query = update(AccountToken).where(AccountToken.user_id == user.id, AccountToken.used_at.is_(None))
    if purposes:
        query = query.where(AccountToken.purpose.in_([purpose.value for purpose in purposes]))
    db.session.execute(query.values(used_at=utcnow()))
