"""An admin approves a mentor in a real browser: inline with htmx, the row changes in place, the
applicant gets the email, and axe finds no violations before or after."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from mentormatch.core.extensions import db
from mentormatch.mentors.models import MentorApplication
from mentormatch.profiles.models import Profile
from tests.browser.conftest import LiveServer
from tests.browser.helpers import log_in, mark_document, same_document, status, wait_for_htmx
from tests.browser.test_accessibility import describe, run_axe
from tests.factories import make_member

ADMIN = "helen@example.ac.uk"
APPLICANT = "dr.osei@nhs.net"


def assert_no_axe_violations(page: Page, live_server: LiveServer) -> None:
    violations = run_axe(page, live_server)["violations"]
    assert violations == [], f"axe found violations on {page.url}:\n{describe(violations)}"


def test_an_admin_approves_a_mentor_inline(page: Page, live_server: LiveServer) -> None:
    app = live_server.app
    applicant = make_member(
        app, "Dr Kofi Osei", email=APPLICANT, stage="consultant", region="london", specialties=["cardiology"]
    )
    other = make_member(
        app,
        "Nurse Nia Evans",
        stage="nurse_midwife",
        mentor="pending",
        capacity=2,
        registration_number="12A3456B",
    )
    with app.app_context():
        db.session.add(
            MentorApplication(
                applicant_id=applicant,
                career_stage="consultant",
                registration_body="GMC",
                registration_number="1234567",
                specialties=["cardiology"],
                offers=["exams", "career_planning"],
                capacity=3,
                hours_a_month=4,
                statement="I have supervised FY1s for five years.",
            )
        )
        db.session.get(Profile, applicant).mentor_status = "pending"
        db.session.commit()
    make_member(app, "Helen Carter", email=ADMIN, stage="consultant", admin=True, profile=False)

    log_in(page, ADMIN)
    page.goto("/admin/mentors")
    wait_for_htmx(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Mentors")
    row = page.locator(f"#mentor-{applicant}")
    expect(row).to_contain_text("GMC 1234567")
    expect(row).to_contain_text("3 mentees at a time, about 4 hours a month")
    expect(page.locator(f"#mentor-{other}")).to_contain_text("NMC 12A3456B")
    assert_no_axe_violations(page, live_server)

    mark_document(page)
    row.get_by_role("button", name="Approve Dr Kofi Osei").click()
    expect(row.locator(".request-done")).to_have_text(
        "Approved Dr Kofi Osei as a mentor. We've emailed them."
    )
    expect(row.locator(".request-kind")).to_have_text("Approved")
    expect(row.get_by_role("link", name="Suspend Dr Kofi Osei")).to_be_visible()
    expect(row.get_by_role("button", name="Approve Dr Kofi Osei")).to_have_count(0)
    expect(row.locator(".request-done")).to_be_focused()
    expect(status(page)).to_contain_text("Approved Dr Kofi Osei as a mentor")
    assert same_document(page)  # swapped in place, no page load
    # The other applicant's row is untouched.
    expect(page.get_by_role("button", name="Approve Nurse Nia Evans")).to_be_visible()
    assert_no_axe_violations(page, live_server)

    email = live_server.wait_for_email(APPLICANT, "mentor_approved")
    assert email["Subject"] == "You're now a MentorMatch mentor"
    with app.app_context():
        assert db.session.get(Profile, applicant).mentor_status == "approved"

    page.goto("/admin/audit")
    expect(page.get_by_role("table")).to_contain_text("Approved a mentor")
    expect(page.get_by_role("table")).to_contain_text("mentor status: pending → approved")
    assert_no_axe_violations(page, live_server)


def test_an_admin_approves_the_selected_applications_at_once(page: Page, live_server: LiveServer) -> None:
    app = live_server.app
    ids = [
        make_member(app, name, stage="consultant", mentor="pending", capacity=2)
        for name in ("Dr Ann Ash", "Dr Ben Birch", "Dr Cal Cedar")
    ]
    make_member(app, "Helen Carter", email=ADMIN, stage="consultant", admin=True, profile=False)
    log_in(page, ADMIN)
    page.goto("/admin/mentors")
    wait_for_htmx(page)
    mark_document(page)
    page.get_by_label("Select Dr Ann Ash to approve").check()
    page.get_by_label("Select Dr Cal Cedar to approve").check()
    page.get_by_role("button", name="Approve selected").click()

    expect(status(page)).to_contain_text("Approved 2 mentors (Dr Ann Ash, Dr Cal Cedar).")
    queue = page.locator("#mentor-queue")
    expect(queue.get_by_role("heading", level=2)).to_have_text("1 waiting for approval")
    expect(queue).to_contain_text("Dr Ben Birch")
    expect(queue).not_to_contain_text("Dr Ann Ash")
    assert same_document(page)
    with app.app_context():
        assert [db.session.get(Profile, user_id).mentor_status for user_id in ids] == [
            "approved",
            "pending",
            "approved",
        ]
