"""Signed, single-purpose, expiring links: stateless tokens for one-click links in emails.

A signature (itsdangerous, keyed by the app's SECRET_KEY, with a salt per purpose) needs no
storage and can't be forged, reused for another purpose, or used after `max_age`. Used by the
digest unsubscribe links and the check-in score links.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


class SignedLinkError(Exception):
    """A link that can't be used: `reason` is 'invalid' or 'expired'."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    # The salt separates purposes: a token made for another purpose fails the signature check.
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"mentormatch.{purpose}")


def make_link_token(purpose: str, subject_id: int) -> str:
    """A token naming one row (`subject_id`) for one purpose."""
    return _serializer(purpose).dumps({"u": subject_id, "p": purpose})


def read_link_token(purpose: str, token: str, lifetime: timedelta) -> int:
    """The id the token was made for, or SignedLinkError ('invalid' or 'expired').

    Says nothing about whether that row exists: the caller treats an unknown id like a forgery.
    """
    try:
        data = _serializer(purpose).loads(token, max_age=int(lifetime.total_seconds()))
    except SignatureExpired:
        raise SignedLinkError("expired") from None
    except BadSignature:
        raise SignedLinkError("invalid") from None
    if not isinstance(data, dict) or data.get("p") != purpose or not isinstance(data.get("u"), int):
        raise SignedLinkError("invalid")
    return data["u"]
