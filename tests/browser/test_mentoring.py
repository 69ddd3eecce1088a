"""Requests and connections in a real browser: a student asks from a mentor's profile, the mentor
accepts on /requests, both find each other on /connections; declining inline; and axe on both pages."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from mentormatch.core.extensions import db
from mentormatch.mentoring.models import MentoringRequest
from tests.browser.conftest import LiveServer
from tests.browser.helpers import add_members, log_in, mark_document, same_document, status, wait_for_htmx
from tests.browser.test_accessibility import describe, run_axe
from tests.helpers import PASSWORD

STUDENT = "priya@example.ac.uk"
MENTOR = "tom@example.org"
MESSAGE = "Help choosing a research project in cardiology before finals, over video if that suits you."


@pytest.fixture
def people(live_server: LiveServer) -> dict[str, int]:
    """Priya, a student; Tom, a consultant who mentors; Sam, another student."""
    ids = add_members(
        live_server.app,
        [
            {
                "name": "Priya Shah",
                "email": STUDENT,
                "password": PASSWORD,
                "stage": "medical_student",
                "organisation": "University of Leeds",
                "specialties": ["cardiology"],
                "goals": ["research"],
                "meet_video": True,
            },
            {
                "name": "Tom Okafor",
                "email": MENTOR,
                "password": PASSWORD,
                "stage": "consultant",
                "organisation": "Leeds Teaching Hospitals",
                "specialties": ["cardiology"],
                "offers_mentoring": True,
                "mentor_status": "approved",
                "mentor_capacity": 2,
                "meet_in_person": True,
            },
            {
                "name": "Sam Lee",
                "email": "sam@example.ac.uk",
                "password": PASSWORD,
                "stage": "medical_student",
                "organisation": "University of Sheffield",
            },
        ],
    )
    return dict(zip(("priya", "tom", "sam"), ids, strict=True))


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Log in")).to_be_visible()


def request_id(live_server: LiveServer, sender_id: int) -> int:
    with live_server.app.app_context():
        return db.session.scalar(select(MentoringRequest.id).where(MentoringRequest.sender_id == sender_id))


def expect_no_axe_violations(page: Page, live_server: LiveServer, what: str) -> None:
    """No violations at all, of any impact."""
    violations = run_axe(page, live_server)["violations"]
    assert violations == [], f"axe found violations on {what} ({page.url}):\n{describe(violations)}"


def test_a_student_asks_a_mentor_who_accepts_and_both_see_each_other(
    page: Page, live_server: LiveServer, people: dict[str, int]
) -> None:
    # Priya asks Tom from his profile page: the form opens in place, focus in its text box.
    log_in(page, STUDENT)
    page.goto(f"/people/{people['tom']}")
    wait_for_htmx(page)
    mark_document(page)
    panel = page.get_by_role("region", name="Mentoring and connecting")
    expect(page.get_by_role("main")).not_to_contain_text(MENTOR)
    panel.get_by_role("link", name="Ask for mentoring").click()
    message = panel.get_by_label("What do you hope to get from mentoring?")
    expect(message).to_be_focused()
    page.keyboard.type(MESSAGE)
    panel.get_by_role("button", name="Send request to Tom Okafor").click()
    sent = panel.get_by_text("Request sent to Tom Okafor.")
    expect(sent).to_be_focused()
    assert same_document(page)
    email = live_server.wait_for_email(MENTOR, "request_received")
    link = live_server.link_in(email, "/requests")
    page.reload()
    expect(panel).to_contain_text("Request pending")
    log_out(page)

    # Tom follows the email's link, finds Priya's request with her message, and accepts.
    log_in(page, MENTOR)
    page.goto(link)
    wait_for_htmx(page)
    mark_document(page)
    waiting = page.get_by_role("region", name="Waiting for your answer")
    row = page.locator(f"#request-{request_id(live_server, people['priya'])}")
    expect(waiting.locator(row)).to_have_count(1)
    expect(row.get_by_role("link", name="Priya Shah", exact=True)).to_have_attribute(
        "href", f"/people/{people['priya']}"
    )
    expect(row).to_contain_text("Medical student (year 1–6) · University of Leeds")
    expect(row).to_contain_text(MESSAGE)
    expect(row).to_contain_text("Closes in 14 days")
    row.get_by_role("button", name=re.compile(r"^Accept\s+Priya Shah's request$")).click()
    done = row.get_by_text("You accepted Priya Shah's request: you are now their mentor.")
    expect(done).to_be_focused()
    expect(status(page)).to_contain_text("you are now their mentor")
    expect(row.get_by_role("button")).to_have_count(0)
    assert same_document(page)
    live_server.wait_for_email(STUDENT, "request_accepted")

    # Both see each other on /connections, with the email address.
    row.get_by_role("link", name="See your connections").click()
    mentees = page.get_by_role("region", name="Your mentees")
    expect(mentees.get_by_role("link", name=STUDENT)).to_have_attribute("href", f"mailto:{STUDENT}")
    expect(mentees).to_contain_text("By video call")
    log_out(page)
    log_in(page, STUDENT)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Connections").click()
    mentors = page.get_by_role("region", name="Your mentors")
    expect(mentors.get_by_role("link", name="Tom Okafor", exact=True)).to_be_visible()
    expect(mentors.get_by_role("link", name=MENTOR)).to_have_attribute("href", f"mailto:{MENTOR}")
    expect(mentors).to_contain_text("In person")
    expect(page.get_by_role("link", name="Connections")).to_have_attribute("aria-current", "page")


def test_declining_inline_and_axe_on_requests_and_connections(
    page: Page, live_server: LiveServer, people: dict[str, int]
) -> None:
    # Two students ask Tom; he accepts one, so both pages have something in every state.
    for email in (STUDENT, "sam@example.ac.uk"):
        log_in(page, email)
        page.goto(f"/requests/new/{people['tom']}?kind=mentoring")
        page.get_by_label("What do you hope to get from mentoring?").fill(MESSAGE)
        page.get_by_role("button", name="Send request to Tom Okafor").click()
        expect(status(page)).to_contain_text("Request sent to Tom Okafor.")
        expect_no_axe_violations(page, live_server, "/requests, a request sent")
        log_out(page)
    log_in(page, MENTOR)
    page.goto("/requests")
    wait_for_htmx(page)
    expect_no_axe_violations(page, live_server, "/requests, two requests waiting")

    priya = page.locator(f"#request-{request_id(live_server, people['priya'])}")
    priya.get_by_role("button", name=re.compile(r"^Accept\s+Priya Shah's request$")).click()
    expect(priya).to_contain_text("you are now their mentor")

    # Decline Sam's: the reason form opens in the row, focus in it, and its hint says who reads it.
    sam = page.locator(f"#request-{request_id(live_server, people['sam'])}")
    sam.get_by_role("link", name=re.compile(r"^Decline\s+Sam Lee's request$")).click()
    reason = sam.get_by_label("Reason (optional)")
    expect(reason).to_be_focused()
    expect(reason).to_have_accessible_description(re.compile(r"We show it to Sam Lee with a kind note"))
    expect_no_axe_violations(page, live_server, "/requests, the decline form open")
    page.keyboard.type("My places are taken until the summer.")
    sam.get_by_role("button", name="Decline Sam Lee's request").click()
    expect(sam.get_by_text("You declined Sam Lee's request. We've let them know.")).to_be_focused()
    email = live_server.wait_for_email("sam@example.ac.uk", "request_declined")
    assert "My places are taken until the summer." in email.get_body(("plain",)).get_content()

    page.reload()
    expect(page.get_by_role("region", name="Earlier")).to_contain_text("You declined")
    expect_no_axe_violations(page, live_server, "/requests, answered")

    page.goto("/connections")
    wait_for_htmx(page)
    expect_no_axe_violations(page, live_server, "/connections, one mentee")
    page.get_by_role("link", name=re.compile(r"^End mentorship\s+with Priya Shah$")).click()
    expect(page.get_by_label("Reason (optional)")).to_be_focused()
    expect_no_axe_violations(page, live_server, "/connections, the end form open")
