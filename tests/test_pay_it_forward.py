"""Pay it forward: with consent, a profile shows how many people its member introduced, mentored and
helped; a mentee who moves up a stage is invited, once, to mentor the stage they left."""

from __future__ import annotations

from datetime import timedelta

import pytest

from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.mentoring.contributions import contributions_of
from mentormatch.mentoring.introduction_models import Introduction
from mentormatch.mentoring.models import Connection, MentoringRequest
from mentormatch.mentoring.pair_models import QuickQuestion
from mentormatch.profiles.models import Profile
from mentormatch.reports.connectors import connectors
from tests.factories import make_member
from tests.helpers import outbox, submit
from tests.query_count import statements_sent
from tests.test_mentoring_pages import signed_in
from tests.test_profiles import ABOUT, LOOKING

TOM, PRIYA = "tom@example.nhs.uk", "priya@example.ac.uk"


def tom_has_helped(app) -> dict[str, int]:
    """Tom: two mentees (one ended), one introduction that connected, one that didn't, one peer
    request accepted, one question answered and one not."""
    ids = {"tom": make_member(app, "Tom Okafor", email=TOM, stage="consultant", mentor=True, capacity=3)}
    for name in ("priya", "sam", "alex", "jo"):
        ids[name] = make_member(app, name.title(), email=f"{name}@example.ac.uk")
    now = utcnow()
    with app.app_context():
        db.session.add_all(
            [
                Connection(kind="mentoring", first_id=ids["tom"], second_id=ids["priya"]),
                Connection(kind="mentoring", first_id=ids["tom"], second_id=ids["sam"], ended_at=now),
                Connection(kind="mentoring", first_id=ids["tom"], second_id=ids["sam"]),  # again: one person
                Introduction(
                    introducer_id=ids["tom"],
                    first_id=ids["priya"],
                    second_id=ids["sam"],
                    note="Meet",
                    status="connected",
                    expires_at=now,
                ),
                Introduction(
                    introducer_id=ids["tom"],
                    first_id=ids["alex"],
                    second_id=ids["jo"],
                    note="Meet",
                    status="declined",
                    expires_at=now,
                ),
                MentoringRequest(
                    kind="peer",
                    sender_id=ids["alex"],
                    recipient_id=ids["tom"],
                    status="accepted",
                    expires_at=now + timedelta(days=14),
                ),
                MentoringRequest(
                    kind="peer",
                    sender_id=ids["jo"],
                    recipient_id=ids["tom"],
                    status="declined",
                    expires_at=now + timedelta(days=14),
                ),
                QuickQuestion(
                    asker_id=ids["jo"], mentor_id=ids["tom"], body="?", answer="!", answered_at=now
                ),
                QuickQuestion(asker_id=ids["alex"], mentor_id=ids["tom"], body="?"),
            ]
        )
        db.session.commit()
    return ids


def test_counts_follow_the_documented_definitions(app):
    ids = tom_has_helped(app)
    with app.app_context():
        counts = contributions_of(ids["tom"])
    assert (counts.introduced, counts.mentored, counts.helped) == (1, 2, 2)


def test_the_profile_shows_the_counts_only_with_consent(app):
    ids = tom_has_helped(app)
    tom, priya = signed_in(app, TOM), signed_in(app, PRIYA)
    assert "Paying it forward" not in priya.get(f"/people/{ids['tom']}").get_data(as_text=True)
    form = tom.get("/profile/looking-for").get_data(as_text=True)
    assert (
        'name="shows_contributions"' in form
        and "checked" not in form.split('name="shows_contributions"')[1][:40]
    )

    assert submit(tom, "/profile/looking-for", {**LOOKING, "shows_contributions": "y"}).status_code in (
        302,
        303,
    )

    page = priya.get(f"/people/{ids['tom']}").get_data(as_text=True)
    assert "Paying it forward" in page
    section = page.split('id="paid-forward-title"')[1].split("</section>")[0]
    assert "<strong>1</strong> person introduced" in section
    assert "<strong>2</strong> people mentored" in section
    assert "<strong>2</strong> helped" in section
    # Taking consent back hides them again.
    assert submit(tom, "/profile/looking-for", LOOKING).status_code in (302, 303)
    assert "Paying it forward" not in priya.get(f"/people/{ids['tom']}").get_data(as_text=True)


def _stage(client, stage: str):
    return submit(client, "/profile/about", {**ABOUT, "career_stage": stage, "stage_detail": ""})


def test_a_mentee_who_moves_up_is_invited_once_to_mentor_the_stage_they_left(app):
    ids = tom_has_helped(app)
    priya = signed_in(app, PRIYA)
    assert "Mentor medical students" not in priya.get("/").get_data(as_text=True)

    assert _stage(priya, "foundation_doctor").status_code in (302, 303)

    [invitation] = [m for m in outbox(app, PRIYA) if m.kind == "near_peer_invitation"]
    assert invitation.subject == "Would you mentor medical students?"
    assert "Foundation doctor (FY1–FY2)" in invitation.text_body
    assert "http://localhost/mentor/apply" in invitation.text_body
    dashboard = priya.get("/").get_data(as_text=True)
    assert "Mentor medical students" in dashboard and 'href="/mentor/apply"' in dashboard
    with app.app_context():
        assert db.session.get(Profile, ids["priya"]).near_peer_invited_for == "medical_student"

    # Back and forth: the same stage left again sends nothing more.
    assert _stage(priya, "medical_student").status_code in (302, 303)
    assert _stage(priya, "foundation_doctor").status_code in (302, 303)
    assert [m.kind for m in outbox(app, PRIYA)].count("near_peer_invitation") == 1
    # Moving up again is a new stage left: a new invitation.
    assert _stage(priya, "core_trainee").status_code in (302, 303)
    kinds = [m.kind for m in outbox(app, PRIYA)]
    assert kinds.count("near_peer_invitation") == 2
    assert outbox(app, PRIYA)[-1].subject == "Would you mentor foundation doctors?"


def test_no_invitation_without_a_mentor_or_when_moving_down(app):
    tom_has_helped(app)
    alex = signed_in(app, "alex@example.ac.uk")  # never had a mentor
    assert _stage(alex, "foundation_doctor").status_code in (302, 303)
    priya = signed_in(app, PRIYA)
    assert _stage(priya, "medical_student").status_code in (302, 303)  # no change
    assert [m for m in outbox(app) if m.kind == "near_peer_invitation"] == []


def test_the_connectors_report_and_its_csv(app):
    ids = tom_has_helped(app)
    make_member(app, "Helen Carter", email="helen@example.org", admin=True)
    with app.app_context():
        table = connectors()
    assert table.rows[0] == ("Tom Okafor", 2, 1, 2, 2)
    assert all(row[0] != "Priya" for row in table.rows)  # nothing given yet: not listed
    admin = signed_in(app, "helen@example.org")
    page = admin.get("/admin/reports").get_data(as_text=True)
    assert 'id="connectors-title"' in page and "Tom Okafor" in page.split('id="connectors-title"')[1]
    csv_text = admin.get("/admin/reports/connectors.csv").get_data(as_text=True)
    assert csv_text.splitlines()[:2] == [
        "\ufeffMember,Introductions made,Introductions that led to a connection,People mentored,Helped",
        "Tom Okafor,2,1,2,2",
    ]
    assert ids  # the people above are the ones counted


@pytest.mark.parametrize("role", ["anonymous", "member", "admin"])
def test_only_admins_see_the_connectors(app, role):
    tom_has_helped(app)
    make_member(app, "Helen Carter", email="helen@example.org", admin=True)
    client = {
        "anonymous": app.test_client,
        "member": lambda: signed_in(app, PRIYA),
        "admin": lambda: signed_in(app, "helen@example.org"),
    }[role]()
    response = client.get("/admin/reports/connectors.csv")
    if role == "admin":
        assert response.status_code == 200 and "Tom Okafor" in response.get_data(as_text=True)
    else:
        assert response.status_code in (302, 401, 403, 404)
        assert "Tom Okafor" not in response.get_data(as_text=True)


def test_the_connectors_report_takes_as_many_statements_for_30_connectors_as_for_1(app):
    def connector() -> None:
        person, mentee, a, b = (make_member(app) for _ in range(4))
        with app.app_context():
            db.session.add_all(
                [
                    Connection(kind="mentoring", first_id=person, second_id=mentee),
                    Introduction(
                        introducer_id=person,
                        first_id=min(a, b),
                        second_id=max(a, b),
                        note="Meet",
                        status="connected",
                        expires_at=utcnow(),
                    ),
                ]
            )
            db.session.commit()

    def statements() -> list[str]:
        with statements_sent(app) as sent, app.app_context():
            rows = connectors().rows
        return sent, rows

    connector()
    one, rows = statements()
    assert len(rows) == 1
    for _ in range(29):
        connector()
    thirty, rows = statements()
    assert len(rows) == 30 and len(thirty) == len(one)
