"""Suggestions for members: profiles become engine `Member`s, and each process's engine stays fresh.

Each web process keeps one fitted `MatchingEngine` (fitting is the slow part). Before every use it
reads what changed since it last looked, from the `matching_change` log that every change to a
profile, an approval, a place or a request writes in its own transaction, and updates just those
members. So several processes never serve suggestions from stale data, and nothing is refitted on
a page load unless `flask matches rebuild` asked for it (a new generation) or many members changed
since the last fit (new words the fitted vocabulary doesn't know).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from mentormatch.accounts.models import User
from mentormatch.accounts.signals import account_deleting
from mentormatch.core.changes import MatchingChange
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.core.vocabulary import STAGE_BY_CODE
from mentormatch.matching.engine import MatchingEngine, Member, Suggestion
from mentormatch.matching.models import Dismissal, MatchingState
from mentormatch.mentoring.models import MENTORING, PENDING, Connection, MentoringRequest
from mentormatch.mentors.models import MentorExclusion
from mentormatch.profiles.listing import listed
from mentormatch.profiles.models import Profile

KINDS = ("mentor", "peer")
# An id below the newest one seen but not yet visible may belong to a transaction still
# committing; after this long it was rolled back (or the sequence skipped it).
GAP_PATIENCE_SECONDS = 120.0
# A cursor that starts from an empty log (a rebuild forgot every change) awaits only this many ids
# below the first it sees, not every id PostgreSQL's sequence ever gave out.
GAP_WINDOW = 1000
# `matches rebuild` forgets changes older than this (a process that old refits anyway).
CHANGE_LOG_KEEP = timedelta(days=1)
# Refit in the process once this many members changed since the fit (new words would be lost).
REFIT_AFTER_CHANGES = 500
REFIT_AFTER_SHARE = 0.2


# --- profiles as engine members ----------------------------------------------------------------


def _eligible() -> object:
    """Who can be suggested to anyone: confirmed, not deleted, onboarded, with a known stage."""
    return (
        *listed(),
        User.career_stage.in_(list(STAGE_BY_CODE)),
    )


def load_members(user_ids: Iterable[int] | None = None) -> list[Member]:
    """Engine members for everyone eligible, or for these ids (the ineligible ones as unverified)."""
    statement = select(User, Profile).join(Profile, Profile.user_id == User.id).where(*_eligible())
    wanted = None if user_ids is None else set(user_ids)
    if wanted is not None:
        statement = statement.where(User.id.in_(wanted))
    # Fresh values even for rows this session loaded before another transaction changed them.
    rows = db.session.execute(statement.execution_options(populate_existing=True)).all()
    pending = dict(
        db.session.execute(
            select(MentoringRequest.recipient_id, func.count())
            .where(MentoringRequest.kind == MENTORING, MentoringRequest.status == PENDING)
            .group_by(MentoringRequest.recipient_id)
        ).all()
    )
    members = [_member(user, profile, pending.get(user.id, 0)) for user, profile in rows]
    if wanted is not None:  # gone, unconfirmed or not onboarded: the engine must stop suggesting them
        found = {member.id for member in members}
        members += [Member(id=user_id, stage_rank=0, verified=False) for user_id in sorted(wanted - found)]
    return members


def _member(user: User, profile: Profile, pending_requests: int) -> Member:
    return Member(
        id=user.id,
        stage_rank=STAGE_BY_CODE[user.career_stage].rank,
        stage=user.career_stage,
        organisation=profile.organisation or "",
        region=profile.region or "",
        specialties=frozenset(profile.specialties),
        goals=frozenset(profile.goals),
        offers=frozenset(profile.offers),
        interests=frozenset(tag.name for tag in profile.interests),
        text=f"{profile.about or ''}\n{profile.looking_for or ''}",
        is_mentor=profile.is_approved_mentor,
        free_places=profile.free_places,
        pending_requests=pending_requests,
    )


# --- one fresh engine per process --------------------------------------------------------------


@dataclass
class ChangeCursor:
    """Reads the change log in id order without missing rows that commit out of order."""

    last: int = 0
    gaps: dict[int, float] = field(default_factory=dict)  # unseen id → when first missed

    def advance(self) -> set[int]:
        """The members changed since the last call."""
        condition = MatchingChange.id > self.last
        if self.gaps:
            condition = or_(condition, MatchingChange.id.in_(list(self.gaps)))
        rows = db.session.execute(select(MatchingChange.id, MatchingChange.user_id).where(condition)).all()
        now = time.monotonic()
        seen = {change_id for change_id, _ in rows}
        for change_id in seen:
            self.gaps.pop(change_id, None)
        newest = max(seen, default=self.last)
        for missing in range(self.last + 1 if self.last else max(newest - GAP_WINDOW, 1), newest):
            if missing not in seen:
                self.gaps[missing] = now
        self.last = max(self.last, newest)
        self.gaps = {gap: since for gap, since in self.gaps.items() if now - since < GAP_PATIENCE_SECONDS}
        return {user_id for _, user_id in rows}


@dataclass
class _ProcessEngine:
    lock: threading.Lock = field(default_factory=threading.Lock)
    engine: MatchingEngine | None = None
    generation: int | None = None
    cursor: ChangeCursor = field(default_factory=ChangeCursor)
    members: int = 0
    updates: int = 0


def _generation() -> int:
    return db.session.scalar(select(MatchingState.generation).where(MatchingState.id == 1)) or 0


def _fit(holder: _ProcessEngine) -> None:
    # Read the log's end first: a change committed while the members load is applied again, harmlessly.
    start = db.session.scalar(select(func.max(MatchingChange.id))) or 0
    # Ids below the end not visible yet may belong to transactions still committing: wait for them too.
    visible = set(db.session.scalars(select(MatchingChange.id).where(MatchingChange.id > start - GAP_WINDOW)))
    now = time.monotonic()
    cursor = ChangeCursor(last=start)
    cursor.gaps = {i: now for i in range(max(start - GAP_WINDOW, 0) + 1, start) if i not in visible}
    generation = _generation()
    members = load_members()
    holder.engine = MatchingEngine().fit(members) if members else None
    holder.generation, holder.cursor = generation, cursor
    holder.members, holder.updates = len(members), 0


def _process_engine() -> _ProcessEngine:
    return current_app.extensions.setdefault("mentormatch.matching", _ProcessEngine())


class FreshEngine:
    """`with fresh_engine() as engine:` — this process's engine, brought up to date, held locked."""

    def __enter__(self) -> MatchingEngine | None:
        holder = self.holder = _process_engine()
        holder.lock.acquire()
        try:
            if holder.engine is None or holder.generation != _generation():
                _fit(holder)
                return holder.engine
            changed = holder.cursor.advance()
            if not changed:
                return holder.engine
            holder.updates += len(changed)
            if holder.updates > max(REFIT_AFTER_CHANGES, REFIT_AFTER_SHARE * holder.members):
                _fit(holder)
            else:
                for member in load_members(changed):
                    holder.engine.update(member)
            return holder.engine
        except BaseException:
            holder.lock.release()
            raise

    def __exit__(self, *exc: object) -> None:
        self.holder.lock.release()


fresh_engine = FreshEngine


def rebuild() -> int:
    """Start a new generation: every process (this one now) refits from the database. Returns members."""
    state = db.session.get(MatchingState, 1)
    if state is None:
        state = MatchingState(id=1, generation=0)
        db.session.add(state)
    state.generation += 1
    state.rebuilt_at = utcnow()
    # Changes older than a day are history: any process that old refits for the new generation.
    db.session.execute(
        MatchingChange.__table__.delete().where(MatchingChange.created_at < utcnow() - CHANGE_LOG_KEEP)
    )
    db.session.commit()
    holder = _process_engine()
    with holder.lock:
        _fit(holder)
    return holder.members


# --- what pages ask for ------------------------------------------------------------------------


def _declared_exclusions():
    """(mentor, member) pairs a mentor declared must never be matched, by the member's address."""
    return select(MentorExclusion.mentor_id, User.id).join(
        User, User.email == func.lower(MentorExclusion.excluded_email)
    )


def excluded_for(user_id: int) -> set[int]:
    """Never suggested to this member: people they're connected to, have a request with, or dismissed."""
    requests = select(MentoringRequest.sender_id, MentoringRequest.recipient_id).where(
        MentoringRequest.status == PENDING,
        or_(MentoringRequest.sender_id == user_id, MentoringRequest.recipient_id == user_id),
    )
    connections = select(Connection.first_id, Connection.second_id).where(
        Connection.ended_at.is_(None), or_(Connection.first_id == user_id, Connection.second_id == user_id)
    )
    # A mentor's declared "never matched with" (their own trainees), whichever side this member is.
    declared = _declared_exclusions().where(or_(MentorExclusion.mentor_id == user_id, User.id == user_id))
    people = {
        person for pair in db.session.execute(requests.union_all(connections, declared)) for person in pair
    }
    people |= set(db.session.scalars(select(Dismissal.dismissed_id).where(Dismissal.user_id == user_id)))
    people.discard(user_id)
    return people


@dataclass(frozen=True)
class SuggestedPerson:
    """A suggestion ready to show: the person, their profile, a 0–100 % score and the reasons."""

    user: User
    profile: Profile
    percent: int
    score: float
    reasons: list[str]


def suggestions_for(user: User, kind: str, k: int = 10) -> list[SuggestedPerson]:
    """The k best mentors (kind "mentor") or peers ("peer") for this member, best first."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}")
    exclude = excluded_for(user.id)
    with fresh_engine() as engine:
        if engine is None:
            return []
        suggest = engine.suggest_mentors if kind == "mentor" else engine.suggest_peers
        try:
            found = suggest(user.id, k=k, exclude=exclude)
        except KeyError:  # not in matching yet: not onboarded (the page says what to do)
            return []
    return _people(found)


def _people(found: list[Suggestion]) -> list[SuggestedPerson]:
    ids = [suggestion.id for suggestion in found]
    rows = db.session.execute(select(User, Profile).join(Profile).where(User.id.in_(ids))).all()
    by_id = {user.id: (user, profile) for user, profile in rows}
    return [
        SuggestedPerson(*by_id[s.id], percent=round(s.score * 100), score=s.score, reasons=s.reasons)
        for s in found
        if s.id in by_id
    ]


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
        member: [s for s in suggestions if s.id not in excluded.get(member, ())][:k]
        for member, suggestions in found.items()
        if member in eligible
    }


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
