"""Profiles as engine members: who can be suggested, and what the engine knows of them."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select

from mentormatch.accounts.models import User
from mentormatch.core.extensions import db
from mentormatch.core.vocabulary import STAGE_BY_CODE
from mentormatch.matching.engine import Member
from mentormatch.mentoring.models import MENTORING, PENDING, MentoringRequest
from mentormatch.profiles.listing import listed
from mentormatch.profiles.models import Profile


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
        in_person=profile.meet_in_person,
    )
