"""Matching's service layer: profiles as engine members, exclusions, dismissals, and fresh engines.

The freshness tests build two apps on one database: each keeps its own engine in `app.extensions`,
as two web processes would, and a change made through one must show in the other's next answer.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import func, insert, select

from mentormatch.accounts.models import User
from mentormatch.accounts.service import delete_account
from mentormatch.core.changes import MatchingChange
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.matching import freshness
from mentormatch.matching.freshness import ChangeCursor, rebuild
from mentormatch.matching.members import load_members
from mentormatch.matching.models import MatchingState
from mentormatch.matching.service import (
    all_suggestions,
    dismiss,
    excluded_for,
    suggestions_for,
    undo_dismiss,
)
from mentormatch.mentoring.answering import accept
from mentormatch.mentoring.asking import ANSWER_WITHIN, send_request
from mentormatch.mentoring.models import MENTORING, PEER, Connection, MentoringRequest
from mentormatch.mentors.models import MentorApplication
from mentormatch.profiles.models import Profile
from tests.factories import make_member


def person(user_id: int) -> User:
    return db.session.get(User, user_id)


def mentors_for(user_id: int, k: int = 10) -> list[int]:
    return [s.user.id for s in suggestions_for(person(user_id), "mentor", k)]


def peers_for(user_id: int, k: int = 10) -> list[int]:
    return [s.user.id for s in suggestions_for(person(user_id), "peer", k)]


def holder(app: Flask):
    """The app's own engine holder (what a web process keeps between requests)."""
    return app.extensions["mentormatch.matching"]


def pending_request(sender: int, recipient: int, kind: str = MENTORING) -> MentoringRequest:
    request = MentoringRequest(
        kind=kind, sender_id=sender, recipient_id=recipient, expires_at=utcnow() + ANSWER_WITHIN
    )
    db.session.add(request)
    return request


# --- profiles as members --------------------------------------------------------------------------


def test_load_members_maps_each_profile(app):
    mentee = make_member(
        app,
        stage="foundation_doctor",
        specialties=["cardiology", "academic_medicine"],
        goals=["exams", "research"],
        interests=["cycling", "running"],
        organisation="Leeds Teaching Hospitals",
        region="yorkshire_humber",
        about="Keen on echo.",
        looking_for="Help with MRCP.",
    )
    mentor = make_member(
        app, stage="consultant", mentor=True, capacity=3, places_taken=1, offers=["exams", "portfolio"]
    )
    with app.app_context():
        for _ in range(2):
            pending_request(make_member(app), mentor)
        pending_request(make_member(app), mentor, PEER)  # peer asks don't count as mentoring demand
        declined = pending_request(make_member(app), mentor)
        declined.status = "declined"
        db.session.commit()
        members = {member.id: member for member in load_members()}

    first = members[mentee]
    assert (first.stage, first.stage_rank, first.organisation, first.region) == (
        "foundation_doctor",
        1,
        "Leeds Teaching Hospitals",
        "yorkshire_humber",
    )
    assert first.specialties == {"cardiology", "academic_medicine"}
    assert first.goals == {"exams", "research"} and first.interests == {"cycling", "running"}
    assert "Keen on echo." in first.text and "Help with MRCP." in first.text
    assert (first.is_mentor, first.free_places, first.pending_requests, first.verified) == (False, 0, 0, True)
    second = members[mentor]
    assert (second.is_mentor, second.free_places, second.pending_requests) == (True, 2, 2)
    assert second.offers == {"exams", "portfolio"} and second.stage_rank == 4


def _application(user_id: int, statement: str, status: str) -> None:
    db.session.add(
        MentorApplication(
            applicant_id=user_id,
            career_stage="consultant",
            registration_body="GMC",
            registration_number="1234567",
            capacity=2,
            hours_a_month=2,
            statement=statement,
            status=status,
        )
    )


def test_a_mentors_application_statement_is_read_as_what_they_offer(app):
    """/mentor/apply's statement joins the text matching reads: a mentor who ticked no offers but
    wrote "happy to help with MRCP revision" there is matched on exams, and the reason says so."""
    me = make_member(app, stage="foundation_doctor", goals=["exams"])
    wrote = make_member(app, stage="consultant", mentor=True)
    silent = make_member(app, stage="consultant", mentor=True)
    with app.app_context():
        _application(wrote, "Happy to help with MRCP revision and getting published.", "approved")
        _application(silent, "Happy to help with MRCP revision.", "rejected")  # not what they mentor on
        _application(silent, "", "approved")
        db.session.commit()
        members = {member.id: member for member in load_members()}
        assert "Happy to help with MRCP revision" in members[wrote].text
        assert "MRCP" not in members[silent].text
        assert members[wrote].offers == set()  # nothing ticked: what they wrote is read
        assert load_members([wrote])[0].text == members[wrote].text  # one member reloaded, the same
        rebuild()
        (first, *rest) = suggestions_for(person(me), "mentor", 10)
    assert first.user.id == wrote and [s.user.id for s in rest] == [silent]
    assert "you want help with exams; they write that they can help" in first.reasons


def test_load_members_leaves_out_who_cannot_be_matched(app):
    ok = make_member(app)
    hidden = {
        "unverified": make_member(app, verified=False),
        "deleted": make_member(app, deleted=True),
        "not onboarded": make_member(app, onboarded=False),
    }
    pending_mentor = make_member(app, stage="consultant", mentor="pending", capacity=2)
    full_mentor = make_member(app, stage="consultant", mentor=True, capacity=1, places_taken=1)
    with app.app_context():
        members = {member.id: member for member in load_members()}
        assert set(members) == {ok, pending_mentor, full_mentor}
        assert (members[pending_mentor].is_mentor, members[pending_mentor].free_places) == (False, 0)
        assert (members[full_mentor].is_mentor, members[full_mentor].free_places) == (True, 0)
        # Asked for by id, the ones left out come back as unverified so an engine stops suggesting them.
        asked = {member.id: member for member in load_members([ok, *hidden.values()])}
        assert asked[ok].verified
        assert all(not asked[user_id].verified for user_id in hidden.values())


# --- who is never suggested -----------------------------------------------------------------------


@pytest.fixture
def crowd(app: Flask) -> dict[str, int]:
    """A student; mentors in every state; a few peers. Everyone shares cardiology, so all would fit."""
    shared = {"specialties": ["cardiology"], "goals": ["exams"], "region": "london"}
    return {
        "me": make_member(app, stage="medical_student", **shared),
        "ok": make_member(app, stage="consultant", mentor=True, offers=["exams"], **shared),
        "ok2": make_member(app, stage="gp", mentor=True, offers=["exams"], **shared),
        "connected": make_member(app, stage="consultant", mentor=True, offers=["exams"], **shared),
        "asked": make_member(app, stage="consultant", mentor=True, offers=["exams"], **shared),
        "asked_me": make_member(app, stage="consultant", mentor=True, offers=["exams"], **shared),
        "dismissed": make_member(app, stage="consultant", mentor=True, offers=["exams"], **shared),
        "unapproved": make_member(app, stage="consultant", mentor="pending", offers=["exams"], **shared),
        "full": make_member(app, stage="consultant", mentor=True, capacity=1, places_taken=1, **shared),
        "unverified": make_member(app, stage="consultant", mentor=True, verified=False, **shared),
        "junior": make_member(app, stage="medical_student", mentor=True, **shared),
        "peer": make_member(app, stage="medical_student", **shared),
        "peer_connected": make_member(app, stage="foundation_doctor", **shared),
        "too_far": make_member(app, stage="core_trainee", **shared),
    }


def test_suggestions_leave_out_everyone_they_should(app, crowd):
    me = crowd["me"]
    with app.app_context():
        db.session.add(Connection(kind=MENTORING, first_id=crowd["connected"], second_id=me))
        db.session.add(Connection(kind=PEER, first_id=me, second_id=crowd["peer_connected"]))
        pending_request(me, crowd["asked"])
        pending_request(crowd["asked_me"], me, PEER)
        dismiss(person(me), crowd["dismissed"])
        dismiss(person(me), crowd["dismissed"])  # twice is fine
        db.session.commit()

        assert excluded_for(me) == {
            crowd[name] for name in ("connected", "peer_connected", "asked", "asked_me", "dismissed")
        }
        assert sorted(mentors_for(me)) == sorted([crowd["ok"], crowd["ok2"]])
        assert sorted(peers_for(me)) == sorted(
            [crowd["peer"], crowd["junior"]]
        )  # a junior "mentor" is a peer
        scores = [s.score for s in suggestions_for(person(me), "mentor")]
        assert all(0.0 <= score <= 1.0 for score in scores) and scores == sorted(scores, reverse=True)

        undo_dismiss(person(me), crowd["dismissed"])
        db.session.commit()
        assert crowd["dismissed"] in mentors_for(me)
        assert crowd["dismissed"] not in excluded_for(me)


def test_a_decided_request_or_an_ended_connection_no_longer_excludes(app, crowd):
    me = crowd["me"]
    with app.app_context():
        ended = Connection(kind=MENTORING, first_id=crowd["connected"], second_id=me, ended_at=utcnow())
        db.session.add(ended)
        pending_request(me, crowd["asked"]).status = "declined"
        db.session.commit()
        assert excluded_for(me) == set()
        assert {crowd["connected"], crowd["asked"]} <= set(mentors_for(me))


def test_someone_not_in_matching_gets_no_suggestions(app, crowd):
    newcomer = make_member(app, onboarded=False)
    with app.app_context():
        assert suggestions_for(person(newcomer), "mentor") == []
        with pytest.raises(ValueError, match="kind"):
            suggestions_for(person(crowd["me"]), "mentee")


def test_an_empty_programme_suggests_nothing(app):
    lonely = make_member(app, onboarded=False)
    with app.app_context():
        assert suggestions_for(person(lonely), "peer") == []
        assert all_suggestions("mentor") == {}


def test_all_suggestions_respect_each_members_exclusions_and_k(app, crowd):
    me = crowd["me"]
    with app.app_context():
        pending_request(me, crowd["asked"])
        dismiss(person(me), crowd["dismissed"])
        db.session.commit()
        everyone = all_suggestions("mentor", k=10)
        mine = [s.id for s in everyone[me]]
        assert sorted(mine) == sorted(mentors_for(me))  # the page and the export agree
        assert crowd["asked"] not in mine and crowd["dismissed"] not in mine
        # The mentor they asked is excluded for them only: another student still gets them.
        assert crowd["asked"] in [s.id for s in everyone[crowd["peer"]]]
        assert all(len(found) <= 2 for found in all_suggestions("mentor", k=2).values())
        assert len(all_suggestions("mentor", k=2)[crowd["peer"]]) == 2


def test_all_suggestions_leave_out_members_who_left_since_the_fit(app, crowd):
    with app.app_context():
        all_suggestions("peer")  # the engine is fitted with everyone
        delete_account(person(crowd["peer"]))
        db.session.commit()
        found = all_suggestions("peer")
        assert crowd["peer"] not in found
        assert all(crowd["peer"] not in [s.id for s in suggestions] for suggestions in found.values())


# --- fresh across processes -----------------------------------------------------------------------


@pytest.fixture
def two_apps(make_app: Callable[..., Flask]) -> tuple[Flask, Flask]:
    """Two web processes on one database, each with its own engine."""
    return make_app(), make_app()


def _warm(*apps: Flask, user_id: int) -> None:
    for each in apps:
        with each.app_context():
            suggestions_for(person(user_id), "mentor")
            assert holder(each).engine is not None


def test_a_profile_change_in_one_process_shows_in_the_other(two_apps):
    a, b = two_apps
    me = make_member(a, specialties=["cardiology"], goals=["exams"])
    mentor = make_member(a, stage="consultant", mentor=True, specialties=["dermatology"], offers=["exams"])
    _warm(a, b, user_id=me)
    with b.app_context():
        [before] = suggestions_for(person(me), "mentor")
        assert not any("cardiology" in reason for reason in before.reasons)
        fitted = holder(b).engine

    with a.app_context():
        profile = db.session.get(Profile, mentor)
        profile.specialties = ["cardiology"]
        db.session.commit()

    with b.app_context():
        [after] = suggestions_for(person(me), "mentor")
        assert "both: cardiology" in after.reasons
        assert after.score > before.score
        assert holder(b).engine is fitted  # updated in place, not refitted


def test_approving_a_mentor_in_one_process_shows_in_the_other(two_apps):
    a, b = two_apps
    me = make_member(a, goals=["exams"])
    mentor = make_member(a, stage="consultant", mentor="pending", capacity=2, offers=["exams"])
    _warm(a, b, user_id=me)
    with b.app_context():
        assert mentors_for(me) == []
    with a.app_context():
        db.session.get(Profile, mentor).mentor_status = "approved"
        db.session.commit()
    with b.app_context():
        assert mentors_for(me) == [mentor]
    with a.app_context():  # and pausing takes them out again
        db.session.get(Profile, mentor).mentor_status = "paused"
        db.session.commit()
    with b.app_context():
        assert mentors_for(me) == []


def test_a_filled_place_and_a_new_request_in_one_process_show_in_the_other(two_apps):
    a, b = two_apps
    amira, ben, cara = (make_member(a, goals=["exams"]) for _ in range(3))
    lee = make_member(a, stage="consultant", mentor=True, capacity=1, offers=["exams"])
    kaur = make_member(a, stage="consultant", mentor=True, capacity=5, offers=["exams"])
    _warm(a, b, user_id=cara)
    with b.app_context():
        before = {s.user.id: s.score for s in suggestions_for(person(cara), "mentor")}
        assert set(before) == {lee, kaur}

    with a.app_context():  # Amira asks Kaur: Kaur has more demand now
        send_request(person(amira), person(kaur), MENTORING)
        db.session.commit()
    with b.app_context():
        after = {s.user.id: s.score for s in suggestions_for(person(cara), "mentor")}
        assert after[kaur] < before[kaur]  # the busy penalty saw the pending request
        assert kaur not in mentors_for(amira)  # and Amira is not shown someone she asked

    with a.app_context():  # Ben asks Lee, and Lee accepts: her only place is taken
        request = send_request(person(ben), person(lee), MENTORING)
        accept(request, person(lee))
        db.session.commit()
    with b.app_context():
        assert mentors_for(cara) == [kaur]


def test_a_new_member_in_one_process_is_suggested_in_the_other(two_apps):
    a, b = two_apps
    me = make_member(a)
    make_member(a, stage="consultant", mentor=True)
    _warm(a, b, user_id=me)
    newcomer = make_member(a, stage="medical_student")
    late = make_member(a, stage="foundation_doctor", onboarded=False)
    with b.app_context():
        assert peers_for(me) == [newcomer]
    with a.app_context():
        db.session.get(Profile, late).onboarded_at = utcnow()
        db.session.commit()
    with b.app_context():
        assert sorted(peers_for(me)) == sorted([newcomer, late])
        assert sorted(peers_for(late)) == sorted([me, newcomer])


def test_a_deleted_or_unverified_member_disappears_from_the_other_process(two_apps):
    a, b = two_apps
    me = make_member(a)
    gone, unconfirmed = make_member(a), make_member(a)
    _warm(a, b, user_id=me)
    with b.app_context():
        assert sorted(peers_for(me)) == sorted([gone, unconfirmed])
    with a.app_context():
        delete_account(person(gone))
        person(unconfirmed).email_verified_at = None
        db.session.commit()
    with b.app_context():
        assert peers_for(me) == []


def test_rebuild_bumps_the_generation_and_the_other_process_refits(two_apps):
    a, b = two_apps
    me = make_member(a)
    make_member(a)
    _warm(a, b, user_id=me)
    with b.app_context():
        fitted, generation = holder(b).engine, holder(b).generation

    with a.app_context():
        assert rebuild() == 2
        first = db.session.get(MatchingState, 1).generation
        assert first == (generation or 0) + 1
        assert holder(a).generation == first
        assert rebuild() == 2
        assert db.session.get(MatchingState, 1).generation == first + 1

    with b.app_context():
        peers_for(me)
        assert holder(b).engine is not fitted
        assert holder(b).generation == first + 1


def test_rebuild_forgets_changes_older_than_a_day(app):
    me = make_member(app)
    with app.app_context():
        db.session.execute(
            insert(MatchingChange), [{"user_id": me, "created_at": utcnow() - timedelta(days=2)}]
        )
        db.session.commit()
        count = select(func.count()).select_from(MatchingChange)
        before = db.session.scalar(count)
        rebuild()
        assert db.session.scalar(count) == before - 1


# --- the change cursor ----------------------------------------------------------------------------


def _change(change_id: int, user_id: int) -> None:
    db.session.execute(
        insert(MatchingChange), [{"id": change_id, "user_id": user_id, "created_at": utcnow()}]
    )
    db.session.commit()


BASE = 100_000  # explicit ids well above the sequence, so the factory's own changes can't collide


def test_the_cursor_reads_a_change_that_commits_after_a_higher_one(app):
    one, two, three = make_member(app), make_member(app), make_member(app)
    with app.app_context():
        cursor = ChangeCursor(last=BASE)
        assert cursor.advance() == set()
        _change(BASE + 1, one)
        _change(BASE + 3, three)  # BASE + 2 is still committing
        assert cursor.advance() == {one, three}
        assert set(cursor.gaps) == {BASE + 2}
        assert cursor.advance() == set()  # nothing new; the gap is still awaited
        _change(BASE + 2, two)
        assert cursor.advance() == {two}
        assert cursor.gaps == {} and cursor.last == BASE + 3
        assert cursor.advance() == set()


def test_the_cursor_forgets_a_gap_after_its_patience(app, monkeypatch):
    one, two = make_member(app), make_member(app)
    monkeypatch.setattr(freshness, "GAP_PATIENCE_SECONDS", 0.2)
    with app.app_context():
        cursor = ChangeCursor(last=BASE)
        _change(BASE + 2, one)
        assert cursor.advance() == {one} and set(cursor.gaps) == {BASE + 1}
        assert cursor.advance() == set() and set(cursor.gaps) == {BASE + 1}  # still patient
        time.sleep(0.3)
        assert cursor.advance() == set() and cursor.gaps == {}  # rolled back, or the sequence skipped it
        _change(BASE + 1, two)  # (had it committed after all, a refit would pick it up)
        assert cursor.advance() == set()


def test_a_cursor_starting_from_an_empty_log_does_not_await_every_lower_id(app):
    """After `matches rebuild` forgot every change, a process fits with an empty log (last = 0)."""
    one = make_member(app)
    with app.app_context():
        cursor = ChangeCursor(last=0)
        _change(5_000_000, one)  # PostgreSQL's sequence carries on where it was
        started = time.perf_counter()
        assert cursor.advance() == {one}
        assert len(cursor.gaps) <= 1000
        assert cursor.advance() == set()
        assert time.perf_counter() - started < 2


def test_a_fitted_engine_applies_changes_that_arrive_out_of_order(app):
    """The engine's own cursor, end to end: a change with a lower id committing late is still applied."""
    me = make_member(app, goals=["exams"])
    mentor = make_member(app, stage="consultant", mentor="pending", offers=["exams"])
    with app.app_context():
        assert mentors_for(me) == []
        last = holder(app).cursor.last
        db.session.execute(
            Profile.__table__.update().where(Profile.user_id == mentor).values(mentor_status="approved")
        )  # a Core update: it notes nothing by itself
        db.session.commit()
        _change(last + 5, me)
        assert mentors_for(me) == []  # the mentor's change hasn't committed yet
        _change(last + 2, mentor)
        assert mentors_for(me) == [mentor]


# --- real uncommitted transactions on PostgreSQL --------------------------------------------------


def test_a_change_committing_late_with_a_lower_id_is_not_lost(pg_app):
    """Two real transactions take ids from the sequence; the lower one commits last."""
    me = make_member(pg_app, goals=["exams"])
    slow_mentor = make_member(pg_app, stage="consultant", mentor="pending", offers=["exams"])
    quick_mentor = make_member(pg_app, stage="gp", mentor="pending", offers=["exams"])
    with pg_app.app_context():
        assert mentors_for(me) == []
        with pg_app.app_context():  # the slow transaction: takes its change id first, commits last
            db.session.get(Profile, slow_mentor).mentor_status = "approved"
            db.session.flush()
            with pg_app.app_context():  # the quick one: a higher id, committed now
                db.session.get(Profile, quick_mentor).mentor_status = "approved"
                db.session.commit()
            slow_id = db.session.scalar(
                select(func.max(MatchingChange.id)).where(MatchingChange.user_id == slow_mentor)
            )
            with pg_app.app_context():  # what a reader sees meanwhile
                assert mentors_for(me) == [quick_mentor]
                assert slow_id in holder(pg_app).cursor.gaps
            db.session.commit()
        assert sorted(mentors_for(me)) == sorted([slow_mentor, quick_mentor])


def test_a_change_committing_late_below_where_a_fit_started_is_not_lost(pg_app):
    """The process fits while a lower change id is still uncommitted: it waits for that id too."""
    me = make_member(pg_app, goals=["exams"])
    slow_mentor = make_member(pg_app, stage="consultant", mentor="pending", offers=["exams"])
    quick_mentor = make_member(pg_app, stage="gp", mentor="pending", offers=["exams"])
    with pg_app.app_context():
        with pg_app.app_context():  # the slow transaction: takes its change id first, commits last
            db.session.get(Profile, slow_mentor).mentor_status = "approved"
            db.session.flush()
            with pg_app.app_context():  # the quick one: a higher id, committed now
                db.session.get(Profile, quick_mentor).mentor_status = "approved"
                db.session.commit()
            with pg_app.app_context():  # a process's first request: it fits now
                assert "mentormatch.matching" not in pg_app.extensions  # never fitted yet
                assert mentors_for(me) == [quick_mentor]
            db.session.commit()
        assert sorted(mentors_for(me)) == sorted([slow_mentor, quick_mentor])


def test_a_mentors_declared_exclusions_hold_in_suggestions_and_requests(app):
    """A mentor's own trainee is never suggested to them, nor they to the trainee, nor can ask them."""
    from mentormatch.mentoring.asking import RequestProblem, send_request
    from mentormatch.mentors.models import MentorExclusion

    trainee = make_member(app, "Tia", email="tia@example.org", specialties=["cardiology"], goals=["exams"])
    mentor = make_member(
        app,
        "Dr Mo",
        email="mo@example.org",
        stage="consultant",
        mentor=True,
        capacity=3,
        specialties=["cardiology"],
        offers=["exams"],
    )
    with app.app_context():
        tia = db.session.get(User, trainee)
        assert mentor in {p.user.id for p in suggestions_for(tia, "mentor")}
        db.session.add(MentorExclusion(mentor_id=mentor, excluded_email="Tia@Example.org", why="my FY2"))
        db.session.commit()
        assert mentor not in {p.user.id for p in suggestions_for(tia, "mentor")}
        assert mentor in excluded_for(trainee) and trainee in excluded_for(mentor)
        with pytest.raises(RequestProblem, match="can't take a mentoring request from you"):
            send_request(tia, db.session.get(User, mentor), "mentoring", "Please?")
        db.session.rollback()
        assert all(s.id != mentor for s in all_suggestions("mentor").get(trainee, []))
