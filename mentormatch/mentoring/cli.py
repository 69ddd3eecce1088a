"""`flask requests expire`: the cron job that reminds and expires unanswered requests."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from mentormatch.core.commands import needs_database
from mentormatch.core.extensions import db
from mentormatch.mentoring import checkins, introductions
from mentormatch.mentoring.closing import remind_and_expire
from mentormatch.mentoring.conversations import send_waiting_notifications
from mentormatch.mentoring.nudges import nudge_unanswered, prompt_quiet

requests_cli = AppGroup("requests", help="Mentoring and peer requests.")


@requests_cli.command("expire")
@needs_database
def expire_command() -> None:
    """Remind recipients of requests waiting 3 and 7 days and close those unanswered for 14, prompt
    connections quiet for 45 days,
    close introductions unanswered for 30 days, send the check-ins due, and email the messages that waited out
    their 15 minutes (run hourly, or more often for quicker message emails)."""
    reminded, expired = remind_and_expire()
    db.session.commit()
    click.echo(f"Requests: {reminded} reminder{'s' if reminded != 1 else ''} sent, {expired} expired.")
    nudged, quiet = nudge_unanswered(), prompt_quiet()
    db.session.commit()
    click.echo(
        f"Nudges: {nudged} after 3 days, {quiet} quiet connection{'s' if quiet != 1 else ''} prompted."
    )
    closed = introductions.expire_due()
    db.session.commit()
    click.echo(f"Introductions: {closed} expired.")
    made = checkins.make_due()
    db.session.commit()
    asked = checkins.send_due()
    db.session.commit()
    click.echo(f"Check-ins: {made} due, {asked} emailed.")
    emailed = send_waiting_notifications()
    db.session.commit()
    click.echo(f"Messages: {emailed} waiting notification{'s' if emailed != 1 else ''} sent.")
