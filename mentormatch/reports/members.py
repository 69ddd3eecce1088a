"""Who is in the programme: members by stage and region, mentors by status, supply and demand."""

from __future__ import annotations

from sqlalchemy import func, select

from mentormatch.accounts.models import User
from mentormatch.core.extensions import db
from mentormatch.core.vocabulary import REGIONS, SPECIALTIES, STAGES
from mentormatch.mentors.models import MENTOR_STATUS_LABELS
from mentormatch.profiles.models import MentorStatus, Profile, ProfileSpecialty
from mentormatch.reports.sql import (
    MENTEE_STAGES,
    STATUS_ORDER,
    count_if,
    counted,
    free_places,
    has_mentor,
    stage_label,
)
from mentormatch.reports.tables import TEXT, Column, ReportTable


def members_by_stage() -> ReportTable:
    """Members at each career stage, and how many of them are approved mentors."""
    table = ReportTable(
        "members-by-stage",
        "Members by career stage",
        (Column("Career stage", TEXT), Column("Members"), Column("Approved mentors")),
        empty_message="No members yet: nobody has verified their address and finished onboarding.",
        total_rows=1,
    )
    found = {
        stage: (int(members), int(mentors))
        for stage, members, mentors in db.session.execute(
            select(User.career_stage, func.count(), count_if(Profile.mentor_status == MentorStatus.APPROVED))
            .join(Profile, Profile.user_id == User.id)
            .where(*counted())
            .group_by(User.career_stage)
        )
    }
    if not found:
        return table
    table.rows = [(stage.label, *found.pop(stage.code, (0, 0))) for stage in STAGES]
    # Anything outside the vocabulary (an old code) still counts, under its own name.
    table.rows += [(stage_label(code), *found[code]) for code in sorted(found, key=lambda c: c or "")]
    table.rows.append(("All members", *(sum(row[i] for row in table.rows) for i in (1, 2))))
    return table


def members_by_region() -> ReportTable:
    """Members in each region: mentees and approved mentors among them."""
    table = ReportTable(
        "members-by-region",
        "Members by region",
        (Column("Region", TEXT), Column("Members"), Column("Mentees"), Column("Approved mentors")),
        empty_message="No members yet.",
        total_rows=1,
    )
    found = {
        region: (int(members), int(mentees), int(mentors))
        for region, members, mentees, mentors in db.session.execute(
            select(
                Profile.region,
                func.count(),
                count_if(User.career_stage.in_(MENTEE_STAGES)),
                count_if(Profile.mentor_status == MentorStatus.APPROVED),
            )
            .join(User, User.id == Profile.user_id)
            .where(*counted())
            .group_by(Profile.region)
        )
    }
    if not found:
        return table
    table.rows = [(label, *found.pop(code, (0, 0, 0))) for code, label in REGIONS.items()]
    unknown = sorted((code for code in found if code), key=str)
    table.rows += [(code, *found[code]) for code in unknown]
    if None in found:
        table.rows.append(("Not given", *found[None]))
    table.rows.append(("All members", *(sum(row[i] for row in table.rows) for i in (1, 2, 3))))
    return table


def mentors_by_status() -> ReportTable:
    """Mentors approved and waiting for approval, with the places they offer, have taken and have free."""
    table = ReportTable(
        "mentors",
        "Mentors approved and waiting",
        (
            Column("Status", TEXT),
            Column("Mentors"),
            Column("Places offered"),
            Column("Places taken"),
            Column("Free places"),
        ),
        empty_message="Nobody has offered to mentor yet.",
    )
    found = {
        status: tuple(int(value or 0) for value in values)
        for status, *values in db.session.execute(
            select(
                Profile.mentor_status,
                func.count(),
                func.sum(func.coalesce(Profile.mentor_capacity, 0)),
                func.sum(Profile.mentor_places_taken),
                func.sum(free_places()),
            )
            .join(User, User.id == Profile.user_id)
            .where(*counted(), Profile.mentor_status.is_not(None))
            .group_by(Profile.mentor_status)
        )
    }
    if not found:
        return table
    # Approved and waiting always; the others when someone has them; an unknown status last, as it is.
    statuses = [s for s in STATUS_ORDER if s in found or s in {MentorStatus.APPROVED, MentorStatus.PENDING}]
    statuses += sorted(set(found) - set(STATUS_ORDER))
    table.rows = [
        (MENTOR_STATUS_LABELS.get(status, status), *found.get(status, (0, 0, 0, 0))) for status in statuses
    ]
    return table


def supply_and_demand() -> ReportTable:
    """By specialty: mentees interested (and those without a mentor) against approved mentors' free places.

    A member lists several specialties, so they count under each: the rows don't add up to a total.
    """
    table = ReportTable(
        "specialties",
        "Supply and demand by specialty",
        (
            Column("Specialty", TEXT),
            Column("Mentees interested"),
            Column("Mentees without a mentor"),
            Column("Approved mentors"),
            Column("Free mentor places"),
        ),
        empty_message="No mentee or approved mentor has listed a specialty yet.",
    )
    members = (
        select(ProfileSpecialty.code)
        .join(User, User.id == ProfileSpecialty.user_id)
        .join(Profile, Profile.user_id == ProfileSpecialty.user_id)
        .where(*counted())
        .group_by(ProfileSpecialty.code)
    )
    demand = {
        code: (int(interested), int(interested) - int(matched))
        for code, interested, matched in db.session.execute(
            members.add_columns(func.count(), count_if(has_mentor())).where(
                User.career_stage.in_(MENTEE_STAGES)
            )
        )
    }
    supply = {
        code: (int(mentors), int(free))
        for code, mentors, free in db.session.execute(
            members.add_columns(func.count(), func.sum(free_places())).where(
                Profile.mentor_status == MentorStatus.APPROVED
            )
        )
    }
    rows = [
        (SPECIALTIES.get(code, code), *demand.get(code, (0, 0)), *supply.get(code, (0, 0)))
        for code in demand.keys() | supply.keys()
    ]
    # Most wanted first, then the most places; alphabetical among equals.
    table.rows = sorted(rows, key=lambda row: (-row[1], -row[4], row[0]))
    return table
