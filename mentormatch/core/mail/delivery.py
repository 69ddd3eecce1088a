"""Delivering the outbox: claim a batch, hand it to the backend, record what the server accepted."""

from __future__ import annotations

import contextlib
import functools
import logging
import re
import smtplib
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

from flask import current_app
from sqlalchemy import Update, bindparam, or_, select, update

from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.core.mail.message import OutgoingEmail, build_message
from mentormatch.core.mail.models import OutboxMessage

log = logging.getLogger(__name__)

# How long a worker may hold a claimed batch before another worker may take it over.
CLAIM_LEASE = timedelta(minutes=5)


class TemporaryFailure(Exception):
    """The server could not take the message now; try again later."""


class ServerUnavailable(TemporaryFailure):
    """No connection to the server: the rest of the batch waits for the next run."""


class PermanentFailure(Exception):
    """The server refused the message for good (5xx)."""


class Backend(Protocol):
    def open(self) -> None: ...
    def send(self, email: OutgoingEmail) -> None: ...
    def close(self) -> None: ...


class FileBackend:
    """Writes each message as one .eml file, for development; logs its links to the console."""

    def __init__(self, directory: str) -> None:
        self.directory = Path(directory)

    def open(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)

    def send(self, email: OutgoingEmail) -> None:
        self.open()  # opened lazily, like the SMTP connection
        stamp = utcnow().strftime("%Y%m%dT%H%M%S%f")
        name = f"{stamp}-{email.kind}-{uuid.uuid4().hex[:8]}.eml"
        (self.directory / name).write_bytes(email.as_bytes(eight_bit=True))  # a file takes any bytes
        # In development the console shows the links, so signing up needs no mail server; the
        # links are secrets (reset, invitation), so nowhere else.
        links = re.findall(r"https?://\S+", email.text_body)
        shown = " ".join(links) if current_app.debug or current_app.testing else f"{len(links)}, hidden"
        current_app.logger.info(
            "Email to %s, %r, written to %s. Links: %s",
            email.recipient,
            email.subject,
            self.directory / name,
            shown if links else "none",
        )

    def close(self) -> None:
        pass


class SMTPBackend:
    """One SMTP connection for a batch: plain, STARTTLS or SSL, with login when configured."""

    def __init__(self, config: dict) -> None:
        self.config = config
        self.connection: smtplib.SMTP | None = None

    def open(self) -> None:
        c = self.config
        conn: smtplib.SMTP | None = None
        try:
            if c["MAIL_USE_SSL"]:
                conn = smtplib.SMTP_SSL(c["MAIL_SERVER"], c["MAIL_PORT"], timeout=c["MAIL_TIMEOUT"])
            else:
                conn = smtplib.SMTP(c["MAIL_SERVER"], c["MAIL_PORT"], timeout=c["MAIL_TIMEOUT"])
            # smtplib sends each message in several small writes: with Nagle's algorithm on, every
            # message waits for a delayed ACK (about 40 ms each, 20× the time of sending it).
            conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if not c["MAIL_USE_SSL"] and c["MAIL_USE_TLS"]:
                conn.starttls()
            if c["MAIL_USERNAME"]:
                conn.login(c["MAIL_USERNAME"], c["MAIL_PASSWORD"] or "")
        except (OSError, smtplib.SMTPException) as error:
            if conn is not None:
                conn.close()  # a failed STARTTLS or login must not leak the socket
            if isinstance(error, smtplib.SMTPResponseException):
                # Not this message's fault (a wrong password, a refused greeting): the batch waits.
                detail = f"{error.smtp_code} {error.smtp_error!r}"
                raise ServerUnavailable(f"the mail server refused the connection: {detail}") from error
            raise ServerUnavailable(f"cannot reach the mail server: {error}") from error
        self.connection = conn

    def send(self, email: OutgoingEmail) -> None:
        if self.connection is None:
            self.open()
        try:
            connection = self.connection
            connection.ehlo_or_helo_if_needed()
            eight_bit = connection.has_extn("8bitmime")
            data = email.as_bytes(eight_bit)
            options = []
            if email.international:
                if not connection.has_extn("smtputf8"):
                    # The server would refuse the address for good (553 5.6.7): so do we, keeping
                    # the connection for the next message.
                    raise PermanentFailure(
                        "the mail server does not support SMTPUTF8, needed for a non-ASCII address"
                    )
                options.append("SMTPUTF8")
            if eight_bit and not data.isascii():
                options.append("BODY=8BITMIME")  # RFC 6152: 8bit data only where it is declared
            connection.sendmail(email.sender, [email.recipient], data, mail_options=options)
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _ in error.recipients.values()]
            if 421 in codes:  # smtplib has already closed the connection
                self._drop()
            failure = PermanentFailure if all(code >= 500 for code in codes) else TemporaryFailure
            raise failure(f"recipient refused: {error.recipients}") from error
        except smtplib.SMTPResponseException as error:
            if error.smtp_code == 421:  # the server is closing this connection
                self._drop()
            raise _classify(error) from error
        except (OSError, smtplib.SMTPException) as error:
            self._drop()
            raise TemporaryFailure(f"connection lost: {error}") from error

    def close(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self.connection.quit()
            self.connection = None

    def _drop(self) -> None:
        try:
            if self.connection is not None:
                self.connection.close()
        finally:
            self.connection = None


def _classify(error: smtplib.SMTPResponseException) -> Exception:
    text = f"{error.smtp_code} {error.smtp_error!r}"
    if error.smtp_code in (530, 535):
        # Authentication required or refused: our configuration, not this message, so the batch waits.
        return ServerUnavailable(f"the mail server wants a login: {text}")
    return PermanentFailure(text) if error.smtp_code >= 500 else TemporaryFailure(text)


def make_backend() -> Backend:
    """The backend MAIL_BACKEND names: 'file' or 'smtp'."""
    config = current_app.config
    if config["MAIL_BACKEND"] == "smtp":
        return SMTPBackend(config)
    if config["MAIL_BACKEND"] == "file":
        return FileBackend(config["MAIL_FILE_DIR"])
    raise ValueError(f"MAIL_BACKEND must be 'file' or 'smtp', not {config['MAIL_BACKEND']!r}")


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0

    def __str__(self) -> str:
        return f"sent {self.sent}, will retry {self.retrying}, failed {self.failed}"


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, … minutes after each failed attempt, at most an hour."""
    return timedelta(minutes=min(2 ** (attempts - 1), 60))


def claim_batch(limit: int, now: datetime, kind: str | None = None) -> tuple[str, list[OutboxMessage]]:
    """Take up to `limit` due messages (only `kind`, if given); no other worker gets the same ones."""
    token = uuid.uuid4().hex
    claimable = (
        OutboxMessage.sent_at.is_(None),
        OutboxMessage.failed_at.is_(None),
        OutboxMessage.next_attempt_at <= now,
        or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
        *([OutboxMessage.kind == kind] if kind else []),
    )
    due = (
        select(OutboxMessage.id)
        .where(*claimable)
        .order_by(OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
        # A CTE is evaluated once. As a plain IN (subquery), PostgreSQL may rescan the subquery
        # for each row it updates, skip the rows this UPDATE already changed, and claim more than `limit`.
        .cte("due")
    )
    # The conditions are repeated outside the subquery: PostgreSQL re-checks them on a row
    # another worker claimed meanwhile, so a row is only ever claimed once.
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(select(due.c.id)), *claimable)
        .values(claim_token=token, claimed_until=now + CLAIM_LEASE),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()
    rows = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.claim_token == token).order_by(OutboxMessage.id)
    ).all()
    return token, list(rows)


def deliver_pending(limit: int = 100, now: datetime | None = None, kind: str | None = None) -> DeliveryReport:
    """Deliver one batch of due messages (only `kind`, if given); each is marked sent once accepted."""
    now = now or utcnow()
    report = DeliveryReport()
    token, rows = claim_batch(limit, now, kind)
    if not rows:
        return report
    # Each message's outcome is committed on its own. Detached (this worker owns them while
    # claimed), the rows are not expired by each commit and reloaded one by one.
    for row in rows:
        db.session.expunge(row)
    backend = make_backend()
    max_attempts = current_app.config["MAIL_MAX_ATTEMPTS"]
    try:
        for position, row in enumerate(rows):
            try:
                backend.send(build_message(row))
            except ServerUnavailable as error:
                for waiting in rows[position:]:
                    _record_failure(waiting, token, error, now, max_attempts, report)
                db.session.commit()
                break
            except (TemporaryFailure, PermanentFailure) as error:
                _record_failure(row, token, error, now, max_attempts, report)
            else:
                _finish(row, token, sent_at=utcnow())
                report.sent += 1
            db.session.commit()
    finally:
        backend.close()
        # Anything still claimed (an unexpected error) is released for the next run.
        db.session.rollback()
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.claim_token == token)
            .values(claim_token=None, claimed_until=None)
        )
        db.session.commit()
    return report


@functools.cache
def _finish_statement(names: tuple[str, ...]) -> Update:
    """Release one claimed row, setting `names`: built once, as building it cost as much as running it."""
    table = OutboxMessage.__table__
    return (
        update(table)
        .where(table.c.id == bindparam("row_id"), table.c.claim_token == bindparam("token"))
        .values(
            claim_token=None,
            claimed_until=None,
            **{name: bindparam(f"new_{name}", type_=table.c[name].type) for name in names},
        )
    )


def _finish(row: OutboxMessage, token: str, **values: object) -> None:
    parameters = {f"new_{name}": value for name, value in values.items()}
    db.session.execute(_finish_statement(tuple(values)), {"row_id": row.id, "token": token, **parameters})


def _record_failure(
    row: OutboxMessage, token: str, error: Exception, now: datetime, max_attempts: int, report: DeliveryReport
) -> None:
    """Schedule a retry with backoff, or give up: at once on a 5xx, after max_attempts on a 4xx.

    When the server can't be reached or won't let us log in, the message itself is not at
    fault: it waits (an hour apart at most) however long the outage lasts, and is never lost.
    """
    attempts = row.attempts + 1
    log.warning("Email %s to %s not delivered (attempt %d): %s", row.id, row.to_addr, attempts, error)
    exhausted = attempts >= max_attempts and not isinstance(error, ServerUnavailable)
    if isinstance(error, PermanentFailure) or exhausted:
        _finish(row, token, attempts=attempts, last_error=str(error)[:500], failed_at=now)
        report.failed += 1
    else:
        next_attempt_at = now + backoff(attempts)
        _finish(row, token, attempts=attempts, last_error=str(error)[:500], next_attempt_at=next_attempt_at)
        report.retrying += 1
