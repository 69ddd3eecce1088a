"""Suggestions for members, for the pages: who is excluded, the suggestions themselves, and dismissals.

The engine behind them is kept fresh in every process by freshness.py."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import cache

from sqlalchemy import CompoundSelect, Select, bindparam, func, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from mentormatch.accounts.models import User
from mentormatch.accounts.signals import account_deleting
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.matching.engine import Suggestion
from mentormatch.matching.freshness import fresh_engine
from mentormatch.matching.members import _eligible
from mentormatch.matching.models import Dismissal
from mentormatch.mentoring.models import PENDING, Connection, MentoringRequest
from mentormatch.mentors.models import MentorExclusion
from mentormatch.profiles.models import Profile
from mentormatch.profiles.people import PROFILE_COLUMNS_ONLY

KINDS = ("mentor", "peer")


# --- profiles as engine members ----------------------------------------------------------------


# --- one fresh engine per process --------------------------------------------------------------


# --- what pages ask for ------------------------------------------------------------------------


def _declared_exclusions():
    """(mentor, member) pairs a mentor declared must never be matched, by the member's address."""
    return select(MentorExclusion.mentor_id, User.id).join(
        User, User.email == func.lower(MentorExclusion.excluded_email)
    )


@cache
def _exclusions_statement() -> CompoundSelect:
    """Built once, the member a parameter: on every /matches and dashboard view, building it anew
    (and its cache key) cost more Python than running it."""
    user_id = bindparam("user_id")
    requests = select(MentoringRequest.sender_id, MentoringRequest.recipient_id).where(
        MentoringRequest.status == PENDING,
        or_(MentoringRequest.sender_id == user_id, MentoringRequest.recipient_id == user_id),
    )
    connections = select(Connection.first_id, Connection.second_id).where(
        Connection.ended_at.is_(None), or_(Connection.first_id == user_id, Connection.second_id == user_id)
    )
    # A mentor's declared "never matched with" (their own trainees), whichever side this member is.
    declared = _declared_exclusions().where(or_(MentorExclusion.mentor_id == user_id, User.id == user_id))
    dismissed = select(Dismissal.user_id, Dismissal.dismissed_id).where(Dismissal.user_id == user_id)
    return requests.union_all(connections, declared, dismissed)


def excluded_for(user_id: int) -> set[int]:
    """Never suggested to this member: people they're connected to, have a request with, or dismissed."""
    pairs = db.session.execute(_exclusions_statement(), {"user_id": user_id})  # one round trip
    people = {person for pair in pairs for person in pair}
    people.discard(user_id)
    return people


def top_percent(top: float) -> int:
    """'a top 3 % match for you': the share of everyone eligible ranked at or above, rounded up."""
    return max(1, math.ceil(round(100 * top, 6)))


def standing(top: float) -> float:
    """The 0–1 number exports give: the share of everyone eligible ranked below this suggestion."""
    return round(max(0.0, 1.0 - top), 4)


@dataclass(frozen=True)
class SuggestedPerson:
    """A suggestion ready to show: the person, their profile, how high it ranks, and the reasons.

    `percent` is N in "a top N % match for you" (docs/matching.md); `score` is the engine's fit.
    """

    user: User
    profile: Profile
    percent: int
    score: float
    reasons: list[str]


def suggestions_for(user: User, kind: str, k: int = 10) -> list[SuggestedPerson]:
    """The k best mentors (kind "mentor") or peers ("peer") for this member, best first."""
    return suggestions_of_kinds(user, (kind,), k)[kind]


def suggestions_of_kinds(user: User, kinds: tuple[str, ...], k: int = 10) -> dict[str, list[SuggestedPerson]]:
    """suggestions_for() of several kinds at once: the exclusions, the engine's freshness and the
    people are read once for all of them."""
    if unknown := set(kinds) - set(KINDS):
        raise ValueError(f"kind must be one of {KINDS}, not {sorted(unknown)}")
    exclude = excluded_for(user.id)
    found: dict[str, list[Suggestion]] = {kind: [] for kind in kinds}
    with fresh_engine() as engine:
        if engine is None:
            return {kind: [] for kind in kinds}
        for kind in kinds:
            suggest = engine.suggest_mentors if kind == "mentor" else engine.suggest_peers
            try:
                found[kind] = suggest(user.id, k=k, exclude=exclude)
            except KeyError:  # not in matching yet: not onboarded (the page says what to do)
                return {kind: [] for kind in kinds}
    people = _people({s.id for suggestions in found.values() for s in suggestions})
    return {
        kind: [
            SuggestedPerson(*people[s.id], percent=top_percent(s.top), score=s.score, reasons=s.reasons)
            for s in suggestions
            if s.id in people
        ]
        for kind, suggestions in found.items()
    }


@cache
def _people_statement() -> Select:
    # The cards show a profile's own columns, never its tag lists: those load only if read.
    ids = bindparam("ids", expanding=True)
    return select(User, Profile).join(Profile).where(User.id.in_(ids)).options(*PROFILE_COLUMNS_ONLY)


def _people(ids: set[int]) -> dict[int, tuple[User, Profile]]:
    if not ids:
        return {}
    rows = db.session.execute(_people_statement(), {"ids": list(ids)}).all()
    return {user.id: (user, profile) for user, profile in rows}


def all_suggestions(kind: str, k: int = 10, *, reasons: bool = True) -> dict[int, list[Suggestion]]:
    """Everyone's suggestions of one kind, each with their own exclusions (the export)."""
    with fresh_engine() as engine:
        if engine is None:
            return {}
        excluded = _all_exclusions()
        widest = max((len(people) for people in excluded.values()), default=0)
        found = engine.suggest_all(kind, k=k + widest, reasons=reasons)
    # The engine keeps members who left since the fit (as unverified, never suggested): not theirs either.
    eligible = set(
        db.session.scalars(select(User.id).join(Profile, Profile.user_id == User.id).where(*_eligible()))
    )
    return {
        member: _without(suggestions, excluded.get(member, set()), k)
        for member, suggestions in found.items()
        if member in eligible
    }


def _without(suggestions: list[Suggestion], excluded: set[int], k: int) -> list[Suggestion]:
    """The first k not excluded, each one's standing counted among those left."""
    if not suggestions:
        return []
    out_of = round(1 / suggestions[0].top)  # everyone eligible, before these exclusions
    kept = [s for s in suggestions if s.id not in excluded][:k]
    gone = sum(1 for s in suggestions if s.id in excluded)
    left = max(out_of - gone, len(kept), 1)
    return [replace(s, top=(position + 1) / left) for position, s in enumerate(kept)]


def _all_exclusions() -> dict[int, set[int]]:
    excluded: dict[int, set[int]] = {}
    pairs = [
        select(MentoringRequest.sender_id, MentoringRequest.recipient_id).where(
            MentoringRequest.status == PENDING
        ),
        select(Connection.first_id, Connection.second_id).where(Connection.ended_at.is_(None)),
        _declared_exclusions(),
    ]
    for statement in pairs:
        for a, b in db.session.execute(statement):
            excluded.setdefault(a, set()).add(b)
            excluded.setdefault(b, set()).add(a)
    for a, b in db.session.execute(select(Dismissal.user_id, Dismissal.dismissed_id)):
        excluded.setdefault(a, set()).add(b)
    return excluded


def dismiss(user: User, other_id: int) -> None:
    """'Not for me': never suggest this person to this member again (until undone)."""
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    db.session.execute(
        insert(Dismissal)
        .values(user_id=user.id, dismissed_id=other_id, created_at=utcnow())
        .on_conflict_do_nothing()
    )


def undo_dismiss(user: User, other_id: int) -> None:
    """Suggest this person again."""
    db.session.execute(
        Dismissal.__table__.delete().where(Dismissal.user_id == user.id, Dismissal.dismissed_id == other_id)
    )


@account_deleting.connect
def _forget_dismissals(user: User) -> None:
    """A deleted account's dismissals, both ways, go with it."""
    db.session.execute(
        Dismissal.__table__.delete().where(
            or_(Dismissal.user_id == user.id, Dismissal.dismissed_id == user.id)
        )
    )
