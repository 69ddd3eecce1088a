"""Meetings on a pair's page: proposing, accepting (an invitation with the .ics), moving, cancelling,
logging afterwards; the .ics read back with icalendar; bad input; a double accept on PostgreSQL."""

from __future__ import annotations

import re
import threading
from datetime import datetime, timedelta

import icalendar
import pytest
from flask import Flask
from sqlalchemy import select

from mentormatch.core.calendar import LONDON
from mentormatch.core.extensions import db
from mentormatch.core.mail.delivery import deliver_pending
from mentormatch.mentoring.pair_models import Meeting
from tests.helpers import csrf_from, outbox
from tests.smtp_server import smtp_settings
from tests.test_mentoring_pages import MENTOR, STUDENT, signed_in
from tests.test_pair_pages import connect, count, page_post


def local(days: int, hour: int = 18) -> str:
    """A datetime-local value `days` from now at `hour`:30, London time."""
    moment = datetime.now(LONDON) + timedelta(days=days)
    return moment.replace(hour=hour, minute=30).strftime("%Y-%m-%dT%H:%M")


def meeting_of(app: Flask) -> Meeting:
    with app.app_context():
        found = db.session.scalar(select(Meeting).order_by(Meeting.id.desc()))
        db.session.expunge_all()
        return found


def propose(app, pair, **fields):
    student = signed_in(app, STUDENT)
    data = {
        "starts_at": local(7),
        "minutes": "45",
        "mode": "video",
        "where": "https://meet.example.org/abc",
        **fields,
    }
    return page_post(student, f"/connections/{pair['connection']}/meetings", data, pair["connection"])


def parsed(response) -> icalendar.Calendar:
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    return icalendar.Calendar.from_ical(response.get_data())


def test_propose_accept_and_cancel_with_a_calendar_file_that_follows(app):
    pair = connect(app)
    assert propose(app, pair).status_code == 303
    meeting = meeting_of(app)
    assert (meeting.status, meeting.sequence) == ("proposed", 0)
    [asked] = [m for m in outbox(app, MENTOR) if m.kind == "meeting_proposed"]
    assert "Priya Shah suggested a meeting" in asked.subject

    mentor = signed_in(app, MENTOR)
    base = f"/connections/{pair['connection']}/meetings/{meeting.id}"
    ics_url = f"{base}.ics"
    first = parsed(mentor.get(ics_url))
    assert page_post(mentor, f"{base}/accept", {"sequence": "0"}, pair["connection"]).status_code == 303

    accepted = parsed(mentor.get(ics_url))
    [event] = accepted.walk("VEVENT")
    assert accepted["METHOD"] == "REQUEST" and first["METHOD"] == "REQUEST"
    assert str(event["UID"]) == meeting.uid == str(first.walk("VEVENT")[0]["UID"])
    assert event["SEQUENCE"] == 1 and first.walk("VEVENT")[0]["SEQUENCE"] == 0
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    assert event["DTSTART"].dt.strftime("%Y-%m-%dT%H:%M") == local(7)
    assert event["DTEND"].dt - event["DTSTART"].dt == timedelta(minutes=45)
    assert [str(tz["TZID"]) for tz in accepted.walk("VTIMEZONE")] == ["Europe/London"]
    invitations = [m for m in outbox(app) if m.kind == "meeting_accepted"]
    assert sorted(m.to_addr for m in invitations) == sorted([STUDENT, MENTOR])
    assert all(m.attachments[0]["filename"] == "meeting.ics" for m in invitations)
    attached = icalendar.Calendar.from_ical(invitations[0].attachments[0]["text"])
    assert str(attached.walk("VEVENT")[0]["UID"]) == meeting.uid

    again = page_post(mentor, f"{base}/accept", {"sequence": "0"}, pair["connection"])
    assert again.status_code == 409 and "already been accepted" in again.get_data(as_text=True)

    student = signed_in(app, STUDENT)
    assert page_post(student, f"{base}/cancel", {"sequence": "1"}, pair["connection"]).status_code == 303
    cancelled = parsed(student.get(ics_url))
    assert cancelled["METHOD"] == "CANCEL" and cancelled.walk("VEVENT")[0]["SEQUENCE"] == 2
    assert str(cancelled.walk("VEVENT")[0]["UID"]) == meeting.uid


def test_the_proposer_cannot_accept_and_a_moved_time_needs_a_new_answer(app):
    pair = connect(app)
    propose(app, pair)
    meeting = meeting_of(app)
    student, mentor = signed_in(app, STUDENT), signed_in(app, MENTOR)
    base = f"/connections/{pair['connection']}/meetings/{meeting.id}"

    own = page_post(student, f"{base}/accept", {"sequence": "0"}, pair["connection"])
    assert own.status_code == 409 and meeting_of(app).status == "proposed"

    form = mentor.get(f"{base}/reschedule").get_data(as_text=True)
    moved = {"starts_at": local(9, 8), "minutes": "30", "mode": "phone", "where": "", "sequence": "0"}
    response = mentor.post(f"{base}/reschedule", data={**moved, "csrf_token": csrf_from(form)})
    assert response.status_code == 303
    assert (meeting_of(app).sequence, meeting_of(app).proposed_by_id) == (1, pair["mentor"])
    stale = page_post(student, f"{base}/accept", {"sequence": "0"}, pair["connection"])
    assert stale.status_code == 409 and meeting_of(app).status == "proposed"
    assert page_post(student, f"{base}/accept", {"sequence": "1"}, pair["connection"]).status_code == 303


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"starts_at": local(-2)}, "Choose a time in the future."),
        ({"mode": "telepathy"}, "Not a valid choice"),
        ({"where": "javascript:alert(1)"}, "Give a place, or a link that starts with https://."),
        ({"minutes": "0"}, "Enter between 10 and 240 minutes."),
        ({"starts_at": "tomorrow"}, "Enter the date and time"),
    ],
)
def test_a_bad_meeting_is_refused_with_the_form_and_nothing_saved(app, fields, error):
    pair = connect(app)
    response = propose(app, pair, **fields)
    assert response.status_code == 422 and error in response.get_data(as_text=True)
    assert count(app, Meeting) == 0


def test_a_meeting_can_be_logged_afterwards_but_not_in_the_future(app):
    pair = connect(app)
    mentor = signed_in(app, MENTOR)
    url = f"/connections/{pair['connection']}/meetings/log"
    data = {"starts_at": local(-3), "minutes": "60", "mode": "in_person", "where": "Costa, Leeds station"}
    assert page_post(mentor, url, data, pair["connection"]).status_code == 303
    assert meeting_of(app).status == "held"
    future = page_post(mentor, url, {**data, "starts_at": local(3)}, pair["connection"])
    assert future.status_code == 422 and count(app, Meeting) == 1
    page = mentor.get(f"/connections/{pair['connection']}").get_data(as_text=True)
    assert "Past meetings" in page and "Costa, Leeds station" in page


def test_the_invitation_reaches_an_smtp_server_with_the_ics_attached(make_app, smtp_server):
    app = make_app(**smtp_settings(smtp_server))
    pair = connect(app)
    propose(app, pair)
    meeting = meeting_of(app)
    mentor = signed_in(app, MENTOR)
    base = f"/connections/{pair['connection']}/meetings/{meeting.id}"
    assert page_post(mentor, f"{base}/accept", {"sequence": "0"}, pair["connection"]).status_code == 303
    with app.app_context():
        deliver_pending()
    [email] = [m for m in smtp_server.messages_to(STUDENT) if m["X-MentorMatch-Kind"] == "meeting_accepted"]
    [attachment] = list(email.iter_attachments())
    assert attachment.get_content_type() == "text/calendar" and attachment.get_filename() == "meeting.ics"
    calendar = icalendar.Calendar.from_ical(attachment.get_content())
    assert calendar["METHOD"] == "REQUEST" and str(calendar.walk("VEVENT")[0]["UID"]) == meeting.uid
    assert "Your meeting is agreed" in email.get_body(("plain",)).get_content()


def test_a_double_accept_on_postgresql_accepts_once(pg_app):
    with pg_app.app_context():
        db.create_all()
    pair = connect(pg_app)
    propose(pg_app, pair)
    meeting = meeting_of(pg_app)
    url = f"/connections/{pair['connection']}/meetings/{meeting.id}/accept"
    clients = [signed_in(pg_app, MENTOR) for _ in range(2)]
    tokens = [csrf_from(c.get(f"/connections/{pair['connection']}").get_data(as_text=True)) for c in clients]
    barrier, statuses = threading.Barrier(2), []

    def click(client, token):
        barrier.wait()
        statuses.append(client.post(url, data={"sequence": "0", "csrf_token": token}).status_code)

    threads = [threading.Thread(target=click, args=pair_) for pair_ in zip(clients, tokens, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [303, 409]
    assert meeting_of(pg_app).sequence == 1
    assert len([m for m in outbox(pg_app) if m.kind == "meeting_accepted"]) == 2


def test_a_double_click_proposes_one_meeting(app):
    pair = connect(app)
    student = signed_in(app, STUDENT)
    page = student.get(f"/connections/{pair['connection']}").get_data(as_text=True)
    token = re.search(r'id="meeting-token" name="token" type="hidden" value="([^"]+)"', page).group(1)
    data = {"starts_at": local(7), "minutes": "45", "mode": "video", "where": "", "token": token}
    url = f"/connections/{pair['connection']}/meetings"

    for _ in range(2):
        assert student.post(url, data={**data, "csrf_token": csrf_from(page)}).status_code == 303

    assert count(app, Meeting) == 1
    assert len([m for m in outbox(app, MENTOR) if m.kind == "meeting_proposed"]) == 1


def test_another_pairs_meeting_or_goal_is_404_even_through_your_own_connection(app):
    from mentormatch.mentoring.models import MENTORING, Connection
    from mentormatch.mentoring.pair_models import Goal
    from tests.test_mentoring_pages import member

    pair = connect(app)
    other_mentor = member(app, "ola@example.nhs.uk", "Ola Bello", "consultant", capacity=2)
    other_student = member(app, "ana@example.ac.uk", "Ana Diaz")
    with app.app_context():
        theirs = Connection(kind=MENTORING, first_id=other_mentor, second_id=other_student)
        db.session.add(theirs)
        db.session.flush()
        meeting = Meeting(
            connection_id=theirs.id,
            uid="theirs@localhost",
            proposed_by_id=other_mentor,
            starts_at=datetime.now(LONDON) + timedelta(days=2),
            minutes=30,
            mode="phone",
        )
        goal = Goal(connection_id=theirs.id, title="Theirs")
        db.session.add_all([meeting, goal])
        db.session.commit()
        ids = {"m": meeting.id, "g": goal.id}
    student = signed_in(app, STUDENT)
    mine = pair["connection"]

    assert student.get(f"/connections/{mine}/meetings/{ids['m']}.ics").status_code == 404
    assert student.get(f"/connections/{mine}/meetings/{ids['m']}/reschedule").status_code == 404
    accept = page_post(student, f"/connections/{mine}/meetings/{ids['m']}/accept", {"sequence": "0"}, mine)
    goal = page_post(student, f"/connections/{mine}/goals/{ids['g']}", {"status": "done"}, mine)
    assert accept.status_code == goal.status_code == 404
    assert meeting_of(app).status == "proposed"
