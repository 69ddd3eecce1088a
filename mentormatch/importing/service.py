"""Importing a checked file: accounts, profiles, interests and invitations, in one transaction.

Imported people are verified programme members: the programme vouches for their address, and
the invitation link proves it again. Their profile is filled in and marked onboarded, so they
appear in the directory and in matching at once. Nobody has accepted the terms of use on their
behalf, so terms_accepted_at stays empty until they agree themselves on the invitation page,
where they choose a password. They get no digest until they opt in themselves.

Like accounts.service, these functions work inside the caller's transaction (flushing, for ids)
and queue their emails in it; the caller commits, or rolls back.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

from sqlalchemy import select

from mentormatch.accounts.models import User
from mentormatch.accounts.tokens import Purpose, issue_token
from mentormatch.core.changes import note_change
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.core.mail import send_email
from mentormatch.core.views import absolute_url
from mentormatch.importing.rows import Person
from mentormatch.importing.validate import CheckedFile, check_file
from mentormatch.mentors import standing
from mentormatch.profiles.models import (
    Profile,
    ProfileGoal,
    ProfileOffer,
    ProfileSpecialty,
    Tag,
    profile_interest,
)
from mentormatch.profiles.service import refresh_search_text, tags_named

# Values per IN (…) query: well under SQLite's and PostgreSQL's limits on bound parameters.
CHUNK = 500
INVITATION_SUBJECT = "You've been added to MentorMatch: choose your password"


@dataclass(frozen=True)
class ImportReport:
    """What a run found and did: the checked file, and whether anything was imported."""

    checked: CheckedFile
    dry_run: bool
    approve_mentors: bool

    @property
    def imported(self) -> bool:
        return self.checked.ok and not self.dry_run

    def summary(self) -> str:
        """'Imported 57 people: 40 mentees, 17 mentors (17 approved).' or 'Would import …'."""
        checked = self.checked
        people = _count(len(checked.people), "person", "people")
        mentees = _count(checked.mentee_count, "mentee", "mentees")
        mentors = _count(checked.mentor_count, "mentor", "mentors")
        text = f"{'Would import' if self.dry_run else 'Imported'} {people}: {mentees}, {mentors}"
        if checked.mentor_count:
            text += f" ({checked.mentor_count} {'approved' if self.approve_mentors else 'pending approval'})"
        return text + "."


def import_members(
    data: bytes,
    *,
    dry_run: bool = False,
    approve_mentors: bool = False,
    admin: User | None = None,
    command: str | None = None,
) -> ImportReport:
    """Check the file and, if nothing is wrong and this isn't a dry run, stage every person.

    Raises validate.UnreadableFile when the file isn't UTF-8 CSV text, and IntegrityError if
    someone takes one of the addresses (or adds one of the interests) meanwhile: roll back then.
    """
    checked = check_file(data, existing_emails)
    report = ImportReport(checked, dry_run=dry_run, approve_mentors=approve_mentors)
    if report.imported:
        users = add_people(checked.people, mentors_will_be=standing.status_on_import(approve_mentors))
        mentors = [
            user for person, user in zip(checked.people, users, strict=True) if person.offers_mentoring
        ]
        standing.import_mentors(mentors, approve=approve_mentors, admin=admin, command=command)
    return report


def existing_emails(emails: list[str]) -> set[str]:
    """Which of these (lower-cased) addresses already have an account."""
    found: set[str] = set()
    for start in range(0, len(emails), CHUNK):
        chunk = emails[start : start + CHUNK]
        found.update(db.session.scalars(select(User.email).where(User.email.in_(chunk))))
    return found


def add_people(people: list[Person], *, mentors_will_be: str) -> list[User]:
    """Stage an account, a profile and an invitation email for each person (already checked).

    Their standing as mentors is the mentors code's to set (mentors/standing.py); the invitation
    already says what it will be (`mentors_will_be`).
    """
    now = utcnow()
    tags = _tags({name for person in people for name in person.interests})
    users = [
        User(email=person.email, name=person.name, career_stage=person.stage, email_verified_at=now)
        for person in people
    ]
    db.session.add_all(users)
    db.session.flush()  # their ids (and the new tags'), for the rows below
    rows: dict[str, list[dict]] = {
        "profiles": [],
        "specialties": [],
        "goals": [],
        "offers": [],
        "interests": [],
    }
    for person, user in zip(people, users, strict=True):
        values = {
            "user_id": user.id,
            "organisation": person.organisation,
            "region": person.region,
            "about": person.bio,
            "looking_for": person.looking_for,
            "offers_mentoring": person.offers_mentoring,
            "mentor_capacity": person.capacity,
            "registration_number": person.registration_number,
            "onboarded_at": now,
            "updated_at": now,
        }
        # refresh_search_text only reads a profile: a plain stand-in feeds it the same values, so
        # 10,000 people don't cost 80,000 ORM objects; their rows go in as a few bulk INSERTs.
        profile = SimpleNamespace(
            **values,
            stage_detail=None,
            mentor_status=mentors_will_be if person.offers_mentoring else None,
            department=None,
            site=None,
            help_topics=[],
            specialties=person.specialties,
            goals=person.goals,
            offers=person.offers,
            interests=[tags[name] for name in person.interests],
        )
        refresh_search_text(user, profile)
        rows["profiles"].append(
            {**values, "search_primary": profile.search_primary, "search_secondary": profile.search_secondary}
        )
        rows["specialties"] += [{"user_id": user.id, "code": code} for code in person.specialties]
        rows["goals"] += [{"user_id": user.id, "code": code} for code in person.goals]
        rows["offers"] += [{"user_id": user.id, "code": code} for code in person.offers]
        rows["interests"] += [{"user_id": user.id, "tag_id": tags[name].id} for name in person.interests]
        link = absolute_url("auth.accept_invitation", token=issue_token(user, Purpose.INVITATION))
        send_email(user.email, "import_invitation", INVITATION_SUBJECT, user=user, profile=profile, link=link)
    for table, key in (
        (Profile.__table__, "profiles"),
        (ProfileSpecialty.__table__, "specialties"),
        (ProfileGoal.__table__, "goals"),
        (ProfileOffer.__table__, "offers"),
        (profile_interest, "interests"),
    ):
        if rows[key]:
            db.session.execute(table.insert(), rows[key])
    note_change(*(user.id for user in users))  # they appear in every process's matching at once
    return users


def _tags(names: set[str]) -> dict[str, Tag]:
    """The Tag for each interest, existing or new, a chunk of names per query."""
    ordered = sorted(names)
    tags: dict[str, Tag] = {}
    for start in range(0, len(ordered), CHUNK):
        chunk = ordered[start : start + CHUNK]
        tags.update(zip(chunk, tags_named(chunk), strict=True))
    return tags


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"
