"""Signed unsubscribe tokens: stateless, bound to one person and one purpose, valid for 90 days.

Not the single-use tokens of accounts/tokens.py: every digest carries a link, a mail provider's
one-click POST and the person's own click may both use it, and storing a row per email sent
would cost a write for each of thousands of digests. The signature (core/signed.py) needs no
storage and can't be forged or reused for anything else.
"""

from __future__ import annotations

from datetime import timedelta

from mentormatch.core.signed import SignedLinkError, make_link_token, read_link_token

UNSUBSCRIBE = "digest-unsubscribe"
# Long enough for an old digest found in the inbox; regulations ask for at least 30 days.
UNSUBSCRIBE_LINK_LIFETIME = timedelta(days=90)

UnsubscribeLinkError = SignedLinkError


def make_unsubscribe_token(user_id: int) -> str:
    """The token for this person's unsubscribe links."""
    return make_link_token(UNSUBSCRIBE, user_id)


def read_unsubscribe_token(token: str) -> int:
    """The user id the token was made for, or UnsubscribeLinkError.

    Says nothing about whether that person exists: the caller treats an unknown id like a forgery.
    """
    return read_link_token(UNSUBSCRIBE, token, UNSUBSCRIBE_LINK_LIFETIME)
