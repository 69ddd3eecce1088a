"""A warm introduction in a real browser: Tom introduces Priya and Sam from his connections page;
Priya says yes with htmx (the row swaps in place), Sam too, and they are peers; axe on the form
and on /introductions."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import BrowserContext, expect
from sqlalchemy import func, select

from mentormatch.core.extensions import db
from mentormatch.mentoring.models import MENTORING, PEER, Connection
from tests.browser.conftest import LiveServer
from tests.browser.helpers import add_members, log_in
from tests.browser.test_mentoring import expect_no_axe_violations
from tests.helpers import PASSWORD

NOTE = "Priya, meet Sam: you're both applying for cardiology."


def test_an_introduction_accepted_by_both(
    new_context: Callable[..., BrowserContext], live_server: LiveServer
) -> None:
    mentor = {
        "stage": "consultant",
        "offers_mentoring": True,
        "mentor_status": "approved",
        "mentor_capacity": 3,
    }
    priya, tom, sam = add_members(
        live_server.app,
        [
            {
                "name": "Priya Shah",
                "email": "priya@example.ac.uk",
                "password": PASSWORD,
                "stage": "medical_student",
            },
            {"name": "Tom Okafor", "email": "tom@example.org", "password": PASSWORD, **mentor},
            {
                "name": "Sam Lee",
                "email": "sam@example.ac.uk",
                "password": PASSWORD,
                "stage": "medical_student",
            },
        ],
    )
    with live_server.app.app_context():
        db.session.add_all([Connection(kind=MENTORING, first_id=tom, second_id=m) for m in (priya, sam)])
        db.session.commit()

    page = new_context().new_page()
    log_in(page, "tom@example.org")
    page.goto("/connections")
    page.get_by_role("link", name="Introduce Priya Shah to someone").click()
    expect_no_axe_violations(page, live_server, "the introduce form")
    expect(page.get_by_label("Introduce")).to_have_value(str(priya))
    page.get_by_label("To", exact=True).select_option(label="Sam Lee")
    page.get_by_label("A note to both of them").fill(NOTE)
    page.get_by_role("button", name="Send the introduction").click()
    expect(page.get_by_text("You introduced Priya Shah and Sam Lee.")).to_be_visible()
    live_server.wait_for_email("priya@example.ac.uk", "introduction_made")

    for email, other in (("priya@example.ac.uk", "Sam Lee"), ("sam@example.ac.uk", "Priya Shah")):
        answering = new_context().new_page()
        log_in(answering, email)
        answering.goto("/introductions")
        if email.startswith("priya"):
            expect_no_axe_violations(answering, live_server, "introductions waiting for an answer")
        row = answering.locator(".introduction")
        expect(row).to_contain_text(f"Tom Okafor introduced you to {other}")
        row.get_by_role("button", name=f"Yes, connect us with {other}").click()
        if email.startswith("priya"):
            expect(answering.locator(".introduction")).to_contain_text("You accepted: waiting")
        else:
            expect(answering.locator(".introduction")).to_contain_text("Led to a connection")

    with live_server.app.app_context():
        assert (
            db.session.scalar(select(func.count()).select_from(Connection).where(Connection.kind == PEER))
            == 1
        )
    live_server.wait_for_email("tom@example.org", "introduction_worked")
