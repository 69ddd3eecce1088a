"""Applying to mentor at /mentor/apply, and pausing and resuming at /mentor."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from mentormatch.accounts.models import User
from mentormatch.accounts.passwords import hash_password
from mentormatch.accounts.privacy import export_personal_data
from mentormatch.accounts.service import delete_account
from mentormatch.core.changes import MatchingChange
from mentormatch.core.extensions import db
from mentormatch.mentors.models import MentorApplication, MentorExclusion
from mentormatch.mentors.service import excluded_pairs
from mentormatch.profiles.models import Profile
from tests.factories import make_member
from tests.helpers import PASSWORD, csrf_from, log_in, outbox, submit, token_for

GOOD = {
    "registration_number": "1234567",
    "specialties": ["cardiology", "medical_education"],
    "offers": ["exams", "career_planning"],
    "capacity": "3",
    "hours_a_month": "4",
    "statement": "I've supervised FY1s for five years and enjoy helping with MRCP.",
    "exclusions": "",
}


def member(app, client, stage: str = "consultant", email: str = "dr.osei@nhs.net", **kwargs) -> int:
    """A finished member who can log in, logged in on `client`."""
    user_id = make_member(app, "Dr Kofi Osei", email=email, stage=stage, **kwargs)
    with app.app_context():
        db.session.get(User, user_id).password_hash = hash_password(PASSWORD)
        db.session.commit()
    assert log_in(client, email).status_code == 303
    return user_id


def profile_of(app, user_id: int) -> Profile:
    with app.app_context():
        profile = db.session.get(Profile, user_id)
        _ = (list(profile.offers), list(profile.specialties))
        db.session.expunge_all()
        return profile


def applications(app, user_id: int) -> list[MentorApplication]:
    with app.app_context():
        rows = list(
            db.session.scalars(
                select(MentorApplication)
                .where(MentorApplication.applicant_id == user_id)
                .order_by(MentorApplication.id)
            )
        )
        db.session.expunge_all()
        return rows


def test_applying_makes_a_pending_application_and_emails_the_applicant(app, client):
    user_id = member(app, client)
    page = client.get("/mentor/apply").get_data(as_text=True)
    assert "Your GMC number" in page and "7 digits" in page
    response = submit(client, "/mentor/apply", {**GOOD, "registration_number": " 123 4567 "})
    assert response.status_code == 303 and response.headers["Location"] == "/mentor"

    [application] = applications(app, user_id)
    assert application.status == "pending" and application.source == "form"
    assert (application.registration_body, application.registration_number) == ("GMC", "1234567")
    assert application.specialties == ["cardiology", "medical_education"]
    assert application.offers == ["exams", "career_planning"]
    assert (application.capacity, application.hours_a_month) == (3, 4)
    profile = profile_of(app, user_id)
    assert (profile.mentor_status, profile.offers_mentoring) == ("pending", True)
    assert not profile.is_approved_mentor  # matching doesn't offer them until approved

    [email] = outbox(app, "dr.osei@nhs.net")
    assert email.kind == "mentor_application_received"
    assert "GMC registration (1234567)" in email.text_body and "http://localhost/mentor" in email.text_body
    status = client.get("/mentor").get_data(as_text=True)
    assert "waiting for a programme admin" in status


def ticked_offers(page: str) -> set[str]:
    return set(re.findall(r'<input checked[^>]* name="offers" type="checkbox" value="(\w+)"', page))


def test_the_form_ticks_the_offers_read_from_the_profile_for_them_to_confirm(app, client):
    member(app, client, about="ICU consultant. Happy to help with portfolio and MRCP revision.")

    page = client.get("/mentor/apply").get_data(as_text=True)

    assert "ticked what your profile says you can help with: check them." in page
    assert ticked_offers(page) == {"portfolio", "exams"}


def test_offers_already_chosen_are_not_replaced_by_what_was_read(app, client):
    member(app, client, about="Happy to help with research.", offers=["teaching"])

    page = client.get("/mentor/apply").get_data(as_text=True)

    assert "ticked what your profile says" not in page
    assert ticked_offers(page) == {"teaching"}


def test_applying_twice_is_refused_while_the_first_waits(app, client):
    user_id = member(app, client)
    submit(client, "/mentor/apply", GOOD)
    response = client.get("/mentor/apply")
    assert response.status_code == 303
    assert "already applied" in client.get("/mentor").get_data(as_text=True)
    token = csrf_from(client.get("/mentor").get_data(as_text=True))
    response = client.post("/mentor/apply", data={**GOOD, "csrf_token": token})
    assert response.status_code == 303
    assert len(applications(app, user_id)) == 1
    assert len(outbox(app)) == 1


@pytest.mark.parametrize(
    ("stage", "number", "message"),
    [
        ("consultant", "", "Enter a GMC number (7 digits, like 1234567)."),
        ("consultant", "123456", "&#34;123456&#34; is not a GMC number (7 digits, like 1234567)."),
        ("gp", "12345678", "is not a GMC number"),
        ("nurse_midwife", "1234567", "is not an NMC PIN (2 digits, a letter, 4 digits and a letter"),
        ("nurse_midwife", "12A3456", "is not an NMC PIN"),
        ("allied_health", "12345", "is not an HCPC number (2 letters and digits, like PA12345)."),
        ("allied_health", "PA12", "is not an HCPC number"),
    ],
)
def test_a_registration_number_of_the_wrong_shape_is_refused_and_nothing_is_written(
    app, client, stage, number, message
):
    user_id = member(app, client, stage=stage)
    response = submit(client, "/mentor/apply", {**GOOD, "registration_number": number})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page and 'aria-invalid="true"' in page
    assert applications(app, user_id) == []
    assert profile_of(app, user_id).mentor_status is None
    assert outbox(app) == []


@pytest.mark.parametrize(("stage", "number"), [("nurse_midwife", "12a3456b"), ("allied_health", "pa12345")])
def test_nurses_and_allied_health_professionals_give_their_own_bodys_number(app, client, stage, number):
    user_id = member(app, client, stage=stage)
    assert submit(client, "/mentor/apply", {**GOOD, "registration_number": number}).status_code == 303
    [application] = applications(app, user_id)
    assert application.registration_body == {"nurse_midwife": "NMC", "allied_health": "HCPC"}[stage]
    assert application.registration_number == number.upper()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"capacity": "0"}, "Enter a number of mentees from 1 to 10."),
        ({"capacity": "11"}, "Enter a number of mentees from 1 to 10."),
        ({"capacity": "three"}, "Enter a number of mentees from 1 to 10."),
        ({"capacity": ""}, "Enter a number of mentees from 1 to 10."),
        ({"hours_a_month": "0"}, "Enter a number of hours from 1 to 40."),
        ({"hours_a_month": "41"}, "Enter a number of hours from 1 to 40."),
        ({"specialties": []}, "Choose at least one specialty you can mentor in."),
        ({"offers": []}, "Choose at least one thing you can help with."),
        ({"offers": ["exams", "not_a_goal"]}, "&#39;not_a_goal&#39; is not a valid choice"),
        ({"statement": "  "}, "Write a few sentences about why you&#39;d like to mentor"),
        ({"statement": "x" * 1001}, "Use at most 1000 characters."),
        (
            {"exclusions": "not an address"},
            "Line 1: “not an address” doesn&#39;t start with an email address.",
        ),
    ],
)
def test_bad_answers_get_a_clear_message_and_nothing_changes(app, client, change, message):
    user_id = member(app, client)
    response = submit(client, "/mentor/apply", {**GOOD, **change})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert applications(app, user_id) == []
    assert profile_of(app, user_id).mentor_status is None
    assert outbox(app) == []


def test_medical_students_cant_apply(app, client):
    user_id = member(app, client, stage="medical_student")
    response = client.get("/mentor/apply")
    assert response.status_code == 303
    assert "Medical students can&#39;t mentor" in client.get("/mentor").get_data(as_text=True)
    token = csrf_from(client.get("/mentor").get_data(as_text=True))
    client.post("/mentor/apply", data={**GOOD, "csrf_token": token})
    assert applications(app, user_id) == []


def test_a_mentor_lists_the_people_they_must_not_be_matched_with(app, client):
    trainee = make_member(app, "Sam Jones", email="sam.jones@nhs.net", stage="foundation_doctor")
    user_id = member(app, client)
    exclusions = "Sam.Jones@NHS.net, my FY1 trainee\n\nlater.joiner@nhs.net\nsam.jones@nhs.net"
    assert submit(client, "/mentor/apply", {**GOOD, "exclusions": exclusions}).status_code == 303
    with app.app_context():
        rows = db.session.scalars(select(MentorExclusion).order_by(MentorExclusion.id)).all()
        assert [(row.excluded_email, row.why) for row in rows] == [
            ("sam.jones@nhs.net", "my FY1 trainee"),
            ("later.joiner@nhs.net", ""),
        ]
        assert excluded_pairs() == {(user_id, trainee)}
    later = make_member(app, "Later Joiner", email="later.joiner@nhs.net", stage="foundation_doctor")
    with app.app_context():
        assert excluded_pairs([user_id]) == {(user_id, trainee), (user_id, later)}
    assert "sam.jones@nhs.net: my FY1 trainee" in client.get("/mentor").get_data(as_text=True)


def test_the_form_needs_its_csrf_token(app, client):
    user_id = member(app, client)
    response = client.post("/mentor/apply", data=GOOD)
    assert response.status_code == 400
    assert applications(app, user_id) == []


def test_an_approved_mentor_pauses_and_resumes_and_matching_hears_of_both(app, client):
    user_id = member(app, client, mentor=True, capacity=2)
    with app.app_context():
        changes_before = db.session.scalar(select(func.count()).select_from(MatchingChange))
    page = client.get("/mentor").get_data(as_text=True)
    assert "Pause my mentoring" in page
    response = client.post("/mentor/pause", data={"csrf_token": csrf_from(page)})
    assert response.status_code == 303
    profile = profile_of(app, user_id)
    assert profile.mentor_status == "paused" and profile.free_places == 0
    page = client.get("/mentor").get_data(as_text=True)
    assert "Your mentoring is paused" in page
    # Pausing twice changes nothing and says why.
    client.post("/mentor/pause", data={"csrf_token": csrf_from(page)})
    assert "Only an approved mentor can pause." in client.get("/mentor").get_data(as_text=True)

    client.post("/mentor/resume", data={"csrf_token": csrf_from(page)})
    assert profile_of(app, user_id).mentor_status == "approved"
    with app.app_context():
        changes = db.session.scalars(
            select(MatchingChange.user_id).order_by(MatchingChange.id).offset(changes_before)
        ).all()
    assert changes == [user_id, user_id]
    assert outbox(app) == []  # their own action: no email


def test_only_a_paused_mentor_can_resume(app, client):
    user_id = member(app, client, mentor="pending")
    token = csrf_from(client.get("/mentor").get_data(as_text=True))
    client.post("/mentor/resume", data={"csrf_token": token})
    assert profile_of(app, user_id).mentor_status == "pending"
    assert "Your mentoring isn&#39;t paused." in client.get("/mentor").get_data(as_text=True)


MEMBER_PAGES = [
    ("GET", "/mentor", {"anonymous": "login", "unverified": 200, "member": 200, "admin": 200}),
    ("GET", "/mentor/apply", {"anonymous": "login", "unverified": 303, "member": 303, "admin": 303}),
    ("POST", "/mentor/apply", {"anonymous": "login", "unverified": 303, "member": 303, "admin": 303}),
    ("POST", "/mentor/pause", {"anonymous": "login", "unverified": 303, "member": 303, "admin": 303}),
    ("POST", "/mentor/resume", {"anonymous": "login", "unverified": 303, "member": 303, "admin": 303}),
]


@pytest.mark.parametrize("role", ["anonymous", "unverified", "member", "admin"])
@pytest.mark.parametrize(("method", "path", "expected"), MEMBER_PAGES)
def test_member_pages_need_a_login(client, login_as, role, method, path, expected):
    # login_as makes accounts without profiles: they are sent to /mentor, which says what to do first.
    login_as(role)
    data = {"csrf_token": token_for(client)} if method == "POST" else None
    response = client.open(path, method=method, data=data)
    if expected[role] == "login":
        assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login")
    else:
        assert response.status_code == expected[role]


def test_applications_are_in_the_data_download_and_go_with_a_deleted_account(app, client):
    user_id = member(app, client)
    submit(client, "/mentor/apply", {**GOOD, "exclusions": "sam.jones@nhs.net, my trainee"})
    with app.app_context():
        user = db.session.get(User, user_id)
        data = export_personal_data(user)
        [application] = data["mentor_applications"]
        assert (application["registration_number"], application["status"]) == ("1234567", "pending")
        assert data["mentor_exclusions"] == [{"email": "sam.jones@nhs.net", "why": "my trainee"}]
        delete_account(user)
        db.session.commit()
    assert applications(app, user_id) == []
    with app.app_context():
        assert db.session.scalars(select(MentorExclusion)).all() == []


def test_a_paused_mentor_who_changes_stage_goes_back_to_the_admins_and_cannot_resume(app, client):
    user_id = member(app, client, mentor=True, capacity=2)
    with app.app_context():
        db.session.get(Profile, user_id).registration_number = "1234567"
        db.session.commit()
    page = client.get("/mentor").get_data(as_text=True)
    assert client.post("/mentor/pause", data={"csrf_token": csrf_from(page)}).status_code == 303
    assert profile_of(app, user_id).mentor_status == "paused"

    about = {
        "name": "Dr Kofi Osei",
        "career_stage": "gp",  # still a doctor with a GMC number, at a stage no admin has checked
        "stage_detail": "",
        "organisation": "Leeds Teaching Hospitals",
        "department": "",
        "region": "yorkshire_humber",
        "about": "",
    }
    assert submit(client, "/profile/about", about).status_code in (303, 204)
    assert profile_of(app, user_id).mentor_status == "pending"

    page = client.get("/mentor").get_data(as_text=True)
    client.post("/mentor/resume", data={"csrf_token": csrf_from(page)})
    profile = profile_of(app, user_id)
    assert profile.mentor_status == "pending" and not profile.is_approved_mentor
    assert "Your mentoring isn&#39;t paused." in client.get("/mentor").get_data(as_text=True)

    # The admins see them waiting, at their new stage, and approving is what makes them a mentor again.
    admin_id = make_member(app, "Ada Admin", email="ada@programme.org", stage="consultant")
    with app.app_context():
        admin = db.session.get(User, admin_id)
        admin.is_admin, admin.password_hash = True, hash_password(PASSWORD)
        db.session.commit()
    admin_client = app.test_client()
    assert log_in(admin_client, "ada@programme.org").status_code == 303
    queue = admin_client.get("/admin/mentors").get_data(as_text=True)
    assert "Dr Kofi Osei" in queue
    [waiting] = [a for a in applications(app, user_id) if a.status == "pending"]
    assert waiting.career_stage == "gp"
    response = admin_client.post(
        f"/admin/mentors/applications/{waiting.id}/approve", data={"csrf_token": csrf_from(queue)}
    )
    assert response.status_code == 303
    assert profile_of(app, user_id).mentor_status == "approved"
