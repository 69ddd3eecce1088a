"""/unsubscribe/<token>: one click with no cookies and no CSRF token, never a login, never fooled."""

from __future__ import annotations

import re
import time

import pytest
from flask import Flask
from itsdangerous import URLSafeTimedSerializer

from mentormatch.accounts.models import User
from mentormatch.core import signed
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.digests import tokens
from mentormatch.digests.tokens import make_unsubscribe_token
from tests.factories import make_member

ONE_CLICK = {"List-Unsubscribe": "One-Click"}


@pytest.fixture
def app_config():
    # Real CSRF protection, as in production: the one-click POST must get through without it.
    return {"WTF_CSRF_ENABLED": True}


def subscriber(app, frequency: str = "daily") -> int:
    user_id = make_member(app, "Priya Shah", email="priya@example.ac.uk")
    with app.app_context():
        user = db.session.get(User, user_id)
        user.digest_opt_in, user.digest_frequency, user.digest_consent_at = True, frequency, utcnow()
        db.session.commit()
    return user_id


def preference(app, user_id: int) -> tuple[bool, str, bool]:
    with app.app_context():
        user = db.session.get(User, user_id)
        return user.digest_opt_in, user.digest_frequency, user.digest_consent_at is not None


def token_for(app, user_id: int) -> str:
    with app.app_context():
        return make_unsubscribe_token(user_id)


def test_one_click_post_needs_no_cookies_no_csrf_and_no_login(app):
    user_id = subscriber(app)
    client = app.test_client(use_cookies=False)

    response = client.post(
        f"/unsubscribe/{token_for(app, user_id)}",
        data=ONE_CLICK,
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert "You're unsubscribed" in response.get_data(as_text=True)
    assert preference(app, user_id) == (False, "daily", False)
    # A provider that retries (or sends multipart/form-data, which RFC 8058 also allows) is fine.
    again = client.post(
        f"/unsubscribe/{token_for(app, user_id)}", data=ONE_CLICK, content_type="multipart/form-data"
    )
    assert again.status_code == 200 and preference(app, user_id)[0] is False


def test_opening_the_link_changes_nothing_and_offers_the_choices(app):
    user_id = subscriber(app)
    token = token_for(app, user_id)
    client = app.test_client(use_cookies=False)

    page = client.get(f"/unsubscribe/{token}").get_data(as_text=True)

    assert preference(app, user_id) == (True, "daily", True)  # mail scanners open links
    assert "Stop all digest emails" in page and "Switch to one a week" in page
    assert "Manage email preferences" in page and 'href="/settings"' in page
    assert "p•••@example.ac.uk" in page and "priya@example.ac.uk" not in page


def test_the_page_switches_to_weekly_then_stops_everything(app):
    user_id = subscriber(app)
    token = token_for(app, user_id)
    client = app.test_client(use_cookies=False)

    response = client.post(f"/unsubscribe/{token}", data={"choice": "weekly"})
    assert response.status_code == 303
    assert preference(app, user_id) == (True, "weekly", True)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "once a week" in page and "Switch to one a week" not in page

    response = client.post(f"/unsubscribe/{token}", data={"choice": "never"})
    assert response.status_code == 303
    assert preference(app, user_id) == (False, "weekly", False)
    assert "You're unsubscribed" in client.get(response.headers["Location"]).get_data(as_text=True)

    # A link can make the emails fewer, never start them again: that is for the person, logged in.
    client.post(f"/unsubscribe/{token}", data={"choice": "weekly"})
    assert preference(app, user_id) == (False, "weekly", False)


def test_a_post_without_a_choice_changes_nothing(app):
    user_id = subscriber(app)
    response = app.test_client().post(f"/unsubscribe/{token_for(app, user_id)}", data={"choice": "daily"})
    assert response.status_code == 400
    assert preference(app, user_id) == (True, "daily", True)


def tampered(token: str) -> str:
    payload, stamp, signature = token.split(".")
    other = "A" if signature[0] != "A" else "B"
    return f"{payload}.{stamp}.{other}{signature[1:]}"


def forged_payload(app: Flask, token: str, other_id: int) -> str:
    """Another person's id with this token's signature."""
    with app.app_context():
        payload = URLSafeTimedSerializer("x").dump_payload({"u": other_id, "p": tokens.UNSUBSCRIBE}).decode()
    _, stamp, signature = token.split(".")
    return f"{payload}.{stamp}.{signature}"


def wrong_purpose(app: Flask, user_id: int) -> str:
    """A token signed with the app's key, for the same person, but for another purpose."""
    with app.app_context():
        return signed._serializer("reset-password").dumps({"u": user_id, "p": tokens.UNSUBSCRIBE})


def other_key(user_id: int) -> str:
    return URLSafeTimedSerializer("another-secret-key", salt="mentormatch.digest-unsubscribe").dumps(
        {"u": user_id, "p": tokens.UNSUBSCRIBE}
    )


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize(
    "kind", ["tampered", "forged", "wrong purpose", "other key", "garbage", "unknown person"]
)
def test_a_bad_token_gets_a_clear_page_and_changes_nothing(app, method, kind):
    user_id = subscriber(app)
    victim = make_member(app, "Victim", email="victim@example.ac.uk", profile=False)
    with app.app_context():
        db.session.get(User, victim).digest_opt_in = True
        db.session.commit()
    good = token_for(app, user_id)
    bad = {
        "tampered": lambda: tampered(good),
        "forged": lambda: forged_payload(app, good, victim),
        "wrong purpose": lambda: wrong_purpose(app, user_id),
        "other key": lambda: other_key(user_id),
        "garbage": lambda: "not-a-token",
        "unknown person": lambda: token_for(app, 987654),
    }[kind]()
    client = app.test_client(use_cookies=False)

    if method == "GET":
        response = client.get(f"/unsubscribe/{bad}")
    else:
        response = client.post(f"/unsubscribe/{bad}", data=ONE_CLICK)

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "This unsubscribe link isn't valid" in page and "Nothing has been changed" in page
    assert preference(app, user_id) == (True, "daily", True)
    with app.app_context():
        assert db.session.get(User, victim).digest_opt_in is True


def test_an_unknown_persons_link_looks_exactly_like_a_forged_one(app):
    user_id = subscriber(app)
    client = app.test_client(use_cookies=False)
    unknown = client.get(f"/unsubscribe/{token_for(app, 987654)}")
    forged = client.get(f"/unsubscribe/{tampered(token_for(app, user_id))}")

    def page(response) -> str:  # every page carries a fresh CSRF token for htmx; nothing else differs
        return re.sub(r'"X-CSRFToken": "[^"]+"', "", response.get_data(as_text=True))

    assert unknown.status_code == forged.status_code == 400
    assert page(unknown) == page(forged)


def test_a_deleted_accounts_link_reveals_nothing(app):
    user_id = subscriber(app)
    token = token_for(app, user_id)
    with app.app_context():
        db.session.get(User, user_id).deleted_at = utcnow()
        db.session.commit()
    response = app.test_client(use_cookies=False).post(f"/unsubscribe/{token}", data=ONE_CLICK)
    assert response.status_code == 400 and "isn't valid" in response.get_data(as_text=True)


def test_an_expired_link_says_so_and_changes_nothing(app, monkeypatch):
    user_id = subscriber(app)
    token = token_for(app, user_id)
    later = time.time() + tokens.UNSUBSCRIBE_LINK_LIFETIME.total_seconds() + 60
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: later)

    response = app.test_client(use_cookies=False).post(f"/unsubscribe/{token}", data=ONE_CLICK)

    assert response.status_code == 400
    assert "This unsubscribe link has expired" in response.get_data(as_text=True)
    assert preference(app, user_id) == (True, "daily", True)


def test_other_forms_still_need_their_csrf_token(app, login_as, client):
    """The exemption is this one view's: CSRF protection is on for the rest of the site."""
    login_as("member")
    response = client.post("/settings/preferences", data={"prefs-digest_frequency": "daily"})
    assert response.status_code == 400
