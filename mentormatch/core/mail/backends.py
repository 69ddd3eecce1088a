"""Where delivered email goes: .eml files, or an SMTP server; and how a failure is classified."""

from __future__ import annotations

import contextlib
import re
import smtplib
import socket
import uuid
from pathlib import Path
from typing import Protocol

from flask import current_app

from mentormatch.core.database import utcnow
from mentormatch.core.mail.message import OutgoingEmail


class TemporaryFailure(Exception):
    """The server could not take the message now; try again later."""


class ServerUnavailable(TemporaryFailure):
    """No connection to the server: the rest of the batch waits for the next run."""


class PermanentFailure(Exception):
    """The server refused the message for good (5xx)."""


class Unconfirmed(Exception):
    """The whole message reached the server but no reply came back: it may have been taken.

    Sending it again could deliver it twice, so it is not retried; it is counted instead.
    """


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


class _Watched(smtplib.SMTP):
    """Notes when a message's end (the lone dot) has gone to the server: after that, a lost
    reply leaves it unknown whether the server took the message."""

    handed_over = False

    def send(self, s: bytes | str) -> None:
        super().send(s)
        if isinstance(s, bytes) and s.endswith(b"\r\n.\r\n"):
            self.handed_over = True


class _WatchedSSL(_Watched, smtplib.SMTP_SSL):
    pass


class SMTPBackend:
    """One SMTP connection for a batch: plain, STARTTLS or SSL, with login when configured."""

    def __init__(self, config: dict) -> None:
        self.config = config
        self.connection: _Watched | None = None

    def open(self) -> None:
        c = self.config
        conn: _Watched | None = None
        try:
            if c["MAIL_USE_SSL"]:
                conn = _WatchedSSL(c["MAIL_SERVER"], c["MAIL_PORT"], timeout=c["MAIL_TIMEOUT"])
            else:
                conn = _Watched(c["MAIL_SERVER"], c["MAIL_PORT"], timeout=c["MAIL_TIMEOUT"])
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
        connection = self.connection
        connection.handed_over = False
        try:
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
            if connection.handed_over:
                lost = f"the server took the whole message but no reply came ({error!r})"
                raise Unconfirmed(lost) from error
            # smtplib turns a time-out waiting for a reply into SMTPServerDisconnected.
            if isinstance(error, TimeoutError) or isinstance(error.__context__, TimeoutError):
                # A server this slow would cost every message of the batch a time-out: they wait.
                raise ServerUnavailable(f"the mail server is too slow to answer: {error}") from error
            raise TemporaryFailure(f"connection lost: {error!r}") from error

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
