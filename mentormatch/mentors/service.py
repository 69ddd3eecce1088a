"""Applying to mentor, and the people a mentor must never be matched with (their exclusions).

Every change to a mentor's standing is in standing.py. The caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from mentormatch.accounts.models import User
from mentormatch.accounts.signals import account_deleting, personal_data_requested
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.core.limits import MIN_CAPACITY
from mentormatch.core.mail import send_email
from mentormatch.core.registration import registration_body, registration_problem
from mentormatch.core.views import absolute_url
from mentormatch.core.vocabulary import STAGE_BY_CODE
from mentormatch.mentors.models import (
    APPROVED,
    FROM_PROFILE,
    PAUSED,
    PENDING,
    REJECTED,
    SUSPENDED,
    WITHDRAWN,
    MentorApplication,
    MentorExclusion,
)
from mentormatch.profiles.models import Profile

DECIDED_WORDS = {APPROVED: "approved", REJECTED: "turned down", "withdrawn": "withdrawn"}


class MentorProblem(Exception):
    """Why something can't be done now, in words for the person who tried."""


@dataclass(frozen=True)
class Application:
    """What someone asks for when they apply (checked by the form)."""

    registration_number: str
    specialties: list[str]
    offers: list[str]
    capacity: int
    hours_a_month: int
    statement: str
    exclusions: list[tuple[str, str]]  # (email address, why)


def at_time(moment: datetime) -> str:
    """'14:05 on 3 March 2025' (UTC), for telling someone when something happened."""
    return f"{moment:%H:%M} on {moment:%-d %B %Y}"


# --- applying --------------------------------------------------------------------------------------


def application_problem(user: User) -> str | None:
    """Why this member can't apply to mentor now, or None when they can."""
    profile: Profile | None = user.profile
    if not user.is_verified:
        return "Confirm your email address first: open the link we emailed you."
    if profile is None or profile.onboarded_at is None:
        return "Finish your profile first: mentees choose mentors by what it says."
    if STAGE_BY_CODE.get(user.career_stage or "") is None or registration_body(user.career_stage) is None:
        return (
            "Medical students can't mentor through MentorMatch yet: mentors are registered professionals. "
            "You can still be mentored, and connect with peers."
        )
    return {
        PENDING: "You have already applied: the programme admins will let you know by email.",
        APPROVED: "You are already a mentor.",
        PAUSED: "You are already a mentor (paused at the moment).",
        SUSPENDED: "Your mentoring is suspended. Please contact your programme administrator.",
    }.get(profile.mentor_status or "")


def apply_to_mentor(user: User, application: Application) -> MentorApplication:
    """Send an application: it waits for an admin, and the applicant is emailed. Raises MentorProblem."""
    problem = application_problem(user) or registration_problem(
        user.career_stage, application.registration_number, required=True
    )
    if problem:
        raise MentorProblem(problem[0].upper() + problem[1:])
    # An application left waiting when a career-stage change ended their mentoring is stale.
    db.session.execute(
        update(MentorApplication)
        .where(MentorApplication.applicant_id == user.id, MentorApplication.status == PENDING)
        .values(status=WITHDRAWN, decided_at=utcnow(), reason="Replaced by a new application.")
        .execution_options(synchronize_session=False)
    )
    row = MentorApplication(
        applicant_id=user.id,
        career_stage=user.career_stage,
        registration_body=registration_body(user.career_stage),
        registration_number=application.registration_number,
        specialties=application.specialties,
        offers=application.offers,
        capacity=application.capacity,
        hours_a_month=application.hours_a_month,
        statement=application.statement,
        status=PENDING,
        created_at=utcnow(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:  # the same form, sent a moment ago from another tab
        raise MentorProblem("You have already applied: the programme admins will let you know.") from None
    profile = user.profile
    profile.offers_mentoring = True
    profile.mentor_status = PENDING
    set_exclusions(user, application.exclusions)
    send_email(
        user.email,
        "mentor_application_received",
        "We've received your application to mentor",
        user=user,
        application=row,
        link=absolute_url("mentors.status"),
    )
    return row


def set_exclusions(mentor: User, exclusions: list[tuple[str, str]]) -> None:
    """Replace the people this mentor must not be matched with."""
    db.session.execute(delete(MentorExclusion).where(MentorExclusion.mentor_id == mentor.id))
    seen: set[str] = set()
    for email, why in exclusions:
        if email not in seen:
            seen.add(email)
            db.session.add(MentorExclusion(mentor_id=mentor.id, excluded_email=email, why=why))


def exclusions_for(mentor: User) -> list[MentorExclusion]:
    """The people this mentor said they must not be matched with, as they entered them."""
    return list(
        db.session.scalars(
            select(MentorExclusion).where(MentorExclusion.mentor_id == mentor.id).order_by(MentorExclusion.id)
        )
    )


def excluded_pairs(mentor_ids: list[int] | None = None) -> set[tuple[int, int]]:
    """(mentor id, member id) pairs that must never be matched: members found by their address now."""
    query = select(MentorExclusion.mentor_id, User.id).join(
        User, User.email == MentorExclusion.excluded_email
    )
    if mentor_ids is not None:
        query = query.where(MentorExclusion.mentor_id.in_(mentor_ids))
    return {(mentor_id, member_id) for mentor_id, member_id in db.session.execute(query)}


def latest_application(user: User) -> MentorApplication | None:
    """This member's most recent application, decided or not."""
    return db.session.scalar(
        select(MentorApplication)
        .where(MentorApplication.applicant_id == user.id)
        .order_by(MentorApplication.id.desc())
        .limit(1)
    )


def make_missing_applications() -> int:
    """An application for every profile waiting for approval without one (imported mentors, and
    mentors whose career stage changed), made from the profile so the queue can decide it."""
    waiting = select(MentorApplication.id).where(
        MentorApplication.applicant_id == Profile.user_id, MentorApplication.status == PENDING
    )
    rows = db.session.execute(
        select(User, Profile)
        .join(Profile, Profile.user_id == User.id)
        .where(Profile.mentor_status == PENDING, User.deleted_at.is_(None), ~waiting.exists())
    ).all()
    made = 0
    for user, profile in rows:
        try:
            with db.session.begin_nested():  # another admin's page may make the same one at once
                db.session.add(
                    MentorApplication(
                        applicant_id=user.id,
                        career_stage=user.career_stage or "",
                        registration_body=registration_body(user.career_stage or "") or "",
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
                )
            made += 1
        except IntegrityError:
            pass
    return made


# --- accounts closing, and their data --------------------------------------------------------------


@account_deleting.connect
def _forget_applications(user: User) -> None:
    """A deleted account's applications and declared exclusions go with it."""
    db.session.execute(delete(MentorApplication).where(MentorApplication.applicant_id == user.id))
    db.session.execute(delete(MentorExclusion).where(MentorExclusion.mentor_id == user.id))


@personal_data_requested.connect
def _export_applications(user: User) -> dict:
    """The mentoring applications section of someone's data download."""
    rows = db.session.scalars(
        select(MentorApplication)
        .where(MentorApplication.applicant_id == user.id)
        .order_by(MentorApplication.id)
    )
    return {
        "mentor_applications": [
            {
                "registration_body": row.registration_body,
                "registration_number": row.registration_number,
                "specialties": row.specialties,
                "offers": row.offers,
                "capacity": row.capacity,
                "hours_a_month": row.hours_a_month,
                "statement": row.statement,
                "status": row.status,
                "reason": row.reason,
                "created_at": row.created_at.isoformat(),
                "decided_at": row.decided_at.isoformat() if row.decided_at else None,
            }
            for row in rows
        ],
        "mentor_exclusions": [{"email": e.excluded_email, "why": e.why} for e in exclusions_for(user)],
    }
