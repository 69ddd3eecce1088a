"""The reports page in a real browser: axe finds no violations at all, with figures and when empty;
the charts are images named by their titles, under the page's real CSP; a CSV downloads."""

from __future__ import annotations

import csv
import io
import re

from playwright.sync_api import Page, expect

from mentormatch.core.extensions import db
from mentormatch.mentoring.models import ACCEPTED, DECLINED, MENTORING, PEER, PENDING, Connection
from tests.browser.conftest import LiveServer
from tests.browser.helpers import log_in
from tests.browser.test_accessibility import describe, run_axe
from tests.factories import make_member
from tests.test_reports import H, W, add_connection, add_request, this_monday

ADMIN = "helen@example.ac.uk"


def seed(live_server: LiveServer) -> None:
    app = live_server.app
    student = make_member(app, region="london", specialties=["cardiology", "paediatrics"])
    doctor = make_member(app, stage="foundation_doctor", region="wales", specialties=["cardiology"])
    mentor = make_member(
        app, stage="consultant", region="london", specialties=["cardiology"], mentor=True, capacity=3
    )
    make_member(app, stage="gp", specialties=["general_practice"], mentor="pending", capacity=2)
    monday = this_monday()
    with app.app_context():
        add_request(student, mentor, MENTORING, ACCEPTED, monday - 2 * W, took=5 * H)
        add_request(doctor, mentor, MENTORING, DECLINED, monday - W, took=26 * H)
        add_request(doctor, student, PEER, PENDING, monday + H)
        add_connection(MENTORING, mentor, student)
        db.session.commit()
        assert db.session.query(Connection).count() == 1


def open_reports(page: Page, live_server: LiveServer) -> None:
    make_member(live_server.app, "Helen Carter", email=ADMIN, stage="consultant", admin=True, profile=False)
    log_in(page, ADMIN)
    page.goto("/admin/reports")
    expect(page.get_by_role("heading", level=1)).to_have_text("Programme reports")


def assert_no_axe_violations(page: Page, live_server: LiveServer) -> None:
    violations = run_axe(page, live_server)["violations"]
    assert violations == [], f"axe found violations on {page.url}:\n{describe(violations)}"


def test_the_reports_page_passes_axe_with_figures(page: Page, live_server: LiveServer) -> None:
    seed(live_server)
    open_reports(page, live_server)

    assert_no_axe_violations(page, live_server)
    expect(page.get_by_role("img", name=re.compile(r"^Supply and demand by specialty "))).to_be_visible()
    expect(page.get_by_role("img", name=re.compile(r"^Requests sent and accepted each week"))).to_be_visible()
    expect(page.get_by_role("table", name="Time to a mentor's answer")).to_contain_text("15 hours 30 minutes")
    # A table its chart already shows is folded under the chart until asked for.
    expect(page.get_by_role("table", name="Supply and demand by specialty")).to_have_count(0)
    page.get_by_text("“Supply and demand by specialty” as a table").click()
    expect(
        page.get_by_role("table", name="Supply and demand by specialty").locator("tbody tr")
    ).to_have_count(2)


def test_a_csv_downloads(page: Page, live_server: LiveServer) -> None:
    seed(live_server)
    open_reports(page, live_server)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download “Mentors approved and waiting” as CSV").click()

    assert re.fullmatch(r"mentormatch-mentors-\d{4}-\d\d-\d\d\.csv", download.value.suggested_filename)
    text = download.value.path().read_text(encoding="utf-8-sig")
    assert list(csv.reader(io.StringIO(text))) == [
        ["Status", "Mentors", "Places offered", "Places taken", "Free places"],
        ["Approved", "1", "3", "0", "3"],
        ["Waiting for approval", "1", "2", "0", "0"],
    ]


def test_the_empty_reports_page_passes_axe(page: Page, live_server: LiveServer) -> None:
    open_reports(page, live_server)

    assert_no_axe_violations(page, live_server)
    expect(page.get_by_text("No members yet.", exact=True)).to_be_visible()
    expect(page.locator("svg")).to_have_count(0)


def test_on_a_phone_wide_tables_and_charts_scroll(page: Page, live_server: LiveServer) -> None:
    seed(live_server)
    page.set_viewport_size({"width": 360, "height": 740})
    open_reports(page, live_server)

    region = page.get_by_role("region", name="Requests sent and what became of them")
    assert region.evaluate("element => element.scrollWidth > element.clientWidth")
    region.focus()
    expect(region).to_be_focused()
    for _ in range(40):
        page.keyboard.press("ArrowRight")
        if region.evaluate("element => element.scrollLeft") > 0:
            break
        page.wait_for_timeout(50)
    assert region.evaluate("element => element.scrollLeft") > 0
    # A chart keeps a readable size and its frame scrolls instead; the page still passes axe.
    frame = page.get_by_role("group", name=re.compile(r"^Supply and demand by specialty"))
    assert frame.evaluate("element => element.scrollWidth > element.clientWidth")
    assert_no_axe_violations(page, live_server)
