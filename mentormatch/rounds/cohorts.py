"""Who can be in a round: members chosen by filters, approved mentors, or a cohort file of emails."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from mentormatch.accounts.models import User
from mentormatch.core.csvfile import read_email_list
from mentormatch.core.extensions import db
from mentormatch.core.vocabulary import STAGE_BY_CODE
from mentormatch.profiles.listing import listed
from mentormatch.profiles.models import MentorStatus, Profile, ProfileSpecialty


def members() -> object:
    """Members who can be matched: listed, with a known stage."""
    return (
        select(User)
        .join(Profile, Profile.user_id == User.id)
        .where(
            *listed(),
            User.career_stage.in_(list(STAGE_BY_CODE)),
        )
    )


def members_matching(stage: str = "", region: str = "", specialty: str = "") -> list[int]:
    """The ids of members at this stage, in this region, with this specialty (each optional)."""
    statement = members()
    if stage:
        statement = statement.where(User.career_stage == stage)
    if region:
        statement = statement.where(Profile.region == region)
    if specialty:
        statement = statement.where(
            select(ProfileSpecialty.user_id)
            .where(ProfileSpecialty.user_id == User.id, ProfileSpecialty.code == specialty)
            .exists()
        )
    return list(db.session.scalars(statement.with_only_columns(User.id).order_by(User.id)))


def approved_mentors() -> list[User]:
    """Every approved mentor who can be matched, by name."""
    statement = members().where(Profile.mentor_status == MentorStatus.APPROVED).order_by(User.name, User.id)
    return list(db.session.scalars(statement))


@dataclass
class Cohort:
    """The members named in a cohort file, and what was wrong with it, by line."""

    user_ids: list[int]
    problems: list[tuple[int, str]]


def read_cohort(data: bytes) -> Cohort:
    """A CSV of email addresses: an `email` column, or the first column when there is no such header."""
    listing = read_email_list(data)
    found = (
        dict(
            db.session.execute(
                members().with_only_columns(User.email, User.id).where(User.email.in_(list(listing.lines)))
            ).all()
        )
        if listing.lines
        else {}
    )
    return Cohort(*listing.named(found, "no member who can be matched has this address"))
