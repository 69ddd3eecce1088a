"""Members for tests: an account with a profile, written through the models, ready for matching.

    mentee = make_member(app, stage="medical_student", goals=["exams"])
    mentor = make_member(app, stage="consultant", mentor=True, capacity=2, offers=["exams"])

Each call commits in its own app context and returns the new account's id.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from flask import Flask

from mentormatch.accounts.models import User
from mentormatch.accounts.passwords import hash_password
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.mentors import applications
from mentormatch.profiles.models import Profile
from mentormatch.profiles.service import refresh_search_text, tags_named
from tests.helpers import PASSWORD

_numbers = itertools.count(1)


def make_member(
    app: Flask,
    name: str | None = None,
    *,
    email: str | None = None,
    stage: str = "medical_student",
    specialties: Iterable[str] = (),
    goals: Iterable[str] = (),
    offers: Iterable[str] = (),
    interests: Iterable[str] = (),
    organisation: str = "",
    region: str | None = None,
    about: str = "",
    looking_for: str = "",
    mentor: bool | str = False,
    capacity: int | None = None,
    places_taken: int = 0,
    registration_number: str | None = None,
    password: str | None = PASSWORD,
    admin: bool = False,
    profile: bool = True,
    verified: bool = True,
    onboarded: bool = True,
    deleted: bool = False,
) -> int:
    """A member straight into the database. `mentor=True` is an approved mentor (capacity 2 unless
    given); a string is that mentor_status ("pending", "rejected"…) with mentoring offered.

    The one way tests make people: `profile=False` is an account that hasn't set up a profile yet;
    everyone can log in with `password` (tests.helpers.PASSWORD unless given).
    """
    number = next(_numbers)
    name = name or f"Member {number}"
    with app.app_context():
        user = User(
            email=email or f"member{number}@example.org",
            name=name,
            career_stage=stage,
            email_verified_at=utcnow() if verified else None,
            terms_accepted_at=utcnow(),
            password_hash=hash_password(password) if password else None,
            is_admin=admin,
            deleted_at=utcnow() if deleted else None,
        )
        if not profile:
            db.session.add(user)
            db.session.commit()
            return user.id
        status = "approved" if mentor is True else (mentor or None)
        made = Profile(
            user=user,
            organisation=organisation or None,
            region=region,
            about=about or None,
            looking_for=looking_for or None,
            offers_mentoring=bool(status),
            mentor_status=status,
            mentor_capacity=(capacity if capacity is not None else 2) if status else capacity,
            mentor_places_taken=places_taken,
            registration_number=registration_number,
            onboarded_at=utcnow() if onboarded else None,
        )
        made.specialties = list(specialties)
        made.goals = list(goals)
        made.offers = list(offers)
        made.interests = tags_named(sorted(set(interests)))
        refresh_search_text(user, made)
        db.session.add_all([user, made])
        db.session.flush()
        if status == "pending":  # as every real path to waiting does (mentors/standing.py)
            applications.applications_for_waiting([user.id])
        db.session.commit()
        return user.id
