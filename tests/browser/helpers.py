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
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


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
