"""Applications made from a profile, for mentors left waiting without having applied.

An import, or a stage change, leaves a mentor waiting with no form sent. These rows change nobody's
standing (mentors/standing.py does that): they give the admins' queue something to decide.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from mentormatch.accounts.models import User
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.core.limits import MIN_CAPACITY
from mentormatch.core.registration import registration_body
from mentormatch.mentors.models import (
    FROM_PROFILE,
    PENDING,
    MentorApplication,
)
from mentormatch.profiles.models import Profile

CHUNK = 500  # members per statement (SQLite allows 999 bound values)


def applications_for_waiting(user_ids: list[int]) -> int:
    """An application, made from the profile, for each of these members waiting for approval
    without one (an imported mentor, a mentor whose career stage changed), so the queue can decide
    it. Called where they start waiting; returns how many were made."""
    made = 0
    for start in range(0, len(user_ids), CHUNK):
        chunk = user_ids[start : start + CHUNK]
        waiting = select(MentorApplication.id).where(
            MentorApplication.applicant_id == Profile.user_id, MentorApplication.status == PENDING
        )
        rows = db.session.execute(
            select(User, Profile)
            .join(Profile, Profile.user_id == User.id)
            .where(User.id.in_(chunk), Profile.mentor_status == PENDING, ~waiting.exists())
            .options(selectinload(Profile.specialty_rows), selectinload(Profile.offer_rows))
        ).all()
        for user, profile in rows:
            db.session.add(application_from(profile, user.career_stage or ""))
            made += 1
    db.session.flush()
    return made


def application_from(profile: Profile, stage: str) -> MentorApplication:
    """An application made from what the profile says, for a mentor waiting without having applied."""
    return MentorApplication(
        applicant_id=profile.user_id,
        career_stage=stage,
        registration_body=registration_body(stage) or "",
        registration_number=profile.registration_number or "",
        specialties=list(profile.specialties),
        offers=list(profile.offers),
        capacity=profile.mentor_capacity or MIN_CAPACITY,
        hours_a_month=profile.availability_hours or 0,
        statement="",
        source=FROM_PROFILE,
        status=PENDING,
        created_at=profile.updated_at or utcnow(),
    )
