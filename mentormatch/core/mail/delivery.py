"""Delivering the outbox: claim a batch, hand it to the backend, record what the server accepted."""

from __future__ import annotations

import contextlib
import functools
import logging
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import Update, bindparam, or_, select, update
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.core.mail.backends import (
    PermanentFailure,
    ServerUnavailable,
    TemporaryFailure,
    Unconfirmed,
    make_backend,
)
from mentormatch.core.mail.message import build_message
from mentormatch.core.mail.models import UNCONFIRMED, OutboxMessage

log = logging.getLogger(__name__)

# How long a worker may hold a claimed batch before another worker may take it over.
CLAIM_LEASE = timedelta(minutes=5)


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    unconfirmed: int = 0  # handed over, but the server's reply never came: not sent again

    @property
    def handled(self) -> int:
        return self.sent + self.retrying + self.failed + self.unconfirmed

    def __str__(self) -> str:
        line = f"sent {self.sent}, will retry {self.retrying}, failed {self.failed}"
        return f"{line}, unconfirmed {self.unconfirmed}" if self.unconfirmed else line


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, … minutes after each failed attempt, at most an hour."""
    return timedelta(minutes=min(2 ** (attempts - 1), 60))


def claim_batch(
    limit: int, now: datetime, kind: str | None = None, token: str | None = None
) -> tuple[str, list[OutboxMessage]]:
    """Take up to `limit` due messages (only `kind`, if given); no other worker gets the same ones."""
    token = token or uuid.uuid4().hex
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
    settle_unfinished()
    token = uuid.uuid4().hex
    try:
        _, rows = claim_batch(limit, now, kind, token)
    except Exception:
        # The claim may have been committed before the database went away: the next run
        # releases it, rather than leaving those messages to wait out the lease.
        _unfinished[token] = {}
        raise
    if not rows:
        return report
    # Each message's outcome is committed on its own. Detached (this worker owns them while
    # claimed), the rows are not expired by each commit and reloaded one by one.
    for row in rows:
        db.session.expunge(row)
    backend = make_backend()
    max_attempts = current_app.config["MAIL_MAX_ATTEMPTS"]
    handed_over: dict[int, dict[str, object]] = {}  # taken by the server, not yet committed as sent
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
            except Unconfirmed as error:
                # At most once: a second copy is worse than asking the operator to look.
                log.warning("Email %s to %s may or may not have arrived: %s", row.id, row.to_addr, error)
                handed_over[row.id] = {"sent_at": utcnow(), "last_error": f"{UNCONFIRMED}{error}"[:500]}
                _finish(row.id, token, **handed_over[row.id])
                report.unconfirmed += 1
            else:
                handed_over[row.id] = {"sent_at": utcnow()}
                _finish(row.id, token, **handed_over[row.id])
                report.sent += 1
            db.session.commit()
            handed_over.clear()
    finally:
        backend.close()
        db.session.rollback()
        try:
            _settle(token, handed_over)
        except Exception:
            # The database went away mid-batch: what the server took stays claimed (nobody
            # sends it again) until settle_unfinished() can mark it sent.
            _unfinished[token] = handed_over
            log.warning(
                "Emails %s were delivered but can't be marked sent yet (the database is away)",
                sorted(handed_over) or "none",
            )
            raise
    return report


# Batches cut short by the database going away, by claim token: the messages the server took.
_unfinished: dict[str, dict[int, dict[str, object]]] = {}


def unfinished() -> list[int]:
    """The ids of messages delivered while the database was away and not yet marked sent."""
    return sorted(row_id for handed_over in list(_unfinished.values()) for row_id in handed_over)


def settle_unfinished() -> None:
    """Mark sent what earlier batches delivered while the database was away, and release the rest
    of their claims (a worker that outlives an outage does this before sending anything)."""
    for token in list(_unfinished):
        handed_over = _unfinished.get(token)
        if handed_over is not None:
            _settle(token, handed_over)
            _unfinished.pop(token, None)


def settle_within(seconds: float) -> list[int]:
    """Try for up to `seconds` to mark sent what was delivered while the database was away (a
    one-shot run, before it exits); the ids still not marked."""
    deadline = time.monotonic() + seconds
    while unfinished() and time.monotonic() < deadline:
        time.sleep(2)
        try:
            settle_unfinished()
        except (OperationalError, InterfaceError, PoolTimeout):
            with contextlib.suppress(Exception):  # the connection is gone; the pool makes a new one
                db.session.rollback()
            db.session.remove()
    return unfinished()


def _settle(token: str, handed_over: dict[int, dict[str, object]]) -> None:
    """Mark what the server took as sent, and release the rest of the claim: one transaction."""
    for row_id, values in handed_over.items():
        _finish(row_id, token, **values)
    # Anything still claimed (an unexpected error) is released for the next run.
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.claim_token == token)
        .values(claim_token=None, claimed_until=None)
    )
    db.session.commit()


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


def _finish(row_id: int, token: str, **values: object) -> None:
    parameters = {f"new_{name}": value for name, value in values.items()}
    db.session.execute(_finish_statement(tuple(values)), {"row_id": row_id, "token": token, **parameters})


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
        _finish(row.id, token, attempts=attempts, last_error=str(error)[:500], failed_at=now)
        report.failed += 1
    else:
        later = now + backoff(attempts)
        _finish(row.id, token, attempts=attempts, last_error=str(error)[:500], next_attempt_at=later)
        report.retrying += 1
