"""The email outbox: queued in the caller's transaction, delivered later by deliver_pending().

Everything here is real: the database (SQLite, and PostgreSQL when TEST_DATABASE_URL is set), the
.eml files of the file backend, and an aiosmtpd server on loopback for the SMTP backend. Time moves
forward through deliver_pending(now=...), never by sleeping.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from sqlalchemy import func, select, update

from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.core.mail import send_email
from mentormatch.core.mail.delivery import CLAIM_LEASE, DeliveryReport, backoff, claim_batch, deliver_pending
from mentormatch.core.mail.models import OutboxMessage
from tests.helpers import outbox
from tests.smtp_server import RecordingHandler, SMTPServer, free_port, smtp_settings, start_smtp_server

SENDER = "no-reply@mentormatch.example"
BUSY = "421 4.3.2 Service shutting down, try again later"
GREYLISTED = "451 4.7.1 Greylisted, please try again later"
REJECTED = "550 5.1.1 Mailbox unavailable"


# --- a server that also counts connections ------------------------------------------------------


@dataclass
class CountingHandler(RecordingHandler):
    """RecordingHandler that also records each connection's EHLO, and can refuse chosen recipients."""

    ehlo_peers: list[tuple[str, int]] = field(default_factory=list)
    refuse_rcpt: dict[str, str] = field(default_factory=dict)

    async def handle_EHLO(self, server, session, envelope, hostname: str, responses: list[str]) -> list[str]:
        session.host_name = hostname
        with self.lock:
            self.ehlo_peers.append(session.peer)
        return responses

    async def handle_RCPT(self, server, session, envelope, address: str, rcpt_options) -> str:
        with self.lock:
            reply = self.refuse_rcpt.pop(address, None)
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    @property
    def connections(self) -> int:
        return len(self.ehlo_peers)


@pytest.fixture
def smtp_server():
    """Overrides tests.smtp_server's fixture: the same server, with a CountingHandler."""
    handler = CountingHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield SMTPServer(handler, controller, port)
    controller.stop()


# --- helpers --------------------------------------------------------------------------------------


def queue(app, *addresses: str) -> list[str]:
    """Queue one email_in_use message per address and commit; their Message-IDs, in order."""
    with app.app_context():
        ids = [
            send_email(to, "email_in_use", f"Message {n} for {to}").message_id
            for n, to in enumerate(addresses)
        ]
        db.session.commit()
    return ids


def deliver(app, now: datetime | None = None, limit: int = 100) -> DeliveryReport:
    with app.app_context():
        return deliver_pending(limit=limit, now=now)


def counts(report: DeliveryReport) -> tuple[int, int, int]:
    return report.sent, report.retrying, report.failed


def rows_by_id(app) -> dict[str, OutboxMessage]:
    return {row.message_id: row for row in outbox(app)}


def received_ids(server: SMTPServer) -> Counter[str]:
    return Counter(item.message["Message-ID"] for item in server.received)


def eml_files(app) -> list[Path]:
    return sorted(Path(app.config["MAIL_FILE_DIR"]).glob("*.eml"))


def assert_alternative(message: EmailMessage) -> None:
    """text/plain then text/html, as multipart/alternative."""
    assert message.get_content_type() == "multipart/alternative"
    parts = list(message.iter_parts())
    assert [part.get_content_type() for part in parts] == ["text/plain", "text/html"]
    assert "already has an account" in parts[0].get_content()
    assert "<html" in parts[1].get_content().lower()
    assert "http://localhost/auth/login" in parts[0].get_content()


# --- 1. the outbox is transactional -------------------------------------------------------------


class TestTransactionalOutbox:
    def test_rolled_back_email_is_never_queued_or_delivered(self, app):
        with app.app_context():
            send_email("amira@example.ac.uk", "email_in_use", "Not this one")
            db.session.rollback()
            assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
        assert counts(deliver(app)) == (0, 0, 0)
        assert eml_files(app) == []

    def test_committed_email_is_queued_once(self, app):
        before = utcnow()
        [message_id] = queue(app, "amira@example.ac.uk")
        [row] = outbox(app)
        assert row.message_id == message_id
        assert message_id.endswith("@mentormatch.example>")  # the domain of MAIL_DEFAULT_SENDER
        assert (row.to_addr, row.kind, row.subject) == (
            "amira@example.ac.uk",
            "email_in_use",
            "Message 0 for amira@example.ac.uk",
        )
        assert row.status == "queued"
        assert row.attempts == 0
        assert row.sent_at is None and row.failed_at is None and row.claim_token is None
        assert before <= row.next_attempt_at <= utcnow()
        assert "already has an account" in row.text_body
        assert "already has an account" in row.html_body


# --- 2. the file backend ----------------------------------------------------------------------


class TestFileBackend:
    def test_one_eml_file_per_message_then_nothing_more(self, app):
        ids = queue(app, "amira@example.ac.uk", "bola@example.org")

        assert counts(deliver(app)) == (2, 0, 0)

        files = eml_files(app)
        assert len(files) == 2
        parsed = [message_from_bytes(path.read_bytes(), policy=policy.default) for path in files]
        by_id = {message["Message-ID"]: message for message in parsed}
        assert set(by_id) == set(ids)
        rows = rows_by_id(app)
        for message_id, message in by_id.items():
            row = rows[message_id]
            assert message["To"] == row.to_addr
            assert message["Subject"] == row.subject
            assert message["From"] == "MentorMatch <no-reply@mentormatch.example>"
            assert message["X-MentorMatch-Kind"] == "email_in_use"
            assert message["Date"] is not None
            assert_alternative(message)
            assert row.status == "sent"
            assert row.sent_at is not None and row.claim_token is None and row.claimed_until is None

        assert counts(deliver(app)) == (0, 0, 0)
        assert counts(deliver(app, now=utcnow() + timedelta(days=1))) == (0, 0, 0)
        assert len(eml_files(app)) == 2

    def test_logs_where_it_wrote_and_the_links(self, app, caplog):
        caplog.set_level(logging.INFO, logger=app.logger.name)
        queue(app, "amira@example.ac.uk")
        deliver(app)
        [path] = eml_files(app)
        [record] = [r for r in caplog.records if r.name == app.logger.name and "Email to" in r.getMessage()]
        assert str(path) in record.getMessage()
        assert "Links: http://localhost/auth/login" in record.getMessage()


# --- 3-8. the SMTP backend against a real server ---------------------------------------------------


class TestSMTPBackend:
    @pytest.fixture
    def app_config(self, smtp_server):
        return smtp_settings(smtp_server, MAIL_TIMEOUT=5)

    def test_delivers_multipart_message_to_envelope_recipient(self, app, smtp_server):
        [message_id] = queue(app, "amira@example.ac.uk")

        assert counts(deliver(app)) == (1, 0, 0)

        [item] = smtp_server.received
        assert item.recipients == ["amira@example.ac.uk"]
        assert item.mail_from == SENDER
        assert item.message["Message-ID"] == message_id
        assert item.message["To"] == "amira@example.ac.uk"
        assert_alternative(item.message)
        [row] = outbox(app)
        assert row.status == "sent" and row.attempts == 0 and row.last_error is None

    def test_a_batch_uses_one_connection(self, app, smtp_server):
        addresses = [f"user{n}@example.org" for n in range(5)]
        ids = queue(app, *addresses)

        assert counts(deliver(app)) == (5, 0, 0)

        assert smtp_server.handler.connections == 1
        assert received_ids(smtp_server) == Counter(ids)
        assert [item.recipients for item in smtp_server.received] == [[a] for a in addresses]
        # The Message-ID on the wire is the one stored in the row.
        rows = rows_by_id(app)
        for item in smtp_server.received:
            assert rows[item.message["Message-ID"]].to_addr == item.recipients[0]

    @pytest.mark.parametrize(
        ("reply", "connections"),
        [(BUSY, 3), (GREYLISTED, 1)],
        ids=["421-reconnects", "451-keeps-connection"],
    )
    def test_temporary_refusal_is_retried_after_backoff(self, app, smtp_server, reply, connections):
        ids = queue(app, *[f"user{n}@example.org" for n in range(5)])
        smtp_server.refuse(2, reply)
        now = utcnow()

        assert counts(deliver(app, now=now)) == (3, 2, 0)

        assert smtp_server.handler.connections == connections
        rows = rows_by_id(app)
        refused, accepted = ids[:2], ids[2:]
        assert received_ids(smtp_server) == Counter(accepted)
        for message_id in refused:
            row = rows[message_id]
            assert row.status == "queued"
            assert row.attempts == 1
            assert row.next_attempt_at == now + timedelta(minutes=1)
            assert reply[:3] in row.last_error
            assert row.claim_token is None and row.claimed_until is None
        assert all(rows[message_id].status == "sent" for message_id in accepted)

        # Not due yet: nothing is sent, however often the worker runs.
        assert counts(deliver(app, now=now)) == (0, 0, 0)
        assert counts(deliver(app, now=now + timedelta(seconds=59))) == (0, 0, 0)
        assert len(smtp_server.received) == 3

        assert counts(deliver(app, now=now + timedelta(minutes=1))) == (2, 0, 0)
        assert received_ids(smtp_server) == Counter(ids)  # every message exactly once
        assert {row.status for row in outbox(app)} == {"sent"}
        assert counts(deliver(app, now=now + timedelta(days=1))) == (0, 0, 0)
        assert len(smtp_server.received) == 5

    def test_backoff_doubles_after_each_attempt(self, app, smtp_server):
        [message_id] = queue(app, "amira@example.ac.uk")
        smtp_server.refuse(3, GREYLISTED)
        now = utcnow()
        for attempt, wait in [(1, 1), (2, 2), (3, 4)]:
            assert counts(deliver(app, now=now)) == (0, 1, 0)
            [row] = outbox(app)
            assert row.attempts == attempt
            assert row.next_attempt_at == now + timedelta(minutes=wait)
            assert counts(deliver(app, now=row.next_attempt_at - timedelta(microseconds=1))) == (0, 0, 0)
            now = row.next_attempt_at
        assert counts(deliver(app, now=now)) == (1, 0, 0)
        assert received_ids(smtp_server) == Counter([message_id])

    def test_permanent_refusal_fails_and_is_never_retried(self, app, smtp_server):
        rejected, accepted = queue(app, "nobody@example.org", "amira@example.ac.uk")
        smtp_server.refuse(1, REJECTED)
        now = utcnow()

        assert counts(deliver(app, now=now)) == (1, 0, 1)

        rows = rows_by_id(app)
        row = rows[rejected]
        assert row.status == "failed"
        assert row.failed_at == now
        assert row.sent_at is None
        assert row.attempts == 1
        assert "550" in row.last_error and "Mailbox unavailable" in row.last_error
        assert rows[accepted].status == "sent"
        assert received_ids(smtp_server) == Counter([accepted])

        for later in (timedelta(minutes=1), timedelta(hours=2), timedelta(days=30)):
            assert counts(deliver(app, now=now + later)) == (0, 0, 0)
        assert received_ids(smtp_server) == Counter([accepted])
        assert rows_by_id(app)[rejected].attempts == 1

    def test_refused_recipient_is_classified_by_its_code(self, app, smtp_server):
        busy, gone, fine = queue(app, "busy@example.org", "gone@example.org", "fine@example.org")
        smtp_server.handler.refuse_rcpt.update(
            {"busy@example.org": "450 4.2.1 Mailbox busy", "gone@example.org": REJECTED}
        )

        assert counts(deliver(app)) == (1, 1, 1)

        rows = rows_by_id(app)
        assert rows[busy].status == "queued" and "450" in rows[busy].last_error
        assert rows[gone].status == "failed" and "550" in rows[gone].last_error
        assert rows[fine].status == "sent"
        assert received_ids(smtp_server) == Counter([fine])

    def test_421_to_a_recipient_does_not_cost_the_next_message_an_attempt(self, app, smtp_server):
        # smtplib closes the connection itself after a 421 to RCPT; the next message needs a new one.
        busy, fine = queue(app, "busy@example.org", "fine@example.org")
        smtp_server.handler.refuse_rcpt["busy@example.org"] = BUSY

        assert counts(deliver(app)) == (1, 1, 0)

        rows = rows_by_id(app)
        assert rows[busy].status == "queued" and "421" in rows[busy].last_error
        assert rows[fine].status == "sent" and rows[fine].attempts == 0
        assert received_ids(smtp_server) == Counter([fine])
        assert smtp_server.handler.connections == 2

    def test_gives_up_after_max_attempts(self, app, smtp_server):
        app.config["MAIL_MAX_ATTEMPTS"] = 3
        queue(app, "amira@example.ac.uk")
        smtp_server.refuse(100, GREYLISTED)
        now = utcnow()

        assert counts(deliver(app, now=now)) == (0, 1, 0)
        assert counts(deliver(app, now=now + timedelta(minutes=1))) == (0, 1, 0)
        last = now + timedelta(minutes=3)
        assert counts(deliver(app, now=last)) == (0, 0, 1)

        [row] = outbox(app)
        assert row.status == "failed"
        assert row.attempts == 3
        assert row.failed_at == last
        assert "451" in row.last_error
        smtp_server.refuse(0)
        assert counts(deliver(app, now=last + timedelta(days=1))) == (0, 0, 0)
        assert smtp_server.received == []


# --- 6. the server is down, then comes back -----------------------------------------------------


class TestServerDown:
    @pytest.fixture
    def app_config(self):
        closed_port = free_port()  # bound and released: nothing listens there
        return {
            "MAIL_BACKEND": "smtp",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": closed_port,
            "MAIL_TIMEOUT": 5,
        }

    def test_everything_waits_then_is_delivered_once(self, app):
        ids = queue(app, *[f"user{n}@example.org" for n in range(4)])
        now = utcnow()

        assert counts(deliver(app, now=now)) == (0, 4, 0)

        for row in outbox(app):
            assert row.status == "queued"
            assert row.attempts == 1
            assert row.next_attempt_at == now + timedelta(minutes=1)
            assert "cannot reach the mail server" in row.last_error
            assert row.claim_token is None

        server = start_smtp_server()
        try:
            app.config["MAIL_PORT"] = server.port
            assert counts(deliver(app, now=now)) == (0, 0, 0)  # not due yet
            assert counts(deliver(app, now=now + timedelta(minutes=1))) == (4, 0, 0)
            assert counts(deliver(app, now=now + timedelta(days=1))) == (0, 0, 0)
            assert received_ids(server) == Counter(ids)
        finally:
            server.controller.stop()
        assert {row.status for row in outbox(app)} == {"sent"}

    def test_a_long_outage_loses_nothing(self, app, smtp_server):
        """Attempts keep counting and the wait grows to an hour, but the message never fails."""
        app.config["MAIL_MAX_ATTEMPTS"] = 2
        [message_id] = queue(app, "amira@example.ac.uk")
        now = utcnow()
        for attempt in range(1, 9):
            assert counts(deliver(app, now=now)) == (0, 1, 0)
            [row] = outbox(app)
            assert row.status == "queued" and row.attempts == attempt
            assert row.next_attempt_at == now + backoff(attempt)
            now = row.next_attempt_at
        assert backoff(8) == timedelta(hours=1)

        app.config["MAIL_PORT"] = smtp_server.port  # the server is back
        assert counts(deliver(app, now=now)) == (1, 0, 0)
        assert received_ids(smtp_server) == Counter([message_id])


# --- 8. SMTP login --------------------------------------------------------------------------------


def _check_login(server, session, envelope, mechanism, auth_data) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        b"mentormatch",
        b"mail-password",
    )
    # handled=False: aiosmtpd itself answers "535 5.7.8 Authentication credentials invalid".
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def auth_server():
    """An SMTP server on loopback that requires LOGIN (mentormatch / mail-password)."""
    handler = CountingHandler()
    port = free_port()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        auth_required=True,
        auth_require_tls=False,
        authenticator=_check_login,
    )
    controller.start()
    yield SMTPServer(handler, controller, port)
    controller.stop()


# aiosmtpd warns, on start and on each connection, that it accepts AUTH without TLS: expected on loopback.
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
class TestSMTPLogin:
    @pytest.fixture
    def app_config(self, auth_server):
        return smtp_settings(
            auth_server, MAIL_TIMEOUT=5, MAIL_USERNAME="mentormatch", MAIL_PASSWORD="mail-password"
        )

    def test_logs_in_and_delivers(self, app, auth_server):
        [message_id] = queue(app, "amira@example.ac.uk")
        assert counts(deliver(app)) == (1, 0, 0)
        assert received_ids(auth_server) == Counter([message_id])

    def test_without_login_the_server_refuses(self, app, auth_server):
        app.config["MAIL_USERNAME"] = None
        queue(app, "amira@example.ac.uk")
        report = deliver(app)
        assert counts(report) == (0, 1, 0)  # a configuration problem: kept for a retry, not failed
        [row] = outbox(app)
        assert row.status == "queued" and row.sent_at is None and row.failed_at is None
        assert "530" in row.last_error  # authentication required
        assert auth_server.received == []

    def test_wrong_password_is_not_the_messages_fault(self, app, auth_server):
        app.config["MAIL_PASSWORD"] = "not-the-password"
        ids = queue(app, "amira@example.ac.uk", "bola@example.org")
        now = utcnow()

        assert counts(deliver(app, now=now)) == (0, 2, 0)

        for row in outbox(app):
            assert row.status == "queued" and row.sent_at is None
            assert "535" in row.last_error  # authentication failed
            assert row.next_attempt_at == now + timedelta(minutes=1)
        assert auth_server.received == []

        # Once the password is put right, the queue drains.
        app.config["MAIL_PASSWORD"] = "mail-password"
        assert counts(deliver(app, now=now + timedelta(minutes=1))) == (2, 0, 0)
        assert received_ids(auth_server) == Counter(ids)


# --- 9. claims --------------------------------------------------------------------------------------


class TestClaims:
    def test_two_claims_never_share_a_message(self, app):
        queue(app, *[f"user{n}@example.org" for n in range(5)])
        now = utcnow()
        with app.app_context():
            first_token, first = claim_batch(3, now)
            second_token, second = claim_batch(10, now)
            _, third = claim_batch(10, now)
            first_ids = {row.id for row in first}
            second_ids = {row.id for row in second}
        assert len(first_ids) == 3 and len(second_ids) == 2
        assert first_ids.isdisjoint(second_ids)
        assert third == []
        assert first_token != second_token
        # While the claims are live, a worker finds nothing to do.
        assert counts(deliver(app, now=now)) == (0, 0, 0)
        assert counts(deliver(app, now=now + CLAIM_LEASE - timedelta(seconds=1))) == (0, 0, 0)
        assert eml_files(app) == []

    def test_expired_claim_is_taken_over_and_live_claim_is_skipped(self, app):
        expired, live, free = queue(app, "a@example.org", "b@example.org", "c@example.org")
        now = utcnow()
        with app.app_context():
            for message_id, token, until in [
                (expired, "crashedworker", now - timedelta(seconds=1)),
                (live, "busyworker", now + timedelta(minutes=4)),
            ]:
                db.session.execute(
                    update(OutboxMessage)
                    .where(OutboxMessage.message_id == message_id)
                    .values(claim_token=token, claimed_until=until)
                )
            db.session.commit()

        assert counts(deliver(app, now=now)) == (2, 0, 0)

        rows = rows_by_id(app)
        assert rows[expired].status == "sent" and rows[expired].claim_token is None
        assert rows[free].status == "sent"
        assert rows[live].status == "queued"
        assert rows[live].claim_token == "busyworker"  # the other worker's claim is untouched
        assert rows[live].claimed_until == now + timedelta(minutes=4)
        assert len(eml_files(app)) == 2

        assert counts(deliver(app, now=now + timedelta(minutes=4, seconds=1))) == (1, 0, 0)
        assert rows_by_id(app)[live].status == "sent"
        assert len(eml_files(app)) == 3


# --- 10. the CLI ------------------------------------------------------------------------------------


class TestCLI:
    def test_mail_deliver(self, app, runner):
        queue(app, "a@example.org", "b@example.org", "c@example.org")

        result = runner.invoke(args=["mail", "deliver", "--batch", "2"])
        assert result.exit_code == 0, result.output
        assert result.stdout == "Mail: sent 2, will retry 0, failed 0.\n"
        assert len(eml_files(app)) == 2

        result = runner.invoke(args=["mail", "deliver"])
        assert result.exit_code == 0, result.output
        assert result.stdout == "Mail: sent 1, will retry 0, failed 0.\n"
        assert {row.status for row in outbox(app)} == {"sent"}

        result = runner.invoke(args=["mail", "deliver"])
        assert result.stdout == "Mail: sent 0, will retry 0, failed 0.\n"
        assert len(eml_files(app)) == 3

    def test_mail_deliver_reports_retries(self, app, runner):
        app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_TIMEOUT=5)
        queue(app, "a@example.org", "b@example.org")
        result = runner.invoke(args=["mail", "deliver"])
        assert result.exit_code == 0, result.output
        assert result.stdout == "Mail: sent 0, will retry 2, failed 0.\n"
