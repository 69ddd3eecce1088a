"""What a member's dashboard and digest say about events: the events coming up they registered for
(the next one with the people to meet there), "who did you meet?" for events just past, and the
follow-ups sent lately for people met but not connected with. A fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select

from mentormatch.accounts.models import User
from mentormatch.core.extensions import db
from mentormatch.events.follow_up import follow_ups_due_for
from mentormatch.events.meeting import PersonToMeet, listed_attendees, people_to_meet
from mentormatch.events.models import Event, EventMeeting, EventRegistration

UPCOMING_SHOWN = 3
# "Who did you meet?" is asked for this long after an event; memories fade, and so does the prompt.
ASK_WITHIN = timedelta(days=30)


@dataclass
class EventsSection:
    upcoming: list[Event] = field(default_factory=list)
    to_meet: list[PersonToMeet] = field(default_factory=list)  # at upcoming[0]
    ask_met: list[Event] = field(default_factory=list)
    follow_ups: list[EventMeeting] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.upcoming or self.ask_met or self.follow_ups)


def events_section(member: User, now: datetime, *, with_people: bool = True) -> EventsSection:
    """The member's events section (`with_people=False`: without the engine, for the digest's count)."""
    mine = select(Event).join(EventRegistration).where(EventRegistration.member_id == member.id)
    section = EventsSection()
    section.upcoming = list(
        db.session.scalars(mine.where(Event.ends_at > now).order_by(Event.starts_at).limit(UPCOMING_SHOWN))
    )
    if section.upcoming and with_people:
        nearest = section.upcoming[0]
        section.to_meet = people_to_meet(nearest, member, listed_attendees(nearest.id), k=3)
    section.ask_met = list(
        db.session.scalars(
            mine.where(
                Event.ends_at <= now,
                Event.ends_at > now - ASK_WITHIN,
                EventRegistration.answered_at.is_(None),
            )
            .order_by(Event.ends_at.desc())
            .limit(UPCOMING_SHOWN)
        )
    )
    section.follow_ups = follow_ups_due_for(member.id, now)
    return section
