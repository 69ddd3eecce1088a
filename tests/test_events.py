"""Events: admins create them, members register (capacity held atomically), see whom to meet,
say whom they met afterwards (connection requests), and get follow-ups once; the .ics, the attendee
CSV and the event report."""

from __future__ import annotations

import itertools
import threading
from datetime import UTC, datetime, timedelta
from io import BytesIO

import pytest
from flask import Flask
from icalendar import Calendar
from sqlalchemy import func, select

from mentormatch.accounts.models import User
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.events.follow_up import send_follow_ups
from mentormatch.events.models import Event, EventMeeting, EventRegistration
from mentormatch.events.registering import register
from mentormatch.events.service import EventProblem
from mentormatch.mentoring.models import PEER, Connection, MentoringRequest
from tests.factories import make_member
from tests.helpers import csrf_from, log_in, outbox
from tests.query_count import shapes, statements_of_get

_numbers = itertools.count(1)


def person(app: Flask, name: str | None = None, **kwargs: object) -> int:
    number = next(_numbers)
    kwargs.setdefault("specialties", ["cardiology"])
    kwargs.setdefault("goals", ["exams"])
    return make_member(app, name or f"Attendee {number}", email=f"attendee{number}@example.org", **kwargs)


def admin(app: Flask) -> int:
    return make_member(app, "Ada Admin", email="ada@example.org", admin=True, profile=False)


def make_event(app: Flask, *, days: float = 7, capacity: int = 30, title: str = "Networking Workshop") -> int:
    """An event starting `days` from now (negative: in the past), two hours long."""
    with app.app_context():
        starts = utcnow() + timedelta(days=days)
        event = Event(
            kind="workshop",
            title=title,
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            place="Education Centre, Room 2",
            description="Meet people from other schools.",
            capacity=capacity,
            taken=0,
        )
        db.session.add(event)
        db.session.commit()
        return event.id


def attend(app: Flask, event_id: int, *user_ids: int, listed: bool = True) -> None:
    """Register members straight in the database (past events too)."""
    with app.app_context():
        event = db.session.get(Event, event_id)
        for user_id in user_ids:
            db.session.add(EventRegistration(event_id=event_id, member_id=user_id, listed=listed))
        event.taken += len(user_ids)
        db.session.commit()


def post(client, url: str, data: dict | None = None, page: str | None = None, **kwargs):
    html = client.get(page or url.rsplit("/", 1)[0]).get_data(as_text=True)
    return client.post(url, data={**(data or {}), "csrf_token": csrf_from(html)}, **kwargs)


def taken(app: Flask, event_id: int) -> tuple[int, int]:
    """(the places counter, the registrations counted)."""
    with app.app_context():
        event = db.session.get(Event, event_id)
        count = db.session.scalar(select(func.count()).where(EventRegistration.event_id == event_id))
        return event.taken, count


# --- admins create and change events ------------------------------------------------------------


def test_an_admin_creates_an_event_in_uk_time_stored_in_utc(app, client):
    admin(app)
    log_in(client, "ada@example.org")
    response = post(
        client,
        "/admin/events",
        {
            "kind": "workshop",
            "title": "Networking Workshop",
            "starts_at": "2027-06-10T18:30",
            "ends_at": "2027-06-10T20:00",
            "place": "Education Centre",
            "description": "Bring a friend.",
            "capacity": "20",
        },
        page="/admin/events",
    )
    assert response.status_code == 303
    with app.app_context():
        event = db.session.scalar(select(Event))
        assert event.starts_at == datetime(2027, 6, 10, 17, 30, tzinfo=UTC)  # BST is UTC+1
        assert event.ends_at == datetime(2027, 6, 10, 19, 0, tzinfo=UTC)
        assert event.capacity == 20


@pytest.mark.parametrize(
    ("starts", "ends", "capacity", "message"),
    [
        ("2027-06-10T18:30", "2027-06-10T18:00", "20", "must end after it starts"),
        ("2027-03-28T01:30", "2027-03-28T03:00", "20", "doesn&#39;t exist in the UK"),
        ("2027-06-10T18:30", "2027-06-10T20:00", "-1", "Enter between 0 and"),
    ],
)
def test_bad_event_details_are_refused_with_nothing_created(app, client, starts, ends, capacity, message):
    admin(app)
    log_in(client, "ada@example.org")
    data = {"kind": "workshop", "title": "T", "starts_at": starts, "ends_at": ends, "capacity": capacity}
    response = post(client, "/admin/events", data, page="/admin/events")
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Event)) == 0


def test_capacity_cant_go_below_the_registrations(app, client):
    admin(app)
    event_id = make_event(app, capacity=5)
    attend(app, event_id, person(app), person(app), person(app))
    log_in(client, "ada@example.org")
    page = f"/admin/events/{event_id}"
    data = {
        "kind": "workshop",
        "title": "Renamed",
        "starts_at": "2030-06-10T18:30",
        "ends_at": "2030-06-10T20:00",
        "capacity": "2",
    }
    response = post(client, page, data, page=page)
    assert response.status_code == 422
    assert "3 people are registered already" in response.get_data(as_text=True)
    with app.app_context():
        event = db.session.get(Event, event_id)
        assert (event.title, event.capacity, event.sequence) == ("Networking Workshop", 5, 0)
    response = post(client, page, {**data, "capacity": "3"}, page=page)
    assert response.status_code == 303
    with app.app_context():
        event = db.session.get(Event, event_id)
        assert (event.title, event.capacity, event.sequence) == ("Renamed", 3, 1)


# --- attendees from CSV -------------------------------------------------------------------------


def _upload(client, event_id: int, text: str):
    page = f"/admin/events/{event_id}"
    html = client.get(page).get_data(as_text=True)
    return client.post(
        f"{page}/attendees",
        data={"csrf_token": csrf_from(html), "attendees": (BytesIO(text.encode()), "attendees.csv")},
        content_type="multipart/form-data",
    )


def test_an_attendee_csv_with_a_bad_line_registers_nobody_and_names_every_line(app, client):
    admin(app)
    event_id = make_event(app)
    person(app)  # attendee1@example.org… numbering is global: use the ids' emails
    with app.app_context():
        emails = list(db.session.scalars(select(User.email).where(User.email.like("attendee%"))))
    log_in(client, "ada@example.org")
    response = _upload(client, event_id, f'email\n{emails[0]}\nnobody@example.org\n"unclosed\n')
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "nobody@example.org: no member has this address" in body
    assert '<th scope="row">3</th>' in body and '<th scope="row">4</th>' in body
    assert taken(app, event_id) == (0, 0)
    response = _upload(client, event_id, f"email\n{emails[0]}\n{emails[0].upper()}\n")
    assert response.status_code == 303
    assert taken(app, event_id) == (1, 1)


def test_an_attendee_csv_beyond_capacity_registers_nobody(app, client):
    admin(app)
    event_id = make_event(app, capacity=1)
    first, second = person(app), person(app)
    with app.app_context():
        emails = [db.session.get(User, i).email for i in (first, second)]
    log_in(client, "ada@example.org")
    response = _upload(client, event_id, "\n".join(emails))
    assert response.status_code == 422
    assert "the event has 1 place left" in response.get_data(as_text=True)
    assert taken(app, event_id) == (0, 0)


# --- registering ----------------------------------------------------------------------------------


def test_register_twice_makes_one_and_unregister_gives_the_place_back(app, client):
    event_id = make_event(app, capacity=2)
    person(app, "Priya Shah")
    with app.app_context():
        email = db.session.scalar(select(User.email).where(User.name == "Priya Shah"))
    log_in(client, email)
    url = f"/events/{event_id}"
    assert post(client, f"{url}/register", {"listed": "y"}, page=url).status_code == 303
    again = post(client, f"{url}/register", {"listed": "y"}, page=url)
    assert again.status_code == 409
    assert "already registered" in again.get_data(as_text=True)
    assert taken(app, event_id) == (1, 1)
    assert post(client, f"{url}/unregister", page=url).status_code == 303
    assert taken(app, event_id) == (0, 0)
    not_registered = post(client, f"{url}/unregister", page=url)
    assert not_registered.status_code == 409
    assert "aren&#39;t registered" in not_registered.get_data(as_text=True)
    assert taken(app, event_id) == (0, 0)


def test_a_full_event_refuses_registration(app, client):
    event_id = make_event(app, capacity=1)
    attend(app, event_id, person(app))
    me = person(app)
    with app.app_context():
        email = db.session.get(User, me).email
        event = db.session.get(Event, event_id)
        with pytest.raises(EventProblem, match="full"):
            register(event, db.session.get(User, me))
        db.session.rollback()
    assert taken(app, event_id) == (1, 1)
    log_in(client, email)
    assert "The event is full." in client.get(f"/events/{event_id}").get_data(as_text=True)


def test_two_members_after_the_last_place_get_one_between_them(pg_app):
    app = pg_app
    event_id = make_event(app, capacity=1)
    people = [person(app), person(app)]
    barrier = threading.Barrier(2, timeout=30)
    outcomes: list[str] = ["", ""]

    def run(n: int) -> None:
        with app.app_context():
            event = db.session.get(Event, event_id)
            member = db.session.get(User, people[n])
            barrier.wait()
            try:
                register(event, member)
                threading.Event().wait(0.3)  # hold the place while the other tries
                db.session.commit()
                outcomes[n] = "registered"
            except EventProblem as problem:
                db.session.rollback()
                outcomes[n] = str(problem)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == sorted(
        ["registered", "Sorry, the event is full: the last place has just gone."]
    )
    assert taken(app, event_id) == (1, 1)


# --- who is going, whom to meet -----------------------------------------------------------------


def test_the_page_lists_only_agreed_attendees_and_suggests_people_to_meet(app, client):
    event_id = make_event(app)
    me = person(app, "Priya Shah", specialties=["cardiology"], interests=["cycling"])
    sam = person(app, "Sam Okafor", specialties=["cardiology"], interests=["cycling"])
    hidden = person(app, "Hidden Harriet", specialties=["cardiology"])
    attend(app, event_id, me, sam)
    attend(app, event_id, hidden, listed=False)
    with app.app_context():
        email = db.session.get(User, me).email
    log_in(client, email)
    body = client.get(f"/events/{event_id}").get_data(as_text=True)
    assert "Sam Okafor" in body
    assert "Hidden Harriet" not in body
    meet = body.split('id="to-meet"')[1].split("</section>")[0]
    assert "Sam Okafor" in meet and "cardiology" in meet


# --- the .ics -------------------------------------------------------------------------------------


def test_the_calendar_file_parses_back(app, client):
    event_id = make_event(app)
    me = person(app)
    with app.app_context():
        email = db.session.get(User, me).email
        event = db.session.get(Event, event_id)
        starts, ends = event.starts_at, event.ends_at
    log_in(client, email)
    response = client.get(f"/events/{event_id}.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    [vevent] = Calendar.from_ical(response.data).walk("VEVENT")
    assert str(vevent["summary"]) == "Networking Workshop"
    assert str(vevent["location"]) == "Education Centre, Room 2"
    assert vevent.decoded("dtstart").astimezone(UTC) == starts.replace(second=0, microsecond=0) or (
        abs(vevent.decoded("dtstart").astimezone(UTC) - starts) < timedelta(seconds=1)
    )
    assert abs(vevent.decoded("dtend").astimezone(UTC) - ends) < timedelta(seconds=1)
    assert str(vevent["uid"]) == f"event-{event_id}@mentormatch"
    assert client.get("/events/999999.ics").status_code == 404


# --- whom you met, and the follow-ups -----------------------------------------------------------


def _after_the_event(app: Flask, client):
    event_id = make_event(app, days=-1)
    me = person(app, "Priya Shah")
    sam = person(app, "Sam Okafor")
    consultant = person(app, "Dr Cora Lane", stage="consultant")
    stranger = person(app, "Not There")
    attend(app, event_id, me, sam, consultant)
    with app.app_context():
        email = db.session.get(User, me).email
    log_in(client, email)
    return event_id, me, sam, consultant, stranger


def test_picks_become_connection_requests_and_refusals_are_explained(app, client):
    event_id, me, sam, consultant, _ = _after_the_event(app, client)
    url = f"/events/{event_id}"
    assert "Who did you meet?" in client.get(url).get_data(as_text=True)
    response = post(client, f"{url}/met", {"people": [sam, consultant], "note": "Great chat!"}, page=url)
    assert response.status_code == 303
    page = client.get(url).get_data(as_text=True)
    assert "Connection requests sent to Sam Okafor" in page
    assert "No request to Dr Cora Lane: Peers are at the same stage" in page
    with app.app_context():
        [request] = db.session.scalars(select(MentoringRequest)).all()
        assert (request.sender_id, request.recipient_id, request.kind, request.message) == (
            me,
            sam,
            PEER,
            "Great chat!",
        )
        assert db.session.scalar(select(func.count()).select_from(EventMeeting)) == 2
    # A double click: the second answer is refused, nothing more is made.
    again = post(client, f"{url}/met", {"people": [sam]}, page=url)
    assert again.status_code in (409, 422)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(EventMeeting)) == 2
        assert db.session.scalar(select(func.count()).select_from(MentoringRequest)) == 1


@pytest.mark.parametrize("who", ["yourself", "stranger"])
def test_a_pick_who_isnt_another_attendee_is_refused(app, client, who):
    event_id, me, _sam, _consultant, stranger = _after_the_event(app, client)
    url = f"/events/{event_id}"
    response = post(client, f"{url}/met", {"people": [me if who == "yourself" else stranger]}, page=url)
    assert response.status_code == 422
    assert "not a valid choice" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(EventMeeting)) == 0
        registration = db.session.scalar(select(EventRegistration).where(EventRegistration.member_id == me))
        assert registration.answered_at is None


def test_follow_ups_are_sent_once_across_two_runs_and_not_to_the_connected(app, client, runner):
    event_id, me, sam, consultant, _ = _after_the_event(app, client)
    with app.app_context():
        for met in (sam, consultant):
            db.session.add(EventMeeting(event_id=event_id, member_id=me, met_id=met))
        db.session.add(Connection(kind=PEER, first_id=min(me, consultant), second_id=max(me, consultant)))
        event = db.session.get(Event, event_id)
        event.starts_at -= timedelta(days=3)
        event.ends_at -= timedelta(days=3)
        db.session.commit()
        email = db.session.get(User, me).email
    first = runner.invoke(args=["events", "follow-up"])
    assert first.exit_code == 0, first.output
    assert "1 sent, 1 not needed" in first.output
    second = runner.invoke(args=["events", "follow-up"])
    assert "0 sent, 0 not needed" in second.output
    [message] = [m for m in outbox(app, email) if m.kind == "event_follow_up"]
    assert message.subject == "You met Sam Okafor at Networking Workshop — send a note?"
    assert f"/people/{sam}" in message.text_body
    # Three months on, the 3-month prompt, once.
    with app.app_context():
        later = send_follow_ups(utcnow() + timedelta(days=92))
        assert (later.sent, later.skipped) == (1, 1)
        assert (send_follow_ups(utcnow() + timedelta(days=92)).sent) == 0
    assert len([m for m in outbox(app, email) if m.kind == "event_follow_up"]) == 2


# --- the report --------------------------------------------------------------------------------


def test_the_event_report_counts_attendance_people_met_and_connections(app, client):
    admin(app)
    event_id, me, sam, consultant, _ = _after_the_event(app, client)
    with app.app_context():
        for met in (sam, consultant):
            db.session.add(EventMeeting(event_id=event_id, member_id=me, met_id=met))
        db.session.add(Connection(kind=PEER, first_id=min(me, sam), second_id=max(me, sam)))
        db.session.get(EventRegistration, 1).answered_at = utcnow()
        db.session.commit()
    client = app.test_client()
    log_in(client, "ada@example.org")
    csv_text = client.get("/admin/reports/events.csv").get_data(as_text=True)
    lines = csv_text.lstrip("\ufeff").splitlines()
    assert lines[0] == "Event,Date,Registered,Said whom they met,People met,Connected within 3 months"
    assert lines[1].startswith("Networking Workshop,") and lines[1].endswith(",3,1,2,1")
    assert 'id="table-events"' in client.get("/admin/reports").get_data(as_text=True)


def test_the_report_csv_defuses_formulas(app, client):
    admin(app)
    make_event(app, title='=HYPERLINK("x")')
    log_in(client, "ada@example.org")
    csv_text = client.get("/admin/reports/events.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in csv_text


# --- access and 404s ----------------------------------------------------------------------------

ENDPOINTS = [
    ("get", "/events", "member"),
    ("get", "/events/{id}", "member"),
    ("get", "/events/{id}.ics", "member"),
    ("post", "/events/{id}/register", "member"),
    ("post", "/events/{id}/unregister", "member"),
    ("post", "/events/{id}/met", "member"),
    ("post", "/events/{id}/listed", "member"),
    ("get", "/admin/events", "admin"),
    ("post", "/admin/events", "admin"),
    ("get", "/admin/events/{id}", "admin"),
    ("post", "/admin/events/{id}", "admin"),
    ("post", "/admin/events/{id}/attendees", "admin"),
    ("get", "/admin/reports/events.csv", "admin"),
]


@pytest.mark.parametrize(("method", "path", "who"), ENDPOINTS)
@pytest.mark.parametrize("role", ["anonymous", "student", "admin"])
def test_access_matrix(app, client, login_as, method, path, who, role):
    event_id = make_event(app)
    login_as(role)
    url = path.format(id=event_id)
    if method == "get":
        response = client.get(url)
    else:
        html = client.get("/events" if role != "anonymous" else "/auth/login").get_data(as_text=True)
        response = client.post(url, data={"csrf_token": csrf_from(html)})
    if role == "anonymous":
        assert response.status_code == 302 and "/auth/login" in response.location
    elif who == "admin" and role != "admin":
        assert response.status_code == 403
    else:
        assert response.status_code in (200, 303, 404, 409, 422), response.status_code
        if method == "get":
            assert response.status_code == 200


@pytest.mark.parametrize("path", ["/events/999999", "/events/999999.ics", "/admin/events/999999"])
def test_unknown_events_are_404(app, client, login_as, path):
    login_as("admin")
    assert client.get(path).status_code == 404


def test_met_is_404_for_someone_not_registered(app, client, login_as):
    event_id = make_event(app, days=-1)
    login_as("student")
    html = client.get("/events").get_data(as_text=True)
    response = client.post(f"/events/{event_id}/met", data={"csrf_token": csrf_from(html)})
    assert response.status_code == 404


# --- query counts ---------------------------------------------------------------------------------


def _same_count(app, client, path: str, add) -> None:
    add(1)
    one = statements_of_get(app, client, path)
    add(29)
    thirty = statements_of_get(app, client, path)
    assert len(thirty) == len(one), "\n".join(["1 row:", *shapes(one), "30 rows:", *shapes(thirty)])


def test_the_events_list_costs_the_same_for_30_events(app, client):
    me = person(app)
    with app.app_context():
        email = db.session.get(User, me).email
    log_in(client, email)

    def add(n: int) -> None:
        for i in range(n):
            event_id = make_event(app, days=(i % 2) * 10 - 5)
            attend(app, event_id, me)

    _same_count(app, client, "/events", add)


def test_an_event_page_costs_the_same_for_30_attendees(app, client):
    event_id = make_event(app, capacity=100)
    me = person(app)
    attend(app, event_id, me)
    with app.app_context():
        email = db.session.get(User, me).email
    log_in(client, email)
    _same_count(
        app, client, f"/events/{event_id}", lambda n: attend(app, event_id, *(person(app) for _ in range(n)))
    )


def test_the_report_costs_the_same_for_30_events(app, client):
    admin(app)
    met = [person(app), person(app)]
    log_in(client, "ada@example.org")

    def add(n: int) -> None:
        for _ in range(n):
            event_id = make_event(app, days=-3)
            attend(app, event_id, *met)
            with app.app_context():
                db.session.add(EventMeeting(event_id=event_id, member_id=met[0], met_id=met[1]))
                db.session.commit()

    _same_count(app, client, "/admin/reports", add)


def test_a_member_chooses_whether_they_are_shown_as_going(app, client):
    event_id = make_event(app)
    me = person(app, "Priya Shah")
    other = person(app)
    attend(app, event_id, me, listed=False)
    with app.app_context():
        email, other_email = db.session.get(User, me).email, db.session.get(User, other).email
    log_in(client, email)
    url = f"/events/{event_id}"
    assert post(client, f"{url}/listed", {"listed": "y"}, page=url).status_code == 303
    viewer = app.test_client()
    log_in(viewer, other_email)
    assert "Priya Shah" in viewer.get(url).get_data(as_text=True).split('id="going"')[1]
    assert post(client, f"{url}/listed", {"listed": ""}, page=url).status_code == 303
    assert "Priya Shah" not in viewer.get(url).get_data(as_text=True).split('id="going"')[1]


# --- the dashboard and the digest ---------------------------------------------------------------


def test_the_dashboard_asks_who_you_met_and_shows_follow_ups_and_events_coming_up(app, client):
    event_id, me, sam, _consultant, _ = _after_the_event(app, client)
    coming = make_event(app, days=3, title="Careers Fair")
    other = person(app, "Dana Peer")
    attend(app, coming, me, other)
    body = client.get("/").get_data(as_text=True)
    assert "Who did you meet at Networking Workshop?" in body
    assert f"/events/{event_id}#who-did-you-meet" in body
    assert "Careers Fair" in body and "Dana Peer" in body  # coming up, with whom to meet
    with app.app_context():
        db.session.add(EventMeeting(event_id=event_id, member_id=me, met_id=sam, followed_up_48h_at=utcnow()))
        db.session.get(EventRegistration, 1).answered_at = utcnow()
        db.session.commit()
    body = client.get("/").get_data(as_text=True)
    assert "Who did you meet at Networking Workshop?" not in body
    assert "You met" in body and "Sam Okafor</a> at Networking Workshop: send a note?" in body


def test_the_digest_has_events_coming_up_and_who_did_you_meet(app):
    from mentormatch.digests.content import build_digests

    past = make_event(app, days=-1, title="Careers Evening")
    coming = make_event(app, days=3, title="Careers Fair")
    me, other = person(app, "Priya Shah"), person(app, "Dana Peer")
    attend(app, past, me, other)
    attend(app, coming, me, other)
    with app.app_context():
        user = db.session.get(User, me)
        [content] = build_digests([user], utcnow())
        assert [item.title for item in content.ask_met] == ["Careers Evening"]
        [item] = content.events
        assert item.title == "Careers Fair" and [name for _, name, _ in item.to_meet] == ["Dana Peer"]
        assert "event coming up" in content.summary() and not content.is_empty
        assert content.included()["events"] == [coming]


def test_the_dashboard_costs_the_same_with_30_events(app, client):
    me = person(app)
    with app.app_context():
        email = db.session.get(User, me).email
    log_in(client, email)

    def add(n: int) -> None:
        for i in range(n):
            event_id = make_event(app, days=(5, -1, -5)[i % 3])  # the first row: coming up
            attend(app, event_id, me, person(app))
            with app.app_context():
                db.session.add(
                    EventMeeting(
                        event_id=event_id, member_id=me, met_id=person(app), followed_up_48h_at=utcnow()
                    )
                )
                db.session.commit()

    _same_count(app, client, "/", add)


def test_the_demo_shows_events_to_priya(app, runner):
    from mentormatch.demo.logins import DEMO_LOGINS, DEMO_PASSWORD

    assert runner.invoke(args=["seed-demo", "--users", "80"]).exit_code == 0
    client = app.test_client()
    log_in(client, DEMO_LOGINS["student"].email, DEMO_PASSWORD)
    body = client.get("/").get_data(as_text=True)
    assert "Who did you meet at Careers Evening for Students and Foundation Doctors?" in body
    assert "people to meet there" in body
    with app.app_context():
        states = db.session.execute(
            select(EventMeeting.followed_up_48h_at.is_not(None), EventMeeting.followed_up_3m_at.is_not(None))
        ).all()
        assert {tuple(state) for state in states} == {(False, False), (True, False), (True, True)}
        assert db.session.scalar(select(func.count()).select_from(Event)) == 4
        for event in db.session.scalars(select(Event)):
            assert event.taken == len(event.registrations) <= event.capacity


def test_creating_the_same_event_twice_makes_one(app, client):
    admin(app)
    log_in(client, "ada@example.org")
    data = {
        "kind": "workshop",
        "title": "Networking Workshop",
        "starts_at": "2027-06-10T18:30",
        "ends_at": "2027-06-10T20:00",
        "capacity": "20",
    }
    assert post(client, "/admin/events", data, page="/admin/events").status_code == 303
    again = post(client, "/admin/events", data, page="/admin/events")
    assert again.status_code == 422
    assert "already starts at that time" in again.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Event)) == 1
