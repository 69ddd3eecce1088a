"""Every model, imported in one place so Alembic and create_all see all the tables."""

from mentormatch.accounts.models import AccountToken, User
from mentormatch.core.audit import AuditEntry
from mentormatch.core.changes import MatchingChange
from mentormatch.core.mail.models import OutboxMessage
from mentormatch.core.writes import WriteCount
from mentormatch.digests.models import Digest
from mentormatch.events.models import Event, EventMeeting, EventRegistration
from mentormatch.matching.models import Dismissal, LearnedBlend, MatchingState
from mentormatch.mentoring.introduction_models import Introduction
from mentormatch.mentoring.models import Connection, MentoringRequest
from mentormatch.mentoring.pair_models import Goal, Meeting, Message, PairNote, Reader
from mentormatch.mentors.models import MentorApplication, MentorExclusion
from mentormatch.profiles.models import (
    HelpTopic,
    Profile,
    ProfileGoal,
    ProfileOffer,
    ProfileSpecialty,
    Tag,
    profile_interest,
)
from mentormatch.rounds.models import MatchingRound, RoundMentee, RoundMentor, RoundPair

__all__ = [
    "AccountToken",
    "AuditEntry",
    "Connection",
    "Digest",
    "Dismissal",
    "Event",
    "EventMeeting",
    "EventRegistration",
    "Goal",
    "HelpTopic",
    "Introduction",
    "LearnedBlend",
    "MatchingChange",
    "MatchingRound",
    "MatchingState",
    "Meeting",
    "MentorApplication",
    "MentorExclusion",
    "MentoringRequest",
    "Message",
    "OutboxMessage",
    "PairNote",
    "Profile",
    "ProfileGoal",
    "ProfileOffer",
    "ProfileSpecialty",
    "Reader",
    "RoundMentee",
    "RoundMentor",
    "RoundPair",
    "Tag",
    "User",
    "WriteCount",
    "profile_interest",
]
