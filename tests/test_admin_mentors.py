"""The mentor approval pages at /admin/mentors: the queue, decisions, suspensions, bulk approval."""

from __future__ import annotations

import threading

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from mentormatch.accounts.models import User
from mentormatch.accounts.passwords import hash_password
from mentormatch.core.audit import AuditEntry
from mentormatch.core.changes import MatchingChange
from mentormatch.core.extensions import db
from mentormatch.mentors import applications, standing
from mentormatch.mentors.models import MentorApplication
from mentormatch.mentors.service import MentorProblem
from mentormatch.profiles.models import Profile
from mentormatch.profiles.service import stage_changed
from tests.factories import make_member
from tests.helpers import PASSWORD, ROLES, csrf_from, log_in, outbox, submit, token_for
from tests.test_mentor_applications import GOOD
from tests.test_mentoring_pages import assert_own_ids

HTMX = {"HX-Request": "true"}


def can_log_in(app: Flask, user_id: int) -> None:
    with app.app_context():
        db.session.get(User, user_id).password_hash = hash_password(PASSWORD)
        db.session.commit()


def admin_client(app: Flask, email: str = "ada.admin@programme.org", name: str = "Ada Admin") -> FlaskClient:
    make_member(app, name, email=email, stage="consultant", admin=True, profile=False)
    client = app.test_client()
    assert log_in(client, email).status_code == 303
    return client


def applicant(app: Flask, email: str = "dr.osei@nhs.net", **kwargs) -> tuple[int, FlaskClient]:
    """A consultant who has applied through the form, with their own logged-in client."""
    user_id = make_member(app, kwargs.pop("name", "Dr Kofi Osei"), email=email, stage="consultant", **kwargs)
    can_log_in(app, user_id)
    client = app.test_client()
    assert log_in(client, email).status_code == 303
    assert submit(client, "/mentor/apply", GOOD).status_code == 303
    return user_id, client


def pending_application(app: Flask, user_id: int) -> int:
    with app.app_context():
        return db.session.scalar(
            select(MentorApplication.id).where(
                MentorApplication.applicant_id == user_id, MentorApplication.status == "pending"
            )
        )


def status_of(app: Flask, user_id: int) -> str | None:
    with app.app_context():
        return db.session.get(Profile, user_id).mentor_status


def audit(app: Flask) -> list[tuple[str, str, dict, dict]]:
    with app.app_context():
        rows = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        return [(row.action, row.subject_id, row.before, row.after) for row in rows]


def token(client: FlaskClient, path: str = "/admin/mentors") -> str:
    return csrf_from(client.get(path).get_data(as_text=True))


# --- the flow --------------------------------------------------------------------------------------


def test_an_application_is_approved_inline_and_the_applicant_becomes_a_mentor(app):
    user_id, _ = applicant(app)
    admin = admin_client(app)
    queue = admin.get("/admin/mentors").get_data(as_text=True)
    assert "Dr Kofi Osei" in queue and "GMC 1234567" in queue and "3 mentees at a time" in queue
    assert "supervised FY1s" in queue  # the statement, beside the decision
    application_id = pending_application(app, user_id)
    with app.app_context():
        changes_before = db.session.scalar(select(func.count()).select_from(MatchingChange))

    response = admin.post(
        f"/admin/mentors/applications/{application_id}/approve",
        data={"csrf_token": token(admin)},
        headers=HTMX,
    )
    assert response.status_code == 200
    row = response.get_data(as_text=True)
    assert row.lstrip().startswith(f'<li class="card mentor-row" id="mentor-{user_id}">')
    assert "Approved Dr Kofi Osei as a mentor" in row and ">Suspend<" in row and "<html" not in row

    with app.app_context():
        profile = db.session.get(Profile, user_id)
        assert (profile.mentor_status, profile.mentor_capacity) == ("approved", 3)
        assert sorted(profile.offers) == ["career_planning", "exams"]
        assert sorted(profile.specialties) == ["cardiology", "medical_education"]
        assert (profile.registration_number, profile.availability_hours) == ("1234567", 4)
        application = db.session.get(MentorApplication, application_id)
        assert application.status == "approved" and application.decided_by.name == "Ada Admin"
        noted = db.session.scalars(select(MatchingChange.user_id).offset(changes_before)).all()
        assert user_id in noted
    [email] = outbox(app, "dr.osei@nhs.net")[1:]
    assert email.kind == "mentor_approved" and "up to 3 mentees" in email.text_body
    [(action, subject, before, after)] = audit(app)
    assert (action, subject) == ("mentor.approve", str(user_id))
    assert before == {"mentor_status": "pending", "capacity": None, "offers": []}
    assert after == {"mentor_status": "approved", "capacity": 3, "offers": ["career_planning", "exams"]}


def test_without_htmx_a_decision_returns_to_the_queue(app):
    user_id, _ = applicant(app)
    admin = admin_client(app)
    application_id = pending_application(app, user_id)
    response = admin.post(
        f"/admin/mentors/applications/{application_id}/approve", data={"csrf_token": token(admin)}
    )
    assert response.status_code == 303 and response.headers["Location"] == "/admin/mentors"
    assert "Approved Dr Kofi Osei" in admin.get("/admin/mentors").get_data(as_text=True)


def test_rejected_with_a_reason_then_reapplied_then_approved(app):
    user_id, member = applicant(app)
    admin = admin_client(app)
    first = pending_application(app, user_id)
    form = admin.get(f"/admin/mentors/applications/{first}/reject", headers=HTMX)
    assert form.status_code == 200 and 'name="reason"' in form.get_data(as_text=True)

    # No reason: a clear message, and nothing changes.
    response = admin.post(
        f"/admin/mentors/applications/{first}/reject", data={"csrf_token": token(admin)}, headers=HTMX
    )
    assert response.status_code == 422
    assert "Give a reason: the applicant is shown it." in response.get_data(as_text=True)
    assert status_of(app, user_id) == "pending" and audit(app) == []

    reason = "We couldn't find 1234567 on the GMC register: please check the number."
    response = admin.post(
        f"/admin/mentors/applications/{first}/reject",
        data={"csrf_token": token(admin), "reason": reason},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "Turned down Dr Kofi Osei&#39;s application" in response.get_data(as_text=True)
    assert status_of(app, user_id) == "rejected"
    email = outbox(app, "dr.osei@nhs.net")[-1]
    assert email.kind == "mentor_rejected"
    assert reason in email.text_body and "welcome to apply again" in email.text_body
    assert "http://localhost/mentor/apply" in email.text_body
    [(action, _, before, after)] = audit(app)
    assert action == "mentor.reject" and before["mentor_status"] == "pending"
    assert after["mentor_status"] == "rejected" and after["reason"] == reason

    # The applicant sees the reason, and applies again.
    status_page = member.get("/mentor").get_data(as_text=True)
    assert "couldn&#39;t find 1234567 on the GMC register" in status_page and "Apply again" in status_page
    assert "couldn&#39;t find 1234567" in member.get("/mentor/apply").get_data(as_text=True)
    assert submit(member, "/mentor/apply", {**GOOD, "registration_number": "7654321"}).status_code == 303
    second = pending_application(app, user_id)
    assert second != first and status_of(app, user_id) == "pending"

    admin.post(f"/admin/mentors/applications/{second}/approve", data={"csrf_token": token(admin)})
    with app.app_context():
        profile = db.session.get(Profile, user_id)
        assert (profile.mentor_status, profile.registration_number) == ("approved", "7654321")
    kinds = [message.kind for message in outbox(app, "dr.osei@nhs.net")]
    assert kinds == [
        "mentor_application_received",
        "mentor_rejected",
        "mentor_application_received",
        "mentor_approved",
    ]
    assert [entry[0] for entry in audit(app)] == ["mentor.reject", "mentor.approve"]


def test_a_second_decision_is_refused_and_says_who_decided_and_when(app):
    user_id, _ = applicant(app)
    first_admin = admin_client(app)
    second_admin = admin_client(app, "bea.admin@programme.org", "Bea Admin")
    application_id = pending_application(app, user_id)
    stale_token = token(second_admin)  # Bea has the queue open before Ada decides
    first_admin.post(
        f"/admin/mentors/applications/{application_id}/approve", data={"csrf_token": token(first_admin)}
    )
    for path, data in (
        (f"/admin/mentors/applications/{application_id}/approve", {}),
        (f"/admin/mentors/applications/{application_id}/reject", {"reason": "Not enough experience."}),
    ):
        response = second_admin.post(path, data={"csrf_token": stale_token, **data}, headers=HTMX)
        assert response.status_code == 409
        text = response.get_data(as_text=True)
        assert "Already approved by Ada Admin at " in text and "Nothing was changed." in text
        page = second_admin.post(path, data={"csrf_token": stale_token, **data})
        assert page.status_code == 409 and "Already approved by Ada Admin" in page.get_data(as_text=True)
    assert status_of(app, user_id) == "approved"
    assert [m.kind for m in outbox(app, "dr.osei@nhs.net")].count("mentor_approved") == 1
    assert [entry[0] for entry in audit(app)] == ["mentor.approve"]


def test_suspending_and_reinstating_a_mentor(app):
    user_id, member = applicant(app)
    admin = admin_client(app)
    admin.post(
        f"/admin/mentors/applications/{pending_application(app, user_id)}/approve",
        data={"csrf_token": token(admin)},
    )
    # The mentor pauses; a paused mentor can still be suspended.
    member.post("/mentor/pause", data={"csrf_token": token(member, "/mentor")})
    assert status_of(app, user_id) == "paused"

    response = admin.post(
        f"/admin/mentors/{user_id}/suspend", data={"csrf_token": token(admin)}, headers=HTMX
    )
    assert response.status_code == 422 and status_of(app, user_id) == "paused"
    reason = "A concern was raised that we need to look into."
    response = admin.post(
        f"/admin/mentors/{user_id}/suspend", data={"csrf_token": token(admin), "reason": reason}, headers=HTMX
    )
    assert response.status_code == 200 and "Reinstate" in response.get_data(as_text=True)
    assert status_of(app, user_id) == "suspended"
    email = outbox(app, "dr.osei@nhs.net")[-1]
    assert email.kind == "mentor_suspended" and reason in email.text_body
    page = member.get("/mentor").get_data(as_text=True)
    assert "Your mentoring is suspended" in page and reason in page
    member.post("/mentor/resume", data={"csrf_token": token(member, "/mentor")})
    assert status_of(app, user_id) == "suspended"  # only an admin lifts a suspension

    again = admin.post(
        f"/admin/mentors/{user_id}/suspend", data={"csrf_token": token(admin), "reason": reason}, headers=HTMX
    )
    assert again.status_code == 409 and "Already suspended by Ada Admin at " in again.get_data(as_text=True)

    response = admin.post(
        f"/admin/mentors/{user_id}/reinstate", data={"csrf_token": token(admin)}, headers=HTMX
    )
    assert response.status_code == 200 and status_of(app, user_id) == "approved"
    assert outbox(app, "dr.osei@nhs.net")[-1].kind == "mentor_reinstated"
    again = admin.post(f"/admin/mentors/{user_id}/reinstate", data={"csrf_token": token(admin)}, headers=HTMX)
    assert again.status_code == 409 and "Already reinstated by Ada Admin" in again.get_data(as_text=True)

    entries = audit(app)
    assert [entry[0] for entry in entries] == ["mentor.approve", "mentor.suspend", "mentor.reinstate"]
    assert entries[1][2]["mentor_status"] == "paused" and entries[1][3]["mentor_status"] == "suspended"
    assert entries[1][3]["reason"] == reason
    assert (entries[2][2]["mentor_status"], entries[2][3]["mentor_status"]) == ("suspended", "approved")


def test_bulk_approval_approves_the_selected_and_reports_the_already_decided(app):
    ids = [applicant(app, f"mentor{n}@nhs.net", name=f"Dr Mentor {n}")[0] for n in range(4)]
    admin = admin_client(app)
    applications = [pending_application(app, user_id) for user_id in ids]
    with app.app_context():  # another admin turned the third down a moment ago
        other = db.session.get(
            User, make_member(app, "Bea Admin", email="bea@programme.org", admin=True, profile=False)
        )
        standing.reject(db.session.get(MentorApplication, applications[2]), other, "Not registered.")
        db.session.commit()

    selected = applications[:3]
    response = admin.post(
        "/admin/mentors/approve",
        data={"csrf_token": token(admin), "application": [str(a) for a in selected], "status": "pending"},
        headers={**HTMX, "HX-Target": "mentor-queue"},
    )
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "Approved 2 mentors (Dr Mentor 0, Dr Mentor 1)" in text
    assert "Dr Mentor 2: Already turned down by Bea Admin at" in text
    assert [status_of(app, user_id) for user_id in ids] == ["approved", "approved", "rejected", "pending"]
    assert sum(m.kind == "mentor_approved" for m in outbox(app)) == 2
    assert [entry[0] for entry in audit(app)] == ["mentor.reject", "mentor.approve", "mentor.approve"]

    nothing = admin.post("/admin/mentors/approve", data={"csrf_token": token(admin)})
    assert nothing.status_code == 422
    assert "Select the applications to approve first." in nothing.get_data(as_text=True)


def test_imported_mentors_waiting_for_approval_are_in_the_queue(app, tmp_path):
    """The import makes each waiting mentor's application from their profile; the queue only reads."""
    path = tmp_path / "nurses.csv"
    path.write_text(
        "email,name,stage,organisation,region,specialties,goals,interests,bio,looking_for,"
        "offers_mentoring,capacity,registration_number\n"
        "nia@example.nhs.uk,Nurse Nia,nurse_midwife,,london,,,,,,yes,2,12A3456B\n",
        encoding="utf-8",
    )
    result = app.test_cli_runner().invoke(args=["users", "import", str(path)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        imported = db.session.scalar(select(User.id).where(User.email == "nia@example.nhs.uk"))
        [made] = db.session.scalars(select(MentorApplication)).all()
        assert (made.source, made.applicant_id, made.registration_number) == ("profile", imported, "12A3456B")
    admin = admin_client(app)
    queue = admin.get("/admin/mentors").get_data(as_text=True)
    assert "Nurse Nia" in queue and "NMC 12A3456B" in queue and "no application form" in queue
    admin.get("/admin/mentors")  # loading the queue again makes no second application
    with app.app_context():
        [application] = db.session.scalars(select(MentorApplication)).all()
        assert (application.source, application.applicant_id) == ("profile", imported)
    response = admin.post(
        f"/admin/mentors/applications/{application.id}/approve",
        data={"csrf_token": token(admin)},
        headers=HTMX,
    )
    assert response.status_code == 200 and status_of(app, imported) == "approved"


def test_the_queue_filters_by_status_stage_region_and_specialty(app):
    make_member(app, "Dr Pending London", stage="consultant", region="london", mentor="pending")
    make_member(
        app,
        "Dr Pending Leeds",
        stage="gp",
        region="yorkshire_humber",
        specialties=["cardiology"],
        mentor="pending",
    )
    make_member(app, "Dr Approved", stage="consultant", region="london", mentor=True)
    make_member(app, "Dr Paused", stage="consultant", mentor="paused")
    make_member(app, "Not A Mentor", stage="consultant")
    admin = admin_client(app)

    def names(query: str) -> set[str]:
        page = admin.get(f"/admin/mentors?{query}", headers={**HTMX, "HX-Target": "mentor-queue"})
        assert page.status_code == 200 and "<html" not in page.get_data(as_text=True)
        text = page.get_data(as_text=True)
        everyone = ("Dr Pending London", "Dr Pending Leeds", "Dr Approved", "Dr Paused", "Not A Mentor")
        return {name for name in everyone if name in text}

    assert names("") == {"Dr Pending London", "Dr Pending Leeds"}
    assert names("status=all") == {"Dr Pending London", "Dr Pending Leeds", "Dr Approved", "Dr Paused"}
    assert names("status=approved") == {"Dr Approved"}
    assert names("status=paused") == {"Dr Paused"}
    assert names("stage=gp") == {"Dr Pending Leeds"}
    assert names("status=all&region=london") == {"Dr Pending London", "Dr Approved"}
    assert names("specialty=cardiology") == {"Dr Pending Leeds"}
    assert names("status=nonsense&stage=nonsense") == {"Dr Pending London", "Dr Pending Leeds"}


# --- two admins at once ----------------------------------------------------------------------------


def test_two_admins_approving_at_once_end_with_one_decision(pg_app):
    """On PostgreSQL, where the two decisions really run in parallel (SQLite takes one writer at a time)."""
    app = pg_app
    user_id, _ = applicant(app)
    application_id = pending_application(app, user_id)
    admins = [
        make_member(
            app, f"Admin {n}", email=f"admin{n}@programme.org", stage="consultant", admin=True, profile=False
        )
        for n in range(2)
    ]
    barrier = threading.Barrier(2, timeout=30)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def decide(admin_id: int) -> None:
        try:
            with app.app_context():
                admin = db.session.get(User, admin_id)
                application = db.session.get(MentorApplication, application_id)
                barrier.wait()
                try:
                    standing.approve(application, admin)
                    db.session.commit()
                    outcomes.append("approved")
                except MentorProblem as problem:
                    db.session.rollback()
                    outcomes.append(str(problem))
        except BaseException as error:  # reported below rather than lost in the thread
            errors.append(error)

    threads = [threading.Thread(target=decide, args=(admin_id,)) for admin_id in admins]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    assert sorted(outcome == "approved" for outcome in outcomes) == [False, True]  # one each
    [told] = [outcome for outcome in outcomes if outcome != "approved"]
    assert told.startswith("Already approved by Admin ") and told.endswith("Nothing was changed.")
    assert status_of(app, user_id) == "approved"
    assert [m.kind for m in outbox(app, "dr.osei@nhs.net")].count("mentor_approved") == 1
    assert [entry[0] for entry in audit(app)] == ["mentor.approve"]


# --- who may ---------------------------------------------------------------------------------------

# Every admin endpoint this area adds. "login": sent to log in; a pair is (page, htmx) for the admin.
ENDPOINTS = [
    ("GET", "/admin/mentors", 200),
    ("GET", "/admin/mentors?status=all&stage=gp", 200),
    ("POST", "/admin/mentors/approve", 422),
    ("POST", "/admin/mentors/applications/{application}/approve", (303, 200)),
    ("GET", "/admin/mentors/applications/{application}/reject", 200),
    ("POST", "/admin/mentors/applications/{application}/reject", 422),
    ("GET", "/admin/mentors/{approved}/suspend", 200),
    ("POST", "/admin/mentors/{approved}/suspend", 422),
    ("POST", "/admin/mentors/{suspended}/reinstate", (303, 200)),
]


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "path", "admin_gets"), ENDPOINTS)
def test_only_admins_reach_the_mentor_pages(app, client, login_as, role, method, path, admin_gets, htmx):
    pending = make_member(app, stage="consultant", mentor="pending")
    approved = make_member(app, stage="consultant", mentor=True)
    suspended = make_member(app, stage="consultant", mentor="suspended")
    with app.app_context():
        applications.applications_for_waiting([pending])
        db.session.commit()
    ids = {"application": pending_application(app, pending), "approved": approved, "suspended": suspended}
    login_as(role)
    headers = HTMX if htmx else {}
    data = {"csrf_token": token_for(client)} if method == "POST" else None
    response = client.open(path.format(**ids), method=method, headers=headers, data=data)
    if role == "anonymous":
        assert response.status_code == (401 if htmx else 302)
        assert (response.headers.get("HX-Redirect") or response.headers["Location"]).startswith("/auth/login")
    elif role in ("unverified", "member"):
        assert response.status_code == 403
        if htmx:
            assert "<html" not in response.get_data(as_text=True)
    else:
        expected = admin_gets if isinstance(admin_gets, int) else admin_gets[htmx]
        assert response.status_code == expected
    if role != "admin":  # nothing changed
        assert [status_of(app, user_id) for user_id in (pending, approved, suspended)] == [
            "pending",
            "approved",
            "suspended",
        ]
        assert audit(app) == [] and outbox(app) == []


@pytest.mark.parametrize("role", ROLES)
def test_the_queue_fragment_is_for_admins_only(client, login_as, role):
    login_as(role)
    response = client.get("/admin/mentors", headers={**HTMX, "HX-Target": "mentor-queue"})
    assert response.status_code == {"anonymous": 401, "unverified": 403, "member": 403, "admin": 200}[role]
    assert "<html" not in response.get_data(as_text=True)


def test_decisions_need_the_csrf_token(app):
    user_id, _ = applicant(app)
    admin = admin_client(app)
    response = admin.post(f"/admin/mentors/applications/{pending_application(app, user_id)}/approve")
    assert response.status_code == 400 and status_of(app, user_id) == "pending"


def test_an_unknown_application_or_mentor_is_404(app):
    admin = admin_client(app)
    not_a_mentor = make_member(app, stage="consultant")
    assert (
        admin.post("/admin/mentors/applications/999/approve", data={"csrf_token": token(admin)}).status_code
        == 404
    )
    assert admin.get(f"/admin/mentors/{not_a_mentor}/suspend").status_code == 404


def test_an_application_left_waiting_by_a_stage_change_cant_be_approved_and_is_replaced(app):
    user_id, member = applicant(app)
    stale = pending_application(app, user_id)
    with app.app_context():  # they become a medical student: their mentoring ends
        user = db.session.get(User, user_id)
        stage_changed(user.profile, "medical_student")
        user.career_stage = "medical_student"
        db.session.commit()
    admin = admin_client(app)
    assert "Dr Kofi Osei" not in admin.get("/admin/mentors").get_data(as_text=True)
    response = admin.post(
        f"/admin/mentors/applications/{stale}/approve", data={"csrf_token": token(admin)}, headers=HTMX
    )
    assert response.status_code == 409 and "no longer waiting for approval" in response.get_data(as_text=True)
    assert status_of(app, user_id) is None and audit(app) == []

    with app.app_context():  # a slip: they are a consultant after all, and apply again
        user = db.session.get(User, user_id)
        user.career_stage = "consultant"
        db.session.commit()
    assert submit(member, "/mentor/apply", GOOD).status_code == 303
    with app.app_context():
        assert db.session.get(MentorApplication, stale).status == "withdrawn"
    assert pending_application(app, user_id) != stale
    assert status_of(app, user_id) == "pending"


@pytest.mark.parametrize("odd", ["²", "٣", "-1", "1e3", "2147483648", "9" * 5000, ""])
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_bulk_approval_with_an_odd_id_says_so_and_approves_nothing(app, odd, htmx):
    user_id, _ = applicant(app)
    good = pending_application(app, user_id)
    admin = admin_client(app)
    headers = {**HTMX, "HX-Target": "mentor-queue"} if htmx else {}
    response = admin.post(
        "/admin/mentors/approve",
        data={"csrf_token": token(admin), "application": [str(good), odd]},
        headers=headers,
    )
    assert response.status_code == 400
    assert "The selection wasn&#39;t understood, so nothing was approved." in response.get_data(as_text=True)
    assert status_of(app, user_id) == "pending" and audit(app) == []
    assert [m.kind for m in outbox(app)] == ["mentor_application_received"]


def test_two_open_reason_forms_in_the_queue_have_their_own_ids(app):
    """htmx opens each row's reject or suspend form in place, so the queue can hold several at once."""
    first, _ = applicant(app, "first@nhs.net", name="Dr First")
    second, _ = applicant(app, "second@nhs.net", name="Dr Second")
    mentors = [make_member(app, f"Dr Mentor {n}", stage="consultant", mentor=True) for n in range(2)]
    admin = admin_client(app)
    for application in (pending_application(app, first), pending_application(app, second)):
        url = f"/admin/mentors/applications/{application}/reject"
        assert_own_ids(admin.get(url, headers=HTMX).get_data(as_text=True), f"reject-{application}")
        invalid = admin.post(url, data={"csrf_token": token(admin), "reason": ""}, headers=HTMX)
        assert invalid.status_code == 422
        assert_own_ids(invalid.get_data(as_text=True), f"reject-{application}", errors=True)
    for user_id in mentors:
        url = f"/admin/mentors/{user_id}/suspend"
        assert_own_ids(admin.get(url, headers=HTMX).get_data(as_text=True), f"suspend-{user_id}")
        invalid = admin.post(url, data={"csrf_token": token(admin), "reason": ""}, headers=HTMX)
        assert invalid.status_code == 422
        assert_own_ids(invalid.get_data(as_text=True), f"suspend-{user_id}", errors=True)
    # The page without htmx, and posting by the unchanged field names.
    application = pending_application(app, first)
    assert_own_ids(
        admin.get(f"/admin/mentors/applications/{application}/reject").get_data(as_text=True),
        f"reject-{application}",
    )
    response = admin.post(
        f"/admin/mentors/applications/{application}/reject",
        data={"csrf_token": token(admin), "reason": "Not yet."},
        headers=HTMX,
    )
    assert response.status_code == 200 and status_of(app, first) == "rejected"
