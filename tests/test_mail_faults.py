"""SMTP servers that misbehave: one that hangs up mid-batch, one too slow to answer, and the
ambiguous case where the whole message went over but no reply came back.

A real aiosmtpd server on loopback; time moves forward through deliver_pending(now=...). After
recovery every message has arrived exactly once, and the ambiguous one is counted, not doubled.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.core.mail import delivery
from mentormatch.core.mail.delivery import unfinished
from tests.helpers import outbox
from tests.smtp_server import RecordingHandler, SMTPServer, free_port
from tests.test_mail import counts, deliver, queue, received_ids

SLOW = 1.5  # seconds the server takes, against a MAIL_TIMEOUT of 1


@dataclass
class MisbehavingHandler(RecordingHandler):
    """Hangs up or dawdles at the moments the test names, once each.

    `hang_up_at_mail`: the nth MAIL FROM (counted from 1) gets no reply, the connection closes.
    `hang_up_after_data`: the nth message is taken, then the connection closes with no reply.
    `slow_rcpt` / `slow_data`: the next RCPT or DATA reply comes SLOW seconds late (DATA: taken first).
    """

    mails: int = 0
    datas: int = 0
    hang_up_at_mail: int = 0
    hang_up_after_data: int = 0
    slow_rcpt: bool = False
    slow_data: bool = False
    after_data: dict[int, Callable[[], None]] = field(default_factory=dict)  # run after the nth message

    async def handle_MAIL(self, server, session, envelope, address: str, mail_options) -> str:
        self.mails += 1
        if self.mails == self.hang_up_at_mail:
            server.transport.close()
            return "250 OK"  # never reaches the client
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address: str, rcpt_options) -> str:
        if self.slow_rcpt:
            self.slow_rcpt = False
            await asyncio.sleep(SLOW)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        reply = await super().handle_DATA(server, session, envelope)
        self.datas += 1
        if self.datas in self.after_data:
            self.after_data[self.datas]()
        if self.datas == self.hang_up_after_data:
            server.transport.close()
        elif self.slow_data:
            self.slow_data = False
            await asyncio.sleep(SLOW)
        return reply


@pytest.fixture(autouse=True)
def _nothing_unfinished_left_over():
    """What a batch cut short leaves for the next run is per process: never for the next test."""
    yield
    delivery._unfinished.clear()


@pytest.fixture
def server():
    handler = MisbehavingHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield SMTPServer(handler, controller, port)
    controller.stop()


@pytest.fixture
def app_config(server):
    return {"MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": server.port, "MAIL_TIMEOUT": 1}


def addresses(count: int) -> list[str]:
    return [f"member{n}@example.org" for n in range(count)]


def test_a_server_that_hangs_up_mid_batch_loses_and_doubles_nothing(app, server):
    ids = queue(app, *addresses(5))
    server.handler.hang_up_at_mail = 3  # before the third message is handed over
    now = utcnow()

    assert counts(deliver(app, now=now)) == (4, 1, 0)  # the rest go on a fresh connection
    [waiting] = [row for row in outbox(app) if row.status == "queued"]
    assert waiting.message_id == ids[2] and waiting.attempts == 1
    assert "connection lost" in waiting.last_error

    assert counts(deliver(app, now=now + timedelta(minutes=1))) == (1, 0, 0)
    assert counts(deliver(app, now=now + timedelta(days=1))) == (0, 0, 0)
    assert received_ids(server) == Counter(ids)
    assert {row.status for row in outbox(app)} == {"sent"}


def test_a_server_too_slow_to_answer_makes_the_batch_wait_then_everything_goes_once(app, server):
    ids = queue(app, *addresses(4))
    server.handler.slow_rcpt = True
    now = utcnow()

    report = deliver(app, now=now)
    assert counts(report) == (0, 4, 0)  # one time-out, not one per message
    rows = outbox(app)
    assert all("too slow" in row.last_error for row in rows)
    assert server.received == []

    assert counts(deliver(app, now=now + timedelta(minutes=1))) == (4, 0, 0)
    assert counts(deliver(app, now=now + timedelta(days=1))) == (0, 0, 0)
    assert received_ids(server) == Counter(ids)


@pytest.mark.parametrize("how", ["hangs up", "answers too late"])
def test_a_message_taken_without_a_reply_is_counted_not_sent_twice(app, server, how):
    ids = queue(app, *addresses(3))
    if how == "hangs up":
        server.handler.hang_up_after_data = 2
    else:
        server.handler.slow_data = True
    now = utcnow()

    report = deliver(app, now=now)
    assert report.unconfirmed == 1 and report.sent == 2 and report.retrying == report.failed == 0
    rows = {row.message_id: row for row in outbox(app)}
    ambiguous = ids[1] if how == "hangs up" else ids[0]
    assert rows[ambiguous].status == "unconfirmed"
    assert rows[ambiguous].last_error.startswith("unconfirmed: the server took the whole message")
    assert rows[ambiguous].sent_at is not None

    assert counts(deliver(app, now=now + timedelta(days=1))) == (0, 0, 0)
    assert received_ids(server) == Counter(ids)  # the server did take it: exactly once


def test_mail_deliver_prints_the_unconfirmed_count(app, server, runner):
    queue(app, *addresses(2))
    server.handler.hang_up_after_data = 1
    result = runner.invoke(args=["mail", "deliver"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "Mail: sent 1, will retry 0, failed 0, unconfirmed 1.\n"


def test_the_database_lost_after_the_server_took_a_message_sends_it_once(pg_app, server):
    """The message is delivered, then it can't be marked sent: it stays claimed, and the next run
    marks it sent first thing, rather than sending it again."""
    app = pg_app
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_TIMEOUT=5)
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    name = url.database

    def database_away() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
            connection.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"),
                {"name": name},
            )

    ids = queue(app, *addresses(3))
    server.handler.after_data[2] = database_away
    try:
        with pytest.raises(OperationalError):
            deliver(app)
        assert len(unfinished()) == 1
        assert received_ids(server) == Counter(ids[:2])
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
        admin.dispose()

    assert counts(deliver(app)) == (1, 0, 0)  # the second is marked sent, the third goes
    assert unfinished() == []
    assert received_ids(server) == Counter(ids)
    assert {row.status for row in outbox(app)} == {"sent"}


def test_a_claim_cut_short_by_the_database_is_released_by_the_next_run(pg_app, smtp_server):
    """The claim is committed, then reading the claimed rows loses the connection: the next run
    releases that claim at once instead of leaving the messages to wait out the five-minute lease."""
    app = pg_app
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)
    ids = queue(app, *addresses(2))
    with app.app_context():
        engine = db.engine
    killer = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])

    dropped = []

    def drop_the_read(connection, cursor, statement, parameters, context, executemany):
        if not dropped and statement.lstrip().startswith("SELECT") and "claim_token =" in statement:
            dropped.append(statement)
            pid = cursor.connection.info.backend_pid
            with killer.connect() as other:
                other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
                other.commit()

    event.listen(engine, "before_cursor_execute", drop_the_read)
    try:
        with pytest.raises(OperationalError):
            deliver(app)
        assert smtp_server.received == []
        assert all(row.claim_token for row in outbox(app))  # claimed, and nobody knows by whom
    finally:
        event.remove(engine, "before_cursor_execute", drop_the_read)
        killer.dispose()
    assert counts(deliver(app)) == (2, 0, 0)
    assert received_ids(smtp_server) == Counter(ids)
