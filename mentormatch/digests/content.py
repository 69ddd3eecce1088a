"""What goes in each person's digest: only what is new since their last one.

New means: suggested mentors and peers never shown in an earlier digest (up to three of each,
from their current top ten); requests waiting for their answer and their own pending requests
made since the last digest; connections started since; introductions made since that wait for
their answer; unread messages sent since (unread.py);
for admins, mentor applications that were not already waiting last time. Built for many people
at once (a few queries in all), so 10,000 digests need no query per person.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import func, select

from mentormatch.accounts.models import User
from mentormatch.core.extensions import db
from mentormatch.core.vocabulary import STAGE_BY_CODE
from mentormatch.digests.events import add_events
from mentormatch.digests.items import (
    ConnectionItem,
    DigestContent,
    IntroductionItem,
    RequestItem,
    SuggestedItem,
    days_left,
)
from mentormatch.digests.models import Digest
from mentormatch.digests.periods import FIRST_LOOK_BACK, period_key
from mentormatch.digests.unread import add_unread
from mentormatch.matching.service import all_suggestions, suggestions_for, top_percent
from mentormatch.mentoring.introduction_models import OPEN, Introduction
from mentormatch.mentoring.models import PENDING, Connection, MentoringRequest
from mentormatch.profiles.models import MentorStatus, Profile

NEW_SUGGESTIONS = 3  # of each kind, per digest
SUGGESTION_POOL = 10  # "new" is looked for among this many of the person's best suggestions
# Above this many people, everyone's suggestions are computed at once (much faster per person).
BULK_SUGGESTIONS_FROM = 50
# Remembered suggestions per person and kind (oldest forgotten first).
SEEN_LIMIT = 300
CHUNK = 900  # ids per IN (...): under SQLite's variable limit, whatever its version


def _chunks(ids: Sequence[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield list(ids[start : start + CHUNK])


def latest_digests(user_ids: Sequence[int]) -> dict[int, Digest]:
    """Each person's most recent digest row, if any."""
    found: dict[int, Digest] = {}
    for chunk in _chunks(user_ids):
        newest = (
            select(func.max(Digest.id)).where(Digest.user_id.in_(chunk)).group_by(Digest.user_id)
        ).scalar_subquery()
        for row in db.session.scalars(select(Digest).where(Digest.id.in_(newest))):
            found[row.user_id] = row
    return found


class Suggestions:
    """People's best suggestions as (id, N in "a top N % match", reasons), best first.

    For a few people, asked person by person; for many, everyone's computed once per kind and
    kept for the whole run (the engine gives the same answer both ways).
    """

    def __init__(self, bulk: bool) -> None:
        self.bulk = bulk
        self._everyone: dict[str, dict[int, list]] = {}

    def of(self, users: Sequence[User], kind: str) -> dict[int, list[tuple[int, int, list[str]]]]:
        """These people's suggestions of one kind."""
        if not self.bulk:
            return {
                user.id: [
                    (p.user.id, p.percent, p.reasons) for p in suggestions_for(user, kind, SUGGESTION_POOL)
                ]
                for user in users
            }
        if kind not in self._everyone:
            found = all_suggestions(kind, k=SUGGESTION_POOL)
            self._everyone[kind] = {
                member: [(s.id, top_percent(s.top), s.reasons) for s in suggestions]
                for member, suggestions in found.items()
            }
        everyone = self._everyone[kind]
        return {user.id: everyone[user.id] for user in users if user.id in everyone}


def _people(ids: set[int]) -> dict[int, tuple[str, str, str]]:
    """Name, stage label and organisation for each id."""
    people: dict[int, tuple[str, str, str]] = {}
    ordered = sorted(ids)
    for chunk in _chunks(ordered):
        rows = db.session.execute(
            select(User.id, User.name, User.career_stage, Profile.organisation)
            .outerjoin(Profile, Profile.user_id == User.id)
            .where(User.id.in_(chunk))
        )
        for user_id, name, stage, organisation in rows:
            label = STAGE_BY_CODE[stage].label if stage in STAGE_BY_CODE else ""
            people[user_id] = (name or "", label, organisation or "")
    return people


def _pending_applications() -> list[int]:
    """Mentor applications waiting for an admin: the profile's status is what counts."""
    return list(
        db.session.scalars(
            select(Profile.user_id)
            .join(User, User.id == Profile.user_id)
            .where(Profile.mentor_status == MentorStatus.PENDING, User.deleted_at.is_(None))
            .order_by(Profile.user_id)
        )
    )


def build_digests(
    users: Sequence[User], now: datetime, suggestions: Suggestions | None = None
) -> list[DigestContent]:
    """The next digest of each of these people, as of `now`; nothing is written."""
    if not users:
        return []
    suggestions = suggestions or Suggestions(bulk=len(users) >= BULK_SUGGESTIONS_FROM)
    ids = [user.id for user in users]
    previous = latest_digests(ids)
    contents: dict[int, DigestContent] = {}
    for user in users:
        last = previous.get(user.id)
        since = last.as_of if last else now - FIRST_LOOK_BACK[user.digest_frequency]
        seen = dict(last.seen) if last else {}
        contents[user.id] = DigestContent(
            user_id=user.id,
            name=user.name or "",
            email=user.email or "",
            frequency=user.digest_frequency,
            period_key=period_key(user.digest_frequency, now),
            as_of=now,
            since=since,
            seen=seen,
            previous_period=last.period_key if last else None,
        )
    earliest = min(content.since for content in contents.values())
    wanted = set(ids)

    _add_suggestions(users, contents, suggestions)
    _add_requests(contents, wanted, earliest, now)
    _add_connections(contents, wanted, earliest)
    _add_introductions(contents, wanted, earliest, now)
    add_unread(contents, wanted, earliest)
    add_events(contents, wanted, now)
    admins = [user for user in users if user.is_admin]
    if admins:
        waiting = _pending_applications()
        for admin in admins:
            content = contents[admin.id]
            before = set(content.seen.get("applications", []))
            content.applications_waiting = len(waiting)
            content.applications_new = len([user_id for user_id in waiting if user_id not in before])
            content.seen["applications"] = waiting
    return [contents[user.id] for user in users]


def _add_suggestions(users: Sequence[User], contents: dict[int, DigestContent], source: Suggestions) -> None:
    chosen: dict[int, dict[str, list[tuple[int, int, list[str]]]]] = {}
    shown: set[int] = set()
    for kind, key in (("mentor", "mentors"), ("peer", "peers")):
        for user_id, suggestions in source.of(users, kind).items():
            before = set(contents[user_id].seen.get(key, []))
            new = [s for s in suggestions if s[0] not in before][:NEW_SUGGESTIONS]
            chosen.setdefault(user_id, {})[key] = new
            shown.update(s[0] for s in new)
    people = _people(shown) if shown else {}
    for user_id, kinds in chosen.items():
        content = contents[user_id]
        for key, new in kinds.items():
            items = [
                SuggestedItem(other, *people[other], percent=percent, reasons=list(reasons))
                for other, percent, reasons in new
                if other in people
            ]
            setattr(content, key, items)
            if items:
                remembered = content.seen.get(key, []) + [item.user_id for item in items]
                content.seen[key] = remembered[-SEEN_LIMIT:]


def _add_requests(
    contents: dict[int, DigestContent], wanted: set[int], earliest: datetime, now: datetime
) -> None:
    rows = db.session.execute(
        select(
            MentoringRequest.id,
            MentoringRequest.kind,
            MentoringRequest.sender_id,
            MentoringRequest.recipient_id,
            MentoringRequest.created_at,
            MentoringRequest.expires_at,
        )
        .where(
            MentoringRequest.status == PENDING,
            MentoringRequest.created_at > earliest,
            MentoringRequest.expires_at > now,
        )
        .order_by(MentoringRequest.expires_at, MentoringRequest.id)
    ).all()
    mine = [row for row in rows if row.sender_id in wanted or row.recipient_id in wanted]
    if not mine:
        return
    people = _people({row.sender_id for row in mine} | {row.recipient_id for row in mine})
    for row in mine:
        for reader, other, section in (
            (row.recipient_id, row.sender_id, "received"),
            (row.sender_id, row.recipient_id, "sent"),
        ):
            content = contents.get(reader)
            if content is None or row.created_at <= content.since:
                continue
            getattr(content, section).append(
                RequestItem(
                    id=row.id,
                    kind=row.kind,
                    other_id=other,
                    other_name=people.get(other, ("",))[0],
                    expires_at=row.expires_at,
                    days_left=days_left(row.expires_at, now),
                )
            )


def _add_connections(contents: dict[int, DigestContent], wanted: set[int], earliest: datetime) -> None:
    rows = db.session.execute(
        select(
            Connection.id, Connection.kind, Connection.first_id, Connection.second_id, Connection.started_at
        )
        .where(
            Connection.ended_at.is_(None),
            Connection.started_at > earliest,
        )
        .order_by(Connection.started_at, Connection.id)
    ).all()
    mine = [row for row in rows if row.first_id in wanted or row.second_id in wanted]
    if not mine:
        return
    people = _people({row.first_id for row in mine} | {row.second_id for row in mine})
    for row in mine:
        for reader, other in ((row.first_id, row.second_id), (row.second_id, row.first_id)):
            content = contents.get(reader)
            if content is None or row.started_at <= content.since:
                continue
            # For mentoring, first is the mentor: the mentor reads about a mentee.
            role = "peer" if row.kind == "peer" else ("mentee" if reader == row.first_id else "mentor")
            content.connections.append(
                ConnectionItem(id=row.id, role=role, other_id=other, other_name=people.get(other, ("",))[0])
            )


def _add_introductions(
    contents: dict[int, DigestContent], wanted: set[int], earliest: datetime, now: datetime
) -> None:
    """Introductions made since the last digest that still wait for the reader's own answer."""
    rows = db.session.execute(
        select(
            Introduction.id,
            Introduction.introducer_id,
            Introduction.first_id,
            Introduction.second_id,
            Introduction.first_answer,
            Introduction.second_answer,
            Introduction.created_at,
            Introduction.expires_at,
        )
        .where(Introduction.status == OPEN, Introduction.created_at > earliest, Introduction.expires_at > now)
        .order_by(Introduction.expires_at, Introduction.id)
    ).all()
    mine = [row for row in rows if row.first_id in wanted or row.second_id in wanted]
    if not mine:
        return
    people = _people(
        {row.introducer_id for row in mine} | {row.first_id for row in mine} | {row.second_id for row in mine}
    )
    for row in mine:
        for reader, other, answer in (
            (row.first_id, row.second_id, row.first_answer),
            (row.second_id, row.first_id, row.second_answer),
        ):
            content = contents.get(reader)
            if content is None or answer is not None or row.created_at <= content.since:
                continue
            content.introductions.append(
                IntroductionItem(
                    id=row.id,
                    introducer_name=people.get(row.introducer_id, ("",))[0],
                    other_id=other,
                    other_name=people.get(other, ("",))[0],
                    days_left=days_left(row.expires_at, now),
                )
            )
