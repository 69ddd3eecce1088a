"""Signed unsubscribe tokens: stateless, bound to one person and one purpose, valid for 90 days.

Not the single-use tokens of accounts/tokens.py: every digest carries a link, a mail provider's
one-click POST and the person's own click may both use it, and storing a row per email sent
would cost a write for each of thousands of digests. A signature (itsdangerous, keyed by the
app's SECRET_KEY, with a salt for this purpose) needs no storage and can't be forged or reused
for anything else.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

UNSUBSCRIBE = "digest-unsubscribe"
# Long enough for an old digest found in the inbox; regulations ask for at least 30 days.
UNSUBSCRIBE_LINK_LIFETIME = timedelta(days=90)


class UnsubscribeLinkError(Exception):
    """A link that can't be used: `reason` is 'invalid' or 'expired'."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    # The salt separates purposes: a token made for another purpose fails the signature check.
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"mentormatch.{purpose}")


def make_unsubscribe_token(user_id: int) -> str:
    """The token for this person's unsubscribe links."""
    return _serializer(UNSUBSCRIBE).dumps({"u": user_id, "p": UNSUBSCRIBE})


def read_unsubscribe_token(token: str) -> int:
    """The user id the token was made for, or UnsubscribeLinkError.

    Says nothing about whether that person exists: the caller treats an unknown id like a forgery.
    """
    try:
        data = _serializer(UNSUBSCRIBE).loads(token, max_age=int(UNSUBSCRIBE_LINK_LIFETIME.total_seconds()))
    except SignatureExpired:
        raise UnsubscribeLinkError("expired") from None
    except BadSignature:
        raise UnsubscribeLinkError("invalid") from None
    if not isinstance(data, dict) or data.get("p") != UNSUBSCRIBE or not isinstance(data.get("u"), int):
        raise UnsubscribeLinkError("invalid")
    return data["u"]
