"""A pair's conversation: sending a message, reading, the emails that tell of new ones, and reports.

Emails are throttled per person and thread: at most one every 15 minutes. The first message after a
quiet spell is emailed at once; later ones wait (`notify_after`) and the next email, at send time or
from the hourly `flask requests expire`, tells of every message still unread. Each email is claimed
by one conditional UPDATE, so a burst of messages, or two jobs at once, send one. The caller commits.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError

from mentormatch.accounts.models import User
from mentormatch.core import audit
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.core.mail import send_email
from mentormatch.core.views import absolute_url
from mentormatch.mentoring.models import Connection
from mentormatch.mentoring.pair_models import Message, Reader
from mentormatch.mentoring.pairs import PairProblem

NOTIFY_EVERY = timedelta(minutes=15)
EMAILED_MESSAGES = 5  # the newest unread messages an email quotes

audit.describe_actions({"conversation.report": "A member reported a conversation"})


def _reader(connection_id: int, user_id: int) -> None:
    """Make sure this person's side of the conversation has its row (made once, whoever races)."""
    exists = select(Reader.user_id).where(Reader.connection_id == connection_id, Reader.user_id == user_id)
    if db.session.scalar(exists) is None:
        try:
            with db.session.begin_nested():
                db.session.add(Reader(connection_id=connection_id, user_id=user_id))
        except IntegrityError:
            pass  # the other tab made it first


def send_message(
    connection: Connection, author: User, body: str, now: datetime | None = None, token: str | None = None
) -> Message:
    """Add a message to an active connection's conversation; the other person is emailed (throttled).

    `token` is the form's one-time token: the same form sent again gives back the first message.
    """
    if not connection.is_active:
        raise PairProblem("This connection has ended, so the conversation is closed.")
    now = now or utcnow()
    sent = _sent_with(author, token)
    if sent is not None:
        return sent
    message = Message(
        connection_id=connection.id,
        author_id=author.id,
        body=body,
        created_at=now,
        client_token=token or None,
    )
    try:
        with db.session.begin_nested():
            db.session.add(message)
    except IntegrityError:  # the other click of a double click got there first
        return _sent_with(author, token)
    _reader(connection.id, author.id)
    mark_read(connection, author, message.id)  # your own words are read
    recipient = connection.other(author)
    _reader(connection.id, recipient.id)
    if not recipient.deleted_at:
        _notify(connection, recipient, now)
    return message


def _sent_with(author: User, token: str | None) -> Message | None:
    if not token:
        return None
    return db.session.scalar(
        select(Message).where(Message.author_id == author.id, Message.client_token == token)
    )


def mark_read(connection: Connection, reader: User, up_to: int) -> None:
    """Everything up to message `up_to` is read by `reader`; nothing they've read is emailed later."""
    _reader(connection.id, reader.id)
    db.session.execute(
        update(Reader)
        .where(
            Reader.connection_id == connection.id, Reader.user_id == reader.id, Reader.last_read_id < up_to
        )
        .values(last_read_id=up_to)
        .execution_options(synchronize_session=False)
    )


def _notify(connection: Connection, recipient: User, now: datetime) -> bool:
    """Email `recipient` of their unread messages now if none was sent in the last 15 minutes,
    else have them wait for the next email. True when an email was queued."""
    mine = (Reader.connection_id == connection.id, Reader.user_id == recipient.id)
    claimed = db.session.execute(
        update(Reader)
        .where(*mine, or_(Reader.notified_at.is_(None), Reader.notified_at <= now - NOTIFY_EVERY))
        .values(notified_at=now, notify_after=None)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount == 1:
        return _email_unread(connection, recipient)
    # Wait until 15 minutes after the last email (racing writers compute the same time).
    last = db.session.scalar(select(Reader.notified_at).where(*mine))
    db.session.execute(
        update(Reader)
        .where(*mine, Reader.notify_after.is_(None))
        .values(notify_after=(last or now) + NOTIFY_EVERY)
        .execution_options(synchronize_session=False)
    )
    return False


def _email_unread(connection: Connection, recipient: User) -> bool:
    read_up_to = select(Reader.last_read_id).where(
        Reader.connection_id == connection.id, Reader.user_id == recipient.id
    )
    unread = (
        Message.connection_id == connection.id,
        Message.author_id != recipient.id,
        Message.id > read_up_to.scalar_subquery(),
    )
    count = db.session.scalar(select(func.count()).select_from(Message).where(*unread))
    if not count:
        return False
    newest = db.session.scalars(
        select(Message).where(*unread).order_by(Message.id.desc()).limit(EMAILED_MESSAGES)
    )
    sender = connection.other(recipient)
    send_email(
        recipient.email,
        "message_received",
        f"{sender.display_name} sent you a message"
        if count == 1
        else f"{count} new messages from {sender.display_name}",
        recipient=recipient,
        sender=sender,
        count=count,
        messages=list(reversed(newest.all())),
        link=absolute_url("connections.show", connection_id=connection.id),
    )
    return True


def send_waiting_notifications(now: datetime | None = None) -> int:
    """Email everyone whose messages have waited out the 15 minutes (run by `flask requests expire`).
    Returns how many emails were queued."""
    now = now or utcnow()
    due = db.session.execute(
        select(Reader.connection_id, Reader.user_id).where(Reader.notify_after <= now)
    ).all()
    sent = 0
    for connection_id, user_id in due:
        claimed = db.session.execute(
            update(Reader)
            .where(
                Reader.connection_id == connection_id,
                Reader.user_id == user_id,
                Reader.notify_after <= now,
            )
            .values(notified_at=now, notify_after=None)
            .execution_options(synchronize_session=False)
        )
        connection, recipient = db.session.get(Connection, connection_id), db.session.get(User, user_id)
        if claimed.rowcount == 1 and recipient and not recipient.deleted_at:
            sent += _email_unread(connection, recipient)
    return sent


def report(connection: Connection, reporter: User, reason: str) -> None:
    """A member reports the conversation: an audit entry, and an email to every programme admin."""
    audit.record(
        None,
        "conversation.report",
        connection,
        after={"reported_by": reporter.id, "reason": reason or None},
        actor=f"member {reporter.id}",
    )
    messages = db.session.scalars(
        select(Message).where(Message.connection_id == connection.id).order_by(Message.id.desc()).limit(20)
    ).all()
    admins = db.session.scalars(select(User).where(User.is_admin, User.deleted_at.is_(None))).all()
    for admin in admins:
        send_email(
            admin.email,
            "conversation_reported",
            f"{reporter.display_name} reported a conversation",
            admin=admin,
            reporter=reporter,
            other=connection.other(reporter),
            reason=reason,
            messages=list(reversed(messages)),
            authors={connection.first_id: connection.first, connection.second_id: connection.second},
            link=absolute_url("admin.audit_log"),
        )
