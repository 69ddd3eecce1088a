"""A session's life: a fresh one at login, and every one of an account ended when it is deleted."""

from __future__ import annotations

from tests.factories import make_member
from tests.helpers import PASSWORD, csrf_from, log_in, submit


def test_logging_in_starts_a_fresh_session(app, client):
    make_member(app, email="amira@example.ac.uk", profile=False)
    before = csrf_from(client.get("/auth/login").get_data(as_text=True))
    cookie_before = client.get_cookie("session").value

    assert log_in(client, "amira@example.ac.uk").status_code == 303

    assert client.get_cookie("session").value != cookie_before
    # What was planted before login (a token, say) is worth nothing after it.
    assert client.post("/auth/logout", data={"csrf_token": before}).status_code == 400
    assert client.get("/settings").status_code == 200


def test_deleting_an_account_ends_its_sessions_everywhere(app, client):
    make_member(app, email="amira@example.ac.uk", profile=False)
    elsewhere = app.test_client()
    assert log_in(elsewhere, "amira@example.ac.uk", remember="y").status_code == 303
    assert log_in(client, "amira@example.ac.uk").status_code == 303

    deleted = submit(
        client, "/settings/delete", {"delete-password": PASSWORD, "delete-confirm": "y"}, page="/settings"
    )

    assert deleted.status_code == 303
    assert elsewhere.get("/settings").status_code == 302  # remembered or not, it is over
    assert client.get("/settings").status_code == 302
