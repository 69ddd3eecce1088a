"""Every state-changing form and button, submitted twice at once, ends with one effect.

The same person in two tabs (two clients, two sessions) posts the same form at the same moment,
each from its own thread, on PostgreSQL, where the two requests really run side by side. Neither
answer is a 500, and the database shows the change once: one request, one connection, one place
taken, one email, one audit entry. The service-level races are in test_request_races.py,
test_admin_mentors.py and test_rounds.py; these go through the whole request, forms and all.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from mentormatch.accounts.models import User
from mentormatch.core.audit import AuditEntry
from mentormatch.core.extensions import db
from mentormatch.matching.models import Dismissal
from mentormatch.mentoring.models import Connection, MentoringRequest
from mentormatch.mentors.models import MentorApplication
from mentormatch.profiles.models import Profile
from mentormatch.rounds.models import MatchingRound, RoundPair
from tests.factories import make_member
from tests.helpers import PASSWORD, csrf_from, log_in, outbox
from tests.request_helpers import EMAILS, ask, places
from tests.test_import import HEADER
from tests.test_mentor_applications import GOOD
from tests.test_profiles import ABOUT
from tests.test_rounds import _cohort, _round

# What a second, concurrent submit may answer: done too (idempotent), redirected, or refused.
SECOND_ANSWERS = {200, 302, 303, 404, 409, 422}


def two_tabs(app: Flask, email: str) -> list[FlaskClient]:
    clients = [app.test_client() for _ in range(2)]
    for client in clients:
        assert log_in(client, email).status_code == 303
    return clients


def twice_at_once(
    app: Flask, email: str, url: str, data: Callable[[], dict] | dict | None = None, page: str = "/", **kwargs
) -> list[int]:
    """`email` posts `url` from two tabs at the same moment; the two status codes, sorted."""
    clients = two_tabs(app, email)
    forms = []
    for client in clients:
        fields = data() if callable(data) else dict(data or {})
        forms.append({**fields, "csrf_token": csrf_from(client.get(page).get_data(as_text=True))})
    barrier = threading.Barrier(2, timeout=30)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def post(client: FlaskClient, form: dict) -> None:
        try:
            barrier.wait()
            statuses.append(client.post(url, data=form, **kwargs).status_code)
        except BaseException as error:  # a 500 raises here (TESTING propagates it): reported below
            errors.append(error)

    threads = [threading.Thread(target=post, args=pair) for pair in zip(clients, forms, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a request is stuck"
    assert errors == [], errors
    assert 500 not in statuses and set(statuses) <= SECOND_ANSWERS, statuses
    return sorted(statuses)


def count(app: Flask, *where, of=None) -> int:
    with app.app_context():
        query = select(func.count()).select_from(of) if of is not None else select(func.count())
        return db.session.scalar(query.where(*where))


def audits(app: Flask, action: str) -> int:
    return count(app, AuditEntry.action == action, of=AuditEntry)


def kinds_to(app: Flask, email: str) -> list[str]:
    return sorted(message.kind for message in outbox(app, email))


@pytest.fixture
def people(pg_app: Flask) -> dict[str, int]:
    """Amira (a student), Dr Lee (a mentor with two places) and an admin."""
    return {
        "amira": make_member(pg_app, "Amira", email=EMAILS["amira"]),
        "lee": make_member(
            pg_app, "Dr Lee", email=EMAILS["lee"], stage="consultant", mentor=True, capacity=2
        ),
        "admin": make_member(pg_app, "Ada Admin", email="ada@programme.org", admin=True, profile=False),
    }


def _asked(app: Flask, people: dict[str, int]) -> int:
    with app.app_context():
        return ask(people, "amira", "lee").id


# --- requests and connections ------------------------------------------------------------------------


def test_asking(pg_app, people):
    statuses = twice_at_once(pg_app, EMAILS["amira"], f"/requests/new/{people['lee']}", {"message": "Hello"})
    assert statuses[0] == 303, statuses
    assert count(pg_app, MentoringRequest.sender_id == people["amira"], of=MentoringRequest) == 1
    assert len(outbox(pg_app, EMAILS["lee"])) == 1


@pytest.mark.parametrize(
    ("action", "who", "fields"),
    [("accept", "lee", {}), ("decline", "lee", {"reason": "Full, sorry."}), ("withdraw", "amira", {})],
)
def test_answering(pg_app, people, action, who, fields):
    request_id = _asked(pg_app, people)
    before = {name: len(outbox(pg_app, EMAILS[name])) for name in ("amira", "lee")}
    statuses = twice_at_once(pg_app, EMAILS[who], f"/requests/{request_id}/{action}", fields)
    assert statuses.count(303) == 1, statuses
    other = "lee" if who == "amira" else "amira"
    assert len(outbox(pg_app, EMAILS[other])) == before[other] + 1  # told once
    assert count(pg_app, of=Connection) == (1 if action == "accept" else 0)
    with pg_app.app_context():
        assert places(people["lee"]) == (1 if action == "accept" else 0)
        assert (
            db.session.get(MentoringRequest, request_id).status
            == {
                "accept": "accepted",
                "decline": "declined",
                "withdraw": "withdrawn",
            }[action]
        )


def test_ending_a_connection(pg_app, people):
    request_id = _asked(pg_app, people)
    [lee] = two_tabs(pg_app, EMAILS["lee"])[:1]
    page = lee.get("/requests").get_data(as_text=True)
    assert lee.post(f"/requests/{request_id}/accept", data={"csrf_token": csrf_from(page)}).status_code == 303
    with pg_app.app_context():
        connection_id = db.session.scalar(select(Connection.id))
    before = len(outbox(pg_app, EMAILS["amira"]))
    statuses = twice_at_once(pg_app, EMAILS["lee"], f"/connections/{connection_id}/end", {"reason": ""})
    assert statuses.count(303) == 1, statuses
    assert len(outbox(pg_app, EMAILS["amira"])) == before + 1
    with pg_app.app_context():
        assert db.session.get(Connection, connection_id).ended_at is not None
        assert places(people["lee"]) == 0


# --- a mentor's standing -------------------------------------------------------------------------------


def _applied(app: Flask) -> tuple[int, int]:
    """Dr Osei, a consultant who has applied to mentor: (their id, the application's id)."""
    user_id = make_member(app, "Dr Kofi Osei", email="dr.osei@nhs.net", stage="consultant")
    [client] = two_tabs(app, "dr.osei@nhs.net")[:1]
    form = {**GOOD, "csrf_token": csrf_from(client.get("/mentor/apply").get_data(as_text=True))}
    assert client.post("/mentor/apply", data=form).status_code == 303
    with app.app_context():
        return user_id, db.session.scalar(select(MentorApplication.id))


def test_applying_to_mentor(pg_app):
    make_member(pg_app, "Dr Kofi Osei", email="dr.osei@nhs.net", stage="consultant")
    statuses = twice_at_once(pg_app, "dr.osei@nhs.net", "/mentor/apply", GOOD, page="/mentor/apply")
    assert statuses.count(303) >= 1, statuses
    assert count(pg_app, of=MentorApplication) == 1


@pytest.mark.parametrize(
    ("decision", "fields", "status", "action"),
    [
        ("approve", {}, "approved", "mentor.approve"),
        ("reject", {"reason": "Please add your GMC number."}, "rejected", "mentor.reject"),
    ],
)
def test_deciding_an_application(pg_app, people, decision, fields, status, action):
    user_id, application_id = _applied(pg_app)
    url = f"/admin/mentors/applications/{application_id}/{decision}"
    statuses = twice_at_once(pg_app, "ada@programme.org", url, fields)
    assert statuses.count(303) >= 1, statuses
    assert audits(pg_app, action) == 1
    assert kinds_to(pg_app, "dr.osei@nhs.net").count(f"mentor_{status}") == 1
    with pg_app.app_context():
        assert db.session.get(Profile, user_id).mentor_status == status


def test_suspending_a_mentor(pg_app, people):
    url = f"/admin/mentors/{people['lee']}/suspend"
    statuses = twice_at_once(pg_app, "ada@programme.org", url, {"reason": "Complaint under review."})
    assert statuses.count(303) >= 1, statuses
    assert audits(pg_app, "mentor.suspend") == 1
    with pg_app.app_context():
        assert db.session.get(Profile, people["lee"]).mentor_status == "suspended"


# --- the programme's tools -----------------------------------------------------------------------------


def test_running_a_round(pg_app):
    cohort = _cohort(pg_app)
    round_id = _round(pg_app, cohort)
    statuses = twice_at_once(pg_app, "boss@example.org", f"/admin/rounds/{round_id}/run")
    assert statuses.count(303) >= 1, statuses
    with pg_app.app_context():
        mentees = db.session.scalars(select(RoundPair.mentee_id).where(RoundPair.round_id == round_id)).all()
    assert sorted(mentees) == sorted(cohort[name] for name in ("ana", "bea", "cai"))  # one pair each


def test_publishing_a_round(pg_app):
    cohort = _cohort(pg_app)
    round_id = _round(pg_app, cohort)
    statuses = twice_at_once(pg_app, "boss@example.org", f"/admin/rounds/{round_id}/publish")
    assert statuses.count(303) == 1, statuses
    with pg_app.app_context():
        paired = db.session.scalar(
            select(func.count()).where(RoundPair.round_id == round_id, RoundPair.mentor_id.is_not(None))
        )
        assert db.session.get(MatchingRound, round_id).status == "published"
    assert count(pg_app, of=Connection) == paired
    assert audits(pg_app, "round.publish") == 1


def test_importing_a_file(pg_app, people):
    rows = [f"new{n}@example.org,New Person {n},medical_student,,,,,,,,no,," for n in range(3)]
    content = "\n".join([HEADER, *rows]).encode()

    def form() -> dict:
        return {"file": (io.BytesIO(content), "people.csv"), "run_import": "Import"}

    statuses = twice_at_once(
        pg_app,
        "ada@programme.org",
        "/admin/import",
        form,
        page="/admin/import",
        content_type="multipart/form-data",
    )
    assert statuses.count(303) >= 1, statuses
    for n in range(3):
        assert len(outbox(pg_app, f"new{n}@example.org")) == 1


# --- a member's own settings ---------------------------------------------------------------------------


def test_saving_preferences(pg_app, people):
    fields = {"prefs-digest_frequency": "daily"}
    statuses = twice_at_once(pg_app, EMAILS["amira"], "/settings/preferences", fields, page="/settings")
    assert statuses.count(303) == 2, statuses  # saving the same choice twice is the same choice
    with pg_app.app_context():
        assert db.session.get(Profile, people["amira"]).user.digest_frequency == "daily"


def test_saving_a_profile(pg_app, people):
    statuses = twice_at_once(pg_app, EMAILS["amira"], "/profile/about", ABOUT, page="/profile/about")
    assert statuses.count(303) >= 1, statuses
    with pg_app.app_context():
        profile = db.session.get(Profile, people["amira"])
        assert (profile.user.name, profile.organisation) == (ABOUT["name"], ABOUT["organisation"])


def test_dismissing_a_suggestion(pg_app, people):
    statuses = twice_at_once(pg_app, EMAILS["amira"], f"/matches/dismiss/{people['lee']}", {"tab": "mentors"})
    assert statuses == [303, 303], statuses
    assert count(pg_app, Dismissal.user_id == people["amira"], of=Dismissal) == 1


# --- the account ---------------------------------------------------------------------------------------


def test_changing_the_password(pg_app, people):
    fields = {"password-current_password": PASSWORD, "password-new_password": "a new long passphrase, 42"}
    statuses = twice_at_once(pg_app, EMAILS["amira"], "/settings/password", fields, page="/settings")
    # The second tab waits for the first: its "current password" is no longer current (422), or its
    # session ended with the change (a redirect to log in).
    assert statuses.count(303) == 1, statuses
    assert kinds_to(pg_app, EMAILS["amira"]).count("password_changed") == 1


def test_changing_the_email_address(pg_app, people):
    fields = {"email-new_email": "amira.new@example.org", "email-current_password": PASSWORD}
    statuses = twice_at_once(pg_app, EMAILS["amira"], "/settings/email", fields, page="/settings")
    assert statuses == [303, 303], statuses  # both say the link is on its way: it is, once
    assert kinds_to(pg_app, "amira.new@example.org") == ["confirm_new_email"]
    assert kinds_to(pg_app, EMAILS["amira"]).count("email_change_requested") == 1


def test_deleting_the_account(pg_app, people):
    fields = {"delete-password": PASSWORD, "delete-confirm": "y"}
    statuses = twice_at_once(pg_app, EMAILS["amira"], "/settings/delete", fields, page="/settings")
    assert 303 in statuses and 422 not in statuses, statuses  # never "that isn't your password"
    with pg_app.app_context():
        user = db.session.get(User, people["amira"])
        assert user.deleted_at is not None and user.email is None
    assert kinds_to(pg_app, EMAILS["amira"]) == []  # nothing left queued to the old address
