"""The appraisal record in a real browser: axe finds nothing on it, printing drops the site's header
and the form, and the PDF link downloads a PDF that pypdf reads; the health charts pass axe too."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import Page, expect
from pypdf import PdfReader

from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.mentoring.models import MENTORING, Connection
from mentormatch.mentoring.pair_models import HELD, Goal, Meeting, PairNote
from tests.browser.conftest import BrowserErrors, LiveServer
from tests.browser.helpers import FAILED_LOAD, log_in
from tests.browser.test_admin_reports import assert_no_axe_violations
from tests.factories import make_member

MENTOR = "tom@example.org"
ADMIN = "helen@example.ac.uk"


def seed(live_server: LiveServer) -> None:
    """Tom mentors Priya: a meeting held 30 days ago, a goal and a private note."""
    app = live_server.app
    tom = make_member(app, "Tom Okafor", email=MENTOR, stage="consultant", mentor=True)
    priya = make_member(app, "Priya Shah")
    with app.app_context():
        connection = Connection(
            kind=MENTORING, first_id=tom, second_id=priya, started_at=utcnow() - timedelta(days=60)
        )
        db.session.add(connection)
        db.session.flush()
        db.session.add(
            Meeting(
                connection_id=connection.id,
                uid="browser-record@test",
                status=HELD,
                starts_at=utcnow() - timedelta(days=30),
                minutes=90,
                mode="video",
            )
        )
        db.session.add(Goal(connection_id=connection.id, title="Prepare for interviews"))
        db.session.add(
            PairNote(connection_id=connection.id, owner_id=tom, body="She knows more than she thinks.")
        )
        db.session.commit()


def test_the_record_passes_axe_prints_without_the_site_and_downloads_a_pdf(
    page: Page, live_server: LiveServer, browser_errors: BrowserErrors
) -> None:
    browser_errors.allow(FAILED_LOAD.format(422))  # the form with bad dates comes back as a 422
    seed(live_server)
    log_in(page, MENTOR)
    page.goto("/connections")
    page.get_by_role("link", name="Your mentoring record for appraisal").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your mentoring record")
    expect(page.get_by_role("table", name="People mentored")).to_contain_text("Priya Shah")
    assert_no_axe_violations(page, live_server)

    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("button", name="Show this period")).to_be_hidden()
    expect(page.get_by_text("She knows more than she thinks.")).to_be_visible()
    page.emulate_media(media="screen")

    page.get_by_label("From", exact=True).fill("2020-01-01")
    page.get_by_label("To", exact=True).fill("2019-01-01")
    page.get_by_role("button", name="Show this period").click()
    expect(page.get_by_role("alert")).to_contain_text("The end of the period must be on or after its start.")
    assert_no_axe_violations(page, live_server)

    page.get_by_label("To", exact=True).fill("2099-01-01")
    page.get_by_role("button", name="Show this period").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as PDF").click()
    assert re.fullmatch(r"mentoring-record-2020-01-01-to-2099-01-01\.pdf", download.value.suggested_filename)
    text = "".join(p.extract_text() for p in PdfReader(download.value.path()).pages)
    assert "Tom Okafor" in text and "Priya Shah" in text and "1.5 hours" in text


def test_the_health_chart_is_an_image_named_by_its_title_and_passes_axe(
    page: Page, live_server: LiveServer
) -> None:
    seed(live_server)
    make_member(live_server.app, "Helen Carter", email=ADMIN, stage="consultant", admin=True, profile=False)
    log_in(page, ADMIN)
    page.goto("/admin/reports#health-title")

    expect(
        page.get_by_role("img", name=re.compile(r"^Time from connecting to the first meeting"))
    ).to_be_visible()
    expect(
        page.get_by_role("table", name="Current connections with a meeting in the last 60 days")
    ).to_contain_text("100%")
    assert_no_axe_violations(page, live_server)
