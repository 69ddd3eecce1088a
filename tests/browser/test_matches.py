"""/matches in a real browser: tabs by keyboard, the inline ask form, "Not for me" and its undo, and axe."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer
from tests.browser.helpers import (
    MATCHES_EMAIL,
    MATCHES_MENTOR,
    add_people_who_fit,
    log_in,
    mark_document,
    path_of,
    same_document,
    status,
    tab_to,
    wait_for_htmx,
)
from tests.browser.test_accessibility import describe, run_axe

EMAIL = MATCHES_EMAIL
TOM_EMAIL = MATCHES_MENTOR
# The name's hidden part is a separate box (position: absolute), so Playwright's name has a space there.
NOT_FOR_BOB = re.compile(r"^Not for me ?: Bob Brown$")
UNDO_BOB = re.compile(r"^Undo ?: show Bob Brown again$")


@pytest.fixture
def people(live_server: LiveServer) -> dict[str, int]:
    """Priya, a student, with two mentors and two peers who fit her."""
    return add_people_who_fit(live_server.app)


def expect_no_axe_violations(page: Page, live_server: LiveServer, what: str) -> None:
    """No violations at all, of any impact."""
    violations = run_axe(page, live_server)["violations"]
    assert violations == [], f"axe found violations on {what} ({page.url}):\n{describe(violations)}"


def test_a_student_switches_tabs_asks_a_mentor_and_dismisses_a_peer(
    page: Page, live_server: LiveServer, people: dict[str, int]
) -> None:
    log_in(page, EMAIL)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Matches").click()
    expect(page).to_have_url(re.compile(r"/matches$"))
    wait_for_htmx(page)
    mark_document(page)
    mentors_tab = page.get_by_role("navigation", name="Kinds of match").get_by_role("link", name="Mentors")
    peers_tab = page.get_by_role("navigation", name="Kinds of match").get_by_role("link", name="Peers")
    expect(mentors_tab).to_have_attribute("aria-current", "true")
    tom = page.locator(f"#match-{people['tom']}")
    expect(tom).to_contain_text(re.compile(r"\d+% match"))
    expect(tom.get_by_role("list", name="Why we suggest Tom Okafor")).to_contain_text("Both: cardiology")
    expect(page.locator(f"#match-{people['bob']}")).to_have_count(0)

    # To the peers with the keyboard: the panel is swapped in, the address bar follows, focus goes
    # to the panel's heading (announced), and the count reaches the status region.
    tab_to(page, peers_tab)
    page.keyboard.press("Enter")
    heading = page.get_by_role("heading", name="Suggested peers")
    expect(heading).to_be_focused()
    assert path_of(page) == "/matches?tab=peers"
    expect(page).to_have_title("Peers · Your matches · MentorMatch")
    expect(peers_tab).to_have_attribute("aria-current", "true")
    expect(mentors_tab).not_to_have_attribute("aria-current", "true")
    expect(status(page)).to_have_text("2 suggested peers")
    bob = page.locator(f"#match-{people['bob']}")
    expect(bob.get_by_role("link", name="Connect with Bob Brown")).to_be_visible()
    assert same_document(page)

    # Back (the browser's own button) returns to the mentors.
    page.go_back()
    expect(page.get_by_role("heading", name="Suggested mentors")).to_be_visible()
    assert path_of(page) == "/matches"
    wait_for_htmx(page)
    mark_document(page)

    # Ask Tom for mentoring: the form opens inside his card, focus in its text box.
    tab_to(page, tom.get_by_role("link", name="Ask for mentoring with Tom Okafor"))
    page.keyboard.press("Enter")
    message = tom.get_by_label("What do you hope to get from mentoring?")
    expect(message).to_be_focused()
    page.keyboard.type("Help choosing a research project in cardiology before finals.")
    tom.get_by_role("button", name="Send request to Tom Okafor").click()
    expect(tom).to_contain_text("Request sent to Tom Okafor.")
    expect(tom.get_by_text("Request sent to Tom Okafor.")).to_be_focused()
    live_server.wait_for_email(TOM_EMAIL, "request_received")
    assert same_document(page)

    # "Not for me" on a peer, then Undo: the card comes back where it was.
    page.get_by_role("navigation", name="Kinds of match").get_by_role("link", name="Peers").click()
    expect(page.get_by_role("heading", name="Suggested peers")).to_be_focused()
    bob.get_by_role("button", name=NOT_FOR_BOB).click()
    gone = bob.get_by_text("You won't see Bob Brown in your suggestions again.")
    expect(gone).to_be_focused()
    expect(status(page)).to_have_text("You won't see Bob Brown in your suggestions again.")
    expect(bob).not_to_contain_text("% match")
    expect_no_axe_violations(page, live_server, "/matches after 'Not for me'")
    bob.get_by_role("button", name=UNDO_BOB).click()
    expect(bob).to_contain_text(re.compile(r"\d+% match"))
    expect(bob.get_by_role("link", name="Bob Brown", exact=True)).to_be_focused()
    expect(status(page)).to_have_text("Bob Brown is back in your suggestions.")
    assert same_document(page)

    # It lasts: after a reload Tom (asked) is gone from the mentors, Bob is still a suggested peer.
    page.reload()
    expect(page.locator(f"#match-{people['bob']}")).to_contain_text(re.compile(r"\d+% match"))
    page.goto("/matches?tab=mentors")
    expect(page.locator(f"#match-{people['tom']}")).to_have_count(0)
    expect(page.locator(f"#match-{people['ann']}")).to_be_visible()


def test_not_for_me_works_without_javascript(new_context, live_server: LiveServer, people: dict[str, int]):
    page = new_context(java_script_enabled=False).new_page()
    log_in(page, EMAIL)
    page.goto("/matches?tab=peers")
    page.get_by_role("button", name=NOT_FOR_BOB).click()
    assert path_of(page) == f"/matches?tab=peers&undo={people['bob']}"
    expect(status(page)).to_contain_text("You won't see Bob Brown in your suggestions again.")
    expect(page.locator(f"#match-{people['bob']}")).to_have_count(0)
    page.get_by_role("button", name=UNDO_BOB).click()
    assert path_of(page) == "/matches?tab=peers"
    expect(status(page)).to_contain_text("Bob Brown is back in your suggestions.")
    expect(page.locator(f"#match-{people['bob']}")).to_be_visible()


def test_matches_pages_have_no_axe_violations(
    page: Page, live_server: LiveServer, people: dict[str, int]
) -> None:
    log_in(page, EMAIL)
    expect(page.get_by_role("heading", name="Top suggestions")).to_be_visible()
    expect_no_axe_violations(page, live_server, "the dashboard with suggestions")
    page.goto("/matches")
    expect(page.locator(".match-card")).to_have_count(2)
    expect_no_axe_violations(page, live_server, "/matches, mentors")
    tom = page.locator(f"#match-{people['tom']}")
    tom.get_by_role("link", name="Ask for mentoring with Tom Okafor").click()
    expect(page.get_by_label("What do you hope to get from mentoring?")).to_be_focused()
    expect_no_axe_violations(page, live_server, "/matches with the ask form open")
    page.get_by_role("link", name="Peers", exact=True).click()
    expect(page.get_by_role("heading", name="Suggested peers")).to_be_focused()
    expect_no_axe_violations(page, live_server, "/matches, peers")
