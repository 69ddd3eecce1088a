"""`flask digests send` against a real SMTP server on loopback: each digest exactly once.

Time moves through send_digests(now=...), never by sleeping. Runs on SQLite, and on PostgreSQL
when TEST_DATABASE_URL is set (two runs at once really race there).
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from mentormatch.accounts.models import User
from mentormatch.accounts.passwords import hash_password
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.core.mail.models import OutboxMessage
from mentormatch.digests.models import Digest
from mentormatch.digests.periods import DAILY, WEEKLY, utc
from mentormatch.digests.sending import DIGEST_KIND, send_digests
from mentormatch.mentoring.models import PEER, MentoringRequest
from tests.factories import make_member
from tests.helpers import PASSWORD, csrf_from
from tests.smtp_server import RecordingHandler, SMTPServer, free_port, smtp_settings

BASE = "https://mentors.example.org"
BUSY = "421 4.3.2 Service shutting down, try again later"


@dataclass
class RefusingAfter(RecordingHandler):
    """Accepts the first `accept` messages, then answers 421 to every other until `accept` is None."""

    accept: int | None = None

    async def handle_DATA(self, server, session, envelope) -> str:
        with self.lock:
            if self.accept is not None and len(self.received) >= self.accept:
                return BUSY
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def smtp_server():
    """Overrides tests.smtp_server's fixture: the same server, that can refuse after N messages."""
    handler = RefusingAfter()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield SMTPServer(handler, controller, port)
    controller.stop()


@pytest.fixture
def app_config(smtp_server):
    return smtp_settings(smtp_server, BASE_URL=BASE, MAIL_TIMEOUT=10)


def subscribe(app, user_id: int, frequency: str = WEEKLY) -> None:
    with app.app_context():
        user = db.session.get(User, user_id)
        user.digest_opt_in, user.digest_frequency, user.digest_consent_at = True, frequency, utcnow()
        db.session.commit()


def population(app, mentees: int) -> list[int]:
    """Mentees who each have something new: two approved mentors fit them all."""
    for n in range(2):
        make_member(app, f"Dr Mentor {n}", stage="consultant", mentor=True, specialties=["cardiology"])
    ids = [make_member(app, f"Mentee {n}", specialties=["cardiology"]) for n in range(mentees)]
    for user_id in ids:
        subscribe(app, user_id)
    return ids


def recipients(server: SMTPServer) -> Counter:
    return Counter(address for item in server.received for address in item.recipients)


def emails_of(app, ids: list[int]) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(select(User.email).where(User.id.in_(ids))))


def ledger(app) -> list[tuple[int, str, str]]:
    with app.app_context():
        rows = db.session.execute(
            select(Digest.user_id, Digest.period_key, Digest.outcome).order_by(Digest.id)
        )
        return [tuple(row) for row in rows]


# --- the email itself ---------------------------------------------------------------------------


def test_a_digest_is_multipart_with_one_click_unsubscribe_and_links_that_work(app, smtp_server):
    [mentee] = population(app, 1)
    report = None
    with app.app_context():
        report = send_digests()
    assert (report.queued, report.sent, report.failed) == (1, 1, 0)

    [message] = smtp_server.messages_to(emails_of(app, [mentee]).pop())
    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]
    assert message["Subject"] == "2 new people to meet"
    assert message["X-MentorMatch-Kind"] == DIGEST_KIND
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    [unsubscribe] = re.fullmatch(r"<(https://[^>]+)>", message["List-Unsubscribe"]).groups()
    assert unsubscribe.startswith(f"{BASE}/unsubscribe/")

    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Dr Mentor 0" in text and "Dr Mentor 1" in html
    assert f"Unsubscribe: {unsubscribe}" in text and f'href="{unsubscribe}"' in html
    links = set(re.findall(r'href="([^"]+)"', html))
    assert links == set(re.findall(r"https://\S+", text))  # the same links in both parts
    assert all(link.startswith(f"{BASE}/") for link in links)

    # Every link leads somewhere real: signed out, the unsubscribe page opens and the rest ask
    # for a login; signed in, they all open.
    anonymous = app.test_client()
    assert anonymous.get(unsubscribe).status_code == 200
    for link in links - {unsubscribe}:
        response = anonymous.get(link)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"], link
    member = app.test_client()
    log_in_over_https(app, member, emails_of(app, [mentee]).pop())
    for link in links:
        assert member.get(link).status_code == 200, link


def log_in_over_https(app, client, email: str) -> None:
    """Log in at BASE_URL (the cookies are Secure there, so the client sends them only over https)."""
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        user.password_hash = hash_password(PASSWORD)
        db.session.commit()
    page = client.get(f"{BASE}/auth/login").get_data(as_text=True)
    response = client.post(
        f"{BASE}/auth/login",
        data={"email": email, "password": PASSWORD, "csrf_token": csrf_from(page)},
        headers={"Referer": f"{BASE}/auth/login"},  # Flask-WTF's check over https
    )
    assert response.status_code == 303


# --- what is sent, and when ---------------------------------------------------------------------


def test_nothing_new_means_no_email_and_a_second_run_sends_nothing(app, smtp_server, runner):
    [mentee] = population(app, 1)
    quiet = make_member(app, "Quiet Member", onboarded=False)
    subscribe(app, quiet)

    first = runner.invoke(args=["digests", "send"])
    assert first.exit_code == 0, first.output
    assert first.output == "Digests: 1 sent, 1 nothing new, 0 failed.\n"
    assert recipients(smtp_server) == Counter(emails_of(app, [mentee]))

    again = runner.invoke(args=["digests", "send"])
    assert again.output == "Digests: 0 sent, 0 nothing new, 0 failed.\n"
    assert len(smtp_server.received) == 1
    assert sorted(outcome for _, _, outcome in ledger(app)) == ["nothing_new", "queued"]


def test_dry_run_writes_nothing_and_sends_nothing(app, smtp_server, runner):
    population(app, 3)
    result = runner.invoke(args=["digests", "send", "--dry-run"])
    assert result.exit_code == 0
    assert "3 would be sent, 0 nothing new" in result.output
    assert smtp_server.received == [] and ledger(app) == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_unsubscribed_unverified_and_deleted_people_get_nothing(app, smtp_server):
    [mentee] = population(app, 1)
    gone = make_member(app, "Gone", specialties=["cardiology"], deleted=True)
    unconfirmed = make_member(app, "Unconfirmed", specialties=["cardiology"], verified=False)
    never = make_member(app, "Never", specialties=["cardiology"])
    for user_id in (gone, unconfirmed):
        subscribe(app, user_id)
    with app.app_context():
        report = send_digests()
    assert report.due == 1
    assert recipients(smtp_server) == Counter(emails_of(app, [mentee]))
    assert {user_id for user_id, _, _ in ledger(app)} == {mentee} and never not in (mentee,)


def new_request_before(app, recipient: int, moment) -> None:
    """Something new for `recipient` just before `moment`: a peer request from a new member."""
    sender = make_member(app)
    with app.app_context():
        created = moment - timedelta(minutes=10)
        db.session.add(
            MentoringRequest(
                kind=PEER,
                sender_id=sender,
                recipient_id=recipient,
                created_at=created,
                expires_at=created + timedelta(days=14),
            )
        )
        db.session.commit()


@pytest.mark.parametrize(
    ("frequency", "runs", "periods"),
    [
        # Spring forward, 29 March 2026: three London days, though UTC sees two.
        (
            DAILY,
            [utc(2026, 3, 28, 23, 30), utc(2026, 3, 29, 0, 30), utc(2026, 3, 29, 23, 30)],
            ["2026-03-28", "2026-03-29", "2026-03-30"],
        ),
        # Fall back, 25 October 2026: 00:30 BST and 23:30 GMT are the same 25-hour day.
        (
            DAILY,
            [utc(2026, 10, 24, 23, 30), utc(2026, 10, 25, 23, 30), utc(2026, 10, 26, 0, 30)],
            ["2026-10-25", "2026-10-26"],
        ),
        # The week turns at midnight on Sunday in London: 23:30 UTC on Sunday is Monday in summer.
        (
            WEEKLY,
            [utc(2026, 3, 23, 0, 30), utc(2026, 3, 29, 22, 30), utc(2026, 3, 29, 23, 30)],
            ["2026-W13", "2026-W14"],
        ),
        (
            WEEKLY,
            [utc(2026, 10, 18, 23, 30), utc(2026, 10, 25, 23, 30), utc(2026, 10, 26, 0, 30)],
            ["2026-W43", "2026-W44"],
        ),
    ],
)
def test_one_digest_per_london_day_or_week_across_the_clock_change(
    app, smtp_server, frequency, runs, periods
):
    member = make_member(app, "Daily Reader", onboarded=False)
    subscribe(app, member, frequency)
    for moment in runs:
        new_request_before(app, member, moment)  # something new before every run
        with app.app_context():
            send_digests(now=moment)
    assert [(period, outcome) for _, period, outcome in ledger(app)] == [(p, "queued") for p in periods]
    assert len(smtp_server.received) == len(periods)
    assert len({item.message["Message-ID"] for item in smtp_server.received}) == len(periods)


# --- failures and races --------------------------------------------------------------------------


def test_a_server_that_refuses_part_way_then_a_rerun_sends_every_digest_exactly_once(
    app, smtp_server, runner
):
    mentees = population(app, 7)
    smtp_server.handler.accept = 3  # then 421 for everything

    start = utcnow()
    with app.app_context():
        first = send_digests(now=start)
    assert (first.queued, first.sent, first.retrying) == (7, 3, 4)
    assert first.summary() == "Digests: 3 sent, 0 nothing new, 4 failed (4 will be retried)."
    assert len(smtp_server.received) == 3

    smtp_server.handler.accept = None  # the server is back
    with app.app_context():
        too_soon = send_digests(now=start)  # the retries are not due yet
        rerun = send_digests(now=start + timedelta(minutes=2))
    assert (too_soon.queued, too_soon.sent) == (0, 0)
    assert (rerun.queued, rerun.sent, rerun.failed + rerun.retrying) == (0, 4, 0)

    assert recipients(smtp_server) == Counter(emails_of(app, mentees))  # everyone, once
    assert len({item.message["Message-ID"] for item in smtp_server.received}) == 7
    with app.app_context():
        statuses = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == DIGEST_KIND)).all()
        assert sorted(row.status for row in statuses) == ["sent"] * 7
        assert sorted(row.attempts for row in statuses) == [0, 0, 0, 1, 1, 1, 1]
    assert runner.invoke(args=["digests", "send"]).output.startswith("Digests: 0 sent")
    assert len(smtp_server.received) == 7


RUNS = 3
PEOPLE = 40


def test_runs_at_the_same_time_send_each_digest_exactly_once(app, smtp_server):
    mentees = population(app, PEOPLE)
    now = utcnow()
    barrier = threading.Barrier(RUNS, timeout=30)
    reports, errors = [], []

    def run() -> None:
        try:
            with app.app_context():
                barrier.wait()
                reports.append(send_digests(now=now))
        except BaseException as error:  # reported below rather than lost in the thread
            errors.append(error)

    threads = [threading.Thread(target=run, name=f"digests-{n}") for n in range(RUNS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not [thread.name for thread in threads if thread.is_alive()], "a run is stuck"
    assert errors == []

    assert sum(report.queued for report in reports) == PEOPLE
    assert sum(report.queued + report.taken for report in reports) == PEOPLE * RUNS
    assert sum(report.sent for report in reports) == PEOPLE
    assert recipients(smtp_server) == Counter(emails_of(app, mentees))
    assert max(recipients(smtp_server).values()) == 1
    assert len(ledger(app)) == PEOPLE
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(OutboxMessage.kind == DIGEST_KIND)) == PEOPLE


def test_the_cli_shows_no_progress_bar_in_a_log(app, smtp_server, runner):
    population(app, 2)
    result = runner.invoke(args=["digests", "send"])
    assert result.output.splitlines() == ["Digests: 2 sent, 0 nothing new, 0 failed."]
    # The Message-ID is on the sender's domain (MAIL_DEFAULT_SENDER), not the site's.
    assert smtp_server.received[0].message["Message-ID"].endswith("@mentormatch.example>")
