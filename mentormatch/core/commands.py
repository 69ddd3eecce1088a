"""What every command run on the server shares: the database away is one clear line, not a traceback."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable

import click

from mentormatch.core.errors import DATABASE_AWAY
from mentormatch.core.extensions import db
from mentormatch.core.mail.delivery import settle_within

# How long a one-shot command waits for the database to mark sent the emails it delivered just
# before it went away (well inside their five-minute claim, after which they would go again).
SETTLE_WAIT = 120.0


class DatabaseAway(click.ClickException):
    """The database can't be reached: the command stops, having finished nothing half-way."""

    exit_code = 3


def forget_the_connection() -> None:
    """Roll back what was under way and drop the session, so the next try gets a fresh connection."""
    with contextlib.suppress(Exception):  # the connection may be gone already
        db.session.rollback()
    db.session.remove()


def needs_database(command: Callable) -> Callable:
    """For a one-shot command (cron): the database away exits 3 with one line; its transaction
    rolls back, so what it did is all there or not at all, and the next run carries on."""

    @functools.wraps(command)
    def wrapped(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except DATABASE_AWAY as error:
            forget_the_connection()
            if left := settle_within(SETTLE_WAIT):
                click.echo(
                    f"Emails {left} were delivered but can't be marked sent: see docs/faults.md.", err=True
                )
            raise DatabaseAway(
                f"the database can't be reached ({type(error).__name__}); nothing was left half-done. "
                "Run this again once it is back."
            ) from None

    return wrapped
