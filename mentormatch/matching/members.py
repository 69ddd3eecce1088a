"""Profiles as engine members: who can be suggested, and what the engine knows of them."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select

from mentormatch.accounts.models import User
from mentormatch.core.extensions import db
from mentormatch.core.vocabulary import STAGE_BY_CODE
from mentormatch.matching.engine import Member
from mentormatch.mentoring.models import MENTORING, PENDING, MentoringRequest
from mentormatch.mentors.models import ApplicationStatus, MentorApplication
from mentormatch.profiles.listing import listed
from mentormatch.profiles.models import (
    MentorStatus,
    Profile,
    ProfileGoal,
    ProfileOffer,
    ProfileSpecialty,
    Tag,
    profile_interest,
)


def _eligible() -> object:
    """Who can be suggested to anyone: confirmed, not deleted, onboarded, with a known stage."""
    return (
        *listed(),
        User.career_stage.in_(list(STAGE_BY_CODE)),
    )


def load_members(user_ids: Iterable[int] | None = None) -> list[Member]:
    """Engine members for everyone eligible, or for these ids (the ineligible ones as unverified).

    Plain rows, never ORM objects: at 100,000 members a User, a Profile and four tag lists each
    took a web worker past 2 GB while fitting, and Python keeps the memory it grew to.
    """
    statement = (
        select(
            User.id,
            User.career_stage,
            Profile.organisation,
            Profile.region,
            Profile.about,
            Profile.looking_for,
            Profile.mentor_status,
            Profile.mentor_capacity,
            Profile.mentor_places_taken,
            Profile.meet_in_person,
        )
        .join(Profile, Profile.user_id == User.id)
        .where(*_eligible())
    )
    wanted = None if user_ids is None else set(user_ids)
    if wanted is not None:
        statement = statement.where(User.id.in_(wanted))
    rows = db.session.execute(statement).all()
    tags = _tag_lists(wanted)
    pending = dict(
        db.session.execute(
            select(MentoringRequest.recipient_id, func.count())
            .where(MentoringRequest.kind == MENTORING, MentoringRequest.status == PENDING)
            .group_by(MentoringRequest.recipient_id)
        ).all()
    )
    statements = _statements(wanted)
    members = [_member(row, tags, pending.get(row.id, 0), statements.get(row.id, "")) for row in rows]
    if wanted is not None:  # gone, unconfirmed or not onboarded: the engine must stop suggesting them
        found = {member.id for member in members}
        members += [Member(id=user_id, stage_rank=0, verified=False) for user_id in sorted(wanted - found)]
    return members


_TAG_LISTS = {
    "specialties": (ProfileSpecialty.user_id, ProfileSpecialty.code),
    "goals": (ProfileGoal.user_id, ProfileGoal.code),
    "offers": (ProfileOffer.user_id, ProfileOffer.code),
    "interests": (profile_interest.c.user_id, Tag.name),
}


def _tag_lists(wanted: set[int] | None) -> dict[str, dict[int, set[str]]]:
    """Each tag list's (user id → values), for these members or everyone."""
    found: dict[str, dict[int, set[str]]] = {}
    for name, (user_id, value) in _TAG_LISTS.items():
        statement = select(user_id, value)
        if name == "interests":
            statement = statement.join(Tag, Tag.id == profile_interest.c.tag_id)
        if wanted is not None:
            statement = statement.where(user_id.in_(wanted))
        by_member: dict[int, set[str]] = {}
        for member_id, tag in db.session.execute(statement):
            by_member.setdefault(member_id, set()).add(tag)
        found[name] = by_member
    return found


def _statements(wanted: set[int] | None) -> dict[int, str]:
    """Each mentor's statement from their latest approved application (/mentor/apply): what they
    wrote there about what they can help with is read like the rest of their text."""
    statement = (
        select(MentorApplication.applicant_id, MentorApplication.statement)
        .where(MentorApplication.status == ApplicationStatus.APPROVED, MentorApplication.statement != "")
        .order_by(MentorApplication.created_at, MentorApplication.id)
    )
    if wanted is not None:
        statement = statement.where(MentorApplication.applicant_id.in_(wanted))
    return dict(db.session.execute(statement).all())  # the latest one wins


def _member(row, tags: dict[str, dict[int, set[str]]], pending_requests: int, statement: str = "") -> Member:
    approved = row.mentor_status == MentorStatus.APPROVED
    return Member(
        id=row.id,
        stage_rank=STAGE_BY_CODE[row.career_stage].rank,
        stage=row.career_stage,
        organisation=row.organisation or "",
        region=row.region or "",
        specialties=frozenset(tags["specialties"].get(row.id, ())),
        goals=frozenset(tags["goals"].get(row.id, ())),
        offers=frozenset(tags["offers"].get(row.id, ())),
        interests=frozenset(tags["interests"].get(row.id, ())),
        text=f"{row.about or ''}\n{row.looking_for or ''}" + (f"\n{statement}" if statement else ""),
        is_mentor=approved,
        # As Profile.free_places: only an approved mentor has places.
        free_places=max((row.mentor_capacity or 0) - row.mentor_places_taken, 0) if approved else 0,
        pending_requests=pending_requests,
        in_person=bool(row.meet_in_person),
    )
