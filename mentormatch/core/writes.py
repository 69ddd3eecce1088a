"""The write count: one number that moves on with every committed write, by anyone, to anything.

A page kept in memory (core/pagecache.py) is served again only while this number is what it was
when the page was made, so nothing written since can be missing from it. It is one row, updated
just before the commit of every transaction that wrote: in that transaction, so a reader who
sees the new number also sees what was written with it (a sequence would not do: its numbers are
taken before the commit, and could be read before the data they stand for).

What counts as writing is seen where SQL leaves for the database, so ORM flushes, bulk UPDATEs,
Core inserts and raw text all count, whichever module sends them. What is counted is the commit
of a `db.session` (every request, command and test uses one); a write made on a bare engine
connection (Alembic's migrations, a test's fixture) moves nothing on, which is right for the
schema and harmless for fixtures: pages kept are dropped after PAGE_CACHE_SECONDS in any case.

The update takes the row's lock until the commit, so committing writers queue there for an
instant. It is the transaction's last statement: nobody holds it while waiting for another lock.
"""

from __future__ import annotations

import re

from sqlalchemy import DDL, BigInteger, event, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Session, SessionTransaction, mapped_column

from mentormatch.core.extensions import db

WROTE = "mentormatch.wrote"  # in a pooled connection's info: written to since its transaction began
CONNECTION = "mentormatch.connection"  # in a session's info: the connection of its transaction

# Anything that changes data or schema; reads, row locks (SELECT … FOR UPDATE) and savepoints don't.
_WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|MERGE|UPSERT|REPLACE|CREATE|ALTER|DROP|TRUNCATE)\b", re.I)
_WITH_WRITE = re.compile(r"^\s*WITH\b.*\b(INSERT|UPDATE|DELETE)\b", re.I | re.S)


class WriteCount(db.Model):
    """One row, id 1: how many transactions have committed a write."""

    __tablename__ = "write_count"
    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


# The row exists from the start, whether the table is made by a migration (0013) or create_all.
event.listen(WriteCount.__table__, "after_create", DDL("INSERT INTO write_count (id, value) VALUES (1, 0)"))

_READ = select(WriteCount.value).where(WriteCount.id == 1)
_MOVE_ON = update(WriteCount.__table__).where(WriteCount.id == 1).values(value=WriteCount.value + 1)


def writes_so_far() -> int | None:
    """The write count now (one statement); None if its row is missing, so nothing is cached."""
    return db.session.execute(_READ).scalar()


def _note_a_write(connection, cursor, statement, parameters, context, executemany) -> None:
    if _WRITE.match(statement) or (statement.lstrip()[:4].upper() == "WITH" and _WITH_WRITE.match(statement)):
        connection.info[WROTE] = True


def _transaction_began(session: Session, transaction: SessionTransaction, connection) -> None:
    if transaction.nested:
        return  # a savepoint on the transaction's own connection: what it wrote before still counts
    connection.info.pop(WROTE, None)  # a write of a transaction that has ended is not this one's
    session.info[CONNECTION] = connection


def _count_this_write(session: Session) -> None:
    """Just before a session commits: if its transaction wrote, move the count on, in it."""
    if session.in_nested_transaction():
        return  # a savepoint's release: the outer transaction counts once, when it commits
    session.flush()  # what the commit would flush writes too (perhaps its first SQL): counted here
    connection = session.info.get(CONNECTION)
    if connection is None:
        return
    if connection.info.pop(WROTE, False):
        connection.execute(_MOVE_ON)
        connection.info.pop(WROTE, None)


def _transaction_ended(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(CONNECTION, None)


def install_write_count() -> None:
    """Watch every statement and every session's commit (once per process)."""
    for target, name, listener in (
        (Engine, "before_cursor_execute", _note_a_write),
        (Session, "after_begin", _transaction_began),
        (Session, "before_commit", _count_this_write),
        (Session, "after_transaction_end", _transaction_ended),
    ):
        if not event.contains(target, name, listener):
            event.listen(target, name, listener)
