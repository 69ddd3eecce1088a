"""Sending the digests that are due, each (person, period) exactly once.

A run works through the due people a batch at a time. For each batch it works out the content
(reading only), then in one short transaction claims the batch's ledger rows with
INSERT … ON CONFLICT DO NOTHING and queues an outbox message for each claimed row that has
something new. A row another run claimed first is skipped, with its email: so a second run,
or two at once, queue nothing twice. Delivery is the outbox's (mail/delivery.py): each message
is marked sent only when the SMTP server accepted it, and a refusal part-way (421) leaves the
rest queued for the next run, which delivers them without queueing anything again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.utils import make_msgid

from flask import current_app
from sqlalchemy import case, func, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from mentormatch.accounts.models import User
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.core.mail import message_id_domain
from mentormatch.core.mail.delivery import deliver_pending
from mentormatch.core.mail.models import OutboxMessage
from mentormatch.digests.content import BULK_SUGGESTIONS_FROM, Suggestions, build_digests
from mentormatch.digests.models import NOTHING_NEW, QUEUED, Digest
from mentormatch.digests.periods import DAILY, FREQUENCIES, WEEKLY, period_key
from mentormatch.digests.rendering import Links, render_digest

DIGEST_KIND = "digest"
PREPARE_BATCH = 500  # people per claim transaction
DELIVERY_BATCH = 250  # messages per SMTP connection
DELIVERY_CONNECTIONS = 2  # SMTP connections open at once (`digests send --connections`)


@dataclass
class DigestRunReport:
    """What one run did: digests queued and nothing-new decided by it, and what delivery did."""

    due: int = 0
    queued: int = 0
    nothing_new: int = 0
    taken: int = 0  # decided by another run meanwhile
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    unconfirmed: int = 0

    def summary(self, dry_run: bool = False) -> str:
        """One line for the logs."""
        if dry_run:
            return (
                f"Digests (dry run): {self.queued} would be sent, {self.nothing_new} nothing new; "
                "nothing was written and no email was sent."
            )
        line = (
            f"Digests: {self.sent} sent, {self.nothing_new} nothing new, {self.failed + self.retrying} failed"
        )
        if self.retrying:
            line += f" ({self.retrying} will be retried)"
        if self.unconfirmed:
            line += f", {self.unconfirmed} unconfirmed (handed over, no reply: not sent again)"
        if self.taken:
            line += f", {self.taken} already done by another run"
        return line + "."


# --- who is due ---------------------------------------------------------------------------------


def due_users(now: datetime, after_id: int = 0, limit: int | None = None):
    """A select() of the people whose digest for the current period is not decided yet."""
    current = case((User.digest_frequency == DAILY, period_key(DAILY, now)), else_=period_key(WEEKLY, now))
    decided = select(Digest.id).where(Digest.user_id == User.id, Digest.period_key == current)
    query = (
        select(User)
        .where(
            User.digest_opt_in.is_(True),
            User.digest_frequency.in_(FREQUENCIES),
            User.deleted_at.is_(None),
            User.email.is_not(None),
            User.email_verified_at.is_not(None),
            User.id > after_id,
            ~decided.exists(),
        )
        .order_by(User.id)
    )
    return query.limit(limit) if limit else query


def count_due(now: datetime) -> int:
    """How many people's digests for the current period are still to be decided."""
    return db.session.scalar(select(func.count()).select_from(due_users(now).subquery())) or 0


def count_undelivered(now: datetime) -> int:
    """Digests in the outbox that delivery would try now."""
    return (
        db.session.scalar(
            select(func.count()).where(
                OutboxMessage.kind == DIGEST_KIND,
                OutboxMessage.sent_at.is_(None),
                OutboxMessage.failed_at.is_(None),
                OutboxMessage.next_attempt_at <= now,
            )
        )
        or 0
    )


# --- claiming and queueing ----------------------------------------------------------------------


def _claim(rows: list[dict]) -> set[int]:
    """Insert the ledger rows no other run has; return the user ids this run now owns."""
    if not rows:
        return set()
    dialect = db.session.get_bind().dialect.name
    insert_ = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        insert_(Digest.__table__)
        .on_conflict_do_nothing(index_elements=["user_id", "period_key"])
        .returning(Digest.__table__.c.user_id)
    )
    return set(db.session.scalars(statement, rows))


def _prepare_batch(
    users: Sequence[User],
    now: datetime,
    suggestions: Suggestions,
    links: Links,
    report: DigestRunReport,
    dry_run: bool,
) -> None:
    contents = build_digests(users, now, suggestions)
    domain = message_id_domain()  # the sender's, as for every other email
    ledger: list[dict] = []
    emails: dict[int, dict] = {}
    for content in contents:
        row = {
            "user_id": content.user_id,
            "period_key": content.period_key,
            "as_of": content.as_of,
            "seen": content.seen,
            "created_at": utcnow(),
        }
        if content.is_empty:
            ledger.append({**row, "outcome": NOTHING_NEW, "message_id": None, "included": {}})
            continue
        rendered = render_digest(content, links)
        message_id = make_msgid(domain=domain)
        ledger.append({**row, "outcome": QUEUED, "message_id": message_id, "included": content.included()})
        emails[content.user_id] = {
            "message_id": message_id,
            "kind": DIGEST_KIND,
            "to_addr": content.email,
            "subject": rendered.subject,
            "text_body": rendered.text,
            "html_body": rendered.html,
            "headers": rendered.headers,
            "created_at": utcnow(),
            "next_attempt_at": now,  # due for this run's delivery, whatever the clock says
            "attempts": 0,
        }
    if dry_run:
        report.queued += len(emails)
        report.nothing_new += len(ledger) - len(emails)
        db.session.rollback()
        return
    # End the read transaction first: on SQLite a read snapshot can't become a write if another
    # run wrote meanwhile, while a transaction that starts by writing simply waits its turn.
    db.session.commit()
    claimed = _claim(sorted(ledger, key=lambda row: row["user_id"]))  # one lock order for every run
    queued = [emails[user_id] for user_id in sorted(claimed) if user_id in emails]
    if queued:
        db.session.execute(insert(OutboxMessage.__table__), queued)
    db.session.commit()
    report.queued += len(queued)
    report.nothing_new += len(claimed) - len(queued)
    report.taken += len(ledger) - len(claimed)


def queue_due_digests(
    now: datetime, *, dry_run: bool = False, progress: Callable[[int], None] | None = None
) -> DigestRunReport:
    """Decide every due digest for this period: queue an email, or record that nothing was new."""
    report = DigestRunReport()
    report.due = count_due(now)
    if not report.due:
        return report
    suggestions = Suggestions(bulk=report.due >= BULK_SUGGESTIONS_FROM)
    links = Links()
    last_id = 0
    while True:
        users = db.session.scalars(due_users(now, after_id=last_id, limit=PREPARE_BATCH)).all()
        if not users:
            break
        last_id = users[-1].id
        _prepare_batch(users, now, suggestions, links, report, dry_run)
        if progress:
            progress(len(users))
    return report


def deliver_digests(
    report: DigestRunReport,
    now: datetime,
    progress: Callable[[int], None] | None = None,
    connections: int = DELIVERY_CONNECTIONS,
) -> DigestRunReport:
    """Hand the queued digests to the mail server until none is due.

    `connections` workers deliver side by side, each one SMTP connection per batch: the outbox's
    claims keep them off each other's messages (as with several `mail deliver` workers), and while
    one waits for the server's reply another builds its next message.
    """
    if connections <= 1:
        _deliver_all(report, now, progress)
        return report
    app = current_app._get_current_object()
    lock = threading.Lock()
    errors: list[BaseException] = []

    def worker() -> None:
        mine = DigestRunReport()
        try:
            with app.app_context():

                def tell(handled: int) -> None:
                    if progress:
                        with lock:
                            progress(handled)

                _deliver_all(mine, now, tell)
        except BaseException as error:  # raised below, in the caller's thread
            errors.append(error)
        finally:
            with lock:
                report.sent += mine.sent
                report.retrying += mine.retrying
                report.failed += mine.failed
                report.unconfirmed += mine.unconfirmed

    threads = [threading.Thread(target=worker, name=f"digest-delivery-{n}") for n in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return report


def _deliver_all(report: DigestRunReport, now: datetime, progress: Callable[[int], None] | None) -> None:
    while True:
        # Claims run on the real clock (their lease must not look expired to other workers).
        batch = deliver_pending(limit=DELIVERY_BATCH, now=max(now, utcnow()), kind=DIGEST_KIND)
        handled = batch.handled
        if not handled:
            return
        report.sent += batch.sent
        report.unconfirmed += batch.unconfirmed
        report.retrying += batch.retrying
        report.failed += batch.failed
        if progress:
            progress(handled)


def send_digests(
    now: datetime | None = None, *, dry_run: bool = False, connections: int = DELIVERY_CONNECTIONS
) -> DigestRunReport:
    """Queue and deliver every due digest (`flask digests send` without the progress bars)."""
    now = now or utcnow()
    report = queue_due_digests(now, dry_run=dry_run)
    return report if dry_run else deliver_digests(report, now, connections=connections)
