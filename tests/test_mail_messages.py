"""The bytes delivery puts on the wire: headers, bodies, and non-ASCII addresses (SMTPUTF8).

build_message writes each message itself instead of through EmailMessage; these tests hold it to
what a reader of the message gets: every header and body decodes to exactly what EmailMessage
would have given, lines stay within SMTP's limits, nothing is sent as 8bit, and a non-ASCII address
goes only to a server that takes SMTPUTF8. The SMTP tests use a real aiosmtpd server on loopback.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

from mentormatch.core.extensions import db
from mentormatch.core.mail import send_email
from mentormatch.core.mail.delivery import deliver_pending
from mentormatch.core.mail.message import build_message
from mentormatch.core.mail.models import OutboxMessage
from tests.helpers import outbox
from tests.smtp_server import RecordingHandler, SMTPServer, free_port, smtp_settings

UNSUBSCRIBE = (
    "<https://mentors.example.org/unsubscribe/"
    "eyJ1IjoxLCJwIjoiZGlnZXN0LXVuc3Vic2NyaWJlIn0.awKJYg.gqJ50v-tbId5FxV9Tw7dqWxv-p4>"
)
DIGEST_HEADERS = {
    "List-Unsubscribe": UNSUBSCRIBE,
    "Auto-Submitted": "auto-generated",
    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
}


def outbox_row(**values: object) -> OutboxMessage:
    """An outbox row as delivery reads it (not stored: build_message only reads it)."""
    defaults = {
        "message_id": "<179532835471.4837.14197562935354246496@mentors.example.org>",
        "kind": "digest",
        "to_addr": "amira@example.ac.uk",
        "subject": "Your weekly MentorMatch digest: 2 suggested mentors",
        "text_body": "Hello Amira,\n\nTwo new suggestions.\n",
        "html_body": "<html><body><p>Hello Amira,</p></body></html>\n",
        "headers": DIGEST_HEADERS,
        "created_at": datetime(2026, 11, 20, 6, 0, 5, tzinfo=UTC),
    }
    return OutboxMessage(**{**defaults, **values})


def built(app, eight_bit: bool = False, **values: object) -> bytes:
    with app.app_context():
        return build_message(outbox_row(**values)).as_bytes(eight_bit)


def parse(data: bytes) -> EmailMessage:
    return message_from_bytes(data, policy=policy.default)


def header_block(data: bytes) -> bytes:
    return data.split(b"\r\n\r\n", 1)[0] + b"\r\n"


def as_email_message_would(name: str, value: str) -> str:
    """The value a reader gets when EmailMessage (the way delivery used to) writes this header."""
    message = EmailMessage()
    message[name] = value
    message.set_content("x")
    return parse(message.as_bytes(policy=policy.SMTP))[name]


# --- headers --------------------------------------------------------------------------------------


def test_a_digests_headers_are_exactly_these_bytes(app):
    data = built(
        app,
        subject="Your weekly MentorMatch digest: 1 request to answer, 3 suggested mentors, 3 suggested peers",
    )
    head, boundary = re.fullmatch(
        rb'(.*)Content-Type: multipart/alternative; boundary="(=_[0-9a-f]{32})"\r\n', header_block(data), re.S
    ).groups()
    assert head == (
        b"From: MentorMatch <no-reply@mentormatch.example>\r\n"
        b"To: amira@example.ac.uk\r\n"
        # Folded before a space at 78: it unfolds to the subject as it was.
        b"Subject: Your weekly MentorMatch digest: 1 request to answer, 3 suggested\r\n"
        b" mentors, 3 suggested peers\r\n"
        b"Date: Fri, 20 Nov 2026 06:00:05 +0000\r\n"
        b"Message-ID: <179532835471.4837.14197562935354246496@mentors.example.org>\r\n"
        b"X-MentorMatch-Kind: digest\r\n"
        # 131 characters, on one line: not folded at 78, not turned into encoded words.
        b"List-Unsubscribe: " + UNSUBSCRIBE.encode() + b"\r\n"
        b"Auto-Submitted: auto-generated\r\n"
        b"List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
        b"MIME-Version: 1.0\r\n"
    )
    assert data.endswith(b"\r\n--" + boundary + b"--\r\n")
    message = parse(data)
    assert message["List-Unsubscribe"] == UNSUBSCRIBE
    assert message["Subject"] == (
        "Your weekly MentorMatch digest: 1 request to answer, 3 suggested mentors, 3 suggested peers"
    )
    assert message.defects == [] and all(part.defects == [] for part in message.walk())


def test_the_message_id_is_the_rows_on_every_attempt(app):
    first, second = built(app), built(app)
    assert parse(first)["Message-ID"] == parse(second)["Message-ID"] == outbox_row().message_id


@pytest.mark.parametrize(
    "subject",
    [
        "Your weekly MentorMatch digest: 2 suggested mentors",
        "Your weekly MentorMatch digest: 1 request to answer, 3 suggested mentors, 3 suggested peers",
        "Siobhán Ó Briain asked you to be her mentor",
        "Nguyễn Thị Lan, Søren Sørensen and Zoë Ward: " + "new suggestions for you " * 4,
        "A word longer than a line: " + "x" * 90,
        "Looks encoded: =?utf-8?q?caf=C3=A9?= but is not",
        "Two  spaces,\ta tab and a trailing space ",
    ],
    ids=["plain", "long", "accents", "long-accents", "long-word", "encoded-word-lookalike", "odd-spaces"],
)
def test_a_subject_reads_as_email_message_would_give_it(app, subject):
    data = built(app, subject=subject)
    assert parse(data)["Subject"] == as_email_message_would("Subject", subject)
    head = header_block(data)
    assert head.isascii()  # non-ASCII as RFC 2047 encoded words
    assert all(len(line) <= 998 for line in head.split(b"\r\n"))
    if "x" * 90 not in subject:
        subject_lines = re.search(rb"^Subject:.*?\r\n(?! )", head, re.S | re.M).group().split(b"\r\n")
        assert all(len(line) <= 78 for line in subject_lines)


def test_a_message_without_extra_headers_has_none(app):
    message = parse(built(app, kind="email_in_use", headers=None))
    assert message["X-MentorMatch-Kind"] == "email_in_use"
    assert "List-Unsubscribe" not in message and "Auto-Submitted" not in message


# --- bodies ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("eight_bit", [True, False], ids=["8bitmime", "7bit-only"])
@pytest.mark.parametrize(
    ("text", "with_8bit", "without"),
    [
        ("Hello Amira,\n\nNothing but short ASCII lines.\n", "7bit", "7bit"),
        ("Windows line endings\r\nand no newline at the end", "7bit", "7bit"),
        ("A long line: " + "word " * 190 + "\nthen a short one\n", "7bit", "7bit"),  # 963 characters
        ("Too long for SMTP: " + "word " * 200 + "\n", "quoted-printable", "quoted-printable"),
        (
            "Hello Siobhán,\n.a line starting with a dot\nFrom the start of a line\n"
            "trailing space \ntrailing tab\t\nan equals sign = and =_ and =3D\n",
            "8bit",
            "quoted-printable",
        ),
        ("Καλημέρα Ελένη, νέες προτάσεις για εσάς.\n" * 5, "8bit", "base64"),
    ],
    ids=["ascii", "crlf-no-final-newline", "long-line", "too-long-line", "accents-and-traps", "mostly-greek"],
)
def test_a_body_decodes_to_its_text(app, text, with_8bit, without, eight_bit):
    """8bit only where the server takes it; lines never over SMTP's 998."""
    html = "<html><body><p>" + "<br>\n".join(text.splitlines()) + "</p></body></html>"
    data = built(app, eight_bit, text_body=text, html_body=html)
    encoding = with_8bit if eight_bit else without
    assert data.isascii() == (encoding != "8bit")
    assert all(len(line) <= 998 for line in data.split(b"\r\n"))
    message = parse(data)
    assert message.get_content_type() == "multipart/alternative"
    plain, rich = message.iter_parts()
    assert (plain.get_content_type(), rich.get_content_type()) == ("text/plain", "text/html")
    assert plain.get_content_charset() == rich.get_content_charset() == "utf-8"
    assert plain["Content-Transfer-Encoding"] == encoding

    def as_read(body: str) -> str:  # in canonical form: every line, the last one too, ends in CRLF
        body = body.replace("\r\n", "\n")
        return (body if body.endswith("\n") else body + "\n").replace("\n", "\r\n")

    assert plain.get_content() == as_read(text)
    assert rich.get_content() == as_read(html)


# --- over SMTP: non-ASCII addresses, 8bit bodies ---------------------------------------------------


@dataclass
class EnvelopeRecorder(RecordingHandler):
    """Records each message's MAIL FROM options and bytes, and each connection's EHLO; `hidden`
    is an extension the server leaves out of its EHLO reply (aiosmtpd always offers 8BITMIME)."""

    hidden: str = ""
    mail_options: list[list[str]] = field(default_factory=list)
    data: list[bytes] = field(default_factory=list)
    connections: int = 0

    async def handle_EHLO(self, server, session, envelope, hostname: str, responses: list[str]) -> list[str]:
        session.host_name = hostname
        with self.lock:
            self.connections += 1
        return [line for line in responses if not (self.hidden and line[4:] == self.hidden)]

    async def handle_DATA(self, server, session, envelope) -> str:
        with self.lock:
            self.mail_options.append(list(envelope.mail_options))
            self.data.append(envelope.original_content)
        return await super().handle_DATA(server, session, envelope)

    def options(self) -> list[list[str]]:
        """Each message's MAIL FROM options but SIZE=…, which smtplib gives every message."""
        return [[option for option in sent if not option.startswith("SIZE=")] for sent in self.mail_options]


@contextmanager
def recording_server(smtputf8: bool, hidden: str = "") -> Iterator[SMTPServer]:
    handler = EnvelopeRecorder(hidden=hidden)
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, enable_SMTPUTF8=smtputf8)
    controller.start()
    try:
        yield SMTPServer(handler, controller, port)
    finally:
        controller.stop()


class TestEightBitBodies:
    @pytest.fixture(params=[True, False], ids=["8bitmime", "no-8bitmime"])
    def server(self, request):
        with recording_server(smtputf8=False, hidden="" if request.param else "8BITMIME") as server:
            yield server, request.param

    @pytest.fixture
    def app_config(self, server):
        return smtp_settings(server[0], MAIL_TIMEOUT=5)

    def test_a_utf8_body_goes_as_8bit_only_to_a_server_that_says_it_takes_it(self, app, server):
        smtp_server, takes_8bit = server
        text = "Hello Siobhán,\n\nSøren Sørensen · 45% match\n"
        with app.app_context():
            db.session.add(outbox_row(text_body=text, html_body=f"<p>{text}</p>\n"))
            db.session.commit()
            report = deliver_pending()

        assert (report.sent, report.retrying, report.failed) == (1, 0, 0)
        [raw] = smtp_server.handler.data
        [message] = smtp_server.messages_to("amira@example.ac.uk")
        plain = message.get_body(("plain",))
        assert plain.get_content() == text.replace("\n", "\r\n")
        if takes_8bit:
            assert smtp_server.handler.options() == [["BODY=8BITMIME"]]
            assert plain["Content-Transfer-Encoding"] == "8bit"
            assert "Hello Siobhán,\r\n".encode() in raw
        else:
            assert smtp_server.handler.options() == [[]]
            assert plain["Content-Transfer-Encoding"] == "quoted-printable"
            assert raw.isascii()


class TestNonASCIIAddress:
    @pytest.fixture(params=[True, False], ids=["smtputf8", "no-smtputf8"])
    def server(self, request):
        with recording_server(smtputf8=request.param) as server:
            yield server, request.param

    @pytest.fixture
    def app_config(self, server):
        return smtp_settings(server[0], MAIL_TIMEOUT=5)

    def test_goes_only_to_a_server_that_takes_smtputf8(self, app, server):
        smtp_server, takes_smtputf8 = server
        with app.app_context():
            international = send_email("siobhán@example.ie", "email_in_use", "Fáilte, Siobhán").message_id
            plain = send_email("amira@example.ac.uk", "email_in_use", "Welcome").message_id
            db.session.commit()
            report = deliver_pending()

        rows = {row.message_id: row for row in outbox(app)}
        assert rows[plain].status == "sent"
        assert smtp_server.handler.connections == 1  # a refusal does not cost the connection
        # BODY=8BITMIME is there only for an 8bit body.
        options = smtp_server.handler.options()
        ascii_body = [] if smtp_server.handler.data[-1].isascii() else ["BODY=8BITMIME"]
        if takes_smtputf8:
            assert (report.sent, report.retrying, report.failed) == (2, 0, 0)
            first, second = smtp_server.received
            assert first.recipients == ["siobhán@example.ie"]
            assert first.message["To"] == "siobhán@example.ie"  # as UTF-8, not an encoded word
            assert b"\r\nTo: siobh\xc3\xa1n@example.ie\r\n" in smtp_server.handler.data[0]
            assert first.message["Subject"] == "Fáilte, Siobhán"
            assert "already has an account" in first.message.get_body(("plain",)).get_content()
            assert options == [["SMTPUTF8", "BODY=8BITMIME"], ascii_body]  # SMTPUTF8 only where needed
            assert second.recipients == ["amira@example.ac.uk"]
            assert rows[international].status == "sent"
        else:
            assert (report.sent, report.retrying, report.failed) == (1, 0, 1)
            [only] = smtp_server.received
            assert only.recipients == ["amira@example.ac.uk"]
            assert options == [ascii_body]
            row = rows[international]
            assert row.status == "failed" and row.attempts == 1 and row.sent_at is None
            assert "SMTPUTF8" in row.last_error
