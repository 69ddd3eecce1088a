"""`flask digests send [--dry-run]`: the cron job that sends the digests that are due."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click
from flask.cli import AppGroup

from mentormatch.core.commands import needs_database
from mentormatch.core.database import utcnow
from mentormatch.core.metrics import DIGEST_RUNS
from mentormatch.digests.sending import (
    DELIVERY_CONNECTIONS,
    count_due,
    count_undelivered,
    deliver_digests,
    queue_due_digests,
)

digests_cli = AppGroup("digests", help="Email digests.")


@contextmanager
def _progress(length: int, label: str) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on a terminal; nothing in cron's log, which gets the summary line alone."""
    if not sys.stdout.isatty() or length == 0:
        yield None
        return
    with click.progressbar(length=length, label=label) as bar:
        yield bar.update


@digests_cli.command("send")
@click.option("--dry-run", is_flag=True, help="Work out who would get a digest; write nothing, send nothing.")
@click.option(
    "--connections",
    type=click.IntRange(1, 8),
    default=DELIVERY_CONNECTIONS,
    show_default=True,
    help="SMTP connections used side by side.",
)
@needs_database
def send_command(dry_run: bool, connections: int) -> None:
    """Send the digests that are due (daily or weekly, London time); safe to run twice or in parallel."""
    now = utcnow()
    outcome = "stopped"  # the database went away, or an error
    try:
        with _progress(count_due(now), "Preparing digests") as progress:
            report = queue_due_digests(now, dry_run=dry_run, progress=progress)
        if not dry_run:
            # Includes digests an earlier run queued but could not deliver (a 421 part-way, say).
            with _progress(count_undelivered(now), "Sending digests  ") as progress:
                deliver_digests(report, now, progress=progress, connections=connections)
        outcome = "dry_run" if dry_run else "completed"
    finally:
        DIGEST_RUNS.labels(outcome).inc()
    click.echo(report.summary(dry_run=dry_run))
