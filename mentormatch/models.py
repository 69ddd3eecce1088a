"""Every model, imported in one place so Alembic and create_all see all the tables."""

from mentormatch.accounts.models import AccountToken, User
from mentormatch.mail.models import OutboxMessage
from mentormatch.profiles.models import Profile, ProfileGoal, ProfileSpecialty, Tag, profile_interest

__all__ = [
    "AccountToken",
    "OutboxMessage",
    "Profile",
    "ProfileGoal",
    "ProfileSpecialty",
    "Tag",
    "User",
    "profile_interest",
]
