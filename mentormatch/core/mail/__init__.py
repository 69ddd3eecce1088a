"""Email: queue a message in the outbox now, deliver it later (see delivery.py)."""

from __future__ import annotations

from email.utils import make_msgid
from urllib.parse import urlsplit

from flask import current_app, g, has_request_context, render_template

from mentormatch.core.extensions import db
from mentormatch.core.mail.models import OutboxMessage


def send_email(
    to: str, kind: str, subject: str, *, attachments: list[dict[str, str]] | None = None, **context: object
) -> OutboxMessage:
    """Queue an email rendered from templates/email/<kind>.txt and .html, with any `attachments`
    ({"filename", "content_type", "text"} each).

    It joins the caller's transaction: if the change that caused it rolls back, it is never sent.
    """
    context.setdefault("subject", subject)
    domain = urlsplit(current_app.config["BASE_URL"]).hostname or "mentormatch.local"
    message = OutboxMessage(
        message_id=make_msgid(domain=domain),
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
