"""The SQLAlchemy base, the shared column types and the SQLite connection settings."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import DateTime, MetaData, String, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

# Alembic names constraints from this, so a migration reads the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware.

    SQLite keeps no time zone, so values come back naive there; this type makes
    both databases hand the application the same aware datetimes.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; use mentormatch.core.database.utcnow()")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class EnumText(TypeDecorator[StrEnum]):
    """A StrEnum stored as its text: only its values go in, and members come back out.

    Kept as plain VARCHAR (no database enum type), so a new value needs no schema change.
    """

    impl = String
    cache_ok = True

    def __init__(self, enum: type[StrEnum], length: int) -> None:
        super().__init__(length)
        self.enum = enum

    def process_bind_param(self, value: str | None, dialect) -> str | None:
        return None if value is None else self.enum(value).value

    def process_result_value(self, value: str | None, dialect) -> StrEnum | None:
        return None if value is None else self.enum(value)


# Made by dialect-specific DDL (the directory's full-text search), not by the models:
# Alembic's comparison leaves them alone.
OBJECTS_OUTSIDE_MODELS = ("search_vector", "ix_profile_search_vector", "profile_fts")


def alembic_include_object(obj, name: str | None, type_: str, reflected: bool, compare_to) -> bool:
    """Alembic's filter: compare everything except the search objects made by raw DDL."""
    return not (reflected and compare_to is None and (name or "").startswith(OBJECTS_OUTSIDE_MODELS))


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, connection_record) -> None:
    """Foreign keys on, WAL so readers don't block the writer, and a wait instead of 'locked'."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


# --- reads outside a transaction ----------------------------------------------------------------
# A GET or HEAD only reads (tests/test_request_cost.py walks every one and asserts it writes
# nothing). Under READ COMMITTED every statement sees its own snapshot inside a transaction or
# not, so a read-only request gains nothing from BEGIN and ROLLBACK but two round trips. Its
# PostgreSQL connection is lent in autocommit mode, so psycopg sends neither; SQLAlchemy's own
# rollback at the end is then a no-op. Its first write or row lock, if it has one, opens a
# transaction as usual. Anything else (a POST, a command, a test's setup outside a request) gets
# the ordinary transaction.
READ_ONLY_METHODS = frozenset({"GET", "HEAD"})


def _in_a_read_only_request() -> bool:
    from flask import has_request_context, request

    return has_request_context() and request.method in READ_ONLY_METHODS


@event.listens_for(Engine, "engine_connect")
def _reads_without_a_transaction(connection) -> None:
    """On PostgreSQL, during a GET or HEAD, switch the pooled connection to autocommit."""
    if connection.dialect.name != "postgresql" or not _in_a_read_only_request():
        return
    dbapi_connection = connection.connection.dbapi_connection
    if dbapi_connection is not None and not dbapi_connection.autocommit:
        dbapi_connection.autocommit = True
        connection.connection.info["autocommit_for_reads"] = True


_READS = ("SELECT", "WITH")
_LOCKS = (" FOR UPDATE", " FOR SHARE", " FOR NO KEY UPDATE", " FOR KEY SHARE")


@event.listens_for(Engine, "before_cursor_execute")
def _a_write_starts_a_transaction(connection, cursor, statement, parameters, context, executemany) -> None:
    """A GET that does write (an email confirmation link, say) gets its transaction back at its
    first write or row lock, so its writes still commit or roll back together."""
    if not connection.connection.info.get("autocommit_for_reads"):
        return
    head = statement.lstrip()[:10].upper()
    if head.startswith(_READS) and not any(lock in statement.upper() for lock in _LOCKS):
        return
    dbapi_connection = connection.connection.dbapi_connection
    if dbapi_connection.autocommit:
        dbapi_connection.autocommit = False  # psycopg sends BEGIN before this statement


@event.listens_for(Engine, "checkin")
def _back_to_transactions(dbapi_connection, connection_record) -> None:
    """The next borrower, whatever it does, starts with an ordinary transaction again."""
    if connection_record is None or not connection_record.info.pop("autocommit_for_reads", False):
        return
    if dbapi_connection is not None:
        with contextlib.suppress(Exception):  # lost meanwhile: discarded below
            dbapi_connection.autocommit = False
            return
    # Never lend a connection still in autocommit to a write: close it; the pool opens another.
    connection_record.invalidate()
