"""`flask mail deliver [--loop]`: the outbox worker."""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup

from mentormatch.core.commands import forget_the_connection, needs_database
from mentormatch.core.errors import DATABASE_AWAY
from mentormatch.core.mail.delivery import deliver_pending

# How long a worker waits at most between tries while the database is away.
MAX_WAIT = 60.0

mail_cli = AppGroup("mail", help="Email delivery.")


@mail_cli.command("deliver")
@click.option("--loop", is_flag=True, help="Keep delivering until stopped (a worker).")
@click.option("--batch", default=100, show_default=True, help="Messages claimed at a time.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between polls in --loop.")
def deliver_command(loop: bool, batch: int, interval: float) -> None:
    """Deliver queued email; safe to run as several workers at once.

    Once, the database away exits 3 with one line. As a worker (--loop) it waits, longer each
    time up to a minute, and carries on when the database is back.
    """
    if not loop:
        click.echo(f"Mail: {needs_database(deliver_pending)(limit=batch)}.")
        return
    wait = interval
    while True:
        try:
            report = deliver_pending(limit=batch)
        except DATABASE_AWAY as error:
            forget_the_connection()
            click.echo(
                f"Mail: the database can't be reached ({type(error).__name__}); trying again in {wait:g} s."
            )
            time.sleep(wait)
            wait = min(wait * 2, MAX_WAIT)
            continue
        wait = interval
        if report.handled:
            click.echo(f"Mail: {report}.")
        # Go straight on while there is a backlog; otherwise wait for new mail.
        if report.handled < batch:
            time.sleep(interval)
