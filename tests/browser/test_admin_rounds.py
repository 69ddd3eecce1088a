"""An admin runs a cohort matching round in a real browser: create, run, change a pair inline (a
refused change says why and changes nothing), publish; connections are made and everyone emailed,
and axe finds no violations on the way."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from sqlalchemy import select

from mentormatch.core.extensions import db
from mentormatch.mentoring.models import Connection
from tests.browser.conftest import LiveServer
from tests.browser.helpers import FAILED_LOAD, log_in, mark_document, same_document, status, wait_for_htmx
from tests.browser.test_admin_mentors import assert_no_axe_violations
from tests.factories import make_member

ADMIN = "helen@example.ac.uk"


def test_an_admin_runs_and_publishes_a_round(page: Page, live_server: LiveServer, browser_errors) -> None:
    app = live_server.app
    ana = make_member(app, "Ana Silva", email="ana@example.org", goals=["exams"], specialties=["cardiology"])
    ben = make_member(
        app, "Ben Okafor", email="ben@example.org", goals=["research"], specialties=["neurology"]
    )
    ng = make_member(
        app,
        "Dr Mei Ng",
        email="ng@example.org",
        stage="consultant",
        mentor=True,
        capacity=1,
        offers=["exams"],
        specialties=["cardiology"],
    )
    make_member(
        app,
        "Dr Tom Ode",
        email="ode@example.org",
        stage="consultant",
        mentor=True,
        capacity=1,
        offers=["research"],
        specialties=["neurology"],
    )
    make_member(app, "Helen Carter", email=ADMIN, stage="consultant", admin=True, profile=False)

    log_in(page, ADMIN)
    page.goto("/admin/rounds")
    expect(page.get_by_role("heading", level=1)).to_have_text("Matching rounds")
    assert_no_axe_violations(page, live_server)
    page.get_by_label("Name").fill("Students, autumn")
    page.get_by_label("Career stage").select_option("medical_student")
    page.get_by_role("button", name="Create round").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Students, autumn")
    expect(status(page)).to_contain_text("created with 2 mentees")

    page.get_by_role("button", name="Run the round").click()
    expect(status(page)).to_contain_text("Draft ready: 2 of 2 mentees matched")
    expect(page.locator(f"#pair-{ana}")).to_contain_text("Dr Mei Ng")
    expect(page.locator(f"#pair-{ben}")).to_contain_text("Dr Tom Ode")
    expect(page.locator("#round-figures")).to_contain_text("2 of 2 free places")
    assert_no_axe_violations(page, live_server)

    # Ben onto Dr Ng, who is full: refused inline with the reason, nothing changes.
    wait_for_htmx(page)
    mark_document(page)
    page.get_by_role("link", name="Change Ben Okafor's mentor").click()
    choice = page.get_by_label("Mentor for Ben Okafor")
    expect(choice).to_be_focused()
    choice.select_option(str(ng))
    browser_errors.allow(FAILED_LOAD.format(409))
    browser_errors.allow("Response Status Error Code 409")  # htmx logs the refusal it swaps in
    page.get_by_role("button", name="Save pair").click()
    expect(page.get_by_role("alert")).to_contain_text("Dr Mei Ng has no free place left in this round")
    assert same_document(page)
    assert_no_axe_violations(page, live_server)
    # Leaving him unmatched works, in place.
    page.get_by_label("Mentor for Ben Okafor").select_option("")
    page.get_by_role("button", name="Save pair").click()
    expect(page.locator(f"#pair-{ben}")).to_contain_text("left unmatched by an admin")
    expect(status(page)).to_contain_text("Ben Okafor: left unmatched.")
    assert same_document(page)

    page.get_by_role("link", name="Publish…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Publish Students, autumn?")
    assert_no_axe_violations(page, live_server)
    page.get_by_role("button", name="Publish and email everyone").click()
    expect(status(page)).to_contain_text("Published: 1 mentoring connection made")
    expect(page.get_by_role("button", name="Run again")).to_have_count(0)

    assert (
        live_server.wait_for_email("ana@example.org", "round_mentee")["Subject"] == "Your mentor: Dr Mei Ng"
    )
    live_server.wait_for_email("ng@example.org", "round_mentor")
    live_server.wait_for_email("ben@example.org", "round_unmatched")
    with app.app_context():
        connections = db.session.scalars(select(Connection)).all()
        assert [(c.first_id, c.second_id, c.kind) for c in connections] == [(ng, ana, "mentoring")]
