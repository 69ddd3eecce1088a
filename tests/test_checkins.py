"""Check-ins: made and emailed once by `flask requests expire`, answered once from a signed score link
or from the dashboard and the pair's page, seen by the admins only in aggregate."""

from __future__ import annotations

import re
import threading
import time
from datetime import date, timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from mentormatch.accounts.models import User
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.core.mail.delivery import deliver_pending
from mentormatch.digests.tokens import make_unsubscribe_token
from mentormatch.mentoring import checkins
from mentormatch.mentoring.models import Connection
from mentormatch.mentoring.pair_models import CheckIn
from tests.factories import make_member
from tests.helpers import csrf_from, outbox, token_for
from tests.smtp_server import smtp_settings
from tests.test_mentoring_pages import MENTOR, STUDENT, member, signed_in
from tests.test_nudges import run_twice
from tests.test_pair_pages import THIRD, connect


def started_days_ago(app: Flask, connection_id: int, days: int) -> None:
    with app.app_context():
        connection = db.session.get(Connection, connection_id)
        connection.started_at = utcnow() - timedelta(days=days)
        db.session.commit()


def rows(app: Flask) -> list[tuple[int, int, int | None, str | None, bool]]:
    with app.app_context():
        return [
            (c.member_id, c.number, c.score, c.comment, c.emailed_at is not None)
            for c in db.session.scalars(select(CheckIn).order_by(CheckIn.member_id, CheckIn.number))
        ]


def check_in_link(app: Flask, to: str) -> tuple[str, str]:
    """The path of the score-4 link in the check-in emailed to `to`, and its token."""
    [email] = [m for m in outbox(app, to) if m.kind == "check_in"]
    [url] = [u for u in re.findall(r"https?://\S+", email.text_body) if "/check-ins/" in u and "score=4" in u]
    path = url.removeprefix("http://localhost")
    return path, path.split("/check-ins/")[1].split("?")[0]


def test_latest_due_is_at_30_days_then_every_60():
    start = date(2026, 1, 1)
    assert checkins.latest_due(start, start + timedelta(days=29)) is None
    assert checkins.latest_due(start, start + timedelta(days=30)) == (1, start + timedelta(days=30))
    assert checkins.latest_due(start, start + timedelta(days=89)) == (1, start + timedelta(days=30))
    assert checkins.latest_due(start, start + timedelta(days=90)) == (2, start + timedelta(days=90))


def test_each_person_gets_each_check_in_once_across_two_runs(app):
    pair = connect(app)
    started_days_ago(app, pair["connection"], 29)
    run_twice(app)
    assert rows(app) == []

    started_days_ago(app, pair["connection"], 31)
    first, second = run_twice(app)
    assert "Check-ins: 2 due, 2 emailed." in first
    assert "Check-ins: 0 due, 0 emailed." in second
    assert sorted(rows(app)) == sorted(
        [(pair["mentor"], 1, None, None, True), (pair["student"], 1, None, None, True)]
    )
    assert [m.kind for m in outbox(app, STUDENT)].count("check_in") == 1
    assert [m.kind for m in outbox(app, THIRD)] == []

    started_days_ago(app, pair["connection"], 91)  # the second, 60 days on
    run_twice(app)
    assert [number for _, number, *_ in rows(app)].count(2) == 2
    assert [m.kind for m in outbox(app, MENTOR)].count("check_in") == 2


def test_an_ended_connection_gets_no_check_in(app):
    pair = connect(app)
    started_days_ago(app, pair["connection"], 40)
    with app.app_context():
        db.session.get(Connection, pair["connection"]).ended_at = utcnow()
        db.session.commit()
    run_twice(app)
    assert rows(app) == []


def test_the_emailed_score_link_shows_the_choice_and_only_a_post_records_it(make_app, smtp_server):
    app = make_app(**smtp_settings(smtp_server))
    pair = connect(app)
    started_days_ago(app, pair["connection"], 31)
    run_twice(app)
    with app.app_context():
        assert deliver_pending().sent >= 2
    [email] = [m for m in smtp_server.messages_to(STUDENT) if m["X-MentorMatch-Kind"] == "check_in"]
    assert "Is this mentorship helping you?" in email.get_body(("plain",)).get_content()
    path, token = check_in_link(app, STUDENT)
    anonymous = app.test_client(use_cookies=False)

    page = anonymous.get(path)
    assert page.status_code == 200
    assert re.search(
        r'<input[^>]*checked[^>]*value="4"|<input[^>]*value="4"[^>]*checked', page.get_data(as_text=True)
    )
    assert all(score is None for _, _, score, *_ in rows(app))

    posted = anonymous.post(f"/check-ins/{token}", data={"score": "4", "comment": "  Very useful so far.  "})
    again = anonymous.post(f"/check-ins/{token}", data={"score": "1", "comment": "Changed my mind"})

    assert posted.status_code == 303 and again.status_code == 303
    answered = [r for r in rows(app) if r[0] == pair["student"]]
    assert answered == [(pair["student"], 1, 4, "Very useful so far.", True)]
    assert "your check-in is saved" in anonymous.get(path).get_data(as_text=True)


def test_bad_answers_re_render_with_the_fields_message_and_save_nothing(app):
    pair = connect(app)
    started_days_ago(app, pair["connection"], 31)
    run_twice(app)
    _, token = check_in_link(app, STUDENT)
    client = app.test_client(use_cookies=False)
    for data in (
        {"score": "9"},
        {"score": ""},
        {"score": "3", "comment": "x" * 281},
        {"score": "3", "comment": "a\x07b"},
    ):
        response = client.post(f"/check-ins/{token}", data=data)
        assert response.status_code == 422, data
        assert "There is a problem" in response.get_data(as_text=True)
    assert all(score is None for _, _, score, *_ in rows(app))


def test_a_tampered_or_expired_link_changes_nothing_and_says_so(app, monkeypatch):
    pair = connect(app)
    started_days_ago(app, pair["connection"], 31)
    run_twice(app)
    _, token = check_in_link(app, STUDENT)
    client = app.test_client(use_cookies=False)
    with app.app_context():
        other_purpose = make_unsubscribe_token(1)

    for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), other_purpose, "nonsense"):
        response = client.post(f"/check-ins/{bad}", data={"score": "5"})
        assert response.status_code == 400 and "isn't valid" in response.get_data(as_text=True)

    later = time.time() + checkins.LINK_LIFETIME.total_seconds() + 60
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: later)
    response = client.post(f"/check-ins/{token}", data={"score": "5"})
    assert response.status_code == 400 and "has expired" in response.get_data(as_text=True)
    assert all(score is None for _, _, score, *_ in rows(app))


def test_the_dashboard_and_pair_page_ask_and_answer_once(app):
    pair = connect(app)
    started_days_ago(app, pair["connection"], 31)
    run_twice(app)
    student = signed_in(app, STUDENT)
    dashboard = student.get("/").get_data(as_text=True)
    assert "A quick check-in about Tom Okafor" in dashboard
    assert "A quick check-in about Tom Okafor" in student.get(f"/connections/{pair['connection']}").get_data(
        as_text=True
    )
    with app.app_context():
        mine = db.session.scalar(select(CheckIn.id).where(CheckIn.member_id == pair["student"]))
    url = f"/connections/{pair['connection']}/check-ins/{mine}"
    token = csrf_from(dashboard)

    first = student.post(url, data={"csrf_token": token, "score": "5", "back": "dashboard"})
    second = student.post(url, data={"csrf_token": token, "score": "2"})

    assert first.status_code == 303 and first.headers["Location"] == "/"
    assert second.status_code == 303
    assert [r[2] for r in rows(app) if r[0] == pair["student"]] == [5]
    assert "A quick check-in about Tom Okafor" not in student.get("/").get_data(as_text=True)
    # The answer is the admins' in aggregate, never Tom's: his page doesn't show it.
    mentor_page = signed_in(app, MENTOR).get(f"/connections/{pair['connection']}").get_data(as_text=True)
    assert "you chose 5" not in mentor_page and "A quick check-in about Priya Shah" in mentor_page


ROLES = ("anonymous", "student", "mentor", "third", "admin")


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(app, role):
    """Only the person whose check-in it is answers it signed in; anyone else gets a 404."""
    pair = connect(app)
    make_member(app, "Helen Carter", email="helen@example.org", admin=True)
    started_days_ago(app, pair["connection"], 31)
    run_twice(app)
    with app.app_context():
        mine = db.session.scalar(select(CheckIn.id).where(CheckIn.member_id == pair["student"]))
    emails = {"student": STUDENT, "mentor": MENTOR, "third": THIRD, "admin": "helen@example.org"}
    client = signed_in(app, emails[role]) if role != "anonymous" else app.test_client()
    token = csrf_from(client.get("/auth/login" if role == "anonymous" else "/").get_data(as_text=True))

    response = client.post(
        f"/connections/{pair['connection']}/check-ins/{mine}", data={"csrf_token": token, "score": "3"}
    )

    if role == "anonymous":
        assert response.status_code in (302, 401)
    elif role == "student":
        assert response.status_code == 303
    else:  # the mentor is in the pair, but it isn't his check-in
        assert response.status_code == 404
    assert [r[2] for r in rows(app) if r[0] == pair["student"]] == ([3] if role == "student" else [None])


def test_another_pairs_check_in_is_404(app):
    pair = connect(app)
    other = member(app, "zoe@example.ac.uk", "Zoe King")
    with app.app_context():
        theirs = Connection(
            kind="peer", first_id=pair["third"], second_id=other, started_at=utcnow() - timedelta(days=31)
        )
        db.session.add(theirs)
        db.session.flush()
        check_in = CheckIn(connection_id=theirs.id, member_id=pair["third"], number=1, due_on=date.today())
        db.session.add(check_in)
        db.session.commit()
        ids = theirs.id, check_in.id
    student = signed_in(app, STUDENT)
    token = token_for(student)
    for path in (
        f"/connections/{pair['connection']}/check-ins/{ids[1]}",
        f"/connections/{ids[0]}/check-ins/{ids[1]}",
    ):
        assert student.post(path, data={"csrf_token": token, "score": "3"}).status_code == 404


def test_score_summary_is_by_month_with_no_names_or_comments(app):
    pair = connect(app)
    with app.app_context():
        for number, (member_id, score, days) in enumerate(
            [(pair["student"], 4, 40), (pair["mentor"], 2, 40), (pair["student"], 5, 1)], start=1
        ):
            db.session.add(
                CheckIn(
                    connection_id=pair["connection"],
                    member_id=member_id,
                    number=number,
                    due_on=date.today(),
                    score=score,
                    comment="private",
                    answered_at=utcnow() - timedelta(days=days),
                )
            )
        db.session.commit()
        summary = checkins.score_summary()
        assert sum(count for _, count, _ in summary) == 3
        assert all(isinstance(month, date) and month.day == 1 for month, _, _ in summary)
        assert summary[-1][2] == 5 or len(summary) == 1
        only = select(Connection.id).where(Connection.id == -1)
        assert checkins.score_summary(only) == []
        assert checkins.score_summary(since=utcnow() - timedelta(days=2))[0][1:] == (1, 5.0)


def test_a_double_submit_on_postgresql_records_one_answer(pg_app):
    app = pg_app
    pair = connect(app)
    started_days_ago(app, pair["connection"], 31)
    run_twice(app)
    _, token = check_in_link(app, STUDENT)
    results = []

    def click(score: str) -> None:
        results.append(
            app.test_client(use_cookies=False).post(f"/check-ins/{token}", data={"score": score}).status_code
        )

    threads = [threading.Thread(target=click, args=(str(s),)) for s in (2, 5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [303, 303]
    assert len([r for r in rows(app) if r[0] == pair["student"] and r[2] is not None]) == 1


def test_the_demo_has_check_ins_answered_and_waiting_and_toms_reflection(app):
    from mentormatch.demo.logins import DEMO_LOGINS, DEMO_PASSWORD
    from mentormatch.mentoring.pair_models import Reflection
    from tests.helpers import log_in

    result = app.test_cli_runner().invoke(args=["seed-demo", "--users", "40"])
    assert result.exit_code == 0 and "check-ins" in result.output
    priya = app.test_client()
    assert log_in(priya, DEMO_LOGINS["student"].email, DEMO_PASSWORD).status_code == 303
    assert "A quick check-in about Tom Okafor" in priya.get("/").get_data(as_text=True)
    tom = app.test_client()
    assert log_in(tom, DEMO_LOGINS["mentor"].email, DEMO_PASSWORD).status_code == 303
    assert "A quick check-in" not in tom.get("/").get_data(as_text=True)
    assert "Quick questions for you" in tom.get("/requests").get_data(as_text=True)
    with app.app_context():
        answered = db.session.scalars(select(CheckIn).where(CheckIn.answered_at.is_not(None))).all()
        assert answered and all(1 <= c.score <= 5 for c in answered)
        assert checkins.score_summary()
        [reflection] = db.session.scalars(select(Reflection)).all()
        ids = dict(db.session.execute(select(User.id, User.email)).tuples().all())
    writer = app.test_client()
    assert log_in(writer, ids[reflection.member_id], DEMO_PASSWORD).status_code == 303
    page = writer.get(f"/connections/{reflection.connection_id}").get_data(as_text=True)
    assert "Your reflection" in page and "agreeing one goal" in page
    # The demo's check-ins count as emailed: a cron run sends no backlog.
    run_twice(app)
    assert [m for m in outbox(app) if m.kind == "check_in"] == []
