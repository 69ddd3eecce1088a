"""Writing demo members to the database in bulk: accounts, profiles, specialties, goals, interests.

Rows are built in Python and inserted many at a time (one INSERT per table per chunk), so ten
thousand people take seconds. The directory's search text is made by the same function the
profile editor calls (service.refresh_search_text); SQLite's FTS triggers and PostgreSQL's
generated tsvector column fill in from it as the rows go in.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from datetime import datetime, timedelta
from types import SimpleNamespace

from sqlalchemy import select

from mentormatch.accounts.models import User
from mentormatch.core.extensions import db
from mentormatch.core.skills import skill_key
from mentormatch.demo.generate import EMAIL_DOMAIN, DemoPerson
from mentormatch.mentors import applications
from mentormatch.mentors.models import PENDING
from mentormatch.profiles.models import (
    HelpTopic,
    Profile,
    ProfileGoal,
    ProfileOffer,
    ProfileSpecialty,
    Tag,
    profile_interest,
)
from mentormatch.profiles.service import refresh_search_text

CHUNK = 2000
# The demo logins read their digests: each is weekly, whatever the rule below gives.
WEEKLY_DIGEST_LOGINS = {f"{role}@{EMAIL_DOMAIN}" for role in ("admin", "student", "mentor")}


def digest_choice(email: str) -> str | None:
    """Who asked for digests, and how often: most people weekly, one in ten daily, about one in
    seven never (None). Decided by the address, so a seed's people stay the same people."""
    if email in WEEKLY_DIGEST_LOGINS:
        return "weekly"
    bucket = zlib.crc32(email.encode()) % 20
    return "daily" if bucket < 2 else None if bucket < 5 else "weekly"


def search_text(person: DemoPerson) -> tuple[str, str]:
    """(search_primary, search_secondary) for a person, exactly as saving their profile makes them."""
    user = SimpleNamespace(name=person.name, career_stage=person.career_stage)
    profile = SimpleNamespace(
        organisation=person.organisation,
        department=person.department,
        site=person.site,
        help_topics=[SimpleNamespace(label=label) for label in person.helps_with],
        stage_detail=person.stage_detail,
        region=person.region,
        about=person.about,
        looking_for=person.looking_for,
        # In the order the database hands them back to the profile (by code, by tag name).
        specialties=sorted(person.specialties),
        goals=sorted(person.goals),
        interests=[SimpleNamespace(name=tag) for tag in sorted(person.interests)],
    )
    refresh_search_text(user, profile)  # type: ignore[arg-type]  (it only reads and sets these)
    return profile.search_primary, profile.search_secondary


def seed_members(people: Sequence[DemoPerson], password_hash: str, *, now: datetime) -> None:
    """Insert these people, all verified and onboarded, sharing one password hash. The caller commits."""
    tag_ids = _tag_ids(sorted({tag for person in people for tag in person.interests}))
    # Core inserts on the tables: one executemany per table and chunk. (ORM bulk inserts split a
    # chunk wherever the pattern of NULLs changes from one row to the next: thousands of statements.)
    users, profiles = User.__table__, Profile.__table__
    for start in range(0, len(people), CHUNK):
        chunk = people[start : start + CHUNK]
        joined = [now - timedelta(days=person.joined_days_ago, minutes=30) for person in chunk]
        ids = db.session.scalars(
            users.insert().returning(users.c.id, sort_by_parameter_order=True),
            [_account(person, password_hash, at) for person, at in zip(chunk, joined, strict=True)],
        ).all()
        db.session.execute(
            profiles.insert(), [_profile(p, id_, at) for p, id_, at in zip(chunk, ids, joined, strict=True)]
        )
        pairs = list(zip(ids, chunk, strict=True))
        db.session.execute(
            ProfileSpecialty.__table__.insert(),
            [{"user_id": id_, "code": code} for id_, p in pairs for code in p.specialties],
        )
        db.session.execute(
            ProfileGoal.__table__.insert(),
            [{"user_id": id_, "code": code} for id_, p in pairs for code in p.goals],
        )
        offers = [{"user_id": id_, "code": code} for id_, p in pairs for code in p.offers]
        if offers:
            db.session.execute(ProfileOffer.__table__.insert(), offers)
        db.session.execute(
            profile_interest.insert(),
            [{"user_id": id_, "tag_id": tag_ids[tag]} for id_, p in pairs for tag in p.interests],
        )
        topics = [
            {"user_id": id_, "label": label, "skill_key": skill_key(label), "position": position}
            for id_, p in pairs
            for position, label in enumerate(p.helps_with)
        ]
        if topics:
            db.session.execute(HelpTopic.__table__.insert(), topics)
        # Those waiting for approval have an application, as every real path to waiting makes one.
        applications.applications_for_waiting([id_ for id_, p in pairs if p.mentor_status == PENDING])


def _tag_ids(names: list[str]) -> dict[str, int]:
    """Each interest's Tag id, adding the tags that don't exist yet (once, not per person)."""
    ids = dict(db.session.execute(select(Tag.name, Tag.id).where(Tag.name.in_(names))).tuples().all())
    missing = [{"name": name} for name in names if name not in ids]
    if missing:
        tags = Tag.__table__
        ids |= dict(
            db.session.execute(tags.insert().returning(tags.c.name, tags.c.id), missing).tuples().all()
        )
    return ids


def _account(person: DemoPerson, password_hash: str, joined: datetime) -> dict:
    digest = digest_choice(person.email)
    return {
        "digest_opt_in": digest is not None,
        "digest_frequency": digest or "weekly",
        "digest_consent_at": joined if digest else None,
        "email": person.email,
        "name": person.name,
        "career_stage": person.career_stage,
        "password_hash": password_hash,
        "is_admin": person.is_admin,
        "email_verified_at": joined + timedelta(minutes=3),
        "terms_accepted_at": joined,
        "created_at": joined,
    }


def _profile(person: DemoPerson, user_id: int, joined: datetime) -> dict:
    primary, secondary = search_text(person)
    onboarded = joined + timedelta(minutes=20)
    return {
        "user_id": user_id,
        "stage_detail": person.stage_detail,
        "organisation": person.organisation,
        "department": person.department,
        "site": person.site,
        "usually_around": person.usually_around,
        "region": person.region,
        "about": person.about,
        "looking_for": person.looking_for,
        "availability_hours": person.availability_hours,
        "meet_in_person": person.meet_in_person,
        "meet_video": person.meet_video,
        "meet_messages": person.meet_messages,
        "offers_mentoring": person.offers_mentoring,
        "mentor_status": person.mentor_status,
        "mentor_capacity": person.mentor_capacity,
        "registration_number": person.registration_number,
        "onboarded_at": onboarded,
        "updated_at": onboarded,
        "search_primary": primary,
        "search_secondary": secondary,
    }
