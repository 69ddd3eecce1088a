"""Events in a real browser: Priya registers for a workshop and sees whom to meet there; after it
(the test moves it into the past) she picks whom she met; the follow-up command emails her about
the one pick that couldn't become a request, and her dashboard says so too."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from playwright.sync_api import BrowserContext, expect
from sqlalchemy import select

from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.events.models import Event, EventRegistration
from tests.browser.conftest import LiveServer
from tests.browser.helpers import add_members, log_in
from tests.helpers import PASSWORD

STUDENT = "priya@example.ac.uk"


def test_register_see_whom_to_meet_say_whom_you_met_and_get_the_follow_up(
    new_context: Callable[..., BrowserContext], live_server: LiveServer
) -> None:
    app = live_server.app
    _priya, sam, cora = add_members(
        app,
        [
            {
                "name": "Priya Shah",
                "email": STUDENT,
                "password": PASSWORD,
                "stage": "medical_student",
                "specialties": ["cardiology"],
            },
            {"name": "Sam Okafor", "stage": "medical_student", "specialties": ["cardiology"]},
            {"name": "Cora Lane", "stage": "consultant", "specialties": ["cardiology"]},
        ],
    )
    with app.app_context():
        starts = utcnow() + timedelta(days=5)
        event = Event(
            kind="workshop",
            title="Networking Workshop",
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            place="Education Centre",
            description="Meet people from other schools.",
            capacity=10,
            taken=2,
        )
        db.session.add(event)
        db.session.flush()
        db.session.add_all(
            EventRegistration(event_id=event.id, member_id=member, listed=True) for member in (sam, cora)
        )
        db.session.commit()
        event_id = event.id

    page = new_context().new_page()
    log_in(page, STUDENT)
    page.goto("/events")
    page.get_by_role("link", name="Networking Workshop").click()
    page.get_by_label("Show me to other members as going").check()
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_text("You're registered for Networking Workshop.")).to_be_visible()
    to_meet = page.locator("#to-meet")
    expect(to_meet.get_by_role("heading", name="People you should meet there")).to_be_visible()
    expect(to_meet.get_by_role("link", name="Sam Okafor")).to_be_visible()
    expect(to_meet).to_contain_text("cardiology")

    # Three days after the event.
    with app.app_context():
        event = db.session.get(Event, event_id)
        event.starts_at = utcnow() - timedelta(days=3, hours=2)
        event.ends_at = utcnow() - timedelta(days=3)
        db.session.commit()
    page.goto("/")
    page.get_by_role("link", name="Say whom you met").click()
    met = page.locator("#who-did-you-meet")
    met.get_by_label("Sam Okafor").check()
    met.get_by_label("Cora Lane").check()
    met.get_by_label("A note with your connection requests").fill("Lovely to meet you at the workshop!")
    met.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Connection requests sent to Sam Okafor.")).to_be_visible()
    expect(page.get_by_text("No request to Cora Lane: Peers are at the same stage")).to_be_visible()

    runner = app.test_cli_runner()
    result = runner.invoke(args=["events", "follow-up"])
    assert "1 sent, 1 not needed" in result.output, result.output
    assert runner.invoke(args=["mail", "deliver"]).exit_code == 0
    email = live_server.wait_for_email(STUDENT, "event_follow_up")
    assert email["Subject"] == "You met Cora Lane at Networking Workshop — send a note?"
    page.goto(live_server.link_in(email, f"/people/{cora}"))
    expect(page.get_by_role("heading", name="Cora Lane", level=1)).to_be_visible()
    page.goto("/")
    follow_ups = page.locator(".event-follow-ups li")
    expect(follow_ups).to_have_count(1)  # Sam has a request waiting: nothing to prompt
    expect(follow_ups).to_have_text("You met Cora Lane at Networking Workshop: send a note?")
    with app.app_context():
        assert db.session.scalar(
            select(EventRegistration.answered_at).where(EventRegistration.member_id == _priya)
        )
