"""`flask mail deliver [--loop]`: the outbox worker."""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup

from mentormatch.core.mail.delivery import deliver_pending

mail_cli = AppGroup("mail", help="Email delivery.")


@mail_cli.command("deliver")
@click.option("--loop", is_flag=True, help="Keep delivering until stopped (a worker).")
@click.option("--batch", default=100, show_default=True, help="Messages claimed at a time.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between polls in --loop.")
def deliver_command(loop: bool, batch: int, interval: float) -> None:
    """Deliver queued email; safe to run as several workers at once."""
    while True:
        report = deliver_pending(limit=batch)
        if report.sent or report.retrying or report.failed or not loop:
            click.echo(f"Mail: {report}.")
        if not loop:
            return
        # Go straight on while there is a backlog; otherwise wait for new mail.
        if report.sent + report.retrying + report.failed < batch:
            time.sleep(interval)
