"""What every request costs the database: one query for a signed-in page's fixed part, none for a
visitor's, and never a write on a GET (whoever asks, whatever the page)."""

from __future__ import annotations

import pytest
from flask import Flask, has_request_context, request
from flask.testing import FlaskClient
from sqlalchemy import event, or_, select, update

from mentormatch.accounts.models import User
from mentormatch.core.extensions import db
from mentormatch.demo.logins import DEMO_LOGINS, DEMO_PASSWORD
from mentormatch.mentoring.models import Connection, MentoringRequest
from mentormatch.mentoring.pair_models import Meeting
from mentormatch.profiles.models import HelpTopic, Profile
from tests.helpers import log_in
from tests.query_count import WRITES, shapes, statements_of_get, statements_sent

ROLES = ("anonymous", "student", "mentor", "admin")


@pytest.fixture
def app_config() -> dict:
    """The pages' own statements are counted here, so none is served from memory (the page cache
    has its own tests: tests/test_page_cache.py)."""
    return {"PAGE_CACHE_SECONDS": 0}


@pytest.fixture
def seeded(app: Flask) -> Flask:
    result = app.test_cli_runner().invoke(args=["seed-demo", "--users", "40"])
    assert result.exit_code == 0, result.output
    return app


def signed_in(app: Flask, role: str) -> FlaskClient:
    client = app.test_client()
    if role != "anonymous":
        response = log_in(client, DEMO_LOGINS[role].email, DEMO_PASSWORD)
        assert response.status_code == 303
    return client


def real_arguments(app: Flask, role: str) -> dict[str, str]:
    """A value for each URL argument that names something of this person's (or someone listed)."""
    with app.app_context():
        email = DEMO_LOGINS[role].email if role != "anonymous" else DEMO_LOGINS["student"].email
        me = db.session.scalar(select(User).where(User.email == email))
        other = db.session.scalar(
            select(User.id).join(Profile).where(User.id != me.id, Profile.onboarded_at.is_not(None)).limit(1)
        )
        mine = or_(MentoringRequest.sender_id == me.id, MentoringRequest.recipient_id == me.id)
        request_id = db.session.scalar(select(MentoringRequest.id).where(mine).limit(1))
        theirs = or_(Connection.first_id == me.id, Connection.second_id == me.id)
        connection_id = db.session.scalar(select(Connection.id).where(theirs).limit(1))
        meeting_id = db.session.scalar(
            select(Meeting.id).where(Meeting.connection_id == (connection_id or 1)).limit(1)
        )
        topic_id = db.session.scalar(select(HelpTopic.id).where(HelpTopic.user_id == other).limit(1))
    return {
        "user_id": str(other),
        "topic_id": str(topic_id or 1),
        "mentee_id": str(other),
        "request_id": str(request_id or 1),
        "connection_id": str(connection_id or 1),
        "meeting_id": str(meeting_id or 1),
        "application_id": "1",
        "round_id": "1",
        "event_id": "1",
        "slug": "about",
        "name": "members",
        "token": "not-a-token",
    }


def get_paths(app: Flask, arguments: dict[str, str]) -> list[str]:
    """Every GET route's URL, its arguments filled in (the static files aside)."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or "GET" not in (rule.methods or ()):
            continue
        path = "".join(arguments[data] if dynamic else data for dynamic, data in rule._trace)
        found.append(path.split("|", 1)[-1])
    return sorted(found)


@pytest.mark.parametrize("role", ROLES)
def test_no_get_writes_to_the_database(seeded: Flask, role: str):
    app = seeded
    client = signed_in(app, role)
    writes = {}
    for path in get_paths(app, real_arguments(app, role)):
        for headers in ({}, {"HX-Request": "true"}):
            with statements_sent(app) as sent:
                client.get(path, headers=headers)
            if written := [statement for statement in sent if WRITES.match(statement)]:
                writes[path] = shapes(written)
    assert not writes


def test_a_signed_in_page_costs_one_query_and_a_visitors_none(app: Flask, client: FlaskClient, login_as):
    assert statements_of_get(app, client, "/privacy") == []
    login_as("member")
    # The account, its session version and its profile, together; the CSRF token lives in the session.
    assert len(statements_of_get(app, client, "/privacy")) == 1
    assert len(statements_of_get(app, client, "/settings")) == 1


def test_the_matches_page_costs_four_queries(seeded: Flask):
    """Who I am, what changed for matching (with the generation), whom not to suggest, and the people."""
    client = signed_in(seeded, "student")
    sent = statements_of_get(seeded, client, "/matches")
    assert len(sent) == 4, shapes(sent)


def test_reads_send_no_begin_or_rollback_and_writes_keep_their_transaction(pg_app: Flask):
    """On PostgreSQL a GET's statements run in autocommit (no BEGIN, no ROLLBACK: two round trips
    fewer); a POST's, and anything outside a request, in an ordinary transaction, so a connection
    a GET borrowed is back to transactions before anyone writes with it."""
    result = pg_app.test_cli_runner().invoke(args=["seed-demo", "--users", "20"])
    assert result.exit_code == 0, result.output
    seen: list[tuple[str, bool]] = []

    def note(connection, cursor, statement, parameters, context, executemany) -> None:
        method = request.method if has_request_context() else "none"
        seen.append((method, connection.connection.dbapi_connection.autocommit))

    with pg_app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        client = signed_in(pg_app, "student")  # the login form's POST reads and writes the account
        assert client.get("/matches").status_code == 200
        assert {method for method, _ in seen} == {"POST", "GET"}, seen
        assert all(autocommit == (method == "GET") for method, autocommit in seen), seen
        with pg_app.app_context():  # the same pooled connection, outside a request
            assert db.session.connection().connection.dbapi_connection.autocommit is False
    finally:
        event.remove(engine, "before_cursor_execute", note)


def test_a_get_that_writes_writes_in_a_transaction(pg_app: Flask):
    """An email confirmation link writes on a GET: its first write opens a transaction, so its
    writes commit or roll back together (here: rolled back, so nothing is left)."""
    result = pg_app.test_cli_runner().invoke(args=["seed-demo", "--users", "20"])
    assert result.exit_code == 0, result.output
    with pg_app.test_request_context("/", method="GET"):
        someone = db.session.scalar(select(User.id).order_by(User.id).limit(1))
        dbapi_connection = db.session.connection().connection.dbapi_connection
        assert dbapi_connection.autocommit is True  # reads: no BEGIN
        db.session.execute(update(User).where(User.id == someone).values(name="Half Written"))
        assert dbapi_connection.autocommit is False
        db.session.execute(update(Profile).where(Profile.user_id == someone).values(organisation="Half"))
        db.session.rollback()
    with pg_app.app_context():
        assert db.session.scalar(select(User.name).where(User.id == someone)) != "Half Written"
        assert db.session.scalar(select(Profile.organisation).where(Profile.user_id == someone)) != "Half"
