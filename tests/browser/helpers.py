"""Helpers the browser tests share: where the page is, logging in, the keyboard, seeding members."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from flask import Flask
from playwright.sync_api import Locator, Page, expect

from mentormatch.accounts.models import User
from mentormatch.accounts.passwords import hash_password
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.profiles.models import Profile
from mentormatch.profiles.service import refresh_search_text, tags_named
from tests.helpers import PASSWORD

MATCHES_EMAIL = "priya@example.ac.uk"
MATCHES_MENTOR = "tom@example.org"
# Pages answered with 4xx on purpose (a form with errors, an unknown URL) log this in Chromium.
FAILED_LOAD = r"Failed to load resource: the server responded with a status of {}"


def path_of(page: Page) -> str:
    """The page's path and query string."""
    return re.sub(r"^https?://[^/]+", "", page.url)


def status(page: Page) -> Locator:
    """The site's one polite live region."""
    return page.locator("#status")


def log_in(page: Page, email: str, password: str = PASSWORD, next_path: str | None = None) -> None:
    page.goto("/auth/login" + (f"?next={next_path}" if next_path else ""))
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()
    # Attached, not visible: on a phone the Log out button is in the closed menu.
    expect(page.locator('form[action="/auth/logout"]')).to_be_attached()


def tab_to(page: Page, target: Locator, most: int = 40) -> None:
    """Press Tab until `target` has focus."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{target} not reached in {most} Tab presses")


def wait_for_htmx(page: Page) -> None:
    """Wait until htmx (a deferred script) has run.

    Not page.wait_for_function: when its first check fails it polls by eval-ing the expression in
    the page, which the CSP refuses (a CSP violation, and the wait fails).
    """
    page.wait_for_load_state("load")
    assert page.evaluate("typeof htmx") == "object", "htmx didn't load"


def mark_document(page: Page) -> None:
    """A marker that lasts only as long as this document: a full page load removes it."""
    page.evaluate("window.__sameDocument = 'yes'")


def same_document(page: Page) -> bool:
    return page.evaluate("window.__sameDocument === 'yes'")


def add_members(app: Flask, members: Iterable[dict[str, Any]]) -> list[int]:
    """Verified members with onboarded, searchable profiles, straight into the database; their ids.

    Each dict has `name`, optionally `stage` (a career-stage code), `email`, `password` (to log in
    as them), `interests` (tag names), `specialties` (codes), and any other Profile column.
    """
    with app.app_context():
        users = []
        for number, spec in enumerate(members):
            spec = dict(spec)
            name = spec.pop("name")
            slug = re.sub(r"[^a-z]", "", name.lower())
            user = User(
                email=spec.pop("email", f"{slug}{number}@example.org"),
                name=name,
                career_stage=spec.pop("stage", "foundation_doctor"),
                password_hash=hash_password(spec.pop("password")) if "password" in spec else None,
                email_verified_at=utcnow(),
                terms_accepted_at=utcnow(),
            )
            interests = spec.pop("interests", [])
            specialties = spec.pop("specialties", [])
            profile = Profile(user=user, onboarded_at=utcnow(), **spec)
            profile.specialties = specialties
            db.session.add_all([user, profile])
            profile.interests = tags_named(interests)
            db.session.flush()  # the new tags exist before the next member looks them up
            refresh_search_text(user, profile)
            users.append(user)
        db.session.commit()
        return [user.id for user in users]


def add_people_who_fit(app: Flask) -> dict[str, int]:
    """Priya (MATCHES_EMAIL), a student, with two mentors (Tom at MATCHES_MENTOR, Ann) and two peers
    (Bob, Cat) who fit her; their ids by first name."""
    ids = add_members(
        app,
        [
            {
                "name": "Priya Shah",
                "email": MATCHES_EMAIL,
                "password": PASSWORD,
                "stage": "medical_student",
                "organisation": "University of Leeds",
                "region": "yorkshire_humber",
                "specialties": ["cardiology"],
                "goals": ["exams", "research"],
                "interests": ["cycling"],
                "about": "Fourth-year student in Leeds who loves cardiology and wants to do research.",
            },
            {
                "name": "Tom Okafor",
                "email": MATCHES_MENTOR,
                "stage": "consultant",
                "organisation": "Leeds Teaching Hospitals",
                "region": "yorkshire_humber",
                "specialties": ["cardiology"],
                "offers": ["exams", "research"],
                "interests": ["cycling"],
                "offers_mentoring": True,
                "mentor_status": "approved",
                "mentor_capacity": 3,
                "about": "Consultant cardiologist; I supervise research and teach for finals.",
            },
            {
                "name": "Ann Lee",
                "stage": "specialty_trainee",
                "organisation": "Sheffield Teaching Hospitals",
                "region": "yorkshire_humber",
                "specialties": ["cardiology"],
                "offers": ["exams"],
                "offers_mentoring": True,
                "mentor_status": "approved",
                "mentor_capacity": 2,
            },
            {
                "name": "Bob Brown",
                "stage": "medical_student",
                "organisation": "University of Manchester",
                "region": "north_west",
                "specialties": ["cardiology"],
                "goals": ["exams"],
                "interests": ["cycling"],
            },
            {
                "name": "Cat Jones",
                "stage": "foundation_doctor",
                "organisation": "North Bristol NHS Trust",
                "region": "south_west",
                "specialties": ["cardiology"],
                "goals": ["research"],
            },
        ],
    )
    return dict(zip(("priya", "tom", "ann", "bob", "cat"), ids, strict=True))
