"""/settings: change password and email, email preferences, data download and account deletion."""

from __future__ import annotations

import json
import re

from sqlalchemy import select

from mentormatch.accounts.models import AccountToken, User
from mentormatch.core.extensions import db
from mentormatch.core.mail.models import OutboxMessage
from tests.factories import make_member
from tests.helpers import PASSWORD, change_password, link_in, log_in, outbox, submit

HTMX = {"HX-Request": "true", "HX-Target": "password-section"}
NEW_PASSWORD = "a different long passphrase"


def user_row(app, user_id: int) -> User:
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge_all()
        return user


def test_changing_the_password_ends_every_other_session(app, client):
    user_id = make_member(app, "Amira Khan", email="amira@example.ac.uk", profile=False)
    other = app.test_client()
    log_in(other, "amira@example.ac.uk", remember="y")
    log_in(client, "amira@example.ac.uk")

    response = change_password(client, NEW_PASSWORD)

    assert response.status_code == 303
    assert client.get("/settings").status_code == 200  # this session carries on
    assert other.get("/settings").status_code == 302  # the other one, remembered or not, is over
    assert user_row(app, user_id).session_version == 2
    assert [m.kind for m in outbox(app)] == ["password_changed"]
    assert log_in(app.test_client(), "amira@example.ac.uk", NEW_PASSWORD).status_code == 303


def test_password_change_by_htmx_returns_the_section_and_a_status_message(app, client, login_as):
    login_as("member")

    response = change_password(client, NEW_PASSWORD, headers=HTMX)

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in page and 'id="password-section"' in page
    assert 'id="status"' in page and 'data-hx-swap-oob="true"' in page
    assert "logged out everywhere else" in page


def test_password_change_errors(app, client, login_as):
    user_id = login_as("member")
    cases = [
        (
            {"password-current_password": "wrong password!", "password-new_password": NEW_PASSWORD},
            "That isn&#39;t your current password.",
        ),
        ({"password-current_password": PASSWORD, "password-new_password": "short"}, "at least 10 characters"),
        (
            {"password-current_password": PASSWORD, "password-new_password": PASSWORD},
            "different from your current",
        ),
    ]
    for data, message in cases:
        response = submit(client, "/settings/password", data, page="/settings", headers=HTMX)
        assert response.status_code == 422
        page = response.get_data(as_text=True)
        assert message in page
        assert "There is a problem" in page and "<html" not in page
        # Without htmx the whole page comes back, still 422.
        response = submit(client, "/settings/password", data, page="/settings")
        assert response.status_code == 422 and "<html" in response.get_data(as_text=True)
    assert user_row(app, user_id).session_version == 1
    assert outbox(app) == []


def test_changing_the_email_address_needs_the_new_address_confirmed(app, client, login_as):
    user_id = login_as("member")

    response = submit(
        client,
        "/settings/email",
        {"email-new_email": "New.Address@example.nhs.uk", "email-current_password": PASSWORD},
        page="/settings",
    )

    assert response.status_code == 303
    assert user_row(app, user_id).email == "member@example.ac.uk"  # not yet
    messages = {m.to_addr: m for m in outbox(app)}
    assert messages["member@example.ac.uk"].kind == "email_change_requested"
    confirm = link_in(messages["new.address@example.nhs.uk"], "/settings/email/confirm/")

    assert client.get(confirm).status_code == 303

    user = user_row(app, user_id)
    assert user.email == "new.address@example.nhs.uk" and user.is_verified
    assert outbox(app)[-1].kind == "email_changed" and outbox(app)[-1].to_addr == "member@example.ac.uk"
    assert client.get(confirm).status_code == 400  # single use
    assert log_in(app.test_client(), "new.address@example.nhs.uk").status_code == 303


def test_moving_to_a_taken_address_reveals_nothing_and_changes_nothing(app, client, login_as):
    user_id = login_as("member")
    make_member(app, "Amira Khan", email="taken@example.ac.uk", profile=False)

    response = submit(
        client,
        "/settings/email",
        {"email-new_email": "taken@example.ac.uk", "email-current_password": PASSWORD},
        page="/settings",
    )

    assert response.status_code == 303  # the same answer as for a free address
    assert [(m.to_addr, m.kind) for m in outbox(app)] == [("taken@example.ac.uk", "email_in_use")]
    assert user_row(app, user_id).email == "member@example.ac.uk"


def test_email_change_is_refused_with_a_wrong_password(app, client, login_as):
    login_as("member")
    response = submit(
        client,
        "/settings/email",
        {"email-new_email": "new@example.ac.uk", "email-current_password": "wrong password!"},
        page="/settings",
    )
    assert response.status_code == 422
    assert "new@example.ac.uk" in response.get_data(as_text=True)  # kept for correcting
    assert outbox(app) == []


def test_digest_preference_records_consent_time(app, client, login_as):
    user_id = login_as("member")
    submit(client, "/settings/preferences", {"prefs-digest_frequency": "weekly"}, page="/settings")
    user = user_row(app, user_id)
    assert user.digest_opt_in and user.digest_consent_at is not None
    assert user.digest_frequency == "weekly"

    submit(client, "/settings/preferences", {"prefs-digest_frequency": "never"}, page="/settings")
    user = user_row(app, user_id)
    assert not user.digest_opt_in and user.digest_consent_at is None


def test_data_download_holds_everything_about_me_and_nobody_else(app, client, login_as):
    login_as("member")
    make_member(app, "Someone Else", email="someone.else@example.ac.uk", profile=False)
    submit(client, "/auth/reset", {"email": "member@example.ac.uk"})

    response = client.get("/settings/export")

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == "member@example.ac.uk"
    assert data["account"]["name"] == "Amira Khan"
    assert data["account"]["career_stage"] == "medical_student"
    assert [e["kind"] for e in data["emails_sent_to_you"]] == ["reset_password"]
    text = response.get_data(as_text=True)
    assert "someone.else" not in text and "$argon2" not in text


def test_deleting_the_account_needs_the_password_and_leaves_a_former_member(app, client, login_as):
    user_id = login_as("member")
    submit(client, "/auth/reset", {"email": "member@example.ac.uk"})

    refused = submit(
        client,
        "/settings/delete",
        {"delete-password": "wrong password!", "delete-confirm": "y"},
        page="/settings",
    )
    unconfirmed = submit(client, "/settings/delete", {"delete-password": PASSWORD}, page="/settings")
    assert refused.status_code == unconfirmed.status_code == 422
    assert user_row(app, user_id).deleted_at is None

    response = submit(
        client, "/settings/delete", {"delete-password": PASSWORD, "delete-confirm": "y"}, page="/settings"
    )

    assert response.status_code == 303
    user = user_row(app, user_id)
    assert user.deleted_at is not None and user.display_name == "Former member"
    assert user.email is None and user.name is None and user.password_hash is None
    with app.app_context():
        assert db.session.scalars(select(AccountToken)).all() == []
        assert db.session.scalars(select(OutboxMessage)).all() == []
    assert client.get("/settings").status_code == 302
    assert log_in(client, "member@example.ac.uk").status_code == 422
    # The address is free again for a new account.
    assert make_member(app, "Amira Khan", email="member@example.ac.uk", profile=False) != user_id


def test_an_unknown_email_change_link_is_refused(client):
    assert client.get("/settings/email/confirm/not-a-real-token").status_code == 400


def test_a_mistake_in_one_form_leaves_the_others_as_they_are(app, client, login_as):
    """Without JavaScript the whole page comes back: other forms show the saved state, not the POST."""
    user_id = login_as("member")
    submit(client, "/settings/preferences", {"prefs-digest_frequency": "daily"}, page="/settings")

    response = submit(client, "/settings/email", {"email-new_email": "nope"}, page="/settings")

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    [daily] = re.findall(r'<input[^>]*value="daily"[^>]*>', page)
    assert " checked" in daily
    assert user_row(app, user_id).digest_frequency == "daily"
