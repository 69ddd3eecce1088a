"""The request and connection pages: asking, answering, withdrawing, ending, what each person sees, who
may do what, and the emails each step sends."""

from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from mentormatch.accounts.models import User
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.mentoring.closing import remind_and_expire
from mentormatch.mentoring.display import closes_in
from mentormatch.mentoring.models import Connection, MentoringRequest
from mentormatch.profiles.models import Profile
from tests.factories import make_member
from tests.helpers import ROLES, csrf_from, link_in, log_in, outbox, submit, token_for

HTMX = {"HX-Request": "true"}
STUDENT = "priya@example.ac.uk"
MENTOR = "tom@example.nhs.uk"
MESSAGE = "I'd like help preparing for cardiology applications, and I'm free on Thursday evenings."


def member(
    app: Flask,
    email: str,
    name: str,
    stage: str = "medical_student",
    *,
    capacity: int | None = None,
    taken: int = 0,
    **profile: object,
) -> int:
    """A verified, onboarded member; with `capacity`, an approved mentor with that many places."""
    user_id = make_member(app, name, email=email, stage=stage, profile=False)
    with app.app_context():
        row = Profile(user_id=user_id, onboarded_at=utcnow(), **profile)
        if capacity is not None:
            row.offers_mentoring, row.mentor_status, row.mentor_capacity = True, "approved", capacity
            row.mentor_places_taken = taken
        db.session.add(row)
        db.session.commit()
    return user_id


def signed_in(app: Flask, email: str) -> FlaskClient:
    """A fresh browser-like client, logged in as `email`."""
    client = app.test_client()
    assert log_in(client, email).status_code == 303
    return client


def post(client: FlaskClient, url: str, data: dict | None = None, **kwargs):
    """POST with the CSRF token from the page the client would have been on."""
    token = csrf_from(client.get("/requests").get_data(as_text=True))
    return client.post(url, data={**(data or {}), "csrf_token": token}, **kwargs)


def count(app: Flask, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def request_of(app: Flask, request_id: int) -> MentoringRequest:
    with app.app_context():
        found = db.session.get(MentoringRequest, request_id)
        db.session.expunge_all()
        return found


def places_taken(app: Flask, user_id: int) -> int:
    with app.app_context():
        return db.session.get(Profile, user_id).mentor_places_taken


def kinds(app: Flask, to: str | None = None) -> list[str]:
    return [message.kind for message in outbox(app, to)]


@pytest.fixture
def people(app: Flask) -> dict[str, int]:
    """A student, a consultant mentor with two places, and a second student in the student's year."""
    return {
        "student": member(
            app,
            STUDENT,
            "Priya Shah",
            organisation="University of Leeds",
            specialties=["cardiology"],
            goals=["specialty_applications"],
            meet_video=True,
        ),
        "mentor": member(
            app,
            MENTOR,
            "Tom Okafor",
            "consultant",
            capacity=2,
            organisation="Leeds Teaching Hospitals",
            meet_in_person=True,
            meet_video=True,
            availability_hours=3,
        ),
        "peer": member(app, "sam@example.ac.uk", "Sam Lee", organisation="University of Sheffield"),
    }


def ask(client: FlaskClient, user_id: int, kind: str = "mentoring", message: str = MESSAGE, **kwargs):
    url = f"/requests/new/{user_id}?kind={kind}"
    return submit(client, url, {"message": message}, **kwargs)


def asked(app: Flask, people: dict[str, int], student: FlaskClient | None = None) -> int:
    """The student has asked the mentor for mentoring; the request's id."""
    response = ask(student or signed_in(app, STUDENT), people["mentor"])
    assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context():
        return db.session.scalar(select(MentoringRequest.id).order_by(MentoringRequest.id.desc()))


# --- asking ------------------------------------------------------------------------------------


def test_asking_for_mentoring_sends_one_request_and_emails_the_mentor_a_working_link(app, people):
    student = signed_in(app, STUDENT)

    response = ask(student, people["mentor"])

    assert response.status_code == 303 and response.headers["Location"] == "/requests"
    assert count(app, MentoringRequest) == 1
    [email] = outbox(app)
    assert (email.to_addr, email.kind, email.subject) == (
        MENTOR,
        "request_received",
        "Priya Shah asked you for mentoring",
    )
    assert "Hello Tom," in email.text_body and MESSAGE in email.text_body
    assert (
        "Priya Shah has asked you to be their mentor.\n\n"
        "About them: Medical student (year 1–6), University of Leeds." in email.text_body
    )
    mentor = signed_in(app, MENTOR)
    page = mentor.get(link_in(email, "/requests")).get_data(as_text=True)
    assert (
        "Waiting for your answer" in page and "Priya Shah" in page and "I&#39;d like help preparing" in page
    )
    # The student sees it under "You asked", with the flash saying how long the mentor has.
    page = student.get("/requests").get_data(as_text=True)
    assert "Request sent to Tom Okafor. They have 14 days to answer." in page
    assert "Tom Okafor has 14 days left to answer." in page


def test_asking_by_htmx_swaps_in_a_confirmation(app, people):
    student = signed_in(app, STUDENT)

    response = ask(student, people["mentor"], headers=HTMX, page=f"/people/{people['mentor']}")

    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert (
        "<html" not in body
        and f'id="ask-{people["mentor"]}"' in body
        and "Request sent to Tom Okafor" in body
    )
    assert 'id="status"' in body and "data-hx-swap-oob" in body
    assert count(app, MentoringRequest) == 1 and kinds(app) == ["request_received"]


def test_two_open_ask_forms_on_one_page_have_their_own_ids(app, people):
    """Cards on /matches can each hold an open form: labels must point at their own textarea."""
    student = signed_in(app, STUDENT)
    htmx = {"HX-Request": "true"}
    mentor = student.get(f"/requests/new/{people['mentor']}?kind=mentoring", headers=htmx).get_data(
        as_text=True
    )
    peer = student.get(f"/requests/new/{people['peer']}?kind=peer", headers=htmx).get_data(as_text=True)
    for user_id, html in ((people["mentor"], mentor), (people["peer"], peer)):
        assert f'for="ask-{user_id}-message"' in html and f'id="ask-{user_id}-message"' in html
        assert 'name="message"' in html
    assert ask(student, people["mentor"]).status_code == 303  # the field's name is unchanged


def test_a_mentoring_request_needs_a_message(app, people):
    student = signed_in(app, STUDENT)

    response = ask(student, people["mentor"], message="   ")

    assert response.status_code == 422
    assert "Tell them what you hope to get from mentoring" in response.get_data(as_text=True)
    assert count(app, MentoringRequest) == 0 and outbox(app) == []


def test_a_peer_request_needs_no_message(app, people):
    response = ask(signed_in(app, STUDENT), people["peer"], kind="peer", message="")

    assert response.status_code == 303
    [email] = outbox(app)
    assert (email.to_addr, email.subject) == ("sam@example.ac.uk", "Priya Shah would like to connect")
    assert "would like to connect with you as a peer" in email.text_body


def _cannot_ask(app, people, case):
    """Set up `case`; the id to ask and the kind. Requests that exist already are returned too."""
    if case == "yourself":
        return people["student"], "mentoring"
    if case == "not a mentor":
        return member(app, "ada@example.nhs.uk", "Ada Obi", "consultant"), "mentoring"
    if case == "full":
        return member(app, "full@example.nhs.uk", "Fay Full", "gp", capacity=1, taken=1), "mentoring"
    if case == "not senior":
        return member(app, "junior@example.ac.uk", "Jo Junior", "medical_student", capacity=1), "mentoring"
    if case == "duplicate":
        asked(app, people)
        return people["mentor"], "mentoring"
    if case == "fourth":
        student = signed_in(app, STUDENT)
        for number in range(3):
            mentor = member(app, f"m{number}@example.nhs.uk", f"Mentor {number}", "consultant", capacity=2)
            assert ask(student, mentor).status_code == 303
        return people["mentor"], "mentoring"
    raise AssertionError(case)


@pytest.mark.parametrize(
    ("case", "words"),
    [
        ("yourself", "You can&#39;t send a request to yourself."),
        ("not a mentor", "Ada Obi isn&#39;t mentoring through MentorMatch at the moment."),
        ("full", "Fay Full has no free places at the moment."),
        ("not senior", "A mentor needs to be further along in their career than you are."),
        ("duplicate", "You have already asked Tom Okafor"),
        ("fourth", "You already have 3 mentoring requests waiting for an answer."),
    ],
)
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_requests_that_cant_be_sent_get_a_clear_409_and_change_nothing(app, people, case, words, htmx):
    user_id, kind = _cannot_ask(app, people, case)
    before = (count(app, MentoringRequest), len(outbox(app)))

    response = ask(signed_in(app, STUDENT), user_id, kind, headers=HTMX if htmx else {})

    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert words in body
    assert ("<html" in body) is not htmx
    assert (count(app, MentoringRequest), len(outbox(app))) == before


# --- the requests page -------------------------------------------------------------------------


def test_the_requests_page_lists_what_waits_for_you_what_you_asked_and_earlier(app, people):
    mentor_id = people["mentor"]
    asked(app, people)  # waiting for Tom
    colleague = member(app, "gwen@example.nhs.uk", "Gwen Price", "gp", organisation="Leeds GP")
    with app.app_context():
        now = utcnow()
        db.session.add_all(
            [
                # Tom asked Gwen to connect as peers: waiting for her.
                MentoringRequest(
                    kind="peer",
                    sender_id=mentor_id,
                    recipient_id=colleague,
                    message="Hello from cardiology",
                    created_at=now - timedelta(days=3),
                    expires_at=now + timedelta(days=11, hours=1),
                ),
                # Sam's earlier request, declined with a reason.
                MentoringRequest(
                    kind="mentoring",
                    sender_id=people["peer"],
                    recipient_id=mentor_id,
                    message="Could you help with research?",
                    status="declined",
                    reason="I only supervise cardiology projects.",
                    created_at=now - timedelta(days=30),
                    expires_at=now - timedelta(days=16),
                    decided_at=now - timedelta(days=20),
                ),
            ]
        )
        db.session.commit()

    page = signed_in(app, MENTOR).get("/requests").get_data(as_text=True)

    received, rest = page.split('id="sent-title"')
    sent, past = rest.split('id="past-title"')
    past = past.split("</section>")[0]
    assert f'href="/people/{people["student"]}">Priya Shah</a>' in received
    assert "Medical student (year 1–6) · University of Leeds" in received
    assert "Cardiology" in received and "Specialty applications" in received
    assert "I&#39;d like help preparing" in received and "Closes in 14 days" in received
    assert 'action="/requests/1/accept"' in received and 'href="/requests/1/decline"' in received
    assert "Mentoring" in received
    assert "You have 2 of 2 mentoring places free." in received
    assert "Gwen Price" in sent and "Peer connection" in sent and "Gwen Price has 11 days left" in sent
    assert 'action="/requests/2/withdraw"' in sent
    assert "Sam Lee" in past and "You declined" in past
    assert "Your reason: <q>I only supervise cardiology projects.</q>" in past
    assert "accept" not in past and "withdraw" not in past
    # Sam, the sender, sees the decline and the reason on his own page.
    page = signed_in(app, "sam@example.ac.uk").get("/requests").get_data(as_text=True)
    assert "Tom Okafor couldn't take this on" in page and "Their reason" in page


def test_messages_are_shown_as_text_not_markup(app, people):
    student = signed_in(app, STUDENT)
    ask(student, people["mentor"], message='<script>alert("hi")</script> and <b>bold</b>')

    page = signed_in(app, MENTOR).get("/requests").get_data(as_text=True)

    assert "<script>alert" not in page and "&lt;script&gt;alert(&#34;hi&#34;)&lt;/script&gt;" in page
    assert "<b>bold</b>" not in outbox(app)[0].html_body


# --- accepting ---------------------------------------------------------------------------------


def test_accepting_connects_them_emails_the_mentee_and_withdraws_their_other_requests(app, people):
    student = signed_in(app, STUDENT)
    other_mentor = member(app, "ola@example.nhs.uk", "Ola Bello", "consultant", capacity=1)
    request_id = asked(app, people, student)
    assert ask(student, other_mentor).status_code == 303

    mentor = signed_in(app, MENTOR)

    response = post(mentor, f"/requests/{request_id}/accept")

    assert response.status_code == 303 and response.headers["Location"] == "/requests"
    assert request_of(app, request_id).status == "accepted"
    assert count(app, Connection, Connection.ended_at.is_(None)) == 1
    assert places_taken(app, people["mentor"]) == 1
    [accepted] = outbox(app, STUDENT)
    assert accepted.kind == "request_accepted" and accepted.subject == "Tom Okafor accepted your request"
    assert "Tom Okafor has accepted your request and is now your mentor" in accepted.text_body
    assert link_in(accepted, "/connections") == "/connections"
    # Ola is told, in words that say why.
    assert kinds(app, "ola@example.nhs.uk") == ["request_received", "request_withdrawn"]
    withdrawn = outbox(app, "ola@example.nhs.uk")[1]
    assert (
        "Priya Shah has withdrawn their request for mentoring. They have found a mentor"
        in withdrawn.text_body
    )
    page = student.get("/requests").get_data(as_text=True)
    assert "Withdrawn when another mentor accepted you" in page and "Accepted" in page
    page = mentor.get("/requests").get_data(as_text=True)
    assert "You accepted Priya Shah&#39;s request: you are now their mentor." in page


def test_accepting_by_htmx_returns_the_updated_row(app, people):
    request_id = asked(app, people)

    response = post(signed_in(app, MENTOR), f"/requests/{request_id}/accept", headers=HTMX)

    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith(f'<li class="request card" id="request-{request_id}">')
    assert "you are now their mentor" in body and 'href="/connections"' in body
    assert "data-focus-after-swap" in body and 'data-hx-swap-oob="true"' in body
    assert "/accept" not in body  # no button left to press twice


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_accepting_someone_who_has_become_as_senior_is_a_clear_409(app, people, htmx):
    request_id = asked(app, people)
    with app.app_context():  # since asking, the student has become a consultant
        db.session.get(User, people["student"]).career_stage = "consultant"
        db.session.commit()
    mentor = signed_in(app, MENTOR)

    response = post(mentor, f"/requests/{request_id}/accept", headers=HTMX if htmx else {})

    assert response.status_code == 409
    assert "Your career stages have changed since Priya Shah asked" in response.get_data(as_text=True)
    assert request_of(app, request_id).status == "pending"
    assert count(app, Connection) == 0 and places_taken(app, people["mentor"]) == 0
    assert kinds(app) == ["request_received"]


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_double_clicking_accept_makes_one_connection(app, people, htmx):
    request_id = asked(app, people)
    mentor = signed_in(app, MENTOR)
    headers = HTMX if htmx else {}

    first = post(mentor, f"/requests/{request_id}/accept", headers=headers)
    second = post(mentor, f"/requests/{request_id}/accept", headers=headers)

    assert first.status_code == (200 if htmx else 303)
    assert second.status_code == 409
    assert "This request has already been accepted." in second.get_data(as_text=True)
    assert count(app, Connection) == 1 and places_taken(app, people["mentor"]) == 1
    assert kinds(app, STUDENT) == ["request_accepted"]


def test_two_mentees_for_the_last_place_one_connection_and_a_clear_message(app, people):
    with app.app_context():
        db.session.get(Profile, people["mentor"]).mentor_capacity = 1
        db.session.commit()
    first = asked(app, people)
    second = asked(app, people, signed_in(app, "sam@example.ac.uk"))
    mentor = signed_in(app, MENTOR)

    assert post(mentor, f"/requests/{first}/accept").status_code == 303
    response = post(mentor, f"/requests/{second}/accept", headers=HTMX)

    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert "You have no free places left (1 of 1 taken)." in body and "decline this request" in body
    assert f'id="request-{second}"' in body and 'role="alert"' in body
    assert request_of(app, second).status == "pending"
    assert count(app, Connection) == 1 and places_taken(app, people["mentor"]) == 1
    assert kinds(app, "sam@example.ac.uk") == []


def test_a_peer_request_is_accepted_the_same_way(app, people):
    assert ask(signed_in(app, STUDENT), people["peer"], kind="peer", message="").status_code == 303

    response = post(signed_in(app, "sam@example.ac.uk"), "/requests/1/accept", headers=HTMX)

    assert "You and Priya Shah are now connected." in response.get_data(as_text=True)
    with app.app_context():
        connection = db.session.scalars(select(Connection)).one()
        assert connection.kind == "peer"
        assert (connection.first_id, connection.second_id) == tuple(
            sorted((people["student"], people["peer"]))
        )
    [email] = outbox(app, STUDENT)
    assert "Sam Lee has accepted your request to connect." in email.text_body


# --- declining and withdrawing -----------------------------------------------------------------


def test_declining_opens_a_reason_form_in_place(app, people):
    request_id = asked(app, people)
    mentor = signed_in(app, MENTOR)

    fragment = mentor.get(f"/requests/{request_id}/decline", headers=HTMX)
    page = mentor.get(f"/requests/{request_id}/decline")

    body = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in body
    assert f'data-hx-post="/requests/{request_id}/decline"' in body and 'name="reason"' in body
    assert "We show it to Priya Shah with a kind note" in body and "data-focus-after-swap" in body
    assert page.status_code == 200 and "<h1>Decline Priya Shah's request</h1>" in page.get_data(as_text=True)
    assert request_of(app, request_id).status == "pending"


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_declining_with_a_reason_tells_the_student_kindly(app, people, htmx):
    request_id = asked(app, people)
    reason = "I'm on nights until March, so I can't give you the time you deserve."

    response = post(
        signed_in(app, MENTOR),
        f"/requests/{request_id}/decline",
        {"reason": reason},
        headers=HTMX if htmx else {},
    )

    if htmx:
        assert response.status_code == 200
        assert "You declined Priya Shah&#39;s request. We&#39;ve let them know." in response.get_data(
            as_text=True
        )
    else:
        assert response.status_code == 303 and response.headers["Location"] == "/requests"
    found = request_of(app, request_id)
    assert (found.status, found.reason) == ("declined", reason)
    [email] = outbox(app, STUDENT)
    assert (email.kind, email.subject) == ("request_declined", "About your request to Tom Okafor")
    assert "Tom Okafor can't take you on as a mentee right now." in email.text_body
    assert reason in email.text_body and "it says nothing about you" in email.text_body
    assert link_in(email, "/matches") == "/matches"
    assert "I&#39;m on nights until March" in email.html_body
    assert count(app, Connection) == 0


def test_declining_without_a_reason_says_so_simply(app, people):
    request_id = asked(app, people)

    post(signed_in(app, MENTOR), f"/requests/{request_id}/decline", {"reason": ""})

    [email] = outbox(app, STUDENT)
    assert (
        "can't take you on as a mentee right now" in email.text_body and "They added" not in email.text_body
    )
    assert request_of(app, request_id).reason is None


def test_a_reason_that_is_too_long_is_refused_and_nothing_changes(app, people):
    request_id = asked(app, people)

    response = post(
        signed_in(app, MENTOR), f"/requests/{request_id}/decline", {"reason": "x" * 501}, headers=HTMX
    )

    assert response.status_code == 422 and "Use at most 500 characters." in response.get_data(as_text=True)
    assert request_of(app, request_id).status == "pending" and kinds(app, STUDENT) == []


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_withdrawing_tells_the_mentor_once(app, people, htmx):
    student = signed_in(app, STUDENT)
    request_id = asked(app, people, student)

    first = post(student, f"/requests/{request_id}/withdraw", headers=HTMX if htmx else {})
    second = post(student, f"/requests/{request_id}/withdraw", headers=HTMX if htmx else {})

    assert first.status_code == (200 if htmx else 303)
    assert second.status_code == 409 and "This request was withdrawn." in second.get_data(as_text=True)
    assert request_of(app, request_id).status == "withdrawn"
    assert kinds(app, MENTOR) == ["request_received", "request_withdrawn"]
    email = outbox(app, MENTOR)[1]
    assert email.subject == "Priya Shah withdrew their request"
    assert "Priya Shah has withdrawn their request for mentoring." in email.text_body
    assert "There's nothing you need to do" in email.text_body
    # It can't be accepted afterwards either.
    response = post(signed_in(app, MENTOR), f"/requests/{request_id}/accept")
    assert response.status_code == 409 and "This request was withdrawn." in response.get_data(as_text=True)
    assert count(app, Connection) == 0


# --- who may act -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "action"),
    [("POST", "accept"), ("GET", "decline"), ("POST", "decline"), ("POST", "withdraw")],
)
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_someone_elses_request_is_not_found_and_nothing_changes(app, people, method, action, htmx):
    request_id = asked(app, people)
    before = len(outbox(app))
    outsider = signed_in(app, "sam@example.ac.uk")
    headers = HTMX if htmx else {}

    if method == "POST":
        response = post(outsider, f"/requests/{request_id}/{action}", {"reason": "no"}, headers=headers)
    else:
        response = outsider.get(f"/requests/{request_id}/{action}", headers=headers)

    assert response.status_code == 404
    assert ("<html" in response.get_data(as_text=True)) is not htmx
    assert request_of(app, request_id).status == "pending" and len(outbox(app)) == before


@pytest.mark.parametrize(
    ("who", "action", "words"),
    [
        (STUDENT, "accept", "Only the person who was asked can accept or decline a request."),
        (STUDENT, "decline", "Only the person who was asked can accept or decline a request."),
        (MENTOR, "withdraw", "Only the person who sent a request can withdraw it."),
    ],
)
def test_acting_as_the_wrong_side_is_refused_clearly(app, people, who, action, words):
    request_id = asked(app, people)
    before = len(outbox(app))

    response = post(signed_in(app, who), f"/requests/{request_id}/{action}", headers=HTMX)

    assert response.status_code == 403 and words in response.get_data(as_text=True)
    assert request_of(app, request_id).status == "pending" and len(outbox(app)) == before


def test_actions_need_the_csrf_token(app, people):
    request_id = asked(app, people)

    response = signed_in(app, MENTOR).post(f"/requests/{request_id}/accept")

    assert response.status_code == 400
    assert request_of(app, request_id).status == "pending" and count(app, Connection) == 0


# --- connections -------------------------------------------------------------------------------


@pytest.fixture
def connected(app, people) -> int:
    """Tom mentors Priya; the connection's id."""
    request_id = asked(app, people)
    assert post(signed_in(app, MENTOR), f"/requests/{request_id}/accept").status_code == 303
    with app.app_context():
        return db.session.scalar(select(Connection.id))


def test_connections_show_contact_details_only_to_the_two_people(app, people, connected):
    student, mentor = signed_in(app, STUDENT), signed_in(app, MENTOR)

    theirs = student.get("/connections").get_data(as_text=True)
    mine = mentor.get("/connections").get_data(as_text=True)
    outsider = signed_in(app, "sam@example.ac.uk").get("/connections").get_data(as_text=True)

    # A student has mentors and peers, never mentees: no section for them.
    assert 'id="mentees-title"' not in theirs and "Your mentors and peers." in theirs
    assert "Your mentees and peers." in mine  # a consultant: nobody is further along
    mentors_section = theirs.split('id="mentors-title"')[1].split('id="peers-title"')[0]
    assert f'<a href="mailto:{MENTOR}">{MENTOR}</a>' in mentors_section
    assert "Consultant" in mentors_section and "Leeds Teaching Hospitals" in mentors_section
    assert "In person, by video call; about 3 hours a month" in mentors_section
    assert f"Connected since {utcnow():%-d %B %Y}" in re.sub(
        r"\s+", " ", re.sub(r"<[^>]+>", " ", mentors_section)
    )
    assert "End mentorship" in mentors_section
    mentees_section = mine.split('id="mentees-title"')[1].split('id="peers-title"')[0]
    assert (
        f'<a href="mailto:{STUDENT}">{STUDENT}</a>' in mentees_section and "By video call" in mentees_section
    )
    assert MENTOR not in outsider and STUDENT not in outsider
    # Profile pages never show the address, connected or not; they say you're connected.
    for client, other_id, address in (
        (student, people["mentor"], MENTOR),
        (mentor, people["student"], STUDENT),
    ):
        profile = client.get(f"/people/{other_id}").get_data(as_text=True)
        assert address not in profile and 'Connected — <a href="/connections">see connections</a>' in profile


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_ending_a_mentorship_frees_the_place_and_tells_the_other(app, people, connected, htmx):
    student = signed_in(app, STUDENT)
    assert places_taken(app, people["mentor"]) == 1
    form = student.get(f"/connections/{connected}/end", headers=HTMX if htmx else {})
    assert form.status_code == 200 and 'name="reason"' in form.get_data(as_text=True)

    response = post(
        student,
        f"/connections/{connected}/end",
        {"reason": "I've matched in my specialty."},
        headers=HTMX if htmx else {},
    )

    if htmx:
        assert response.status_code == 200
        assert "You ended your mentorship with Tom Okafor." in response.get_data(as_text=True)
        assert MENTOR not in response.get_data(as_text=True)
    else:
        assert response.status_code == 303 and response.headers["Location"] == "/connections"
    assert places_taken(app, people["mentor"]) == 0
    assert count(app, Connection, Connection.ended_at.is_(None)) == 0
    email = outbox(app, MENTOR)[-1]
    assert (email.kind, email.subject) == ("connection_ended", "Priya Shah ended your mentorship")
    assert "Priya Shah has ended your mentorship on MentorMatch." in email.text_body
    assert "I've matched in my specialty." in email.text_body and "The place is free again" in email.text_body
    assert MENTOR not in student.get("/connections").get_data(as_text=True)
    # Ending it again changes nothing and says why.
    again = post(student, f"/connections/{connected}/end", headers=HTMX)
    assert again.status_code == 409 and "This connection has already ended." in again.get_data(as_text=True)
    assert kinds(app, MENTOR).count("connection_ended") == 1 and places_taken(app, people["mentor"]) == 0


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_someone_elses_connection_is_not_found(app, people, connected, method):
    outsider = signed_in(app, "sam@example.ac.uk")

    if method == "POST":
        response = post(outsider, f"/connections/{connected}/end")
    else:
        response = outsider.get(f"/connections/{connected}/end")

    assert response.status_code == 404
    assert count(app, Connection, Connection.ended_at.is_(None)) == 1


# --- the profile page --------------------------------------------------------------------------


def test_a_profile_page_offers_what_you_can_ask_for(app, people):
    student = signed_in(app, STUDENT)
    full = member(app, "full@example.nhs.uk", "Fay Full", "gp", capacity=1, taken=1)
    foundation = member(app, "fin@example.nhs.uk", "Finn Ray", "foundation_doctor", capacity=None)

    def panel(user_id: int) -> str:
        page = student.get(f"/people/{user_id}").get_data(as_text=True)
        return page.split('id="reach-title"')[1].split("</section>")[0]

    mentor = panel(people["mentor"])
    assert (
        f'href="/requests/new/{people["mentor"]}?kind=mentoring"' in mentor and "Ask for mentoring" in mentor
    )
    assert "kind=peer" not in mentor
    assert "Connect</a>" in panel(people["peer"]) and "kind=mentoring" not in panel(people["peer"])
    assert "Connect</a>" in panel(foundation)  # one stage apart: a peer
    assert "Fay Full has no free places at the moment." in panel(full) and "/requests/new/" not in panel(full)

    ask(student, people["mentor"])
    assert 'Request pending — <a href="/requests">' in panel(people["mentor"])
    mentor_view = signed_in(app, MENTOR).get(f"/people/{people['student']}").get_data(as_text=True)
    assert "Request pending" in mentor_view
    own = student.get(f"/people/{people['student']}").get_data(as_text=True)
    assert 'id="reach-title"' not in own


# --- who can open each page: anonymous, unconfirmed, another member ----------------------------

ENDPOINTS = [
    ("GET", "/requests", "list"),
    ("GET", "/connections", "list"),
    ("GET", "/requests/{request}/decline", "theirs"),
    ("POST", "/requests/{request}/decline", "theirs"),
    ("POST", "/requests/{request}/accept", "theirs"),
    ("POST", "/requests/{request}/withdraw", "theirs"),
    ("GET", "/connections/{connection}/end", "theirs"),
    ("POST", "/connections/{connection}/end", "theirs"),
    ("GET", "/requests/new/{mentor}?kind=mentoring", "ask"),
]
EXPECTED = {
    "list": {"unverified": 403, "member": 200, "admin": 200},
    "theirs": {"unverified": 403, "member": 404, "admin": 404},
    "ask": {"unverified": 403, "member": 200, "admin": 200},
}


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "path", "what"), ENDPOINTS)
def test_access_matrix(app, client, login_as, people, role, method, path, what, htmx):
    # A pending request (Priya → Sam, peers) and a connection (Tom mentors Priya) between other people.
    request_id = asked(app, people)
    assert post(signed_in(app, MENTOR), f"/requests/{request_id}/accept").status_code == 303
    assert ask(signed_in(app, STUDENT), people["peer"], kind="peer", message="").status_code == 303
    with app.app_context():
        pending = db.session.scalar(select(MentoringRequest.id).where(MentoringRequest.status == "pending"))
        connection = db.session.scalar(select(Connection.id))
    url = path.format(request=pending, connection=connection, mentor=people["mentor"])
    token = token_for(client)
    login_as(role)
    if role != "anonymous":
        token = token_for(client)
    before = (len(outbox(app)), count(app, MentoringRequest, MentoringRequest.status == "pending"))

    response = client.open(
        url,
        method=method,
        headers=HTMX if htmx else {},
        data={"csrf_token": token, "reason": "no"} if method == "POST" else None,
    )

    body = response.get_data(as_text=True)
    if role == "anonymous":
        if htmx:
            assert response.status_code == 401 and response.headers["HX-Redirect"].startswith("/auth/login")
        else:
            assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login")
    else:
        assert response.status_code == EXPECTED[what][role]
        if what != "list":  # the pages are whole pages for boosted links too; the rest answer htmx in part
            assert ("<html" in body) is not htmx
    assert (len(outbox(app)), count(app, MentoringRequest, MentoringRequest.status == "pending")) == before


# --- the emails --------------------------------------------------------------------------------


def test_every_request_email_renders_in_text_and_html_with_absolute_links(make_app):
    base = "http://mentors.example.org/leeds"  # https would make cookies secure-only
    app = make_app(BASE_URL=base)
    people = {
        "student": member(app, STUDENT, "Priya Shah", organisation="University of Leeds"),
        "mentor": member(app, MENTOR, "Tom Okafor", "consultant", capacity=2),
        "peer": member(app, "sam@example.ac.uk", "Sam Lee"),
    }
    second = member(app, "ola@example.nhs.uk", "Ola Bello", "consultant", capacity=2)
    student, mentor = signed_in(app, STUDENT), signed_in(app, MENTOR)
    ask(student, people["mentor"])  # request_received
    ask(student, second)
    assert post(mentor, "/requests/1/accept").status_code == 303  # request_accepted, request_withdrawn
    assert post(signed_in(app, "ola@example.nhs.uk"), "/requests/2/decline").status_code == 409
    ask(signed_in(app, "sam@example.ac.uk"), people["mentor"])
    post(mentor, "/requests/3/decline", {"reason": "My places are full."})  # request_declined
    assert (
        post(student, "/connections/1/end", {"reason": "Thank you!"}).status_code == 303
    )  # connection_ended
    ask(signed_in(app, "sam@example.ac.uk"), second)
    with app.app_context():
        created = db.session.get(MentoringRequest, 4).created_at
        assert remind_and_expire(created + timedelta(days=7)) == (1, 0)  # request_expiring
        assert remind_and_expire(created + timedelta(days=14, hours=1)) == (0, 1)  # request_expired
        db.session.commit()

    messages = {}
    for message in outbox(app):
        messages.setdefault(message.kind, message)  # the first of each kind
    expected = {
        "request_received": (MENTOR, f"{base}/requests", "Answer the request"),
        "request_accepted": (STUDENT, f"{base}/connections", "See your connections"),
        "request_withdrawn": ("ola@example.nhs.uk", f"{base}/requests", "See your requests"),
        "request_declined": ("sam@example.ac.uk", f"{base}/matches", "See your suggestions"),
        "connection_ended": (MENTOR, f"{base}/connections", "See your connections"),
        "request_expiring": ("ola@example.nhs.uk", f"{base}/requests", "Answer the request"),
        "request_expired": ("sam@example.ac.uk", f"{base}/matches", "See your suggestions"),
    }
    assert set(messages) == set(expected)
    for kind, (to, link, button) in expected.items():
        message = messages[kind]
        assert message.to_addr == to, kind
        assert message.text_body.startswith("Hello "), kind
        assert f"\n{link}\n" in message.text_body, kind
        assert "{{" not in message.text_body and "{%" not in message.text_body, kind
        assert "You're receiving this because of your MentorMatch account." in message.text_body, kind
        assert f'<a href="{link}"' in message.html_body and button in message.html_body, kind
        assert f"<title>{message.subject}</title>" in message.html_body.replace("&#39;", "'"), kind
        for url in re.findall(r'href="([^"]+)"', message.html_body):
            assert url.startswith(base + "/"), (kind, url)
    assert "\n\n\n" not in messages["request_accepted"].text_body
    assert "Hello Ola," in messages["request_expiring"].text_body
    assert "closes in 7 days" in messages["request_expiring"].text_body
    assert "closed after 14 days without an answer" in messages["request_expired"].text_body
    assert "it isn't a no" in messages["request_expired"].text_body
    assert "My places are full." in messages["request_declined"].text_body
    assert "They have found a mentor" in messages["request_withdrawn"].text_body
    assert "Thank you!" in messages["connection_ended"].text_body
    assert f"{base}/matches" not in messages["connection_ended"].text_body  # that's for the mentee
    assert "Tom Okafor" in messages["request_accepted"].html_body


@pytest.mark.parametrize(
    ("left", "words"),
    [
        (timedelta(days=14), "14 days"),
        (timedelta(days=13, hours=23), "14 days"),
        (timedelta(days=1, hours=2), "1 day"),
        (timedelta(hours=23), "less than a day"),
        (timedelta(hours=-1), "less than a day"),
    ],
)
def test_time_left_on_a_request_in_words(left, words):
    assert closes_in(SimpleNamespace(expires_at=utcnow() + left)) == words


def test_the_decline_form_of_an_answered_request_says_so(app, people):
    request_id = asked(app, people)
    mentor = signed_in(app, MENTOR)
    post(mentor, f"/requests/{request_id}/accept")

    for headers in ({}, HTMX):
        response = mentor.get(f"/requests/{request_id}/decline", headers=headers)
        assert response.status_code == 409
        assert "This request has already been answered." in response.get_data(as_text=True)
    assert request_of(app, request_id).status == "accepted"


def test_a_mentor_who_pauses_closes_waiting_requests_and_the_mentee_is_told_kindly(make_app):
    base = "http://mentors.example.org/leeds"
    app = make_app(BASE_URL=base)
    people = {
        "student": member(app, STUDENT, "Priya Shah"),
        "mentor": member(app, MENTOR, "Tom Okafor", "consultant", capacity=2),
    }
    request_id = asked(app, people)
    mentor = signed_in(app, MENTOR)
    page = mentor.get("/mentor").get_data(as_text=True)
    assert mentor.post("/mentor/pause", data={"csrf_token": csrf_from(page)}).status_code == 303

    closed = request_of(app, request_id)
    assert (closed.status, closed.reason) == ("withdrawn", "Tom Okafor has paused mentoring for now.")
    [email] = outbox(app, STUDENT)
    assert (email.kind, email.subject) == ("request_closed", "Your request to Tom Okafor has closed")
    assert email.text_body.startswith("Hello Priya,")
    assert "Tom Okafor has paused mentoring for now. So your request for mentoring" in email.text_body
    assert f"\n{base}/matches\n" in email.text_body and "{{" not in email.text_body
    assert f'href="{base}/matches"' in email.html_body and "See your suggestions" in email.html_body
    # Both see it closed, with the reason; neither is told the mentee withdrew it.
    for client in (signed_in(app, STUDENT), mentor):
        past = client.get("/requests").get_data(as_text=True)
        assert "Closed (" in past and "Tom Okafor has paused mentoring for now." in past
        assert "You withdrew it" not in past and "Withdrawn by" not in past


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_sending_requests_is_rate_limited_per_member(make_app, htmx):
    app = make_app(RATELIMIT_ASK="2 per hour")
    student_id = member(app, STUDENT, "Priya Shah")
    mentor = member(app, MENTOR, "Tom Okafor", "consultant", capacity=2)
    peer, third = member(app, "sam@example.ac.uk", "Sam Lee"), member(app, "ana@example.ac.uk", "Ana Diaz")
    student = signed_in(app, STUDENT)
    headers = HTMX if htmx else {}
    assert ask(student, peer, kind="peer", message="", headers=headers).status_code in (200, 303)
    refused = ask(student, mentor, message="   ", headers=headers)
    assert refused.status_code == 422  # refused ones count too
    assert student.get(f"/requests/new/{third}?kind=peer").status_code == 200  # looking is free

    limited = ask(student, third, kind="peer", message="", headers=headers)

    assert limited.status_code == 429 and "Retry-After" in limited.headers
    assert "Too many attempts" in limited.get_data(as_text=True)
    with app.app_context():
        sent = db.session.scalars(select(MentoringRequest.recipient_id).filter_by(sender_id=student_id))
        assert list(sent) == [peer]
    assert kinds(app) == ["request_received"]
    # Another member, from the same address, is counted separately.
    assert ask(signed_in(app, "sam@example.ac.uk"), third, kind="peer", message="").status_code == 303


def test_asking_again_soon_after_a_decline_is_a_409_that_says_from_when(app, people):
    student = signed_in(app, STUDENT)
    request_id = asked(app, people, student)
    assert post(signed_in(app, MENTOR), f"/requests/{request_id}/decline").status_code == 303
    again = f"{request_of(app, request_id).decided_at + timedelta(days=31):%-d %B %Y}"

    response = ask(student, people["mentor"])

    assert response.status_code == 409
    assert (
        f"Tom Okafor couldn&#39;t take on your last request. You can ask them again from {again}"
        in response.get_data(as_text=True)
    )
    assert count(app, MentoringRequest) == 1


def assert_own_ids(html: str, stem: str, *, errors: bool = False) -> None:
    """One open reason form's ids all start with `stem`; its label and error links point at its textarea."""
    textarea = re.search(r"<textarea[^>]*>", html).group(0)
    assert f'id="{stem}-reason"' in textarea and 'name="reason"' in textarea
    assert re.search(r'<label[^>]*for="([^"]+)"', html).group(1) == f"{stem}-reason"
    assert f'id="{stem}-csrf_token"' in html and 'name="csrf_token"' in html
    assert 'id="reason"' not in html and 'id="csrf_token"' not in html
    if errors:
        assert f'aria-labelledby="{stem}-error-summary-title"' in html
        assert f'<h2 id="{stem}-error-summary-title">' in html
        assert f'href="#{stem}-reason"' in html and f"{stem}-reason-error" in textarea


def test_two_open_reason_forms_on_one_page_have_their_own_ids(app, people):
    """htmx opens each row's decline (or end) form in place, so one page can hold several."""
    first = asked(app, people)
    second = asked(app, people, signed_in(app, "sam@example.ac.uk"))
    mentor = signed_in(app, MENTOR)
    too_long = {"reason": "x" * 3000}
    for request_id in (first, second):
        form = mentor.get(f"/requests/{request_id}/decline", headers=HTMX).get_data(as_text=True)
        assert_own_ids(form, f"decline-{request_id}")
        invalid = post(mentor, f"/requests/{request_id}/decline", too_long, headers=HTMX)
        assert invalid.status_code == 422
        assert_own_ids(invalid.get_data(as_text=True), f"decline-{request_id}", errors=True)
    page = mentor.get(f"/requests/{first}/decline").get_data(as_text=True)  # the page without htmx too
    assert_own_ids(page, f"decline-{first}")
    assert post(mentor, f"/requests/{first}/decline", {"reason": "Full."}).status_code == 303  # same names

    assert post(mentor, f"/requests/{second}/accept").status_code == 303
    connection = count(app, Connection)
    form = mentor.get(f"/connections/{connection}/end", headers=HTMX).get_data(as_text=True)
    assert_own_ids(form, f"end-{connection}")
    invalid = post(mentor, f"/connections/{connection}/end", too_long, headers=HTMX)
    assert invalid.status_code == 422
    assert_own_ids(invalid.get_data(as_text=True), f"end-{connection}", errors=True)
    assert post(mentor, f"/connections/{connection}/end", {"reason": "Moving."}).status_code == 303


def test_an_ask_forms_error_summary_has_its_own_title_id(app, people):
    student = signed_in(app, STUDENT)
    invalid = ask(student, people["mentor"], message="  ", headers=HTMX, page=f"/people/{people['mentor']}")
    assert invalid.status_code == 422
    body = invalid.get_data(as_text=True)
    stem = f"ask-{people['mentor']}"
    assert f'<h2 id="{stem}-error-summary-title">' in body and f'id="{stem}-csrf_token"' in body
