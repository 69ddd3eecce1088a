"""`flask events follow-up`: the cron job that sends the follow-ups due after events."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from mentormatch.core.commands import needs_database
from mentormatch.events.follow_up import send_follow_ups

events_cli = AppGroup("events", help="Events.")


@events_cli.command("follow-up")
@needs_database
def follow_up_command() -> None:
    """Send the 48-hour and 3-month follow-ups that are due; safe to run twice or in parallel."""
    report = send_follow_ups()
    click.echo(
        f"Follow-ups: {report.sent} sent, {report.skipped} not needed (connected or a request waiting)."
    )
