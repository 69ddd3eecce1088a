"""Applying to mentor, and the people a mentor must never be matched with (their exclusions).

Every change to a mentor's standing is in standing.py. The caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select

from mentormatch.accounts.models import User
from mentormatch.accounts.signals import account_deleting, personal_data_requested
from mentormatch.core.extensions import db
from mentormatch.core.registration import registration_body
from mentormatch.core.vocabulary import STAGE_BY_CODE
from mentormatch.mentors.models import (
    APPROVED,
    PAUSED,
    PENDING,
    REJECTED,
    SUSPENDED,
    WITHDRAWN,
    MentorApplication,
    MentorExclusion,
)
from mentormatch.profiles.models import Profile

DECIDED_WORDS = {APPROVED: "approved", REJECTED: "turned down", WITHDRAWN: "withdrawn"}


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


def already_decided(application: MentorApplication) -> str:
    """'Already approved by Dr Ada Admin at 14:05 on 3 March 2025.', for the admin who came second."""
    words = DECIDED_WORDS.get(application.status, application.status)
    by = f" by {application.decided_by.display_name}" if application.decided_by else ""
    when = f" at {at_time(application.decided_at)}" if application.decided_at else ""
    return f"Already {words}{by}{when}. Nothing was changed."
