"""Counting the SQL statements a request or a block of code sends: no N+1 hides behind a fast test."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from mentormatch.core.extensions import db
from mentormatch.core.pagecache import EXTENSION as PAGE_CACHE

WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


@contextmanager
def statements_sent(app: Flask) -> Iterator[list[str]]:
    """The statements sent to the database inside the block, in order (PRAGMAs aside)."""
    sent: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        if not statement.lstrip().upper().startswith("PRAGMA"):
            sent.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)


def statements_of_get(app: Flask, client: FlaskClient, path: str, **kwargs: object) -> list[str]:
    """The statements one GET sends to make its page, after a first GET has warmed this process
    up (the matching engine fits or catches up on the first; that cost is the engine's, measured
    elsewhere). The page is made, not served from memory (tests/test_page_cache.py tests that)."""
    first = client.get(path, **kwargs)
    assert first.status_code == 200, (path, first.status_code)
    kept_pages = app.extensions.get(PAGE_CACHE)
    if kept_pages is not None:
        kept_pages.clear()
    with statements_sent(app) as sent:
        response = client.get(path, **kwargs)
    assert response.status_code == 200, (path, response.status_code)
    return sent


def shapes(statements: list[str]) -> list[str]:
    """Each statement's first words, for a readable assertion message."""
    return [re.sub(r"\s+", " ", statement)[:110] for statement in statements]
