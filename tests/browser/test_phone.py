"""On a phone (390×844): the header is one bar whose menu works by keyboard and without JavaScript,
the first match card's buttons show without scrolling, asking says so in the card, no page scrolls
sideways; on a wide screen every role's links sit in one row beside the logo; the icons are served."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import LiveServer
from tests.browser.helpers import (
    MATCHES_EMAIL as EMAIL,
)
from tests.browser.helpers import (
    MATCHES_MENTOR as TOM_EMAIL,
)
from tests.browser.helpers import (
    add_people_who_fit,
    log_in,
    path_of,
    status,
    tab_to,
    wait_for_htmx,
)
from tests.factories import make_member

PHONE = {"width": 390, "height": 844}
ADMIN = "helen@example.org"
MENTOR = "tom@example.org"


@pytest.fixture
def people(live_server: LiveServer) -> dict[str, int]:
    return add_people_who_fit(live_server.app)


def nav_link(page: Page, name: str):
    """A link of the main menu, shown or not (get_by_role only finds it while the menu is open)."""
    return page.locator(".site-nav a").filter(has_text=re.compile(f"^{name}$"))


def on_a_phone(new_context: Callable[..., BrowserContext], **options: object) -> Page:
    return new_context(viewport=PHONE, is_mobile=True, has_touch=True, **options).new_page()


def menu_button(page: Page):
    return page.locator("summary.menu-button")


def menu_expanded(page: Page) -> bool:
    """The Menu button's expanded state (aria-expanded) as Chromium gives it to screen readers."""
    tree = page.context.new_cdp_session(page).send("Accessibility.getFullAXTree")["nodes"]
    return next(
        item["value"]["value"]
        for node in tree
        if node.get("name", {}).get("value") == "Menu"
        for item in node.get("properties", [])
        if item["name"] == "expanded"
    )


def main_links(page: Page):
    return page.get_by_role("navigation", name="Main").get_by_role("link")


def test_the_header_is_one_bar_and_the_menu_opens_and_closes_by_keyboard(new_context, people) -> None:
    page = on_a_phone(new_context)
    log_in(page, EMAIL)
    wait_for_htmx(page)
    header, brand, button = page.locator(".site-header"), page.locator(".brand"), menu_button(page)
    assert header.bounding_box()["height"] <= 64  # one bar
    assert abs(brand.bounding_box()["y"] - button.bounding_box()["y"]) < 16  # side by side
    assert button.bounding_box()["height"] >= 44
    expect(nav_link(page, "Matches")).to_be_hidden()

    tab_to(page, button)
    page.keyboard.press("Enter")
    links = main_links(page)
    expect(links.first).to_be_visible()
    assert links.count() == 8  # a student: no Mentoring, no Admin
    for link in links.all():
        assert link.bounding_box()["height"] >= 44, link.inner_text()
    expect(nav_link(page, "Dashboard")).to_have_attribute("aria-current", "page")
    assert page.get_by_role("button", name="Log out").bounding_box()["height"] >= 44
    # The browser reports the disclosure's state (aria-expanded) from <details open>.
    assert page.locator("[data-site-menu]").evaluate("menu => menu.open")
    assert menu_expanded(page) is True

    page.keyboard.press("Escape")
    expect(links.first).to_be_hidden()
    expect(button).to_be_focused()
    assert menu_expanded(page) is False
    page.keyboard.press("Enter")
    expect(nav_link(page, "Matches")).to_be_visible()
    page.keyboard.press("Enter")  # the focus is still on the button: it closes again
    expect(nav_link(page, "Matches")).to_be_hidden()

    # Opened, then to another page: the one you're on is marked.
    button.click()
    nav_link(page, "Matches").click()
    expect(page).to_have_url(re.compile(r"/matches$"))
    button.click()
    expect(nav_link(page, "Matches")).to_have_attribute("aria-current", "page")


def test_the_menu_works_without_javascript(new_context, people) -> None:
    page = on_a_phone(new_context, java_script_enabled=False)
    log_in(page, EMAIL)
    expect(nav_link(page, "People")).to_be_hidden()
    menu_button(page).click()
    nav_link(page, "People").click()
    assert path_of(page) == "/people"
    menu_button(page).focus()
    page.keyboard.press("Enter")
    expect(nav_link(page, "Requests")).to_be_visible()
    page.keyboard.press("Enter")
    expect(nav_link(page, "Requests")).to_be_hidden()


@pytest.mark.parametrize("width", [1056, 1280, 1600])
def test_on_a_wide_screen_every_roles_links_sit_in_one_row(
    new_context, live_server: LiveServer, width
) -> None:
    make_member(live_server.app, "Helen Carter", email=ADMIN, stage="consultant", admin=True, mentor=True)
    page = new_context(viewport={"width": width, "height": 800}).new_page()
    log_in(page, ADMIN)
    expect(menu_button(page)).to_be_hidden()
    links = main_links(page)
    assert links.count() == 10  # the most links: a mentor who is also an admin, and Log out besides
    tops = {round(link.bounding_box()["y"]) for link in links.all()}
    assert len(tops) == 1, f"the links wrap at {width}px: {tops}"
    brand = page.locator(".brand").bounding_box()
    assert abs(brand["y"] + brand["height"] / 2 - (links.first.bounding_box()["y"] + 10)) < 20
    assert page.locator(".site-header").bounding_box()["height"] <= 64


def test_the_first_match_cards_buttons_show_without_scrolling_and_asking_says_so(
    new_context, live_server: LiveServer, people
) -> None:
    page = on_a_phone(new_context)
    log_in(page, EMAIL)
    page.goto("/matches")
    wait_for_htmx(page)
    card = page.locator(".match-card").first
    ask = card.get_by_role("link", name=re.compile("^Ask for mentoring"))
    not_for_me = card.get_by_role("button", name=re.compile("^Not for me"))
    for button in (ask, not_for_me):
        box = button.bounding_box()
        assert box["y"] + box["height"] <= PHONE["height"], "below the fold"
        assert box["height"] >= 44
    assert page.evaluate("window.scrollY") == 0

    ask.click()
    message = card.get_by_label("What do you hope to get from mentoring?")
    expect(message).to_be_focused()
    send = card.get_by_role("button", name=re.compile("^Send request"))
    expect(send).to_be_in_viewport()  # the form scrolled its Send button into view
    message.fill("Help choosing a research project in cardiology before finals.")
    send.click()
    expect(card.get_by_text(re.compile(r"^Request sent to"))).to_be_focused()
    expect(ask).to_be_hidden()
    expect(not_for_me).to_be_hidden()
    withdraw = card.get_by_role("button", name=re.compile("^Withdraw"))
    expect(withdraw).to_be_visible()
    live_server.wait_for_email(TOM_EMAIL, "request_received")

    withdraw.click()
    expect(page).to_have_url(re.compile(r"/requests$"))
    expect(status(page)).to_contain_text("You withdrew your request to Tom Okafor.")


PAGES = {
    "anonymous": ["/", "/auth/signup", "/auth/login", "/auth/reset", "/privacy", "/terms"],
    "student": [
        "/",
        "/matches",
        "/matches?tab=peers",
        "/people",
        "/people?region=london",
        "/requests",
        "/connections",
        "/settings",
        "/profile/about",
        "/people/{own}",
    ],
    "admin": [
        "/",
        "/admin/",
        "/admin/mentors",
        "/admin/reports",
        "/admin/rounds",
        "/admin/audit",
        "/admin/import",
        "/mentor",
    ],
}


def test_no_page_scrolls_sideways_on_a_phone(new_context, live_server: LiveServer, people) -> None:
    make_member(live_server.app, "Helen Carter", email=ADMIN, stage="consultant", admin=True, mentor=True)
    for role, paths in PAGES.items():
        page = on_a_phone(new_context)
        if role != "anonymous":
            log_in(page, EMAIL if role == "student" else ADMIN)
        for path in paths:
            page.goto(path.format(own=people["priya"]))
            page.wait_for_load_state("load")
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], f"{path} as {role} is {width}px wide"
            assert page.locator(".site-header").bounding_box()["height"] <= 64, path


def test_the_icons_and_the_manifest_are_served(page: Page, live_server: LiveServer) -> None:
    page.goto("/")
    icon = page.request.get("/favicon.ico")
    assert icon.status == 200 and icon.headers["content-type"] == "image/vnd.microsoft.icon"
    assert icon.body()[:4] == b"\x00\x00\x01\x00"  # an ICO file
    links = page.locator('link[rel="icon"], link[rel="apple-touch-icon"], link[rel="manifest"]')
    assert links.count() == 4
    for href in links.evaluate_all("links => links.map(link => link.href)"):
        assert page.request.get(href).status == 200, href
    manifest = page.request.get("/manifest.webmanifest")
    assert manifest.headers["content-type"].startswith("application/manifest+json")
    body = manifest.json()
    assert body["name"] == "MentorMatch" and body["theme_color"] == "#0b5563"
    for icon in body["icons"]:
        assert page.request.get(icon["src"]).status == 200, icon["src"]
    expect(page.locator('meta[name="theme-color"]')).to_have_attribute("content", "#0b5563")
    expect(page.locator('meta[name="description"]')).to_have_attribute(
        "content", re.compile(r"mentors and peers")
    )
