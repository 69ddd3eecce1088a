"""The request rules: asking, accepting, declining, withdrawing, expiring, ending; places and emails.

Everything runs against the real database and the real outbox. A refused action must leave nothing
behind: the tests commit after it (as a careless caller would) and compare every row it could touch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select, update

from mentormatch.accounts.service import delete_account
from mentormatch.core.changes import MatchingChange
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.core.mail.models import OutboxMessage
from mentormatch.mentoring.answering import MATCHED_ELSEWHERE, accept, decline, withdraw
from mentormatch.mentoring.asking import (
    AFTER_DECLINED,
    AFTER_WITHDRAWN,
    ANSWER_WITHIN,
    MAX_PENDING_PEER,
    TOO_MANY,
    TOO_MANY_PEER,
    RequestProblem,
    connected,
    pending_mentoring_count,
    request_problem,
    send_request,
)
from mentormatch.mentoring.closing import close_requests_to, remind_and_expire
from mentormatch.mentoring.connections import end_connection, free_place, take_place
from mentormatch.mentoring.models import (
    ACCEPTED,
    DECLINED,
    EXPIRED,
    MENTORING,
    PEER,
    PENDING,
    WITHDRAWN,
    Connection,
    MentoringRequest,
)
from mentormatch.mentors import standing
from mentormatch.profiles.models import Profile
from mentormatch.profiles.service import stage_changed
from tests.factories import make_member
from tests.request_helpers import EMAILS, active_connections, ask, mail, person, places, refused, status


@pytest.fixture
def people(app: Flask) -> dict[str, int]:
    """Two students and a foundation doctor; four approved mentors of various stages and capacities."""
    made = {
        "amira": make_member(app, "Amira Khan", email=EMAILS["amira"], stage="medical_student"),
        "ben": make_member(app, "Ben Ade", email=EMAILS["ben"], stage="medical_student"),
        "cara": make_member(app, "Cara Doyle", email=EMAILS["cara"], stage="foundation_doctor"),
        "kaur": make_member(
            app, "Dr Kaur", email=EMAILS["kaur"], stage="consultant", mentor=True, capacity=2
        ),
        "lee": make_member(
            app, "Dr Lee", email=EMAILS["lee"], stage="specialty_trainee", mentor=True, capacity=1
        ),
        "moss": make_member(app, "Dr Moss", email=EMAILS["moss"], stage="gp", mentor=True, capacity=2),
        "nash": make_member(
            app, "Dr Nash", email=EMAILS["nash"], stage="consultant", mentor=True, capacity=1
        ),
    }
    return made


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    with app.app_context():
        yield


# --- asking ---------------------------------------------------------------------------------------


def test_sending_a_request_stores_it_and_emails_the_recipient_once(people, ctx):
    before = utcnow()
    request = ask(people, "amira", "kaur", MENTORING, "  Could you help with my exams?  ")

    stored = db.session.get(MentoringRequest, request.id)
    assert (stored.status, stored.kind, stored.sender_id, stored.recipient_id) == (
        PENDING,
        MENTORING,
        people["amira"],
        people["kaur"],
    )
    assert stored.message == "Could you help with my exams?"
    assert before <= stored.created_at <= utcnow()
    assert stored.expires_at - stored.created_at == ANSWER_WITHIN
    assert mail() == [("request_received", EMAILS["kaur"])]
    noted = set(db.session.scalars(select(MatchingChange.user_id)))
    assert {people["amira"], people["kaur"]} <= noted


def test_accepting_a_mentoring_request_connects_them_takes_a_place_and_tells_the_mentee(people, ctx):
    request = ask(people, "amira", "kaur")
    connection = accept(request, person(people["kaur"]))
    db.session.commit()

    assert status(request.id) == ACCEPTED
    assert db.session.get(MentoringRequest, request.id).decided_at is not None
    assert active_connections() == [(MENTORING, people["kaur"], people["amira"])]
    assert connection.request_id == request.id
    assert connection.mentor.id == people["kaur"] and connection.mentee.id == people["amira"]
    assert places(people["kaur"]) == 1
    assert mail() == [("request_received", EMAILS["kaur"]), ("request_accepted", EMAILS["amira"])]


@pytest.mark.parametrize("sender, recipient", [("cara", "amira"), ("amira", "cara")])
def test_accepting_a_peer_request_makes_one_connection_whoever_asked(people, ctx, sender, recipient):
    request = ask(people, sender, recipient, PEER)
    accept(request, person(people[recipient]))
    db.session.commit()

    low, high = sorted((people["amira"], people["cara"]))
    assert active_connections() == [(PEER, low, high)]
    assert all(places(people[name]) == 0 for name in people)
    assert mail()[1:] == [("request_accepted", EMAILS[sender])]


def test_declining_tells_the_sender_with_the_reason(people, ctx):
    request = ask(people, "amira", "kaur")
    decline(request, person(people["kaur"]), "  I'm on leave until March.  ")
    db.session.commit()

    stored = db.session.get(MentoringRequest, request.id)
    assert (stored.status, stored.reason) == (DECLINED, "I'm on leave until March.")
    assert active_connections() == [] and places(people["kaur"]) == 0
    assert mail()[1:] == [("request_declined", EMAILS["amira"])]
    message = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "request_declined")).one()
    assert "I'm on leave until March." in message.text_body
    assert "on leave until March." in message.html_body


def test_declining_without_a_reason_stores_none(people, ctx):
    request = ask(people, "amira", "kaur")
    decline(request, person(people["kaur"]))
    db.session.commit()
    assert db.session.get(MentoringRequest, request.id).reason is None
    assert mail()[1:] == [("request_declined", EMAILS["amira"])]


def test_withdrawing_tells_the_recipient(people, ctx):
    request = ask(people, "amira", "kaur")
    withdraw(request, person(people["amira"]))
    db.session.commit()

    assert status(request.id) == WITHDRAWN
    assert mail()[1:] == [("request_withdrawn", EMAILS["kaur"])]


def test_reminder_once_then_expiry_once(people, ctx):
    request = ask(people, "amira", "kaur")
    created = db.session.get(MentoringRequest, request.id).created_at

    assert remind_and_expire(created + timedelta(days=6)) == (0, 0)
    assert remind_and_expire(created + timedelta(days=8)) == (1, 0)
    db.session.commit()
    assert remind_and_expire(created + timedelta(days=9)) == (0, 0)  # reminded already
    db.session.commit()
    assert status(request.id) == PENDING
    assert mail()[1:] == [("request_expiring", EMAILS["kaur"])]

    assert remind_and_expire(created + ANSWER_WITHIN + timedelta(minutes=1)) == (0, 1)
    db.session.commit()
    assert remind_and_expire(created + ANSWER_WITHIN + timedelta(days=3)) == (0, 0)
    db.session.commit()
    assert status(request.id) == EXPIRED
    assert mail()[1:] == [("request_expiring", EMAILS["kaur"]), ("request_expired", EMAILS["amira"])]


def test_a_request_past_its_time_expires_without_a_late_reminder(people, ctx):
    request = ask(people, "amira", "kaur")
    created = db.session.get(MentoringRequest, request.id).created_at
    assert remind_and_expire(created + timedelta(days=20)) == (0, 1)
    db.session.commit()
    assert mail()[1:] == [("request_expired", EMAILS["amira"])]


def test_accepting_withdraws_the_mentees_other_mentoring_requests_only(people, ctx):
    chosen = ask(people, "amira", "kaur")
    others = [ask(people, "amira", "moss"), ask(people, "amira", "nash")]
    peer_sent = ask(people, "amira", "cara", PEER)
    peer_received = ask(people, "ben", "amira", PEER)
    ben_asks_moss = ask(people, "ben", "moss")
    before = len(mail())

    accept(chosen, person(people["kaur"]))
    db.session.commit()

    for other in others:
        stored = db.session.get(MentoringRequest, other.id)
        assert (stored.status, stored.reason) == (WITHDRAWN, MATCHED_ELSEWHERE)
    assert [status(r.id) for r in (peer_sent, peer_received, ben_asks_moss)] == [PENDING] * 3
    assert sorted(mail()[before:]) == sorted(
        [
            ("request_accepted", EMAILS["amira"]),
            ("request_withdrawn", EMAILS["moss"]),
            ("request_withdrawn", EMAILS["nash"]),
        ]
    )


def test_accepting_does_not_email_about_requests_already_decided(people, ctx):
    chosen = ask(people, "amira", "kaur")
    declined = ask(people, "amira", "moss")
    decline(declined, person(people["moss"]))
    db.session.commit()
    before = len(mail())

    accept(chosen, person(people["kaur"]))
    db.session.commit()
    assert status(declined.id) == DECLINED
    assert mail()[before:] == [("request_accepted", EMAILS["amira"])]


# --- transitions that may not happen --------------------------------------------------------------


def _do(action: str, request: MentoringRequest, people: dict[str, int]) -> None:
    if action == "accept":
        accept(request, person(people["kaur"]))
    elif action == "decline":
        decline(request, person(people["kaur"]), "no")
    elif action == "withdraw":
        withdraw(request, person(people["amira"]))
    else:
        assert remind_and_expire(request.expires_at + timedelta(seconds=1))[1] == 1


@pytest.mark.parametrize("first", ["accept", "decline", "withdraw", "expire"])
@pytest.mark.parametrize("second", ["accept", "decline", "withdraw"])
def test_a_decided_request_cannot_be_decided_again(people, ctx, first, second):
    request = ask(people, "amira", "kaur")
    _do(first, request, people)
    db.session.commit()
    db.session.expire_all()
    words = refused(_do, second, db.session.get(MentoringRequest, request.id), people)
    expected = {
        "accept": "already been accepted",
        "decline": "already been declined",
        "withdraw": "withdrawn",
        "expire": "expired",
    }[first]
    assert expected in words


def test_a_stale_copy_of_a_decided_request_cannot_be_accepted(app, people):
    """Another tab withdrew it: this session's copy still says pending."""
    with app.app_context():
        request = ask(people, "amira", "kaur")
        mentor = person(people["kaur"])
        assert request.is_pending
        with app.app_context():  # the other tab: its own session
            withdraw(db.session.get(MentoringRequest, request.id), person(people["amira"]))
            db.session.commit()
        words = refused(accept, request, mentor)
        assert "withdrawn" in words
        assert places(people["kaur"]) == 0


@pytest.mark.parametrize(
    "action, who",
    [
        ("accept", "amira"),  # the sender
        ("accept", "moss"),  # a stranger
        ("decline", "amira"),
        ("decline", "moss"),
        ("withdraw", "kaur"),  # the recipient
        ("withdraw", "moss"),
    ],
)
def test_only_the_right_person_can_answer_or_withdraw(people, ctx, action, who):
    request = ask(people, "amira", "kaur")
    act = {"accept": accept, "decline": decline, "withdraw": withdraw}[action]
    refused(act, request, person(people[who]), error=PermissionError)
    assert status(request.id) == PENDING


def test_ending_a_mentorship_frees_the_place_and_tells_the_other_once(people, ctx):
    connection = accept(ask(people, "amira", "lee"), person(people["lee"]))
    db.session.commit()
    assert places(people["lee"]) == 1
    before = len(mail())

    end_connection(connection, person(people["amira"]), "  Exams are over, thank you!  ")
    db.session.commit()
    stored = db.session.get(Connection, connection.id)
    assert stored.ended_at is not None and stored.ended_by_id == people["amira"]
    assert stored.end_reason == "Exams are over, thank you!"
    assert places(people["lee"]) == 0
    assert mail()[before:] == [("connection_ended", EMAILS["lee"])]

    assert "already ended" in refused(end_connection, stored, person(people["lee"]))
    assert places(people["lee"]) == 0  # not freed twice
    # With the place back, she can be asked and accept again.
    again = ask(people, "ben", "lee")
    accept(again, person(people["lee"]))
    db.session.commit()
    assert places(people["lee"]) == 1


def test_ending_a_peer_connection_frees_no_place_and_strangers_cannot_end_it(people, ctx):
    connection = accept(ask(people, "amira", "cara", PEER), person(people["cara"]))
    db.session.commit()
    refused(end_connection, connection, person(people["kaur"]), error=PermissionError)
    before = len(mail())
    end_connection(connection, person(people["cara"]))
    db.session.commit()
    assert active_connections() == []
    assert mail()[before:] == [("connection_ended", EMAILS["amira"])]
    assert all(places(people[name]) == 0 for name in people)


# --- what may not be asked ------------------------------------------------------------------------


def _refuse_ask(people: dict[str, int], sender: str, recipient: str, kind: str, words: str) -> None:
    said = request_problem(person(people[sender]), person(people[recipient]), kind)
    assert said is not None and words in said
    assert refused(send_request, person(people[sender]), person(people[recipient]), kind, "hi") == said


def test_asking_yourself(people, ctx):
    _refuse_ask(people, "amira", "amira", PEER, "yourself")
    _refuse_ask(people, "kaur", "kaur", MENTORING, "yourself")


def test_an_unknown_kind(people, ctx):
    _refuse_ask(people, "amira", "kaur", "friendship", "Choose mentoring or a peer connection")


def test_mentoring_from_someone_who_is_not_an_approved_mentor(app, people, ctx):
    people["dana"] = make_member(app, "Dr Dana", stage="consultant")
    people["eli"] = make_member(app, "Dr Eli", stage="consultant", mentor="pending")
    _refuse_ask(people, "amira", "dana", MENTORING, "isn't mentoring")
    _refuse_ask(people, "amira", "eli", MENTORING, "isn't mentoring")


def test_mentoring_from_someone_no_further_along(app, people, ctx):
    people["fay"] = make_member(app, "Fay", stage="medical_student", mentor=True)
    people["fred"] = make_member(app, "Fred", stage="foundation_doctor", mentor=True)
    people["gus"] = make_member(app, "Gus", stage="core_trainee")
    _refuse_ask(people, "amira", "fay", MENTORING, "further along")  # the same stage
    _refuse_ask(people, "gus", "fred", MENTORING, "further along")  # less senior
    _refuse_ask(people, "kaur", "moss", MENTORING, "further along")  # consultant → GP: the same rank


def test_mentoring_from_a_full_mentor(app, people, ctx):
    people["full"] = make_member(app, "Dr Full", stage="consultant", mentor=True, capacity=1, places_taken=1)
    people["none"] = make_member(app, "Dr None", stage="consultant", mentor=True, capacity=0)
    _refuse_ask(people, "amira", "full", MENTORING, "no free places")
    _refuse_ask(people, "amira", "none", MENTORING, "no free places")


def test_asking_twice_either_way(people, ctx):
    ask(people, "amira", "kaur")
    _refuse_ask(people, "amira", "kaur", MENTORING, "already asked")
    _refuse_ask(people, "amira", "kaur", PEER, "already asked")
    ask(people, "cara", "ben", PEER)
    _refuse_ask(people, "ben", "cara", PEER, "already sent you a request")


def test_a_fourth_waiting_mentoring_request(people, ctx):
    for mentor in ("kaur", "lee", "moss"):
        ask(people, "amira", mentor)
    _refuse_ask(people, "amira", "nash", MENTORING, TOO_MANY)
    ask(people, "amira", "cara", PEER)  # peers don't count
    # One answered frees a slot.
    decline(
        db.session.scalars(select(MentoringRequest).filter_by(recipient_id=people["lee"])).one(),
        person(people["lee"]),
    )
    db.session.commit()
    assert request_problem(person(people["amira"]), person(people["nash"]), MENTORING) is None
    ask(people, "amira", "nash")


def _decided_days_ago(request: MentoringRequest, days: float) -> None:
    db.session.execute(
        update(MentoringRequest)
        .where(MentoringRequest.id == request.id)
        .values(decided_at=utcnow() - timedelta(days=days))
    )
    db.session.commit()


def _ask_again_from(request: MentoringRequest, wait: timedelta) -> str:
    """The date the refusal names: the first whole day (UTC) after the wait is over."""
    db.session.expire_all()
    over = db.session.get(MentoringRequest, request.id).decided_at + wait
    return f"{(over + timedelta(days=1)):%-d %B %Y}"


def test_after_a_decline_the_same_person_cannot_be_asked_again_for_30_days(people, ctx):
    declined = ask(people, "amira", "kaur")
    decline(declined, person(people["kaur"]), "Too busy this term.")
    db.session.commit()
    assert timedelta(days=30) == AFTER_DECLINED
    again = _ask_again_from(declined, AFTER_DECLINED)
    _refuse_ask(
        people,
        "amira",
        "kaur",
        MENTORING,
        f"Dr Kaur couldn't take on your last request. You can ask them again from {again}",
    )
    # Only that pair and kind: she may ask another mentor, and Dr Kaur is free to be asked by others.
    assert request_problem(person(people["amira"]), person(people["nash"]), MENTORING) is None
    assert request_problem(person(people["ben"]), person(people["kaur"]), MENTORING) is None

    _decided_days_ago(declined, 29.5)  # the thirtieth day isn't over: still refused
    assert "You can ask them again from" in request_problem(
        person(people["amira"]), person(people["kaur"]), MENTORING
    )
    _decided_days_ago(declined, 31.01)  # a whole day after the thirty
    assert request_problem(person(people["amira"]), person(people["kaur"]), MENTORING) is None
    ask(people, "amira", "kaur")


def test_a_declined_peer_request_cools_down_that_way_and_kind_only(people, ctx):
    declined = ask(people, "amira", "ben", PEER)
    decline(declined, person(people["ben"]))
    db.session.commit()
    _refuse_ask(people, "amira", "ben", PEER, "Ben Ade couldn't take on your last request")
    assert request_problem(person(people["ben"]), person(people["amira"]), PEER) is None  # he may ask her


def test_after_withdrawing_the_sender_cannot_ask_them_again_for_7_days(people, ctx):
    withdrawn = ask(people, "amira", "cara", PEER)
    withdraw(withdrawn, person(people["amira"]))
    db.session.commit()
    assert timedelta(days=7) == AFTER_WITHDRAWN
    again = _ask_again_from(withdrawn, AFTER_WITHDRAWN)
    _refuse_ask(
        people,
        "amira",
        "cara",
        PEER,
        f"You withdrew your last request to Cara Doyle. You can ask them again from {again}.",
    )
    _decided_days_ago(withdrawn, 8.01)
    assert request_problem(person(people["amira"]), person(people["cara"]), PEER) is None


def test_withdrawals_that_were_not_the_senders_and_expiry_leave_no_wait(people, ctx):
    expired = ask(people, "amira", "nash")
    assert remind_and_expire(expired.expires_at + timedelta(seconds=1)) == (0, 1)
    db.session.commit()
    matched = ask(people, "amira", "moss")
    accept(ask(people, "amira", "kaur"), person(people["kaur"]))  # withdraws the request to Dr Moss
    db.session.commit()
    assert (status(matched.id), status(expired.id)) == (WITHDRAWN, EXPIRED)
    end_connection(connected(person(people["amira"]), person(people["kaur"])), person(people["amira"]))
    db.session.commit()
    assert request_problem(person(people["amira"]), person(people["moss"]), MENTORING) is None
    assert request_problem(person(people["amira"]), person(people["nash"]), MENTORING) is None


def test_at_most_ten_peer_requests_waiting(app, people, ctx):
    assert MAX_PENDING_PEER == 10
    students = [make_member(app, f"Student {n}") for n in range(MAX_PENDING_PEER + 1)]
    for n, student in enumerate(students[:MAX_PENDING_PEER]):
        people[f"s{n}"] = student
        ask(people, "amira", f"s{n}", PEER)
    people["eleventh"] = students[-1]
    _refuse_ask(people, "amira", "eleventh", PEER, TOO_MANY_PEER)
    assert "10 peer requests waiting" in TOO_MANY_PEER
    assert request_problem(person(people["amira"]), person(people["kaur"]), MENTORING) is None  # its own cap
    assert request_problem(person(people["ben"]), person(people["eleventh"]), PEER) is None  # hers alone
    withdraw(
        db.session.scalars(select(MentoringRequest).filter_by(recipient_id=people["s0"])).one(),
        person(people["amira"]),
    )
    db.session.commit()
    ask(people, "amira", "eleventh", PEER)


def test_peers_more_than_one_stage_apart(app, people, ctx):
    people["gus"] = make_member(app, "Gus", stage="core_trainee")
    _refuse_ask(people, "amira", "gus", PEER, "Peers are at the same stage")
    _refuse_ask(people, "amira", "kaur", PEER, "Peers are at the same stage")
    assert request_problem(person(people["cara"]), person(people["gus"]), PEER) is None


@pytest.mark.parametrize(
    "flags", [{"verified": False}, {"deleted": True}, {"onboarded": False}], ids=lambda f: next(iter(f))
)
def test_asking_someone_who_cannot_take_requests(app, people, ctx, flags):
    people["x"] = make_member(app, "Dr X", stage="consultant", mentor=True, **flags)
    people["y"] = make_member(app, "Yan", stage="medical_student", **flags)
    _refuse_ask(people, "amira", "x", MENTORING, "can't take requests")
    _refuse_ask(people, "amira", "y", PEER, "can't take requests")


def test_asking_someone_you_are_connected_with(people, ctx):
    accept(ask(people, "amira", "cara", PEER), person(people["cara"]))
    accept(ask(people, "amira", "kaur"), person(people["kaur"]))
    db.session.commit()
    _refuse_ask(people, "amira", "cara", PEER, "already connected")
    _refuse_ask(people, "cara", "amira", PEER, "already connected")
    _refuse_ask(people, "amira", "kaur", MENTORING, "already connected")


# --- places ---------------------------------------------------------------------------------------


def test_take_place_only_for_an_approved_mentor_with_room(app, people, ctx):
    people["eli"] = make_member(app, "Dr Eli", stage="consultant", mentor="pending", capacity=3)
    assert take_place(people["lee"]) is True
    assert take_place(people["lee"]) is False  # capacity 1
    assert take_place(people["eli"]) is False
    assert take_place(people["amira"]) is False
    db.session.commit()
    assert (places(people["lee"]), places(people["eli"]), places(people["amira"])) == (1, 0, 0)
    free_place(people["lee"])
    free_place(people["lee"])  # never below zero
    db.session.commit()
    assert places(people["lee"]) == 0


def test_a_full_mentor_cannot_accept_and_the_request_stays_pending(people, ctx):
    accept(ask(people, "amira", "lee"), person(people["lee"]))
    db.session.commit()
    waiting = MentoringRequest(
        kind=MENTORING,
        sender_id=people["ben"],
        recipient_id=people["lee"],
        expires_at=utcnow() + ANSWER_WITHIN,
    )  # sent while she still had room
    db.session.add(waiting)
    db.session.commit()
    words = refused(accept, waiting, person(people["lee"]))
    assert "no free places" in words and "(1 of 1 taken)" in words
    assert status(waiting.id) == PENDING


def test_the_no_free_places_message_counts_places_as_they_are_now(app, people):
    """The mentor's page loaded her profile (0 of 1 taken); another tab took the place meanwhile."""
    with app.app_context():
        first, second = ask(people, "amira", "lee"), ask(people, "ben", "lee")
        mentor = person(people["lee"])
        assert mentor.profile.free_places == 1  # loaded into this session
        with app.app_context():
            accept(db.session.get(MentoringRequest, first.id), person(people["lee"]))
            db.session.commit()
        with pytest.raises(RequestProblem) as raised:  # no commit first: that would expire the profile
            accept(second, mentor)
        db.session.rollback()
        assert "(1 of 1 taken)" in str(raised.value), str(raised.value)
        assert status(second.id) == PENDING and places(people["lee"]) == 1


@pytest.mark.parametrize(
    "mentor_status, words",
    [("paused", "Your mentoring is paused"), ("pending", "aren't an approved mentor"), (None, "aren't")],
)
def test_a_mentor_no_longer_approved_cannot_accept(people, ctx, mentor_status, words):
    request = ask(people, "amira", "kaur")
    db.session.execute(
        update(Profile).where(Profile.user_id == people["kaur"]).values(mentor_status=mentor_status)
    )
    db.session.commit()
    assert words in refused(accept, request, person(people["kaur"]))
    assert status(request.id) == PENDING


@pytest.mark.parametrize(
    "change, words",
    [
        ({"career_stage": "consultant"}, "Your career stages have changed since Amira Khan asked"),
        ({"career_stage": "gp"}, "a mentor needs to be further along"),  # the same rank as a consultant
        ({"email_verified_at": None}, "their account isn't active"),
        ({"deleted_at": utcnow()}, "their account isn't active"),
        ({"onboarded_at": None}, "their account isn't active"),
    ],
    ids=["consultant", "gp", "unverified", "deleted", "not onboarded"],
)
def test_accepting_checks_the_rules_again_and_changes_nothing_when_they_no_longer_hold(
    people, ctx, change, words
):
    request = ask(people, "amira", "kaur")
    also = ask(people, "amira", "moss")  # would be withdrawn by an acceptance
    mentee = person(people["amira"])
    for name, value in change.items():  # changed since asking, behind the request's back
        setattr(mentee.profile if name == "onboarded_at" else mentee, name, value)
    db.session.commit()
    assert words in refused(accept, request, person(people["kaur"]))
    assert (status(request.id), status(also.id)) == (PENDING, PENDING)
    assert places(people["kaur"]) == 0 and active_connections() == []


def test_accepting_a_mentor_who_became_less_senior_is_refused(app, people, ctx):
    request = ask(people, "cara", "lee")  # foundation doctor asks a specialty trainee
    lee = person(people["lee"])
    lee.career_stage = "foundation_doctor"  # (stage_changed would also send her back to the admins)
    db.session.commit()
    assert "a mentor needs to be further along" in refused(accept, request, lee)
    assert status(request.id) == PENDING


def test_accepting_a_peer_whose_account_closed_is_refused(people, ctx):
    request = ask(people, "amira", "ben", PEER)
    person(people["amira"]).email_verified_at = None
    db.session.commit()
    assert "their account isn't active" in refused(accept, request, person(people["ben"]))


# --- a mentor who stops taking mentees ------------------------------------------------------------


def _waiting_for_kaur(people: dict[str, int]) -> dict[str, MentoringRequest]:
    """Two mentees waiting on Dr Kaur, and requests that have nothing to do with her mentoring."""
    return {
        "amira": ask(people, "amira", "kaur"),
        "cara": ask(people, "cara", "kaur"),
        "peer": ask(people, "moss", "kaur", PEER),  # a peer request: not about her mentoring
        "elsewhere": ask(people, "ben", "moss"),
    }


def _stop_by_pausing(people: dict[str, int]) -> None:
    standing.pause(person(people["kaur"]))


def _stop_by_suspension(people: dict[str, int]) -> None:
    admin = person(people["nash"])  # (the audit entry names who suspended her; any account will do)
    standing.suspend(person(people["kaur"]), admin, "Complaint under review.")


def _stop_by_stage(new_stage: str) -> Callable[[dict[str, int]], None]:
    def change(people: dict[str, int]) -> None:
        kaur = person(people["kaur"])
        kaur.profile.registration_number = "1234567"
        stage_changed(kaur.profile, new_stage)
        kaur.career_stage = new_stage

    return change


@pytest.mark.parametrize(
    "stop, reason, status_after",
    [
        (_stop_by_pausing, "Dr Kaur has paused mentoring for now.", "paused"),
        (_stop_by_suspension, "Dr Kaur isn't taking mentees at the moment.", "suspended"),
        (_stop_by_stage("gp"), "Dr Kaur isn't taking mentees at the moment.", "pending"),
        (_stop_by_stage("medical_student"), "Dr Kaur isn't taking mentees at the moment.", None),
    ],
    ids=["paused", "suspended", "stage, back to the admins", "stage, a student"],
)
def test_a_mentor_who_stops_taking_mentees_closes_their_waiting_requests_kindly(
    app, people, ctx, stop, reason, status_after
):
    waiting = _waiting_for_kaur(people)
    before = len(mail())

    stop(people)
    db.session.commit()

    assert db.session.get(Profile, people["kaur"]).mentor_status == status_after
    for name in ("amira", "cara"):
        stored = db.session.get(MentoringRequest, waiting[name].id)
        assert (stored.status, stored.reason) == (WITHDRAWN, reason)
    assert (status(waiting["peer"].id), status(waiting["elsewhere"].id)) == (PENDING, PENDING)
    closed = [(kind, to) for kind, to in mail()[before:] if kind == "request_closed"]
    assert sorted(closed) == [("request_closed", EMAILS["amira"]), ("request_closed", EMAILS["cara"])]
    message = db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.kind == "request_closed", OutboxMessage.to_addr == EMAILS["amira"]
        )
    ).one()
    assert message.subject == "Your request to Dr Kaur has closed"
    assert reason in message.text_body and reason.replace("'", "&#39;") in message.html_body
    assert "no longer counts towards your waiting requests" in message.text_body
    # Nothing is left holding the mentees' places; a second pass finds nothing more to close.
    assert pending_mentoring_count(person(people["amira"])) == 0
    assert close_requests_to(people["kaur"], reason) == 0


def test_closing_requests_leaves_the_mentors_mentees_connected(people, ctx):
    mentorship = accept(ask(people, "amira", "kaur"), person(people["kaur"]))
    waiting = ask(people, "ben", "kaur")
    db.session.commit()
    standing.pause(person(people["kaur"]))
    db.session.commit()
    assert db.session.get(Connection, mentorship.id).ended_at is None
    assert status(waiting.id) == WITHDRAWN and places(people["kaur"]) == 1
    assert [kind for kind, to in mail() if to == EMAILS["amira"]] == ["request_accepted"]


def test_a_mentee_whose_request_was_closed_can_ask_them_again_when_they_return(people, ctx):
    waiting = ask(people, "amira", "kaur")
    standing.pause(person(people["kaur"]))
    db.session.commit()
    assert "isn't mentoring" in request_problem(person(people["amira"]), person(people["kaur"]), MENTORING)
    standing.resume(person(people["kaur"]))
    db.session.commit()
    assert status(waiting.id) == WITHDRAWN
    assert request_problem(person(people["amira"]), person(people["kaur"]), MENTORING) is None


# --- accounts closing -----------------------------------------------------------------------------


def test_a_deleted_mentee_withdraws_requests_ends_connections_and_frees_places(people, ctx):
    mentorship = accept(ask(people, "amira", "lee"), person(people["lee"]))
    peership = accept(ask(people, "cara", "amira", PEER), person(people["amira"]))
    received = ask(people, "ben", "amira", PEER)
    db.session.commit()
    sent = MentoringRequest(
        kind=MENTORING,
        sender_id=people["amira"],
        recipient_id=people["moss"],
        expires_at=utcnow() + ANSWER_WITHIN,
    )  # (asked before she found a mentor)
    db.session.add(sent)
    db.session.commit()
    before = len(mail())

    delete_account(person(people["amira"]))
    db.session.commit()

    assert places(people["lee"]) == 0
    for connection in (mentorship, peership):
        stored = db.session.get(Connection, connection.id)
        assert stored.ended_at is not None and stored.end_reason == "The account was closed."
    assert [status(r.id) for r in (received, sent)] == [WITHDRAWN, WITHDRAWN]
    assert len(mail()) <= before  # nobody is emailed; her own queued mail is deleted
    assert all(to != EMAILS["amira"] for _, to in mail())
    # Lee has room again.
    accept(ask(people, "ben", "lee"), person(people["lee"]))
    db.session.commit()
    assert places(people["lee"]) == 1


def test_a_deleted_mentor_ends_mentorships_and_withdraws_requests_to_them(people, ctx):
    mentorship = accept(ask(people, "amira", "kaur"), person(people["kaur"]))
    waiting = ask(people, "ben", "kaur")
    db.session.commit()
    delete_account(person(people["kaur"]))
    db.session.commit()
    assert db.session.get(Connection, mentorship.id).ended_at is not None
    assert status(waiting.id) == WITHDRAWN
    assert active_connections() == []
    # Ben may ask someone else without the withdrawn request counting.
    assert request_problem(person(people["ben"]), person(people["moss"]), MENTORING) is None
