"""Who is listed: the one privacy rule for who other members can see, suggest, ask or count.

A member is listed once their email address is confirmed and their profile is finished, until they
delete their account. Every view, query, export and report asks here, in Python or in SQL.
"""

from __future__ import annotations

from flask import abort
from sqlalchemy import ColumnElement

from mentormatch.accounts.models import User
from mentormatch.core.extensions import db
from mentormatch.profiles.models import Profile


def listed() -> tuple[ColumnElement[bool], ...]:
    """The SQL conditions for a listed member, for a query that joins User to Profile."""
    return (
        User.email_verified_at.is_not(None),
        User.deleted_at.is_(None),
        Profile.onboarded_at.is_not(None),
    )


def is_listed(user: User) -> bool:
    """The same rule for a loaded account."""
    profile = user.profile
    return user.is_active and user.is_verified and profile is not None and profile.onboarded_at is not None


def listed_member_or_404(user_id: int) -> User:
    """A listed member, or 404: to anyone else, an unlisted member doesn't exist."""
    person = db.get_or_404(User, user_id)
    if not is_listed(person):
        abort(404)
    return person
