"""Signup, verification, login, logout and password reset, through the HTTP interface."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from mentormatch.accounts.models import AccountToken, User
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from tests.factories import make_member
from tests.helpers import CSRF_RE, PASSWORD, csrf_from, link_in, log_in, outbox, submit

SIGNUP = {
    "name": "Siobhán Ó Briain",
    "email": "Siobhan.OBriain@Example.ac.uk ",
    "password": PASSWORD,
    "career_stage": "foundation_doctor",
    "accept_terms": "y",
}


def get_user(app, email: str) -> User | None:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        db.session.expunge_all()
        return user


def test_signup_creates_an_unverified_account_and_sends_a_verification_link(app, client):
    response = submit(client, "/auth/signup", {**SIGNUP, "digest_opt_in": "y"})

    assert response.status_code == 303
    assert response.headers["Location"] == "/auth/check-email"
    user = get_user(app, "siobhan.obriain@example.ac.uk")
    assert user.name == "Siobhán Ó Briain"
    assert user.career_stage == "foundation_doctor"
    assert user.email_verified_at is None and user.terms_accepted_at is not None
    assert user.digest_opt_in and user.digest_consent_at is not None
    assert user.password_hash.startswith("$argon2id$")
    [message] = outbox(app)
    assert message.kind == "verify_email" and message.to_addr == "siobhan.obriain@example.ac.uk"
    assert "/auth/verify/" in message.text_body and "/auth/verify/" in message.html_body
    page = client.get("/auth/check-email").get_data(as_text=True)
    assert "siobhan.obriain@example.ac.uk" in page


def test_the_check_email_page_sends_the_link_again(app, client):
    submit(client, "/auth/signup", SIGNUP)
    page = client.get("/auth/check-email").get_data(as_text=True)
    assert 'action="/auth/check-email"' in page and "Send the link again" in page

    response = submit(client, "/auth/check-email", {})
    assert response.status_code == 303 and response.headers["Location"] == "/auth/check-email"
    first, second = outbox(app)
    assert first.kind == second.kind == "verify_email" and second.to_addr == "siobhan.obriain@example.ac.uk"
    assert "a new link is on its way" in client.get("/auth/check-email").get_data(as_text=True)

    # Confirmed already (or never signed up): the same answer, and nothing is sent.
    with app.app_context():
        db.session.execute(update(User).values(email_verified_at=utcnow()))
        db.session.commit()
    assert submit(client, "/auth/check-email", {}).status_code == 303
    assert len(outbox(app)) == 2
    # No address in this browser's session: back to signing up.
    stranger = app.test_client()
    other = stranger.get("/auth/check-email").get_data(as_text=True)
    assert "Send the link again" not in other
    response = submit(stranger, "/auth/check-email", {}, page="/auth/login")  # a token from elsewhere
    assert response.status_code == 303 and response.headers["Location"] == "/auth/signup"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"name": "   "}, "name", "Enter your name."),
        ({"name": "x" * 121}, "name", "at most 120 characters"),
        ({"email": "not-an-email"}, "email", "Enter an email address like"),
        ({"email": "a" * 250 + "@x.org"}, "email", "longer than 254"),
        ({"password": "short"}, "password", "at least 10 characters"),
        ({"password": "x" * 257}, "password", "at most 256 characters"),
        ({"password": "password1234"}, "password", "too common"),
        ({"password": "siobhan.obriain"}, "password", "name or email"),
        ({"career_stage": ""}, "career_stage", "Choose your career stage."),
        ({"career_stage": "surgeon_general"}, "career_stage", "Not a valid choice"),
        ({"accept_terms": ""}, "accept_terms", "agree to the terms"),
    ],
)
def test_signup_with_bad_input_rerenders_the_form_and_saves_nothing(app, client, change, field, message):
    data = {key: value for key, value in {**SIGNUP, **change}.items() if value != ""}

    response = submit(client, "/auth/signup", data)

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert f'id="{field}-error"' in page
    assert "There is a problem" in page
    assert PASSWORD not in page  # passwords are never echoed back
    if field != "name":
        assert "Siobhán Ó Briain" in page  # what was typed is kept
    assert outbox(app) == []
    with app.app_context():
        assert db.session.scalars(select(User)).all() == []


def test_a_128_character_password_is_accepted(app, client):
    long_password = "a long passphrase " * 7 + "ab"
    assert len(long_password) == 128
    assert submit(client, "/auth/signup", {**SIGNUP, "password": long_password}).status_code == 303


def test_signup_with_a_registered_email_answers_the_same_and_emails_the_owner(app, client):
    make_member(app, "Amira Khan", email="amira@example.ac.uk", profile=False)
    new = submit(client, "/auth/signup", {**SIGNUP, "email": "fresh@example.ac.uk"})
    again = submit(client, "/auth/signup", {**SIGNUP, "email": "Amira@Example.ac.uk"})

    assert again.status_code == new.status_code == 303
    assert again.headers["Location"] == new.headers["Location"]
    kinds = {message.to_addr: message.kind for message in outbox(app)}
    assert kinds == {"fresh@example.ac.uk": "verify_email", "amira@example.ac.uk": "signup_existing"}
    assert get_user(app, "amira@example.ac.uk").name == "Amira Khan"  # nothing changed


def test_verification_link_verifies_once(app, client):
    submit(client, "/auth/signup", SIGNUP)
    link = link_in(outbox(app)[0], "/auth/verify/")

    first = client.get(link)
    second = client.get(link)

    assert first.status_code == 303
    assert first.headers["Location"] == "/auth/login?email=siobhan.obriain@example.ac.uk&next=/profile/about"
    assert get_user(app, "siobhan.obriain@example.ac.uk").email_verified_at is not None
    assert second.status_code == 400
    assert "already been used" in second.get_data(as_text=True)


def test_verification_while_logged_in_goes_on_to_set_up_the_profile(app, client):
    submit(client, "/auth/signup", SIGNUP)
    assert log_in(client, "siobhan.obriain@example.ac.uk").status_code == 303
    assert "Confirm your email address" in client.get("/").get_data(as_text=True)

    response = client.get(link_in(outbox(app)[0], "/auth/verify/"))

    assert response.headers["Location"] == "/profile/about"
    assert "your email address is confirmed" in client.get("/profile/about").get_data(as_text=True)


def test_resending_the_verification_email(app, client, login_as):
    login_as("unverified")
    response = submit(client, "/auth/verify/resend", {}, page="/")
    assert response.status_code == 303
    assert [m.kind for m in outbox(app)] == ["verify_email"]


def test_login_logout_and_remember_me(app, client):
    make_member(app, "Amira Khan", email="amira@example.ac.uk", profile=False)

    response = log_in(client, "AMIRA@example.ac.uk", remember="y")

    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert client.get_cookie("remember_token") is not None
    assert "Hello, Amira Khan" in client.get("/").get_data(as_text=True)
    assert client.get("/auth/logout").status_code == 405  # logging out is a POST
    assert submit(client, "/auth/logout", {}, page="/").status_code == 303
    assert client.get("/settings").status_code == 302


def test_login_returns_to_the_page_asked_for_but_never_off_site(app, client):
    make_member(app, "Amira Khan", email="amira@example.ac.uk", profile=False)
    data = {"email": "amira@example.ac.uk", "password": PASSWORD}
    response = submit(client, "/auth/login?next=/settings", data)
    assert response.headers["Location"] == "/settings"

    submit(client, "/auth/logout", {}, page="/")
    response = submit(client, "/auth/login?next=//evil.example/x", data)
    assert response.headers["Location"] == "/"


def test_wrong_password_and_unknown_email_get_the_same_answer(app, client):
    make_member(app, "Amira Khan", email="amira@example.ac.uk", profile=False)

    wrong = log_in(client, "amira@example.ac.uk", "not the right password")
    unknown = log_in(client, "nobody@example.ac.uk", "not the right password")

    assert wrong.status_code == unknown.status_code == 422
    wrong_page, unknown_page = wrong.get_data(as_text=True), unknown.get_data(as_text=True)
    assert "The email address or password is incorrect." in wrong_page
    assert wrong_page.replace("amira@", "X@") == unknown_page.replace("nobody@", "X@").replace(
        csrf_from(unknown_page), csrf_from(wrong_page)
    )


def test_login_rehashes_a_password_made_with_old_parameters(app, client):
    user_id = make_member(app, "Amira Khan", email="amira@example.ac.uk", profile=False)
    with app.app_context():
        old_hash = db.session.get(User, user_id).password_hash
    app.config["ARGON2_TIME_COST"] = 2

    assert log_in(client, "amira@example.ac.uk").status_code == 303

    with app.app_context():
        new_hash = db.session.get(User, user_id).password_hash
    assert new_hash != old_hash and ",t=2," in new_hash and ",t=1," in old_hash


def test_password_reset_by_email(app, client):
    make_member(app, "Amira Khan", email="amira@example.ac.uk", profile=False)
    other_session = app.test_client()
    assert log_in(other_session, "amira@example.ac.uk").status_code == 303

    sent = submit(client, "/auth/reset", {"email": "amira@example.ac.uk"})
    assert sent.status_code == 200 and "Check your email" in sent.get_data(as_text=True)
    link = link_in(outbox(app, "amira@example.ac.uk")[0], "/auth/reset/")
    assert "Choose a new password" in client.get(link).get_data(as_text=True)

    response = submit(client, link, {"password": "a brand new passphrase"})

    assert response.status_code == 303 and response.headers["Location"].startswith("/auth/login")
    assert client.get("/settings").status_code == 302  # no automatic login
    assert other_session.get("/settings").status_code == 302  # every session ended
    assert log_in(client, "amira@example.ac.uk").status_code == 422
    assert log_in(client, "amira@example.ac.uk", "a brand new passphrase").status_code == 303
    assert [m.kind for m in outbox(app)] == ["reset_password", "password_changed"]
    assert client.get(link).status_code == 400  # single use


def test_reset_answers_the_same_for_unknown_addresses(app, client):
    make_member(app, "Amira Khan", email="amira@example.ac.uk", profile=False)
    known = submit(client, "/auth/reset", {"email": "amira@example.ac.uk"}).get_data(as_text=True)
    unknown = submit(client, "/auth/reset", {"email": "nobody@example.ac.uk"}).get_data(as_text=True)

    def normalise(page: str) -> str:
        return CSRF_RE.sub("", page.replace("amira@", "X@").replace("nobody@", "X@"))

    assert normalise(known) == normalise(unknown)
    assert [m.to_addr for m in outbox(app)] == ["amira@example.ac.uk"]


def test_reset_form_rejects_a_weak_password_and_keeps_the_link_usable(app, client):
    make_member(app, "Amira Khan", email="amira@example.ac.uk", profile=False)
    submit(client, "/auth/reset", {"email": "amira@example.ac.uk"})
    link = link_in(outbox(app)[0], "/auth/reset/")

    assert submit(client, link, {"password": "qwertyuiop"}).status_code == 422
    assert submit(client, link, {"password": "a brand new passphrase"}).status_code == 303


def _age_tokens(app, **delta) -> None:
    from datetime import timedelta

    with app.app_context():
        for token in db.session.scalars(select(AccountToken)):
            token.expires_at -= timedelta(**delta)
        db.session.commit()


def test_expired_links_are_refused(app, client):
    make_member(app, "Amira Khan", email="amira@example.ac.uk", profile=False)
    submit(client, "/auth/reset", {"email": "amira@example.ac.uk"})
    link = link_in(outbox(app)[0], "/auth/reset/")
    _age_tokens(app, hours=1, seconds=1)

    response = client.get(link)

    assert response.status_code == 400
    assert "This link has expired" in response.get_data(as_text=True)


def test_verification_links_live_48_hours_and_reset_links_one_hour(app, client):
    make_member(app, "Amira Khan", email="amira@example.ac.uk", profile=False)
    submit(client, "/auth/signup", SIGNUP)
    submit(client, "/auth/reset", {"email": "amira@example.ac.uk"})
    with app.app_context():
        lifetimes = {
            token.purpose: round((token.expires_at - token.created_at).total_seconds() / 3600)
            for token in db.session.scalars(select(AccountToken))
        }
    assert lifetimes == {"verify_email": 48, "reset_password": 1}


def test_tampered_and_wrong_purpose_links_are_refused(app, client):
    submit(client, "/auth/signup", SIGNUP)
    verify_link = link_in(outbox(app)[0], "/auth/verify/")
    token = verify_link.rsplit("/", 1)[1]

    tampered = client.get(verify_link[:-2] + ("AA" if not verify_link.endswith("AA") else "BB"))
    wrong_purpose = client.get(f"/auth/reset/{token}")

    for response in (tampered, wrong_purpose):
        assert response.status_code == 400
        assert "This link isn't valid" in response.get_data(as_text=True)
    assert get_user(app, "siobhan.obriain@example.ac.uk").email_verified_at is None


def test_a_post_without_a_csrf_token_is_refused(app, client):
    response = client.post("/auth/signup", data={k: v for k, v in SIGNUP.items()})
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(User)).all() == []


def test_create_admin_promotes_an_existing_member(app, runner):
    make_member(app, "Amira Khan", email="amira@example.ac.uk", profile=False)
    result = runner.invoke(args=["users", "create-admin", "Amira@example.ac.uk"])
    assert result.exit_code == 0, result.output
    assert "is now an admin" in result.output
    assert get_user(app, "amira@example.ac.uk").is_admin


def test_create_admin_invites_a_new_person_to_set_a_password(app, runner, client):
    result = runner.invoke(args=["users", "create-admin", "dean@example.nhs.uk", "--name", "Dr Ruth Adeyemi"])

    assert result.exit_code == 0, result.output
    user = get_user(app, "dean@example.nhs.uk")
    assert user.is_admin and user.is_verified and user.password_hash is None
    [invitation] = outbox(app)
    link = link_in(invitation, "/auth/invitation/")
    assert link in result.output.replace("http://localhost", "")
    refused = submit(client, link, {"password": "programme lead passphrase"})
    assert refused.status_code == 422 and "agree to the terms" in refused.get_data(as_text=True)
    assert (
        submit(client, link, {"password": "programme lead passphrase", "accept_terms": "y"}).status_code
        == 303
    )
    assert log_in(client, "dean@example.nhs.uk", "programme lead passphrase").status_code == 303
    assert get_user(app, "dean@example.nhs.uk").terms_accepted_at is not None


def test_create_admin_refuses_a_non_address(runner):
    result = runner.invoke(args=["users", "create-admin", "not-an-email"])
    assert result.exit_code != 0
    assert "is not an email address" in result.output


def test_a_password_reset_retires_every_other_link(app, client):
    """An email-change link someone requested while in the account dies with the reset."""
    make_member(app, "Amira Khan", email="amira@example.ac.uk", profile=False)
    log_in(client, "amira@example.ac.uk")
    submit(
        client,
        "/settings/email",
        {"email-new_email": "attacker@evil.example", "email-current_password": PASSWORD},
        page="/settings",
    )
    hijack = link_in(outbox(app, "attacker@evil.example")[0], "/settings/email/confirm/")
    owner = app.test_client()
    submit(owner, "/auth/reset", {"email": "amira@example.ac.uk"})
    reset = link_in(outbox(app, "amira@example.ac.uk")[-1], "/auth/reset/")
    assert submit(owner, reset, {"password": "a brand new passphrase"}).status_code == 303

    response = client.get(hijack)

    assert response.status_code == 400
    assert get_user(app, "amira@example.ac.uk") is not None
    assert get_user(app, "attacker@evil.example") is None


def test_an_email_change_retires_links_sent_to_the_old_address(app, client):
    make_member(app, "Amira Khan", email="amira@example.ac.uk", profile=False)
    submit(client, "/auth/reset", {"email": "amira@example.ac.uk"})
    old_reset = link_in(outbox(app)[0], "/auth/reset/")
    log_in(client, "amira@example.ac.uk")
    submit(
        client,
        "/settings/email",
        {"email-new_email": "amira.new@example.ac.uk", "email-current_password": PASSWORD},
        page="/settings",
    )
    assert client.get(link_in(outbox(app, "amira.new@example.ac.uk")[0], "/confirm/")).status_code == 303

    assert client.get(old_reset).status_code == 400


def test_a_checkbox_sent_as_false_is_not_agreement(app, client):
    response = submit(client, "/auth/signup", {**SIGNUP, "accept_terms": "false"})
    assert response.status_code == 422
    assert get_user(app, "siobhan.obriain@example.ac.uk") is None


def test_control_characters_in_a_name_get_a_field_error(app, client):
    response = submit(client, "/auth/signup", {**SIGNUP, "name": "Amira\x00Khan"})
    assert response.status_code == 422
    assert "control characters" in response.get_data(as_text=True)
    assert outbox(app) == []


def test_create_admin_takes_an_unverified_account_away_from_whoever_signed_up(app, runner):
    squatter = app.test_client()
    submit(squatter, "/auth/signup", {**SIGNUP, "email": "dean@example.nhs.uk"})
    assert log_in(squatter, "dean@example.nhs.uk").status_code == 303

    result = runner.invoke(args=["users", "create-admin", "dean@example.nhs.uk"])

    assert result.exit_code == 0, result.output
    assert "unconfirmed account" in result.output
    user = get_user(app, "dean@example.nhs.uk")
    assert user.is_admin and user.password_hash is None
    assert squatter.get("/settings").status_code == 302  # their session is over
    assert log_in(app.test_client(), "dean@example.nhs.uk").status_code == 422  # and their password
    assert outbox(app)[-1].kind == "invitation"
