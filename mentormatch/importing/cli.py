"""`flask users import FILE.csv [--dry-run] [--approve-mentors]`: all or nothing."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy.exc import IntegrityError

from mentormatch.core.commands import needs_database
from mentormatch.core.extensions import db
from mentormatch.importing.service import import_members
from mentormatch.importing.validate import UnreadableFile


class FileProblem(click.ClickException):
    """A file that can't be read as CSV at all: one message, and click's usage exit code."""

    exit_code = 2


COMMAND = "flask users import"  # the actor its audit entries name


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, readable=True, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and report; write nothing, send nothing.")
@click.option("--approve-mentors", is_flag=True, help="Approve the file's mentors (default: pending review).")
@with_appcontext
@needs_database
def import_users_command(file: Path, dry_run: bool, approve_mentors: bool) -> None:
    """Import members from FILE (UTF-8 CSV), inviting each to set a password.

    Every row is checked first: if any is wrong, every problem is listed with its line and
    column, nothing is imported and the exit code is 1.
    """
    try:
        report = import_members(
            file.read_bytes(), dry_run=dry_run, approve_mentors=approve_mentors, command=COMMAND
        )
        if report.imported:
            db.session.commit()
    except UnreadableFile as error:
        raise FileProblem(f"{file.name}: {error}") from None
    except IntegrityError:
        # Someone signed up with one of the addresses (or added one of the interests) after the
        # check: the whole import rolls back.
        db.session.rollback()
        click.echo(
            "Nothing was imported: an account with one of these addresses, or one of the interests, "
            "was created while importing. Run the import again.",
            err=True,
        )
        raise click.exceptions.Exit(1) from None
    problems = report.checked.problems
    if problems:
        for problem in problems:
            click.echo(str(problem), err=True)
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        click.echo(
            f"{count} in {file.name}: nothing was imported. Fix the file and run the import again.", err=True
        )
        raise click.exceptions.Exit(1)
    if dry_run:
        click.echo(f"{file.name} has no problems. {report.summary()}")
        click.echo("This was a dry run: nothing was written and no email was sent.")
        return
    people = len(report.checked.people)
    click.echo(report.summary())
    click.echo(
        f"{people} invitation{'s' if people != 1 else ''} to set a password (valid 7 days) "
        f"{'are' if people != 1 else 'is'} queued: `flask --app mentormatch mail deliver` sends them."
    )
