"""What a digest holds: its new suggestions, requests and connections, and how they read."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta


@dataclass(frozen=True)
class SuggestedItem:
    """A suggested person, as the digest shows them."""

    user_id: int
    name: str
    stage: str
    organisation: str
    percent: int
    reasons: list[str]


@dataclass(frozen=True)
class RequestItem:
    """A pending request: one waiting for this person's answer, or one of their own."""

    id: int
    kind: str
    other_id: int
    other_name: str
    expires_at: datetime
    days_left: int


@dataclass(frozen=True)
class ConnectionItem:
    """A new connection: `role` is what the other person is to the reader (mentor, mentee, peer)."""

    id: int
    role: str
    other_id: int
    other_name: str


@dataclass(frozen=True)
class IntroductionItem:
    """An introduction waiting for the reader's answer: who introduced them, and to whom."""

    id: int
    introducer_name: str
    other_id: int
    other_name: str
    days_left: int


@dataclass(frozen=True)
class UnreadItem:
    """Messages in one pair's conversation that the reader hasn't read, from `other_name`."""

    connection_id: int
    other_id: int
    other_name: str
    count: int


@dataclass
class DigestContent:
    """One person's next digest, and what the ledger must remember once it is decided."""

    user_id: int
    name: str
    email: str
    frequency: str
    period_key: str
    as_of: datetime
    since: datetime
    mentors: list[SuggestedItem] = field(default_factory=list)
    peers: list[SuggestedItem] = field(default_factory=list)
    received: list[RequestItem] = field(default_factory=list)
    sent: list[RequestItem] = field(default_factory=list)
    connections: list[ConnectionItem] = field(default_factory=list)
    introductions: list[IntroductionItem] = field(default_factory=list)
    unread: list[UnreadItem] = field(default_factory=list)
    # Events (digests/events.py): coming up with people to meet, "who did you meet?", follow-ups.
    events: list = field(default_factory=list)
    ask_met: list = field(default_factory=list)
    follow_ups: list = field(default_factory=list)
    applications_waiting: int = 0
    applications_new: int = 0
    seen: dict = field(default_factory=dict)
    previous_period: str | None = None

    @property
    def is_empty(self) -> bool:
        """Nothing new: no email."""
        return not (
            self.mentors
            or self.peers
            or self.received
            or self.sent
            or self.connections
            or self.introductions
            or self.unread
            or self.applications_new
            or self.has_events
        )

    @property
    def has_events(self) -> bool:
        return bool(self.events or self.ask_met or self.follow_ups)

    def included(self) -> dict[str, list[int]]:
        """The ids shown, for the ledger."""
        return {
            "mentors": [item.user_id for item in self.mentors],
            "peers": [item.user_id for item in self.peers],
            "received": [item.id for item in self.received],
            "sent": [item.id for item in self.sent],
            "connections": [item.id for item in self.connections],
            "introductions": [item.id for item in self.introductions],
            "applications": self.seen.get("applications", []) if self.applications_new else [],
            "events": [item.event_id for item in self.events],
            "ask_met": [item.event_id for item in self.ask_met],
        }

    def summary(self) -> str:
        """The subject: the news first, most pressing first ('1 request to answer · 6 new people to meet')."""
        parts = []
        if self.received:
            parts.append(_count(len(self.received), "request to answer", "requests to answer"))
        if self.introductions:
            parts.append(_count(len(self.introductions), "introduction to answer", "introductions to answer"))
        if self.unread:
            parts.append(_count(sum(item.count for item in self.unread), "unread message", "unread messages"))
        if self.connections:
            parts.append(_count(len(self.connections), "new connection", "new connections"))
        if self.mentors or self.peers:
            people = len(self.mentors) + len(self.peers)
            parts.append(_count(people, "new person to meet", "new people to meet"))
        if self.applications_new:
            parts.append(_count(self.applications_new, "new mentor application", "new mentor applications"))
        if self.ask_met or self.follow_ups:
            parts.append(
                _count(len(self.ask_met) + len(self.follow_ups), "event follow-up", "event follow-ups")
            )
        if self.events:
            parts.append(_count(len(self.events), "event coming up", "events coming up"))
        if self.sent and not parts:
            parts.append(_count(len(self.sent), "request still waiting", "requests still waiting"))
        return " · ".join(parts)


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def days_left(expires_at: datetime, now: datetime) -> int:
    """Whole days before a request closes (0 on its last day)."""
    return max(math.floor((expires_at - now) / timedelta(days=1)), 0)
