"""Check-ins and the quick question in a real browser: Priya answers the check-in waiting on her
dashboard, and asks another mentor a quick question; axe on the dashboard, the question form and
the emailed score link's page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from playwright.sync_api import BrowserContext, expect
from sqlalchemy import select

from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.core.signed import make_link_token
from mentormatch.mentoring.checkins import LINK_PURPOSE
from mentormatch.mentoring.models import MENTORING, Connection
from mentormatch.mentoring.pair_models import CheckIn, QuickQuestion
from tests.browser.conftest import LiveServer
from tests.browser.helpers import add_members, log_in
from tests.browser.test_mentoring import expect_no_axe_violations
from tests.helpers import PASSWORD

STUDENT = "priya@example.ac.uk"


def test_a_check_in_and_a_quick_question(
    new_context: Callable[..., BrowserContext], live_server: LiveServer
) -> None:
    mentor = {
        "stage": "consultant",
        "offers_mentoring": True,
        "mentor_status": "approved",
        "mentor_capacity": 2,
    }
    priya, tom, asha = add_members(
        live_server.app,
        [
            {"name": "Priya Shah", "email": STUDENT, "password": PASSWORD, "stage": "medical_student"},
            {"name": "Tom Okafor", "email": "tom@example.org", "password": PASSWORD, **mentor},
            {"name": "Asha Rao", "email": "asha@example.org", "password": PASSWORD, **mentor},
        ],
    )
    with live_server.app.app_context():
        connection = Connection(
            kind=MENTORING, first_id=tom, second_id=priya, started_at=utcnow() - timedelta(days=31)
        )
        db.session.add(connection)
        db.session.flush()
        db.session.add_all(
            [
                CheckIn(connection_id=connection.id, member_id=member, number=1, due_on=date.today())
                for member in (priya, tom)
            ]
        )
        db.session.commit()
        toms = db.session.scalar(select(CheckIn.id).where(CheckIn.member_id == tom))
        token = make_link_token(LINK_PURPOSE, toms)
    page = new_context().new_page()
    log_in(page, STUDENT)

    page.goto("/")
    check_in = page.get_by_role("region", name="A quick check-in about Tom Okafor")
    expect(check_in).to_be_visible()
    expect_no_axe_violations(page, live_server, "the dashboard with a check-in")
    check_in.get_by_label("4 · Quite a lot").check()
    check_in.get_by_label("Anything to add? (optional, one line)").fill("Very useful.")
    check_in.get_by_role("button", name="Send your check-in").click()
    expect(page.get_by_text("your check-in is saved")).to_be_visible()
    expect(page.get_by_role("region", name="A quick check-in about Tom Okafor")).to_have_count(0)

    page.goto(f"/people/{asha}")
    page.get_by_role("link", name="Ask Asha Rao a quick question").click()
    expect_no_axe_violations(page, live_server, "the quick question form")
    page.get_by_label("Your question").fill("Do you take students on audits?")
    page.get_by_role("button", name="Send your question").click()
    expect(page.get_by_text("Question sent.")).to_be_visible()
    with live_server.app.app_context():
        assert db.session.scalar(select(QuickQuestion.body)) == "Do you take students on audits?"

    # Tom's emailed score link, opened with no login: the choice shown, nothing recorded until sent.
    link = new_context().new_page()
    link.goto(f"/check-ins/{token}?score=5")
    expect(link.get_by_label("5 · A great deal")).to_be_checked()
    expect_no_axe_violations(link, live_server, "a check-in link's page")
    link.get_by_role("button", name="Send your check-in").click()
    expect(link.get_by_text("your check-in is saved")).to_be_visible()
    with live_server.app.app_context():
        assert db.session.scalar(select(CheckIn.score).where(CheckIn.id == toms)) == 5
