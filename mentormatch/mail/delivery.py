"""Delivering the outbox: claim a batch, hand it to the backend, record what the server accepted."""

from __future__ import annotations

import base64
import binascii
import contextlib
import functools
import logging
import re
import smtplib
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from email import policy as email_policy
from email.headerregistry import UnstructuredHeader
from email.policy import EmailPolicy
from email.utils import format_datetime
from pathlib import Path
from typing import Protocol

from flask import current_app
from sqlalchemy import Update, bindparam, or_, select, update

from mentormatch.database import utcnow
from mentormatch.extensions import db
from mentormatch.mail.models import OutboxMessage

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


@dataclass(frozen=True)
class OutgoingEmail:
    """An outbox row ready for the server: its envelope, its headers as bytes, and its two bodies."""

    sender: str
    recipient: str
    international: bool  # an address is not ASCII: the server must take SMTPUTF8
    kind: str
    subject: str
    text_body: str
    html_body: str
    headers: bytes  # every header but the MIME ones, each line ending in CRLF

    def as_bytes(self, eight_bit: bool) -> bytes:
        """The whole message (CRLF): plain text with an HTML alternative. UTF-8 bodies go as
        they are only when `eight_bit` (the server takes 8BITMIME), else quoted-printable or base64."""
        text, html = (
            _text_part("plain", self.text_body, eight_bit),
            _text_part("html", self.html_body, eight_bit),
        )
        boundary = f"=_{uuid.uuid4().hex}"
        while boundary.encode("ascii") in text or boundary.encode("ascii") in html:
            boundary = f"=_{uuid.uuid4().hex}"
        return b"".join(
            [
                self.headers,
                b"MIME-Version: 1.0\r\n",
                f'Content-Type: multipart/alternative; boundary="{boundary}"\r\n\r\n'.encode("ascii"),
                f"--{boundary}\r\n".encode("ascii"),
                text,
                f"\r\n--{boundary}\r\n".encode("ascii"),
                html,
                f"\r\n--{boundary}--\r\n".encode("ascii"),
            ]
        )


# Plain headers (printable ASCII words) are written here; anything else goes through the email
# package's header registry, as EmailMessage would write it. That registry, run for every header of
# every message, was most of the time a message took.
_FOLD_78 = email_policy.SMTP
# The row's own headers fold at SMTP's 998, not 78: folding a long List-Unsubscribe URL would turn
# it into an encoded word no mail provider reads.
_FOLD_998 = email_policy.SMTP.clone(max_line_length=998)
_INTERNATIONAL = email_policy.SMTPUTF8  # a non-ASCII address is written as UTF-8, never encoded
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_DOT_ATOM = rf"{_ATOM}(?:\.{_ATOM})*"
_PLAIN_STRUCTURED = {
    "to": re.compile(rf"{_DOT_ATOM}@{_DOT_ATOM}"),
    "message-id": re.compile(rf"<{_DOT_ATOM}@{_DOT_ATOM}>"),
    # As format_datetime writes it, which is how the registry writes it back.
    "date": re.compile(r"[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d [+-]\d{4}"),
}
_PLAIN_TEXT = re.compile(r"[!-~]+(?: [!-~]+)*")


@functools.cache
def _is_unstructured(name: str) -> bool:
    registry = _FOLD_78.header_factory
    return issubclass(registry.registry.get(name.lower(), registry.default_class), UnstructuredHeader)


def _header(name: str, value: str, policy: EmailPolicy = _FOLD_78) -> bytes:
    """One header field, folded at the policy's line length (beyond it only where a word is longer)."""
    length = len(name) + 2 + len(value)
    if "=?" not in value and length <= 998:  # "=?" would be read as the start of an encoded word
        pattern = _PLAIN_STRUCTURED.get(name.lower())
        if pattern is not None and length <= policy.max_line_length and pattern.fullmatch(value):
            return f"{name}: {value}\r\n".encode("ascii")
        if pattern is None and _is_unstructured(name) and _PLAIN_TEXT.fullmatch(value):
            return _fold_at_spaces(name, value, policy.max_line_length)
    folded = policy.header_factory(name, value).fold(policy=policy)
    return folded.encode("utf-8" if policy.utf8 else "ascii")


def _fold_at_spaces(name: str, value: str, limit: int) -> bytes:
    """Plain text folded before a space wherever a line would pass `limit`: it unfolds to `value`."""
    lines, line = [], f"{name}:"
    for word in value.split(" "):
        if len(line) + 1 + len(word) > limit and line != f"{name}:":
            lines.append(line)
            line = ""
        line += " " + word
    lines.append(line)
    return ("\r\n".join(lines) + "\r\n").encode("ascii")


@functools.cache
def _sender(from_header: str) -> tuple[str, bytes]:
    """The envelope address and the From header line for MAIL_DEFAULT_SENDER."""
    address = _FOLD_78.header_factory("From", from_header).addresses[0].addr_spec
    return address, _header("From", from_header, _FOLD_78 if address.isascii() else _INTERNATIONAL)


def _text_part(subtype: str, text: str, eight_bit: bool) -> bytes:
    """A UTF-8 text part in canonical form (CRLF line ends): as it is when its lines fit SMTP's 998
    (and it is ASCII, or 8bit may be sent), else quoted-printable or base64, whichever is shorter."""
    data = text.encode("utf-8")
    lines = data.splitlines()
    body = b"\r\n".join([*lines, b""])
    if max(map(len, lines), default=0) <= 998 and b"\0" not in data and (eight_bit or text.isascii()):
        encoding = "7bit" if text.isascii() else "8bit"
    else:
        quoted = binascii.b2a_qp(body, istext=True)  # keeps the CRLFs, soft breaks before 76
        full, rest = divmod(len(body), 57)  # base64.encodebytes: 57 bytes a line, 76 characters
        if len(quoted) > full * 77 + (-(-rest // 3) * 4 + 1 if rest else 0):
            encoding, body = "base64", base64.encodebytes(body).replace(b"\n", b"\r\n")
        else:
            encoding, body = "quoted-printable", quoted
    head = f'Content-Type: text/{subtype}; charset="utf-8"\r\nContent-Transfer-Encoding: {encoding}\r\n\r\n'
    return head.encode("ascii") + body


def build_message(row: OutboxMessage) -> OutgoingEmail:
    """The message for an outbox row, its headers written once."""
    sender, from_line = _sender(current_app.config["MAIL_DEFAULT_SENDER"])
    international = not (sender.isascii() and row.to_addr.isascii())
    headers = [
        from_line,
        _header("To", row.to_addr, _INTERNATIONAL if international else _FOLD_78),
        _header("Subject", row.subject),
        _header("Date", format_datetime(row.created_at)),
        # Kept from the first attempt, so a retried message is recognisably the same one.
        _header("Message-ID", row.message_id),
        _header("X-MentorMatch-Kind", row.kind),
        *(_header(name, value, _FOLD_998) for name, value in (row.headers or {}).items()),
    ]
    return OutgoingEmail(
        sender=sender,
        recipient=row.to_addr,
        international=international,
        kind=row.kind,
        subject=row.subject,
        text_body=row.text_body,
        html_body=row.html_body,
        headers=b"".join(headers),
    )


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
