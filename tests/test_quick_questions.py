"""The quick question before a request: asked from a mentor's profile, one open per pair, answered
once from /requests, the asker emailed the answer; it never blocks a request."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from mentormatch.core.extensions import db
from mentormatch.core.mail.delivery import deliver_pending
from mentormatch.mentoring.models import MentoringRequest
from mentormatch.mentoring.pair_models import QuickQuestion
from tests.factories import make_member
from tests.helpers import csrf_from, outbox, submit
from tests.smtp_server import smtp_settings
from tests.test_mentoring_pages import MENTOR, STUDENT, member, signed_in

THIRD = "sam@example.ac.uk"


def people(app) -> dict[str, int]:
    return {
        "student": member(app, STUDENT, "Priya Shah"),
        "mentor": member(app, MENTOR, "Tom Okafor", "consultant", capacity=2),
        "third": member(app, THIRD, "Sam Lee"),
    }


def questions(app) -> list[tuple[int, str, str | None]]:
    with app.app_context():
        return [(q.asker_id, q.body, q.answer) for q in db.session.scalars(select(QuickQuestion))]


def test_ask_answer_and_the_asker_is_emailed_the_answer(make_app, smtp_server):
    app = make_app(**smtp_settings(smtp_server))
    ids = people(app)
    student, mentor = signed_in(app, STUDENT), signed_in(app, MENTOR)
    profile = student.get(f"/people/{ids['mentor']}").get_data(as_text=True)
    assert f'href="/people/{ids["mentor"]}/question"' in profile

    asked = submit(student, f"/people/{ids['mentor']}/question", {"body": "Do you take students for audits?"})
    again = submit(student, f"/people/{ids['mentor']}/question", {"body": "A second one?"})

    assert asked.status_code == 303 and again.status_code == 409
    assert questions(app) == [(ids["student"], "Do you take students for audits?", None)]
    assert "quick_question" in [m.kind for m in outbox(app, MENTOR)]
    page = mentor.get("/requests").get_data(as_text=True)
    assert "Quick questions for you" in page and "Do you take students for audits?" in page
    [question_id] = [q for q in db_ids(app)]

    # The question never blocks a request.
    request = submit(student, f"/requests/new/{ids['mentor']}?kind=mentoring", {"message": "Hello"})
    assert request.status_code == 303
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(MentoringRequest)) == 1

    token = csrf_from(page)
    first = mentor.post(
        f"/questions/{question_id}/answer", data={"csrf_token": token, "answer": "Yes, gladly."}
    )
    second = mentor.post(f"/questions/{question_id}/answer", data={"csrf_token": token, "answer": "Changed"})
    assert first.status_code == 303 and second.status_code == 303
    assert questions(app) == [(ids["student"], "Do you take students for audits?", "Yes, gladly.")]
    with app.app_context():
        deliver_pending()
    [email] = [
        m for m in smtp_server.messages_to(STUDENT) if m["X-MentorMatch-Kind"] == "quick_question_answered"
    ]
    assert "Yes, gladly." in email.get_body(("plain",)).get_content()
    # Answered, the pair may have a new open question.
    assert submit(student, f"/people/{ids['mentor']}/question", {"body": "And one more?"}).status_code == 303


def db_ids(app) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(select(QuickQuestion.id).order_by(QuickQuestion.id)))


@pytest.mark.parametrize("body", ["", "x" * 1001, "bell\x07"])
def test_a_bad_question_re_renders_and_saves_nothing(app, body):
    ids = people(app)
    response = submit(signed_in(app, STUDENT), f"/people/{ids['mentor']}/question", {"body": body})
    assert response.status_code == 422 and "There is a problem" in response.get_data(as_text=True)
    assert questions(app) == []


def test_only_approved_mentors_take_questions(app):
    ids = people(app)
    student = signed_in(app, STUDENT)
    assert student.get(f"/people/{ids['third']}/question").status_code == 404
    assert student.get(f"/people/{ids['student']}/question").status_code == 404
    assert student.get("/people/9999/question").status_code == 404


ROLES = ("anonymous", "student", "mentor", "third", "admin")


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix_for_answering(app, role):
    """Only the mentor asked answers; anyone else gets a 404 (the asker too) and changes nothing."""
    ids = people(app)
    make_member(app, "Helen Carter", email="helen@example.org", admin=True)
    assert (
        submit(signed_in(app, STUDENT), f"/people/{ids['mentor']}/question", {"body": "Hi?"}).status_code
        == 303
    )
    [question_id] = db_ids(app)
    emails = {"student": STUDENT, "mentor": MENTOR, "third": THIRD, "admin": "helen@example.org"}
    client = signed_in(app, emails[role]) if role != "anonymous" else app.test_client()
    token = csrf_from(client.get("/auth/login" if role == "anonymous" else "/").get_data(as_text=True))

    response = client.post(f"/questions/{question_id}/answer", data={"csrf_token": token, "answer": "Yes"})
    asking = client.get(f"/people/{ids['mentor']}/question")

    if role == "anonymous":
        assert response.status_code in (302, 401) and asking.status_code in (302, 401)
    elif role == "mentor":
        assert response.status_code == 303 and asking.status_code == 404  # not your own
    else:
        assert response.status_code == 404 and asking.status_code in (200, 409)
    assert questions(app)[0][2] == ("Yes" if role == "mentor" else None)


def test_two_tabs_asking_at_once_make_one_question_on_postgresql(pg_app):
    app = pg_app
    ids = people(app)
    clients = [signed_in(app, STUDENT) for _ in range(2)]
    tokens = [csrf_from(c.get(f"/people/{ids['mentor']}/question").get_data(as_text=True)) for c in clients]
    results = []

    def ask(client, token) -> None:
        response = client.post(f"/people/{ids['mentor']}/question", data={"csrf_token": token, "body": "Hi?"})
        results.append(response.status_code)

    threads = [threading.Thread(target=ask, args=pair) for pair in zip(clients, tokens, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [303, 409] and len(questions(app)) == 1
