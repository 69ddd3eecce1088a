"""Automated accessibility checks with axe-core on the main pages, in the states people see them in.

axe-core comes from node_modules (pinned in package.json) and is loaded by a <script src> from the
live server's own origin (conftest routes AXE_PATH to the file), so the pages keep their real CSP:
script-src 'self' admits it, and anything else the CSP forbids still fails the test. Playwright's
add_script_tag(path=...) would inject the file inline, which the CSP refuses; bypass_csp=True
would switch the CSP off and hide exactly the kind of breakage these tests should catch.

A violation of impact "serious" or "critical" fails the test; lesser ones are printed (see them
with `pytest -s`).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import AXE_PATH, BrowserErrors, LiveServer
from tests.browser.helpers import FAILED_LOAD, add_members, log_in, status
from tests.factories import make_member
from tests.helpers import PASSWORD

EMAIL = "amira@example.ac.uk"
FAILING_IMPACTS = ("serious", "critical")

# Violations, and what axe couldn't decide ("incomplete": to review by hand), reduced to what a
# message needs.
RUN_AXE = """
async () => {
  const results = await axe.run(document, { resultTypes: ["violations", "incomplete"] });
  const brief = (item) => ({
    id: item.id,
    impact: item.impact,
    help: item.help,
    helpUrl: item.helpUrl,
    targets: item.nodes.map((node) => node.target.join(" ")),
  });
  return { violations: results.violations.map(brief), incomplete: results.incomplete.map(brief) };
}
"""


def run_axe(page: Page, live_server: LiveServer) -> dict[str, list[dict]]:
    page.wait_for_load_state("load")
    if page.evaluate("typeof axe") == "undefined":
        page.add_script_tag(url=live_server.url + AXE_PATH)
    return page.evaluate(RUN_AXE)


def describe(violations: list[dict]) -> str:
    return "\n".join(
        f"  {item['id']} ({item['impact']}): {item['help']}\n    {item['helpUrl']}\n"
        + "".join(f"    - {target}\n" for target in item["targets"])
        for item in violations
    )


def check(page: Page, live_server: LiveServer, what: str) -> None:
    """Fail on serious or critical violations on the page as it is now."""
    results = run_axe(page, live_server)
    failing = [item for item in results["violations"] if item["impact"] in FAILING_IMPACTS]
    lesser = [item for item in results["violations"] if item["impact"] not in FAILING_IMPACTS]
    if lesser:
        print(f"\naxe, {what}: lesser violations\n{describe(lesser)}")
    if results["incomplete"]:
        print(f"\naxe, {what}: to review by hand\n{describe(results['incomplete'])}")
    assert not failing, (
        f"axe found serious or critical violations on {what} ({page.url}):\n{describe(failing)}"
    )


def test_axe_runs_under_the_pages_csp_and_finds_violations(page: Page, live_server: LiveServer) -> None:
    response = page.goto("/auth/login")
    assert response is not None and "script-src 'self'" in response.headers["content-security-policy"]
    assert run_axe(page, live_server)["violations"] == []
    # The check isn't vacuous: an input without a label is caught, as "critical".
    page.evaluate("document.querySelector('main').append(document.createElement('input'))")
    violations = run_axe(page, live_server)["violations"]
    assert [(item["id"], item["impact"], item["targets"]) for item in violations] == [
        ("label", "critical", ["#main > input"])
    ]


def test_signup_empty_and_with_errors(
    page: Page, live_server: LiveServer, browser_errors: BrowserErrors
) -> None:
    browser_errors.allow(FAILED_LOAD.format(422))
    page.goto("/auth/signup")
    check(page, live_server, "the signup page")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator(".error-summary")).to_be_visible()
    check(page, live_server, "the signup page with errors")


def test_onboarding_steps(page: Page, live_server: LiveServer, browser_errors: BrowserErrors) -> None:
    browser_errors.allow(FAILED_LOAD.format(422))
    make_member(live_server.app, "Amira Khan", email=EMAIL, profile=False)
    log_in(page, EMAIL, next_path="/profile/about")
    check(page, live_server, "onboarding step 1")

    page.get_by_label("Full name").fill("")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".error-summary")).to_be_focused()
    check(page, live_server, "onboarding step 1 with errors")

    # The next steps as htmx swaps them in.
    page.get_by_label("Full name").fill("Amira Khan")
    for heading in ("Specialties and goals", "Interests", "What you're looking for"):
        page.get_by_role("button", name="Save and continue").click()
        expect(page.locator("#step-title")).to_contain_text(heading)
        expect(page.locator("#step-title")).to_be_focused()  # the step heading, announced on swap
        check(page, live_server, f"onboarding step “{heading}”")


@pytest.fixture
def member(live_server: LiveServer) -> dict[str, int]:
    """A logged-in member with a full profile, and a few others in the directory."""
    ids = add_members(
        live_server.app,
        [
            {
                "name": "Amira Khan",
                "email": EMAIL,
                "password": PASSWORD,
                "stage": "foundation_doctor",
                "stage_detail": "FY2",
                "organisation": "Leeds Teaching Hospitals",
                "department": "Acute medicine",
                "region": "yorkshire_humber",
                "about": "Foundation doctor in Leeds. " * 8,
                "looking_for": "Someone to talk through a cardiology career with.",
                "specialties": ["cardiology"],
                "interests": ["cycling", "choir"],
                "meet_video": True,
                "availability_hours": 2,
            },
            {
                "name": "Priya Raman",
                "stage": "specialty_trainee",
                "organisation": "Leeds Teaching Hospitals",
                "department": "Cardiology",
                "region": "yorkshire_humber",
                "specialties": ["cardiology"],
                "interests": ["cycling"],
                "mentor_status": "approved",
                "offers_mentoring": True,
            },
            {"name": "Tom Okafor", "stage": "medical_student", "interests": ["running"]},
        ],
    )
    return {"own": ids[0], "other": ids[1]}


def test_member_pages(page: Page, live_server: LiveServer, member: dict[str, int]) -> None:
    log_in(page, EMAIL)
    expect(page.get_by_role("heading", name="Hello, Amira Khan")).to_be_visible()
    check(page, live_server, "the dashboard")

    page.goto(f"/people/{member['own']}")
    expect(page.get_by_role("heading", name="Profile strength")).to_be_visible()
    check(page, live_server, "your own profile page")

    page.goto(f"/people/{member['other']}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Priya Raman")
    check(page, live_server, "another member's profile page")

    page.goto("/people")
    expect(page.locator(".results-count")).to_have_text("3 members")
    check(page, live_server, "the directory with results")

    page.get_by_role("searchbox", name="Search").fill("zzzz")
    expect(status(page)).to_have_text("0 members found")
    expect(page.get_by_text("No one matches that yet.")).to_be_visible()
    check(page, live_server, "the directory with no results")

    page.goto("/settings")
    expect(page.get_by_role("heading", level=1, name="Settings")).to_be_visible()
    check(page, live_server, "the settings page")
