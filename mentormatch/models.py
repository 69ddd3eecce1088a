"""Every model, imported in one place so Alembic and create_all see all the tables."""

from mentormatch.accounts.models import AccountToken, User
from mentormatch.mail.models import OutboxMessage
from mentormatch.matching.models import Dismissal, MatchingChange, MatchingState
from mentormatch.mentoring.models import Connection, MentoringRequest
from mentormatch.profiles.models import (
    Profile,
    ProfileGoal,
    ProfileOffer,
    ProfileSpecialty,
    Tag,
    profile_interest,
)

__all__ = [
    "AccountToken",
    "Connection",
    "Dismissal",
    "MatchingChange",
    "MatchingState",
    "MentoringRequest",
    "OutboxMessage",
    "Profile",
    "ProfileGoal",
    "ProfileOffer",
    "ProfileSpecialty",
    "Tag",
    "User",
    "profile_interest",
]
