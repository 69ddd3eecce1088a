"""Helpers for tests: forms with CSRF tokens, accounts, logins and the outbox."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from mentormatch.core.extensions import db
from mentormatch.core.mail.models import OutboxMessage

PASSWORD = "correct horse battery staple"
ROLES = ("anonymous", "unverified", "member", "admin")


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|"X-CSRFToken": "([^"]+)"')


def csrf_from(html: str) -> str:
    """The CSRF token in a rendered page."""
    match = CSRF_RE.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)


def token_for(client: FlaskClient) -> str:
    """A CSRF token of this client's session: a signed-in page carries one; a visitor's landing
    page starts no session, so a visitor's comes from the login form, as a browser's would."""
    match = CSRF_RE.search(client.get("/").get_data(as_text=True))
    return (
        (match.group(1) or match.group(2))
        if match
        else csrf_from(client.get("/auth/login").get_data(as_text=True))
    )


def submit(client: FlaskClient, url: str, data: dict, *, page: str | None = None, **kwargs):
    """POST a form the way a browser would: first load `page` (default: url) for its CSRF token."""
    html = client.get(page or url).get_data(as_text=True)
    return client.post(url, data={**data, "csrf_token": csrf_from(html)}, **kwargs)


def change_password(client: FlaskClient, new_password: str, **kwargs: object):
    """The settings page's password form, from a member whose password is PASSWORD."""
    fields = {"password-current_password": PASSWORD, "password-new_password": new_password}
    return submit(client, "/settings/password", fields, page="/settings", **kwargs)


def log_in(client: FlaskClient, email: str, password: str = PASSWORD, **extra: object):
    return submit(client, "/auth/login", {"email": email, "password": password, **extra})


def outbox(app: Flask, to: str | None = None) -> list[OutboxMessage]:
    """The queued emails, oldest first (detached copies, safe to read after the context ends)."""
    with app.app_context():
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        if to:
            query = query.where(OutboxMessage.to_addr == to)
        messages = list(db.session.scalars(query))
        db.session.expunge_all()
        return messages


def link_in(message: OutboxMessage, path_part: str) -> str:
    """The first link in an email's text containing path_part, as a path for the test client."""
    for url in re.findall(r"https?://\S+", message.text_body):
        if path_part in url:
            return url.removeprefix("http://localhost")
    raise AssertionError(f"no link containing {path_part!r} in: {message.text_body}")
