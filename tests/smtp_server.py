"""A real SMTP server on loopback (aiosmtpd) that records what it accepts and can be told to refuse."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope


@dataclass
class Received:
    mail_from: str
    recipients: list[str]
    message: EmailMessage


@dataclass
class RecordingHandler:
    """Accepts messages, unless told to refuse the next few with a given reply."""

    received: list[Received] = field(default_factory=list)
    refuse_next: int = 0
    refusal: str = "421 4.3.2 Service shutting down, try again later"
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope: Envelope) -> str:
        with self.lock:
            if self.refuse_next > 0:
                self.refuse_next -= 1
                return self.refusal
            message = message_from_bytes(envelope.original_content, policy=policy.default)
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 2.0.0 OK: queued"


class SMTPServer:
    """A running server: `port`, `received`, and `refuse(n, reply)`."""

    def __init__(self, handler: RecordingHandler, controller: Controller, port: int) -> None:
        self.handler = handler
        self.controller = controller
        self.port = port

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def refuse(self, count: int, reply: str = "421 4.3.2 Service shutting down, try again later") -> None:
        self.handler.refuse_next = count
        self.handler.refusal = reply

    def messages_to(self, address: str) -> list[EmailMessage]:
        return [item.message for item in self.received if address in item.recipients]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_smtp_server() -> SMTPServer:
    handler = RecordingHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    return SMTPServer(handler, controller, port)


@pytest.fixture
def smtp_server() -> Iterator[SMTPServer]:
    """An SMTP server on 127.0.0.1 for this test."""
    server = start_smtp_server()
    yield server
    server.controller.stop()


def smtp_settings(server: SMTPServer, **extra: object) -> dict:
    """App settings that send mail to this server."""
    return {"MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": server.port, **extra}
