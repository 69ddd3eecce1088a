"""A pair's page in a real browser: a student messages her mentor, he replies and proposes a meeting,
she accepts, and both see it agreed (each in their own browser); axe on the page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from mentormatch.core.calendar import LONDON
from mentormatch.core.extensions import db
from mentormatch.mentoring.models import MENTORING, Connection
from tests.browser.conftest import LiveServer
from tests.browser.helpers import add_members, log_in, wait_for_htmx
from tests.browser.test_mentoring import expect_no_axe_violations
from tests.helpers import PASSWORD

STUDENT = "priya@example.ac.uk"
MENTOR = "tom@example.org"


@pytest.fixture
def connection_id(live_server: LiveServer) -> int:
    """Tom mentors Priya."""
    priya, tom = add_members(
        live_server.app,
        [
            {"name": "Priya Shah", "email": STUDENT, "password": PASSWORD, "stage": "medical_student"},
            {
                "name": "Tom Okafor",
                "email": MENTOR,
                "password": PASSWORD,
                "stage": "consultant",
                "offers_mentoring": True,
                "mentor_status": "approved",
                "mentor_capacity": 2,
            },
        ],
    )
    with live_server.app.app_context():
        connection = Connection(kind=MENTORING, first_id=tom, second_id=priya)
        db.session.add(connection)
        db.session.commit()
        return connection.id


def test_messages_and_a_meeting_between_mentor_and_student(
    new_context: Callable[..., BrowserContext], live_server: LiveServer, connection_id: int
) -> None:
    priya, tom = new_context().new_page(), new_context().new_page()

    # Priya finds the pair's page from /connections and writes (htmx swaps the conversation in).
    log_in(priya, STUDENT)
    priya.goto("/connections")
    priya.get_by_role("link", name="Messages, meetings and goals with Tom Okafor").click()
    expect(priya.get_by_role("heading", name="You and Tom Okafor", level=1)).to_be_visible()
    wait_for_htmx(priya)
    conversation = priya.get_by_role("region", name="Conversation")
    conversation.get_by_label("Your message").fill("Hello Tom!\nCould we talk about audit projects?")
    conversation.get_by_role("button", name="Send message").click()
    expect(conversation.locator(".message")).to_have_count(1)
    expect(conversation).to_contain_text("Could we talk about audit projects?")
    live_server.wait_for_email(MENTOR, "message_received")

    # Tom replies, and suggests a meeting next week.
    log_in(tom, MENTOR)
    tom.goto(f"/connections/{connection_id}")
    expect(tom.get_by_role("region", name="Conversation")).to_contain_text(
        "Could we talk about audit projects?"
    )
    tom.get_by_label("Your message").fill("Of course: see https://example.org/audit for ideas.")
    tom.get_by_role("button", name="Send message").click()
    expect(tom.get_by_role("link", name="https://example.org/audit")).to_have_attribute(
        "rel", "nofollow noopener"
    )
    when = (datetime.now(LONDON) + timedelta(days=7)).replace(hour=18, minute=30)
    meetings = tom.get_by_role("region", name="Meetings")
    proposal = meetings.get_by_role("form", name="Suggest a meeting")
    proposal.get_by_label("Date and time (UK time)").fill(when.strftime("%Y-%m-%dT%H:%M"))
    proposal.get_by_label("How long (minutes)").fill("45")
    proposal.get_by_label("How", exact=True).select_option("video")
    proposal.get_by_label("Where (a place, or a video-call link)").fill("https://meet.example.org/tom")
    proposal.get_by_role("button", name="Suggest this meeting").click()
    expect(tom.get_by_role("region", name="Meetings")).to_contain_text("Waiting for Priya Shah")

    # Priya sees the reply and the meeting, and accepts it.
    priya.reload()
    expect(priya.get_by_role("region", name="Conversation")).to_contain_text("Of course")
    meetings = priya.get_by_role("region", name="Meetings")
    expect(meetings).to_contain_text("Tom Okafor suggested this time")
    expect(meetings).to_contain_text(when.strftime("%a %-d %b %Y, 18:30"))
    meetings.get_by_role("button", name="Accept").click()
    expect(priya.get_by_role("region", name="Meetings")).to_contain_text("Agreed")
    expect_no_axe_violations(priya, live_server, "the pair's page")

    # Both see it agreed, with the calendar file, and both get the invitation.
    tom.reload()
    agreed = tom.get_by_role("region", name="Meetings")
    expect(agreed).to_contain_text("Agreed")
    expect(agreed.get_by_role("link", name="Add to your calendar (.ics)")).to_be_visible()
    for address in (STUDENT, MENTOR):
        email = live_server.wait_for_email(address, "meeting_accepted")
        assert [part.get_filename() for part in email.iter_attachments()] == ["meeting.ics"]


def test_the_pair_page_works_without_javascript(
    new_context: Callable[..., BrowserContext], live_server: LiveServer, connection_id: int
) -> None:
    page: Page = new_context(java_script_enabled=False).new_page()
    log_in(page, STUDENT)
    page.goto(f"/connections/{connection_id}")
    page.get_by_label("Your message").fill("Sent without JavaScript.")
    page.get_by_role("button", name="Send message").click()
    expect(page.get_by_role("region", name="Conversation")).to_contain_text("Sent without JavaScript.")
    expect(page).to_have_url(f"{live_server.url}/connections/{connection_id}#conversation")
