"""Accounts in a real browser: signup to password reset, htmx settings, keyboard use, error pages."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import BrowserContext, Page, expect

from mentormatch.core.htmx import HTMX_VERSION
from tests.browser.conftest import BrowserErrors, LiveServer
from tests.browser.helpers import FAILED_LOAD, path_of, status, tab_to, wait_for_htmx
from tests.factories import make_member
from tests.helpers import PASSWORD

NAME = "Siobhán Ó Briain"
EMAIL = "siobhan@example.ac.uk"
NEW_PASSWORD = "violet kettle harbour mornings"


def log_in(page: Page, email: str, password: str) -> None:
    """Submit the login form (whether or not the password is right)."""
    page.goto("/auth/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()


def test_htmx_loads_under_the_csp_with_its_sri_hash(page: Page) -> None:
    page.goto("/")
    wait_for_htmx(page)
    assert page.evaluate("typeof htmx !== 'undefined' && htmx.version") == HTMX_VERSION
    # The <meta name="htmx-config"> settings were read: no eval, no inline indicator styles.
    assert page.evaluate("[htmx.config.allowEval, htmx.config.includeIndicatorStyles]") == [False, False]


def test_signup_verify_login_logout_and_reset_password(
    page: Page, live_server: LiveServer, browser_errors: BrowserErrors
) -> None:
    browser_errors.allow(FAILED_LOAD.format(422))  # logging in with the old password
    page.goto("/")
    page.get_by_role("link", name="Sign up").click()
    expect(page.get_by_role("heading", name="Create your account")).to_be_visible()
    page.get_by_label("Full name").fill(NAME)
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Career stage").select_option(label="Foundation doctor (FY1–FY2)")
    page.get_by_label("I agree to the terms of use and the privacy notice").check()
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    assert path_of(page) == "/auth/check-email"
    expect(page.get_by_text(EMAIL)).to_be_visible()

    # The verification email reaches the SMTP server; its link points at this server.
    verify = live_server.wait_for_email(EMAIL, "verify_email")
    page.goto(live_server.link_in(verify, "/auth/verify/"))
    assert path_of(page).startswith("/auth/login?email=")
    expect(status(page)).to_contain_text("Thank you, your email address is confirmed.")
    expect(status(page)).to_contain_text("Log in to set up your profile.")
    expect(page.get_by_label("Email address")).to_have_value(EMAIL)

    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    # Verified and logged in: straight on to setting up the profile.
    expect(page.get_by_role("heading", name="Set up your profile")).to_be_visible()
    assert path_of(page) == "/profile/about"
    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", name=f"Hello, {NAME}")).to_be_visible()
    # Finished steps are no longer listed: the email is confirmed.
    expect(page.get_by_role("heading", name="Confirm your email address")).to_have_count(0)

    page.get_by_role("button", name="Log out").click()
    expect(status(page)).to_contain_text("You've logged out.")
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)

    # Forgotten password: the link comes by email, the new password replaces the old one.
    page.goto("/auth/login")
    page.get_by_role("link", name="Forgotten your password?").click()
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    reset = live_server.wait_for_email(EMAIL, "reset_password")
    page.goto(live_server.link_in(reset, "/auth/reset/"))
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save password").click()
    expect(status(page)).to_contain_text("Your password is set. Log in with your new password.")
    assert path_of(page).startswith("/auth/login")
    live_server.wait_for_email(EMAIL, "password_changed")

    log_in(page, EMAIL, PASSWORD)
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    expect(page.get_by_text("The email address or password is incorrect.").first).to_be_visible()

    log_in(page, EMAIL, NEW_PASSWORD)
    expect(page.get_by_role("heading", name=f"Hello, {NAME}")).to_be_visible()


def test_settings_change_password_with_htmx(
    page: Page,
    new_context: Callable[[], BrowserContext],
    live_server: LiveServer,
    browser_errors: BrowserErrors,
) -> None:
    browser_errors.allow(FAILED_LOAD.format(422))  # the section with errors comes back as a 422
    make_member(live_server.app, NAME, email=EMAIL, profile=False)
    elsewhere = new_context().new_page()
    log_in(elsewhere, EMAIL, PASSWORD)
    expect(elsewhere.get_by_role("heading", name=f"Hello, {NAME}")).to_be_visible()

    log_in(page, EMAIL, PASSWORD)
    page.get_by_role("link", name="Settings").click()
    section = page.locator("#password-section")
    expect(section.get_by_role("heading", name="Change your password")).to_be_visible()
    wait_for_htmx(page)
    # Survives only as long as this document: a full page load would remove it.
    page.evaluate("window.__sameDocument = 'yes'")

    section.get_by_label("Current password").fill("not my password at all")
    section.get_by_label("New password").fill(NEW_PASSWORD)
    section.get_by_role("button", name="Change password").click()
    summary = section.locator(".error-summary")
    expect(summary).to_contain_text("That isn't your current password.")
    expect(summary).to_be_focused()
    expect(section.get_by_label("Current password")).to_have_attribute("aria-invalid", "true")
    assert page.evaluate("window.__sameDocument") == "yes"
    assert path_of(page) == "/settings"

    section.get_by_label("Current password").fill(PASSWORD)
    section.get_by_label("New password").fill(NEW_PASSWORD)
    section.get_by_role("button", name="Change password").click()
    expect(status(page)).to_contain_text("Your password is changed. You've been logged out everywhere else.")
    expect(section.locator(".error-summary")).to_have_count(0)
    expect(section.get_by_label("Current password")).to_have_value("")
    assert page.evaluate("window.__sameDocument") == "yes"

    # This session carries on; the other one has ended.
    page.reload()
    expect(page.get_by_role("heading", name="Settings")).to_be_visible()
    elsewhere.goto("/settings")
    assert path_of(elsewhere).startswith("/auth/login")
    expect(elsewhere.get_by_role("heading", name="Log in")).to_be_visible()
    expect(status(elsewhere)).to_contain_text("Please log in to see that page.")


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(page: Page) -> None:
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_signup_with_the_keyboard_only(page: Page, live_server: LiveServer) -> None:
    page.goto("/auth/signup")
    tab_to(page, page.get_by_label("Full name"))
    page.keyboard.type(NAME)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Email address")).to_be_focused()
    page.keyboard.type(EMAIL)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password", exact=True)).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    career_stage = page.get_by_label("Career stage")
    expect(career_stage).to_be_focused()
    page.keyboard.type("Foundation")  # type-ahead picks the option
    expect(career_stage).to_have_value("foundation_doctor")
    page.keyboard.press("Tab")
    terms = page.get_by_label("I agree to the terms of use and the privacy notice")
    expect(terms).to_be_focused()
    page.keyboard.press("Space")
    expect(terms).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Create account"))
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    assert path_of(page) == "/auth/check-email"
    live_server.wait_for_email(EMAIL, "verify_email")


def test_unknown_url_shows_the_404_page_in_the_site_layout(page: Page, browser_errors: BrowserErrors) -> None:
    browser_errors.allow(FAILED_LOAD.format(404))
    response = page.goto("/no-such-page")
    assert response is not None and response.status == 404
    expect(page).to_have_title("Page not found · MentorMatch")
    expect(page.get_by_role("heading", level=1, name="Page not found")).to_be_visible()
    expect(page.get_by_text("Error 404")).to_be_visible()
    expect(page.get_by_role("link", name="MentorMatch")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Log in")).to_be_visible()
    expect(page.get_by_role("contentinfo").get_by_role("link", name="Privacy notice")).to_be_visible()
    page.get_by_role("link", name="Go to the home page").click()
    assert path_of(page) == "/"
