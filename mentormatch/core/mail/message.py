"""Turning an outbox row into the bytes an SMTP server gets: headers, and a text and HTML alternative.

Written directly where the headers are plain (most are), through the email package where they
aren't, so a message reads back exactly as EmailMessage would have written it, at a fraction of the cost.
"""

from __future__ import annotations

import base64
import binascii
import functools
import re
import uuid
from dataclasses import dataclass
from email import policy as email_policy
from email.headerregistry import UnstructuredHeader
from email.policy import EmailPolicy
from email.utils import format_datetime

from flask import current_app

from mentormatch.core.mail.models import OutboxMessage


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
    attachments: tuple[tuple[str, str, str], ...] = ()  # (filename, content type, text)

    def as_bytes(self, eight_bit: bool) -> bytes:
        """The whole message (CRLF): plain text with an HTML alternative, and the attachments
        after them (multipart/mixed). UTF-8 bodies go as they are only when `eight_bit` (the
        server takes 8BITMIME), else quoted-printable or base64."""
        body = _multipart(
            "alternative",
            [_text_part("plain", self.text_body, eight_bit), _text_part("html", self.html_body, eight_bit)],
        )
        if self.attachments:
            body = _multipart("mixed", [body, *(_attachment(*item) for item in self.attachments)])
        return b"".join([self.headers, b"MIME-Version: 1.0\r\n", body])


def _multipart(subtype: str, parts: list[bytes]) -> bytes:
    """A multipart entity (its Content-Type header, a blank line, the parts) with a fresh boundary."""
    boundary = f"=_{uuid.uuid4().hex}"
    while any(boundary.encode("ascii") in part for part in parts):
        boundary = f"=_{uuid.uuid4().hex}"
    head = f'Content-Type: multipart/{subtype}; boundary="{boundary}"\r\n\r\n'.encode("ascii")
    between = f"\r\n--{boundary}\r\n".encode("ascii")
    return b"".join(
        [
            head,
            f"--{boundary}\r\n".encode("ascii"),
            between.join(parts),
            f"\r\n--{boundary}--\r\n".encode("ascii"),
        ]
    )


def _attachment(filename: str, content_type: str, text: str) -> bytes:
    """A text file sent as an attachment, base64 so its line ends arrive as written."""
    data = base64.encodebytes(text.encode("utf-8")).replace(b"\n", b"\r\n")
    safe_name = re.sub(r"[^A-Za-z0-9._-]", "_", filename)
    head = (
        f'Content-Type: {content_type}; charset="utf-8"; name="{safe_name}"\r\n'
        f'Content-Disposition: attachment; filename="{safe_name}"\r\n'
        "Content-Transfer-Encoding: base64\r\n\r\n"
    )
    return head.encode("ascii") + data


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


def _reply_to() -> list[bytes]:
    """Reply-To: the programme's own address (MAIL_REPLY_TO), when there is one: replies reach people."""
    address = current_app.config.get("MAIL_REPLY_TO")
    return [_header("Reply-To", address)] if address else []


def build_message(row: OutboxMessage) -> OutgoingEmail:
    """The message for an outbox row, its headers written once."""
    sender, from_line = _sender(current_app.config["MAIL_DEFAULT_SENDER"])
    international = not (sender.isascii() and row.to_addr.isascii())
    headers = [
        from_line,
        _header("To", row.to_addr, _INTERNATIONAL if international else _FOLD_78),
        *_reply_to(),
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
        attachments=tuple(
            (item["filename"], item["content_type"], item["text"]) for item in row.attachments or ()
        ),
    )
