"""Onboarding, profile editing and validation, profile pages, and what deletion and export do."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from mentormatch.accounts.models import User
from mentormatch.core.extensions import db
from mentormatch.profiles.models import Profile, Tag
from mentormatch.profiles.service import normalise_tag, parse_tags
from tests.factories import make_member
from tests.helpers import PASSWORD, submit

HTMX = {"HX-Request": "true", "HX-Target": "profile-step"}

ABOUT = {
    "name": "Siobhán Ó Briain",
    "career_stage": "medical_student",
    "stage_detail": "Year 4",
    "organisation": "University of Leeds School of Medicine",
    "department": "",
    "region": "yorkshire_humber",
    "about": "Fourth-year student, keen on acute medicine and teaching.",
}
FOCUS = {"specialties": ["cardiology", "emergency_medicine"], "goals": ["exams", "research"]}
INTERESTS = {"interests": "Cycling , cycling, Line  Dancing, #choir"}
LOOKING = {
    "looking_for": "Someone a few years ahead in cardiology.",
    "availability_hours": "4",
    "meet_video": "y",
}


def profile_of(app, user_id: int) -> Profile | None:
    with app.app_context():
        profile = db.session.get(Profile, user_id)
        if profile is not None:
            _ = (list(profile.specialties), list(profile.goals), list(profile.interests), profile.user.name)
        db.session.expunge_all()
        return profile


def onboard(
    client, steps=(("about", ABOUT), ("focus", FOCUS), ("interests", INTERESTS), ("looking-for", LOOKING))
):
    responses = []
    for slug, data in steps:
        responses.append(submit(client, f"/profile/{slug}", data))
    return responses


@pytest.mark.parametrize(
    ("raw", "tag"),
    [
        ("Cycling ", "cycling"),
        ("  LINE   dancing", "line dancing"),
        ("#Choir", "choir"),
        ("Zoë's pottery", "zoë's pottery"),
    ],
)
def test_tags_are_normalised(raw, tag):
    assert normalise_tag(raw) == tag


def test_tag_lists_are_deduplicated_in_order():
    assert parse_tags("Cycling , cycling, Running;running\nbaking,,") == ["cycling", "running", "baking"]


def test_onboarding_walks_through_four_steps_to_a_complete_profile(app, client, login_as):
    user_id = login_as("member")

    responses = onboard(client)

    assert [r.headers["Location"] for r in responses] == [
        "/profile/focus",
        "/profile/interests",
        "/profile/looking-for",
        f"/people/{user_id}",
    ]
    profile = profile_of(app, user_id)
    assert profile.onboarded_at is not None
    assert profile.user.name == "Siobhán Ó Briain"
    assert (profile.stage_detail, profile.region) == ("Year 4", "yorkshire_humber")
    assert profile.department is None  # blank stays empty, not ""
    assert sorted(profile.specialties) == ["cardiology", "emergency_medicine"]
    assert sorted(profile.goals) == ["exams", "research"]
    assert [tag.name for tag in profile.interests] == ["choir", "cycling", "line dancing"]
    assert (profile.availability_hours, profile.meet_video, profile.meet_in_person) == (4, True, False)
    assert "Siobhan O Briain" in profile.search_primary  # found when typed without accents
    page = client.get(f"/people/{user_id}").get_data(as_text=True)
    assert "Your profile is ready" in page and "Siobhán Ó Briain" in page and "line dancing" in page


def test_each_step_by_htmx_returns_the_next_step_and_updates_the_address(app, client, login_as):
    login_as("member")
    response = submit(client, "/profile/about", ABOUT, headers=HTMX)

    assert response.status_code == 200
    assert response.headers["HX-Push-Url"] == "/profile/focus"
    page = response.get_data(as_text=True)
    assert "<html" not in page and 'id="profile-step"' in page
    assert 'aria-current="step"' in page and "Specialties and goals" in page and "(step 2 of 4)" in page


def test_once_onboarded_a_step_edits_and_returns_to_the_profile(app, client, login_as):
    user_id = login_as("member")
    onboard(client)

    response = submit(client, "/profile/interests", {"interests": "running"})

    assert response.headers["Location"] == f"/people/{user_id}"
    assert [t.name for t in profile_of(app, user_id).interests] == ["running"]
    with app.app_context():  # old tags stay for suggestions; the profile no longer has them
        assert {"cycling", "running"} <= set(db.session.scalars(select(Tag.name)))


@pytest.mark.parametrize(
    ("slug", "data", "message"),
    [
        ("about", {**ABOUT, "name": "   "}, "Enter your full name."),
        ("about", {**ABOUT, "name": "x" * 121}, "at most 120 characters"),
        ("about", {**ABOUT, "organisation": "x" * 121}, "at most 120 characters"),
        ("about", {**ABOUT, "about": "x" * 2001}, "at most 2000 characters"),
        ("about", {**ABOUT, "career_stage": "wizard"}, "Not a valid choice"),
        ("about", {**ABOUT, "stage_detail": "ST5"}, "ST5 doesn&#39;t go with that career stage"),
        ("about", {**ABOUT, "region": "atlantis"}, "Not a valid choice"),
        ("about", {**ABOUT, "department": "Ward\x007"}, "control characters"),
        ("focus", {"specialties": ["cardiology", "astrology"]}, "is not a valid choice"),
        (
            "focus",
            {
                "specialties": [
                    "cardiology",
                    "dermatology",
                    "neurology",
                    "urology",
                    "radiology",
                    "pathology",
                    "psychiatry",
                ]
            },
            "at most 6 specialties",
        ),
        ("interests", {"interests": ", ".join(f"hobby {n}" for n in range(16))}, "at most 15 interests"),
        ("interests", {"interests": "x" * 41}, "under 40 characters"),
        ("looking-for", {**LOOKING, "availability_hours": "99"}, "from 0 to 40"),
        ("looking-for", {**LOOKING, "looking_for": "x" * 1001}, "at most 1000 characters"),
    ],
)
def test_bad_input_gets_a_field_error_and_changes_nothing(app, client, login_as, slug, data, message):
    user_id = login_as("member")

    response = submit(client, f"/profile/{slug}", data)

    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert profile_of(app, user_id) is None  # not even an empty profile was saved
    with app.app_context():
        assert db.session.get(User, user_id).name == "Amira Khan"


def test_html_in_a_profile_is_shown_as_text(app, client, login_as):
    user_id = login_as("member")
    script = "<script>alert('x')</script>"
    onboard(
        client,
        (
            ("about", {**ABOUT, "name": f"Eve {script}", "about": f"Hi {script}"}),
            ("focus", FOCUS),
            ("interests", {"interests": script}),
            ("looking-for", LOOKING),
        ),
    )
    viewer = app.test_client()
    make_member(app, "Amira Khan", email="viewer@example.ac.uk", profile=False)
    submit(viewer, "/auth/login", {"email": "viewer@example.ac.uk", "password": PASSWORD})

    page = viewer.get(f"/people/{user_id}").get_data(as_text=True)

    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(" in page


def test_tag_suggestions_complete_the_interest_being_typed(app, client, login_as):
    login_as("member")
    onboard(
        client,
        (
            ("about", ABOUT),
            ("focus", FOCUS),
            ("interests", {"interests": "cycling, climbing, choir"}),
            ("looking-for", LOOKING),
        ),
    )

    response = client.get("/profile/tags", query_string={"interests": "baking, cl"})

    page = response.get_data(as_text=True)
    assert '<datalist id="interest-suggestions">' in page
    assert '<option value="baking, climbing">' in page
    assert "cycling" not in page


def test_suggestions_never_offer_a_deleted_members_words(app, client, login_as):
    login_as("member")
    onboard(client)  # choir, cycling, line dancing
    other = app.test_client()
    make_member(app, "Amira Khan", email="other@example.ac.uk", profile=False)
    submit(other, "/auth/login", {"email": "other@example.ac.uk", "password": PASSWORD})
    onboard(
        other,
        (
            ("about", ABOUT),
            ("focus", FOCUS),
            ("interests", {"interests": "cycling, cyber security"}),
            ("looking-for", LOOKING),
        ),
    )
    assert "cyber security" in client.get("/profile/tags?interests=cy").get_data(as_text=True)

    submit(other, "/settings/delete", {"delete-password": PASSWORD, "delete-confirm": "y"}, page="/settings")

    suggestions = client.get("/profile/tags?interests=cy").get_data(as_text=True)
    assert "cyber security" not in suggestions and '"cycling"' in suggestions
    with app.app_context():
        assert set(db.session.scalars(select(Tag.name))) == {"choir", "cycling", "line dancing"}


def test_unverified_accounts_get_no_suggestions(app, client, login_as):
    member = app.test_client()
    make_member(app, "Amira Khan", email="bola@example.ac.uk", profile=False)
    submit(member, "/auth/login", {"email": "bola@example.ac.uk", "password": PASSWORD})
    onboard(member)
    login_as("unverified")
    response = client.get("/profile/tags?interests=c")
    assert response.status_code == 200 and "<option" not in response.get_data(as_text=True)


def test_the_strength_meter_names_what_is_missing(app, client, login_as):
    login_as("member")
    onboard(client, (("about", ABOUT), ("interests", {"interests": "cycling"})))
    page = client.get("/profile/focus").get_data(as_text=True)
    assert "Add 2 more interests to improve your matches." in page
    assert "Choose at least one specialty you&#39;re interested in." in page
    assert 'value="25"' in page  # organisation 15 + region 10; the about text is under 20 words


def test_profiles_are_for_verified_members_and_contact_details_stay_hidden(app, client, login_as):
    member = app.test_client()
    member_id = make_member(app, "Bola Adeyemi", email="bola@example.ac.uk", profile=False)
    submit(member, "/auth/login", {"email": "bola@example.ac.uk", "password": PASSWORD})
    onboard(member)
    assert app.test_client().get(f"/people/{member_id}").status_code == 302  # anonymous: log in

    login_as("unverified")
    response = client.get(f"/people/{member_id}")
    assert response.status_code == 403
    assert "Confirm your email address first" in response.get_data(as_text=True)

    viewer = app.test_client()
    make_member(app, "Amira Khan", email="viewer@example.ac.uk", profile=False)
    submit(viewer, "/auth/login", {"email": "viewer@example.ac.uk", "password": PASSWORD})
    page = viewer.get(f"/people/{member_id}").get_data(as_text=True)
    assert "Siobhán Ó Briain" in page
    assert "bola@example.ac.uk" not in page
    assert "shared once you're connected" in page
    assert "Edit your profile" not in page
    assert viewer.get("/people/999999").status_code == 404


def test_people_without_a_profile_or_unverified_are_not_shown(app, client, login_as):
    login_as("member")
    no_profile = make_member(app, "Amira Khan", email="new@example.ac.uk", profile=False)
    hidden = make_member(app, "Amira Khan", email="hidden@example.ac.uk", verified=False, profile=False)
    with app.app_context():
        db.session.add(Profile(user_id=hidden, organisation="Somewhere"))
        db.session.commit()
    assert client.get(f"/people/{no_profile}").status_code == 404
    assert client.get(f"/people/{hidden}").status_code == 404


def test_own_profile_page_before_onboarding_leads_to_it(client, login_as):
    user_id = login_as("member")
    assert client.get(f"/people/{user_id}").headers["Location"] == "/profile/about"


def test_deleting_the_account_deletes_the_profile(app, client, login_as):
    user_id = login_as("member")
    onboard(client)
    submit(client, "/settings/delete", {"delete-password": PASSWORD, "delete-confirm": "y"}, page="/settings")
    assert profile_of(app, user_id) is None


def test_the_data_download_includes_the_profile(app, client, login_as):
    login_as("member")
    onboard(client)
    data = json.loads(client.get("/settings/export").get_data(as_text=True))
    assert data["profile"]["organisation"] == "University of Leeds School of Medicine"
    assert data["profile"]["interests"] == ["choir", "cycling", "line dancing"]
    assert sorted(data["profile"]["specialties"]) == ["cardiology", "emergency_medicine"]
    assert data["profile"]["ways_to_meet"] == ["video"]


def test_an_unknown_step_is_404(client, login_as):
    login_as("member")
    assert client.get("/profile/nonsense").status_code == 404


def test_line_breaks_are_kept_but_control_characters_refused_in_long_text(app, client, login_as):
    user_id = login_as("member")
    refused = submit(client, "/profile/about", {**ABOUT, "about": "Hello\x00there"})
    assert refused.status_code == 422 and "control characters" in refused.get_data(as_text=True)

    assert submit(client, "/profile/about", {**ABOUT, "about": "Line one\r\n\tLine two"}).status_code == 303
    assert profile_of(app, user_id).about == "Line one\r\n\tLine two"


def test_adding_an_interest_that_already_exists_reuses_the_tag(app, client, login_as):
    login_as("member")
    with app.app_context():
        from mentormatch.profiles.service import tags_named

        first = [tag.id for tag in tags_named(["cycling", "choir"])]
        db.session.commit()
        again = [tag.id for tag in tags_named(["choir", "cycling", "baking"])]
        db.session.commit()
        assert again[:2] == first[::-1]
        assert db.session.scalar(select(db.func.count()).select_from(Tag)) == 3


def test_single_line_fields_refuse_line_breaks(app, client, login_as):
    user_id = login_as("member")
    response = submit(client, "/profile/about", {**ABOUT, "name": "Eve\r\nBcc: x@evil.example"})
    assert response.status_code == 422 and "control characters" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, user_id).name == "Amira Khan"


@pytest.mark.parametrize(
    ("new_stage", "status", "offers"),
    [
        ("gp", "pending", True),  # still a doctor with a GMC number: back to the admins
        ("medical_student", None, False),  # students don't mentor
        ("nurse_midwife", None, False),  # a GMC number is no NMC PIN
    ],
)
def test_changing_stage_puts_a_mentors_approval_back(app, client, login_as, new_stage, status, offers):
    user_id = login_as("member")
    onboard(client, (("about", {**ABOUT, "career_stage": "consultant", "stage_detail": ""}),))
    with app.app_context():
        profile = db.session.get(Profile, user_id)
        profile.offers_mentoring, profile.mentor_status, profile.registration_number = (
            True,
            "approved",
            "1234567",
        )
        db.session.commit()

    submit(client, "/profile/about", {**ABOUT, "career_stage": new_stage, "stage_detail": ""})

    profile = profile_of(app, user_id)
    assert (profile.mentor_status, profile.offers_mentoring) == (status, offers)


def test_a_mentor_says_what_they_can_help_with_and_others_cannot_set_it(app, client):
    """Offers are for members who offer mentoring; anyone else's posted offers are ignored."""
    user_id = make_member(app, "Amira Khan", email="mentor@example.org", verified=True, profile=False)
    submit(client, "/auth/login", {"email": "mentor@example.org", "password": PASSWORD})
    onboard(client)
    # Not offering mentoring: the field isn't shown, and posting it stores nothing.
    assert "what you can help with" not in client.get("/profile/focus").get_data(as_text=True)
    submit(client, "/profile/focus", {**FOCUS, "offers": ["exams"]})
    with app.app_context():
        assert db.session.get(Profile, user_id).offers == []
        profile = db.session.get(Profile, user_id)
        profile.offers_mentoring, profile.mentor_status = True, "approved"
        db.session.commit()
    assert "what you can help with" in client.get("/profile/focus").get_data(as_text=True)
    response = submit(client, "/profile/focus", {**FOCUS, "offers": ["exams", "portfolio"]})
    assert response.status_code in (303, 204)
    with app.app_context():
        assert sorted(db.session.get(Profile, user_id).offers) == ["exams", "portfolio"]
    page = client.get(f"/people/{user_id}").get_data(as_text=True)
    assert "As a mentor, can help with" in page and "Portfolio" in page
    too_many = submit(
        client,
        "/profile/focus",
        {
            **FOCUS,
            "offers": ["exams", "portfolio", "research", "teaching", "leadership", "wellbeing", "audit_qi"],
        },
    )
    assert too_many.status_code == 422
    assert "at most 6 things you can help with" in too_many.get_data(as_text=True)
    with app.app_context():
        assert sorted(db.session.get(Profile, user_id).offers) == ["exams", "portfolio"]
