"""A pair's page, /connections/<id>: who may see it, the conversation and its emails, reports, goals,
notes, privacy (the data download, a deleted account)."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import event, func, select

from mentormatch.accounts.models import User
from mentormatch.core.audit import AuditEntry
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.core.mail.delivery import deliver_pending
from mentormatch.core.text import message_html
from mentormatch.mentoring.conversations import send_message, send_waiting_notifications
from mentormatch.mentoring.models import Connection
from mentormatch.mentoring.pair_models import Goal, Meeting, Message, PairNote
from tests.factories import make_member
from tests.helpers import csrf_from, outbox, submit
from tests.smtp_server import smtp_settings
from tests.test_mentoring_pages import MENTOR, STUDENT, asked, member, post, signed_in

HTMX = {"HX-Request": "true"}
THIRD = "sam@example.ac.uk"


def connect(app: Flask) -> dict[str, int]:
    """Priya asked Tom for mentoring and he accepted; Sam is a member outside the pair."""
    people = {
        "student": member(app, STUDENT, "Priya Shah", organisation="University of Leeds"),
        "mentor": member(app, MENTOR, "Tom Okafor", "consultant", capacity=2),
        "third": member(app, THIRD, "Sam Lee"),
    }
    request_id = asked(app, people)
    assert post(signed_in(app, MENTOR), f"/requests/{request_id}/accept").status_code == 303
    with app.app_context():
        people["connection"] = db.session.scalar(select(Connection.id))
    return people


@pytest.fixture
def pair(app: Flask) -> dict[str, int]:
    return connect(app)


def count(app: Flask, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def page_post(client, url: str, data: dict, connection: int, **kwargs):
    """POST a form from the pair's page, with the page's CSRF token."""
    token = csrf_from(client.get(f"/connections/{connection}").get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token}, **kwargs)


def test_connections_links_to_the_pair_page_which_shows_the_pair_to_both(app, pair):
    student, mentor = signed_in(app, STUDENT), signed_in(app, MENTOR)
    connections = student.get("/connections").get_data(as_text=True)
    assert f'href="/connections/{pair["connection"]}"' in connections

    for client, other in ((student, "Tom Okafor"), (mentor, "Priya Shah")):
        response = client.get(f"/connections/{pair['connection']}")
        body = response.get_data(as_text=True)
        assert response.status_code == 200
        assert f"You and {other}" in body and "What to do next" in body and "Say hello" in body


def test_a_message_is_saved_shown_safely_and_emails_the_other_person(app, pair):
    student = signed_in(app, STUDENT)
    url = f"/connections/{pair['connection']}/messages"
    body = "Hello Tom!\nSee https://example.org/a?b=1&c=2. <script>alert(1)</script>"

    response = page_post(student, url, {"body": body}, pair["connection"])

    assert response.status_code == 303
    assert count(app, Message) == 1
    page = signed_in(app, MENTOR).get(f"/connections/{pair['connection']}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert (
        '<a href="https://example.org/a?b=1&amp;c=2" rel="nofollow noopener" target="_blank">'
        "https://example.org/a?b=1&amp;c=2</a>." in page
    )
    assert "Hello Tom!<br>" in page and "1 new message" in page
    [email] = [m for m in outbox(app, MENTOR) if m.kind == "message_received"]
    assert email.subject == "Priya Shah sent you a message" and "Hello Tom!" in email.text_body
    assert f"http://localhost/connections/{pair['connection']}" in email.text_body


def test_only_web_links_become_links():
    html = str(message_html('javascript:alert(1) ftp://x.org "https://ok.example/x" <b>'))
    assert "<a" in html and html.count("<a ") == 1
    assert 'href="https://ok.example/x"' in html and "&lt;b&gt;" in html
    assert 'href="javascript' not in html


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize(
    ("body", "error"),
    [("   ", "Write a message before sending it."), ("x" * 5001, "Use at most 5,000 characters.")],
)
def test_an_empty_or_too_long_message_is_refused_with_the_form(app, pair, body, error, htmx):
    student = signed_in(app, STUDENT)
    url = f"/connections/{pair['connection']}/messages"

    response = page_post(student, url, {"body": body}, pair["connection"], headers=HTMX if htmx else {})

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert error in page and ("<html" in page) is not htmx and 'id="conversation"' in page
    assert count(app, Message) == 0


def test_a_burst_of_messages_sends_one_email_then_one_more_for_the_rest(make_app, smtp_server):
    app = make_app(**smtp_settings(smtp_server))
    pair = connect(app)
    with app.app_context():
        connection = db.session.get(Connection, pair["connection"])
        start = utcnow()
        for minute in range(5):
            send_message(
                connection, connection.second, f"Thought {minute}", now=start + timedelta(minutes=minute)
            )
        db.session.commit()
        assert deliver_pending().sent >= 1
    emails = [m for m in smtp_server.messages_to(MENTOR) if m["X-MentorMatch-Kind"] == "message_received"]
    assert len(emails) == 1 and "Thought 0" in emails[0].get_body(("plain",)).get_content()

    with app.app_context():
        assert send_waiting_notifications(start + timedelta(minutes=10)) == 0  # not yet 15 minutes
        assert send_waiting_notifications(start + timedelta(minutes=16)) == 1
        assert send_waiting_notifications(start + timedelta(minutes=40)) == 0  # sent once
        db.session.commit()
        deliver_pending()
    emails = [m for m in smtp_server.messages_to(MENTOR) if m["X-MentorMatch-Kind"] == "message_received"]
    assert len(emails) == 2
    assert emails[1]["Subject"] == "5 new messages from Priya Shah"
    assert "Thought 4" in emails[1].get_body(("plain",)).get_content()


def test_read_messages_are_not_emailed_again(app, pair):
    mentor = signed_in(app, MENTOR)
    with app.app_context():
        connection = db.session.get(Connection, pair["connection"])
        start = utcnow()
        send_message(connection, connection.second, "One", now=start)
        send_message(connection, connection.second, "Two", now=start + timedelta(minutes=1))
        db.session.commit()
    assert (
        page_post(mentor, f"/connections/{pair['connection']}/read", {}, pair["connection"]).status_code
        == 303
    )
    assert "new message" not in mentor.get(f"/connections/{pair['connection']}").get_data(as_text=True)
    with app.app_context():
        assert send_waiting_notifications(start + timedelta(minutes=20)) == 0


def count_statements(app: Flask, client, url: str) -> int:
    statements = []

    def counted(*args):
        statements.append(args[2])

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", counted)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", counted)
    return len(statements)


def test_the_page_loads_in_the_same_number_of_queries_for_1_and_30_messages(app, pair):
    student = signed_in(app, STUDENT)
    url = f"/connections/{pair['connection']}"

    def add(n: int) -> None:
        with app.app_context():
            connection = db.session.get(Connection, pair["connection"])
            for i in range(n):
                db.session.add(
                    Message(connection_id=connection.id, author_id=connection.first_id, body=f"m{i}")
                )
                db.session.add(Goal(connection_id=connection.id, title=f"goal {i}"))
            db.session.commit()

    add(1)
    one = count_statements(app, student, url)
    add(29)
    thirty = count_statements(app, student, url)
    assert one == thirty, (one, thirty)


def test_reporting_a_conversation_tells_the_admins_and_the_reporter(app, pair):
    make_member(app, "Helen Carter", email="helen@example.org", admin=True)
    student = signed_in(app, STUDENT)
    url = f"/connections/{pair['connection']}/report"

    response = submit(student, url, {"reason": "He asked for my home address."}, follow_redirects=True)

    assert "sent this conversation to the programme admins" in response.get_data(as_text=True)
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "conversation.report"))
        assert entry.subject_id == str(pair["connection"])
    [email] = outbox(app, "helen@example.org")
    assert email.kind == "conversation_reported" and "home address" in email.text_body
    assert not [m for m in outbox(app, MENTOR) if m.kind == "conversation_reported"]


def test_goals_are_added_moved_on_and_shown_with_progress(app, pair):
    student = signed_in(app, STUDENT)
    base = f"/connections/{pair['connection']}"

    assert page_post(student, f"{base}/goals", {"goal_code": "exams"}, pair["connection"]).status_code == 303
    own = {"title": "Shadow a cardiology clinic", "target_date": "2027-03-01"}
    assert page_post(student, f"{base}/goals", own, pair["connection"]).status_code == 303
    refused = page_post(student, f"{base}/goals", {"goal_code": "", "title": ""}, pair["connection"])
    assert refused.status_code == 422 and "Choose a goal from the list" in refused.get_data(as_text=True)
    with app.app_context():
        goal_id = db.session.scalar(select(Goal.id).where(Goal.title == "Shadow a cardiology clinic"))
    assert (
        page_post(student, f"{base}/goals/{goal_id}", {"status": "done"}, pair["connection"]).status_code
        == 303
    )

    page = signed_in(app, MENTOR).get(base).get_data(as_text=True)
    assert "Exams" in page and "by 1 March 2027" in page and "1 of 2 done" in page
    dashboard = student.get("/").get_data(as_text=True)
    assert "1 of 2 goals done" in dashboard


def test_notes_are_private_or_shared(app, pair):
    student, mentor = signed_in(app, STUDENT), signed_in(app, MENTOR)
    base = f"/connections/{pair['connection']}"
    page_post(student, f"{base}/notes/private", {"body": "Ask about the MRCP."}, pair["connection"])
    page_post(student, f"{base}/notes/shared", {"body": "Reading list: ESC guidelines"}, pair["connection"])

    assert count(app, PairNote) == 2
    theirs = mentor.get(base).get_data(as_text=True)
    assert "Reading list: ESC guidelines" in theirs and "Ask about the MRCP." not in theirs
    assert "Ask about the MRCP." in student.get(base).get_data(as_text=True)


def test_the_data_download_holds_my_messages_and_deleting_the_account_removes_them(app, pair):
    student = signed_in(app, STUDENT)
    base = f"/connections/{pair['connection']}"
    page_post(student, f"{base}/messages", {"body": "My own words"}, pair["connection"])
    page_post(signed_in(app, MENTOR), f"{base}/messages", {"body": "His words"}, pair["connection"])

    data = json.loads(student.get("/settings/export").get_data(as_text=True))
    assert [m["body"] for m in data["messages"]] == ["My own words"]

    deleted = submit(
        student,
        "/settings/delete",
        {"delete-password": "correct horse battery staple", "delete-confirm": "y"},
        page="/settings",
    )
    assert deleted.status_code == 303
    with app.app_context():
        assert [m.body for m in db.session.scalars(select(Message))] == ["His words"]
    page = signed_in(app, MENTOR).get(base).get_data(as_text=True)
    assert "You and Former member" in page and "My own words" not in page and "His words" in page


# --- who may do what -------------------------------------------------------------------------

ENDPOINTS = [
    ("GET", "/connections/{c}"),
    ("POST", "/connections/{c}/messages"),
    ("POST", "/connections/{c}/read"),
    ("GET", "/connections/{c}/report"),
    ("POST", "/connections/{c}/report"),
    ("POST", "/connections/{c}/notes/private"),
    ("POST", "/connections/{c}/notes/shared"),
    ("POST", "/connections/{c}/goals"),
    ("POST", "/connections/{c}/goals/{g}"),
    ("POST", "/connections/{c}/meetings"),
    ("POST", "/connections/{c}/meetings/log"),
    ("POST", "/connections/{c}/meetings/{m}/accept"),
    ("POST", "/connections/{c}/meetings/{m}/cancel"),
    ("GET", "/connections/{c}/meetings/{m}/reschedule"),
    ("POST", "/connections/{c}/meetings/{m}/reschedule"),
    ("GET", "/connections/{c}/meetings/{m}.ics"),
]
ROLES = ("anonymous", "student", "mentor", "third", "admin")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_access_matrix(app, pair, role, method, path):
    htmx = method == "POST"  # the forms that swap a fragment answer htmx the same way
    make_member(app, "Helen Carter", email="helen@example.org", admin=True)
    with app.app_context():
        connection = db.session.get(Connection, pair["connection"])
        goal = Goal(connection_id=connection.id, title="Exams")
        meeting = Meeting(
            connection_id=connection.id,
            uid="meeting-1@localhost",
            proposed_by_id=connection.first_id,
            starts_at=utcnow() + timedelta(days=3),
            minutes=45,
            mode="video",
        )
        db.session.add_all([goal, meeting])
        db.session.commit()
        ids = {"c": connection.id, "g": goal.id, "m": meeting.id}
    emails = {"student": STUDENT, "mentor": MENTOR, "third": THIRD, "admin": "helen@example.org"}
    client = signed_in(app, emails[role]) if role != "anonymous" else app.test_client()
    token = csrf_from(client.get("/auth/login" if role == "anonymous" else "/").get_data(as_text=True))
    before = [count(app, model) for model in (Message, Goal, Meeting, PairNote)] + [len(outbox(app))]
    # Nothing in the form is valid, so even the two people change nothing: the point is who gets in.
    data = {"csrf_token": token, "body": "", "goal_code": "", "status": "nonsense", "sequence": "99"}

    response = client.open(
        path.format(**ids),
        method=method,
        headers=HTMX if htmx else {},
        data=data if method == "POST" else None,
    )

    if role == "anonymous":
        assert response.status_code in (302, 401)
    elif role in ("third", "admin"):
        assert response.status_code == 404
    else:
        assert response.status_code in (200, 204, 303, 409, 422), response.status_code
    after = [count(app, model) for model in (Message, Goal, Meeting, PairNote)] + [len(outbox(app))]
    if role not in ("student", "mentor"):
        assert after == before


def test_the_demo_student_and_mentor_share_a_page_with_everything_on_it(app):
    from mentormatch.demo.logins import DEMO_LOGINS, DEMO_PASSWORD
    from tests.helpers import log_in

    assert app.test_cli_runner().invoke(args=["seed-demo", "--users", "40"]).exit_code == 0
    priya = app.test_client()
    assert log_in(priya, DEMO_LOGINS["student"].email, DEMO_PASSWORD).status_code == 303
    connections = priya.get("/connections").get_data(as_text=True)
    with app.app_context():
        ids = dict(db.session.execute(select(User.email, User.id)).tuples().all())
        connection = db.session.scalar(
            select(Connection.id).where(
                Connection.first_id == ids[DEMO_LOGINS["mentor"].email],
                Connection.second_id == ids[DEMO_LOGINS["student"].email],
            )
        )
    assert f'href="/connections/{connection}"' in connections

    page = priya.get(f"/connections/{connection}").get_data(as_text=True)

    assert "You and Tom Okafor" in page and "2 new messages" in page
    assert "Coming up" in page and "Past meetings" in page and "Cancelled" in page
    assert "Tom Okafor suggested this time" in page and "Add to your calendar" in page
    assert "1 of 4 done" in page and "Not started" in page and "In progress" in page
    assert "Reading list" in page and "less confident presenting" not in page  # Tom's private note


def test_a_double_click_sends_one_message(app, pair):
    student = signed_in(app, STUDENT)
    page = student.get(f"/connections/{pair['connection']}").get_data(as_text=True)
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', page).group(1)
    data = {"body": "Only once, please", "token": token, "csrf_token": csrf_from(page)}
    url = f"/connections/{pair['connection']}/messages"

    assert [student.post(url, data=data).status_code for _ in range(2)] == [303, 303]

    assert count(app, Message) == 1
    assert len([m for m in outbox(app, MENTOR) if m.kind == "message_received"]) == 1


def test_posting_on_a_pair_page_is_rate_limited_per_member(make_app):
    app = make_app(RATELIMIT_MESSAGE="2 per hour")
    pair = connect(app)
    student = signed_in(app, STUDENT)
    url = f"/connections/{pair['connection']}/messages"
    assert page_post(student, url, {"body": "One"}, pair["connection"]).status_code == 303
    assert page_post(student, url, {"body": ""}, pair["connection"]).status_code == 422  # refused ones count
    assert student.get(f"/connections/{pair['connection']}").status_code == 200  # reading is free

    limited = page_post(student, url, {"body": "Three"}, pair["connection"])

    assert limited.status_code == 429 and "Retry-After" in limited.headers
    assert count(app, Message) == 1
    # The other person is counted separately.
    assert page_post(signed_in(app, MENTOR), url, {"body": "Hi"}, pair["connection"]).status_code == 303
