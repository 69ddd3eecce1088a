"""Email: queue a message in the outbox now, deliver it later (see delivery.py)."""

from __future__ import annotations

from email.utils import make_msgid, parseaddr

from flask import current_app, g, has_request_context, render_template

from mentormatch.core.extensions import db
from mentormatch.core.mail.models import OutboxMessage


def message_id_domain() -> str:
    """The domain for Message-IDs: the sender's own (a mail provider checks they agree), never the host's."""
    address = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])[1]
    return address.rpartition("@")[2] or "mentormatch.local"


def new_message_id() -> str:
    """A fresh Message-ID on the sender's domain."""
    return make_msgid(domain=message_id_domain())


def send_email(
    to: str, kind: str, subject: str, *, attachments: list[dict[str, str]] | None = None, **context: object
) -> OutboxMessage:
    """Queue an email rendered from templates/email/<kind>.txt and .html, with any `attachments`
    ({"filename", "content_type", "text"} each).

    It joins the caller's transaction: if the change that caused it rolls back, it is never sent.
    """
    context.setdefault("subject", subject)
    message = OutboxMessage(
        message_id=new_message_id(),
        kind=kind,
        to_addr=to,
        subject=subject,
        text_body=render_template(f"email/{kind}.txt", **context),
        html_body=render_template(f"email/{kind}.html", **context),
        attachments=attachments or None,
    )
    db.session.add(message)
    if has_request_context():
        g.mail_queued = True
    return message
