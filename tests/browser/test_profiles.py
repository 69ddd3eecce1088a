"""Profiles in a real browser: onboarding by keyboard and without JavaScript, tag suggestions, and the
people directory's live search, filters, paging and history."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import BrowserContext, Page, Request, expect

from mentormatch.accounts.models import User
from mentormatch.core.extensions import db
from tests.browser.conftest import BrowserErrors, LiveServer
from tests.browser.helpers import (
    FAILED_LOAD,
    add_members,
    log_in,
    mark_document,
    path_of,
    same_document,
    status,
    tab_to,
    wait_for_htmx,
)
from tests.factories import make_member

EMAIL = "amira@example.ac.uk"
NAME = "Amira Khan-Ali"
ABOUT = (
    "I am a foundation doctor in Leeds who enjoys acute cardiology and teaching medical students "
    "on the wards, and I would like to understand what a cardiology career really involves."
)
LOOKING_FOR = "A cardiologist who could tell me honestly about training and life outside work."


def expect_step(page: Page, path: str, title: str, position: int) -> None:
    """The step at `path` has been swapped in, and focus is on its heading."""
    expect(page).to_have_url(re.compile(re.escape(path) + "$"))
    step = page.locator("#profile-step")
    expect(step.locator("#step-title")).to_have_text(f"{title} (step {position} of 4)")
    expect(step.locator('[aria-current="step"]')).to_contain_text(title)
    # Focus is on the step's own heading, so a screen reader announces the step; the title follows.
    expect(step.locator("#step-title")).to_be_focused()
    expect(page).to_have_title(f"{title} · MentorMatch")


def query_of(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def test_onboarding_with_the_keyboard_only(
    page: Page, live_server: LiveServer, browser_errors: BrowserErrors
) -> None:
    user_id = make_member(live_server.app, "Amira Khan", email=EMAIL, stage="medical_student", profile=False)
    # Where verifying an email address leads (the verification itself is in test_accounts).
    log_in(page, EMAIL, next_path="/profile/about")
    assert path_of(page) == "/profile/about"
    wait_for_htmx(page)
    mark_document(page)
    expect(page.locator("#profile-step [aria-current='step']")).to_contain_text("About you")
    expect(page.locator(".strength meter")).to_have_attribute("value", "0")

    # Step 1: text, selects by type-ahead, a textarea.
    name = page.get_by_label("Full name")
    tab_to(page, name)
    page.keyboard.press("Control+A")
    page.keyboard.type(NAME)
    fields = [
        ("Career stage", "Foundation", "foundation_doctor"),
        ("Year or grade", "FY2", "FY2"),
        ("Medical school, trust or hospital", "Leeds Teaching Hospitals", "Leeds Teaching Hospitals"),
        ("Department", "Acute medicine", "Acute medicine"),
        ("Region", "Yorkshire", "yorkshire_humber"),
        ("About me", ABOUT, ABOUT),
    ]
    for label, typed, value in fields:
        page.keyboard.press("Tab")
        field = page.get_by_label(label, exact=True)
        expect(field).to_be_focused()
        page.keyboard.type(typed)
        expect(field).to_have_value(value)
    tab_to(page, page.get_by_role("button", name="Save and continue"))
    page.keyboard.press("Enter")

    # Step 2: two fieldsets of checkboxes, ticked with Space.
    expect_step(page, "/profile/focus", "Specialties and goals", 2)
    # Organisation, region and 20+ words about yourself count towards the strength.
    expect(page.locator(".strength meter")).to_have_attribute("value", "35")
    for group, labels in (
        ("Specialties you're interested in", ["Cardiology", "Emergency medicine"]),
        ("What you'd like help with", ["Research", "Exams"]),
    ):
        fieldset = page.get_by_role("group", name=group)
        for label in labels:
            box = fieldset.get_by_label(label, exact=True)
            tab_to(page, box)
            page.keyboard.press("Space")
            expect(box).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Save and continue"))
    page.keyboard.press("Space")

    # Step 3: free-text interests.
    expect_step(page, "/profile/interests", "Interests", 3)
    tab_to(page, page.get_by_role("combobox", name="Interests"))
    page.keyboard.type("Cycling, choir, baking")
    tab_to(page, page.get_by_role("button", name="Save and continue"))
    page.keyboard.press("Enter")

    # Step 4: a textarea, a number, checkboxes, and Finish.
    expect_step(page, "/profile/looking-for", "What you're looking for", 4)
    tab_to(page, page.get_by_label("What I'm looking for"))
    page.keyboard.type(LOOKING_FOR)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Hours a month you could give")).to_be_focused()
    page.keyboard.type("4")
    for label, tick in (("In person", True), ("Video call", False), ("Messages", True)):
        page.keyboard.press("Tab")
        box = page.get_by_label(label, exact=True)
        expect(box).to_be_focused()
        if tick:
            page.keyboard.press("Space")
    expect(page.get_by_label("Messages", exact=True)).to_be_checked()
    assert same_document(page), "a step was loaded as a whole page, not swapped in by htmx"
    tab_to(page, page.get_by_role("button", name="Finish"))
    page.keyboard.press("Enter")

    # The profile page, as others will see it (plus the owner's strength panel).
    expect(page).to_have_url(re.compile(rf"/people/{user_id}$"))
    expect(status(page)).to_contain_text("Your profile is ready: other members can now find you.")
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", level=1)).to_have_text(NAME)
    expect(main.get_by_text("Foundation doctor (FY1–FY2) · FY2")).to_be_visible()
    expect(
        main.get_by_text("Leeds Teaching Hospitals · Acute medicine · Yorkshire and the Humber")
    ).to_be_visible()
    expect(main.get_by_text(ABOUT)).to_be_visible()
    expect(main.get_by_text(LOOKING_FOR)).to_be_visible()

    def tags_under(heading: str):
        return main.get_by_role("region", name=heading).get_by_role("listitem")

    expect(tags_under("Specialties")).to_have_text(["Cardiology", "Emergency medicine"])
    expect(tags_under("Would like help with")).to_have_text(["Exams", "Research"])
    expect(tags_under("Interests")).to_have_text(["baking", "choir", "cycling"])
    expect(main.get_by_text("Happy to meet in person, by messages.")).to_be_visible()
    expect(main.get_by_text("About 4 hours a month.")).to_be_visible()
    expect(page.locator(".strength meter")).to_have_attribute("value", "100")

    with live_server.app.app_context():
        user = db.session.get(User, user_id)
        profile = user.profile
        assert (user.name, user.career_stage) == (NAME, "foundation_doctor")
        assert (profile.stage_detail, profile.organisation, profile.department, profile.region) == (
            "FY2",
            "Leeds Teaching Hospitals",
            "Acute medicine",
            "yorkshire_humber",
        )
        assert (profile.about, profile.looking_for) == (ABOUT, LOOKING_FOR)
        assert sorted(profile.specialties) == ["cardiology", "emergency_medicine"]
        assert sorted(profile.goals) == ["exams", "research"]
        assert [tag.name for tag in profile.interests] == ["baking", "choir", "cycling"]
        assert profile.availability_hours == 4
        assert (profile.meet_in_person, profile.meet_video, profile.meet_messages) == (True, False, True)
        assert profile.onboarded_at is not None
        assert "cycling" in profile.search_primary


def test_a_step_with_errors_is_shown_in_place_then_corrected(
    page: Page, live_server: LiveServer, browser_errors: BrowserErrors
) -> None:
    browser_errors.allow(FAILED_LOAD.format(422))
    make_member(live_server.app, "Amira Khan", email=EMAIL, profile=False)
    log_in(page, EMAIL, next_path="/profile/about")
    wait_for_htmx(page)
    mark_document(page)

    name = page.get_by_label("Full name")
    name.fill("")
    page.get_by_role("button", name="Save and continue").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expect(summary.get_by_role("link", name="Enter your full name.")).to_have_attribute("href", "#name")
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(name).to_have_accessible_description(re.compile(r"Error: Enter your full name\."))
    assert path_of(page) == "/profile/about"
    assert same_document(page)
    summary.get_by_role("link", name="Enter your full name.").click()
    expect(name).to_be_focused()

    name.fill(NAME)
    page.get_by_role("button", name="Save and continue").click()
    expect_step(page, "/profile/focus", "Specialties and goals", 2)
    expect(page.locator(".error-summary")).to_have_count(0)
    assert same_document(page)
    with live_server.app.app_context():
        assert db.session.scalar(db.select(User.name).where(User.email == EMAIL)) == NAME


def test_the_interests_input_suggests_existing_tags_as_you_type(page: Page, live_server: LiveServer) -> None:
    add_members(
        live_server.app,
        [
            {"name": "Priya Raman", "interests": ["cycling", "choir"]},
            {"name": "Tom Okafor", "interests": ["cycling", "cyber security"]},
            {"name": "Lan Nguyen", "interests": ["cycle touring", "baking"]},
        ],
    )
    make_member(live_server.app, "Amira Khan", email=EMAIL, profile=False)
    log_in(page, EMAIL, next_path="/profile/interests")
    wait_for_htmx(page)
    interests = page.get_by_role("combobox", name="Interests")
    expect(interests).to_have_attribute("list", "interest-suggestions")

    def suggestions() -> list[str]:
        return page.evaluate(
            "[...document.querySelectorAll('datalist#interest-suggestions option')].map(o => o.value)"
        )

    assert suggestions() == []
    interests.focus()
    page.keyboard.type("cy")
    # Most used first, then alphabetical; nothing that doesn't start with what was typed.
    expect(page.locator("#interest-suggestions option")).to_have_count(3)
    assert suggestions() == ["cycling", "cyber security", "cycle touring"]
    expect(interests).to_be_focused()
    # The input's `list` still points at the (swapped) datalist.
    assert page.evaluate("document.getElementById('interests').list.options.length") == 3

    # After a comma, suggestions complete the next tag and keep the ones already chosen.
    page.keyboard.type("cling, ch")
    expect(page.locator("#interest-suggestions option[value*=',']")).to_have_count(1)
    assert suggestions() == ["cycling, choir"]
    expect(interests).to_have_value("cycling, ch")


def test_onboarding_without_javascript(
    new_context: Callable[..., BrowserContext], live_server: LiveServer, browser_errors: BrowserErrors
) -> None:
    browser_errors.allow(FAILED_LOAD.format(422))
    page = new_context(java_script_enabled=False).new_page()
    user_id = make_member(live_server.app, "Amira Khan", email=EMAIL, profile=False)
    log_in(page, EMAIL, next_path="/profile/about")
    assert path_of(page) == "/profile/about"
    assert page.evaluate("typeof htmx") == "undefined"

    # Errors come back as a whole page.
    page.get_by_label("Full name").fill("")
    page.get_by_role("button", name="Save and continue").click()
    expect(page).to_have_title(re.compile(r"^Error: About you"))
    expect(page.locator(".error-summary")).to_contain_text("Enter your full name.")
    assert path_of(page) == "/profile/about"

    page.get_by_label("Full name").fill(NAME)
    page.get_by_label("Medical school, trust or hospital").fill("Royal Victoria Hospital")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="Specialties and goals (step 2 of 4)")).to_be_visible()
    assert path_of(page) == "/profile/focus"

    page.get_by_label("Anaesthetics", exact=True).check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="Interests (step 3 of 4)")).to_be_visible()
    assert path_of(page) == "/profile/interests"

    page.get_by_role("combobox", name="Interests").fill("line dancing")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="What you're looking for (step 4 of 4)")).to_be_visible()
    assert path_of(page) == "/profile/looking-for"

    page.get_by_label("Video call", exact=True).check()
    page.get_by_role("button", name="Finish").click()
    expect(status(page)).to_contain_text("Your profile is ready")
    assert path_of(page) == f"/people/{user_id}"
    expect(page.get_by_role("heading", level=1)).to_have_text(NAME)
    expect(page.get_by_text("Royal Victoria Hospital")).to_be_visible()
    expect(page.get_by_role("region", name="Interests")).to_contain_text("line dancing")
    expect(page.get_by_text("Happy to meet by video call.")).to_be_visible()


# --- The directory --------------------------------------------------------------------------------

FIRST = ["Priya", "Tom", "Siobhán", "Lan", "Kwame", "Marian", "Steve", "Aisha", "Rhys", "Mei"]
LAST = ["Raman", "Okafor", "Briain", "Nguyen", "Mensah", "Hughes"]
CARDIOLOGISTS, IN_LONDON, OTHERS = 22, 6, 8


def seed_directory(live_server: LiveServer) -> None:
    """30 members: 22 in cardiology (6 of them in London), 8 in other specialties."""
    names = iter(f"{first} {last}" for last in LAST for first in FIRST)
    members = [
        {
            "name": next(names),
            "organisation": "Leeds Teaching Hospitals",
            "specialties": ["cardiology"],
            "region": "london" if number < IN_LONDON else "yorkshire_humber",
            "interests": ["cycling"],
        }
        for number in range(CARDIOLOGISTS)
    ] + [
        {"name": next(names), "specialties": ["psychiatry"], "region": "london", "interests": ["choir"]}
        for _ in range(OTHERS)
    ]
    add_members(live_server.app, members)


def results_heading(page: Page):
    return page.locator("#results").get_by_role("heading", level=2)


def test_directory_live_search_filters_paging_and_history(page: Page, live_server: LiveServer) -> None:
    seed_directory(live_server)
    make_member(live_server.app, "Amira Khan", email=EMAIL, profile=False)  # no profile: not listed
    log_in(page, EMAIL)
    page.goto("/people")
    expect(results_heading(page)).to_have_text("30 members")
    expect(page.get_by_role("navigation", name="Result pages")).to_contain_text("Page 1 of 2")
    wait_for_htmx(page)
    mark_document(page)
    searches: list[str] = []

    def record(request: Request) -> None:
        if request.headers.get("hx-request") == "true" and urlsplit(request.url).path == "/people":
            searches.append(request.url)

    page.on("request", record)

    # Typing searches once the typing pauses, without loading a page.
    search = page.get_by_role("searchbox", name="Search")
    search.focus()
    page.keyboard.type("cardio")
    expect(results_heading(page)).to_have_text(f"{CARDIOLOGISTS} members matching “cardio”")
    expect(status(page)).to_have_text(f"{CARDIOLOGISTS} members found")
    expect(page).to_have_url(re.compile(r"[?&]q=cardio(&|$)"))
    assert query_of(page)["q"] == ["cardio"]
    assert same_document(page)
    assert 1 <= len(searches) < len("cardio"), searches
    assert parse_qs(urlsplit(searches[-1]).query)["q"] == ["cardio"]
    expect(search).to_be_focused()  # the results are swapped in; focus stays in the search box
    expect(page.locator("#results .person-card")).to_have_count(20)

    # A filter narrows the same search.
    page.get_by_label("Region").select_option(label="London")
    expect(results_heading(page)).to_have_text(f"{IN_LONDON} members matching “cardio”")
    expect(status(page)).to_have_text(f"{IN_LONDON} members found")
    expect(page).to_have_url(re.compile(r"[?&]region=london(&|$)"))
    assert query_of(page)["q"] == ["cardio"]
    expect(page.locator("#results .person-card h3 a")).to_have_count(IN_LONDON)
    expect(page.get_by_role("navigation", name="Result pages")).to_have_count(0)
    assert same_document(page)

    # Back: the page before the filter, reloaded from the server (htmx keeps no history cache).
    # Waiting for the reload's load event also means htmx is listening again before the next step.
    with page.expect_event("load"):
        page.go_back()
    expect(results_heading(page)).to_have_text(f"{CARDIOLOGISTS} members matching “cardio”")
    assert query_of(page)["q"] == ["cardio"] and query_of(page).get("region", [""]) == [""]
    expect(search).to_have_value("cardio")
    expect(page.get_by_label("Region")).to_have_value("")

    # Forward: the filtered search again.
    with page.expect_event("load"):
        page.go_forward()
    expect(results_heading(page)).to_have_text(f"{IN_LONDON} members matching “cardio”")
    assert query_of(page)["region"] == ["london"]
    expect(search).to_have_value("cardio")
    expect(page.get_by_label("Region")).to_have_value("london")

    # Paging keeps the search.
    with page.expect_event("load"):
        page.go_back()
    expect(results_heading(page)).to_have_text(f"{CARDIOLOGISTS} members matching “cardio”")
    pages = page.get_by_role("navigation", name="Result pages")
    pages.get_by_role("link", name="Next").click()
    expect(pages).to_contain_text("Page 2 of 2")
    assert query_of(page)["page"] == ["2"] and query_of(page)["q"] == ["cardio"]
    expect(page.locator("#results .person-card")).to_have_count(CARDIOLOGISTS - 20)
    expect(results_heading(page)).to_have_text(f"{CARDIOLOGISTS} members matching “cardio”")
    pages.get_by_role("link", name="Previous").click()
    expect(pages).to_contain_text("Page 1 of 2")
    expect(page.locator("#results .person-card")).to_have_count(20)

    # A result leads to the member's profile.
    first = page.locator("#results .person-card h3 a").first
    name = first.inner_text()
    first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)


def test_directory_without_javascript(
    new_context: Callable[..., BrowserContext], live_server: LiveServer
) -> None:
    seed_directory(live_server)
    make_member(live_server.app, "Amira Khan", email=EMAIL, profile=False)
    page = new_context(java_script_enabled=False).new_page()
    log_in(page, EMAIL)
    page.goto("/people")
    expect(results_heading(page)).to_have_text("30 members")

    page.get_by_label("Search").fill("cycling")
    page.get_by_label("Specialty").select_option(label="Cardiology")
    page.get_by_label("Region").select_option(label="London")
    page.get_by_role("button", name="Search").click()
    expect(results_heading(page)).to_have_text(f"{IN_LONDON} members matching “cycling”")
    query = query_of(page)
    assert (query["q"], query["specialty"], query["region"]) == (["cycling"], ["cardiology"], ["london"])
    expect(page.locator("#results .person-card")).to_have_count(IN_LONDON)
    expect(page.get_by_label("Search")).to_have_value("cycling")

    page.get_by_label("Search").fill("nobody-matches-this")
    page.get_by_label("Search").press("Enter")
    expect(results_heading(page)).to_have_text("0 members matching “nobody-matches-this”")
    expect(page.get_by_text("No one matches that yet.")).to_be_visible()
