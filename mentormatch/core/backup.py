"""`flask db backup PATH`: a consistent copy of the running database, taken while it serves."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url

from mentormatch.core.extensions import db


class BackupFailed(click.ClickException):
    """The copy couldn't be made; nothing was left at PATH."""


def backup_sqlite(database: str, target: Path) -> int:
    """Copy a live SQLite database with its online backup API; returns the copy's size in bytes.

    The copy is one read transaction, so writers carry on (WAL) and it is a single moment's data.
    It is written beside the target and renamed when complete and checked: never half a file.
    """
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    if not Path(database).is_file():
        raise BackupFailed(f"there is no database at {database}")
    source = sqlite3.connect(database, timeout=30)
    try:
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
            (verdict,) = copy.execute("PRAGMA integrity_check").fetchone()
        finally:
            copy.close()
    finally:
        source.close()
    if verdict != "ok":
        partial.unlink(missing_ok=True)
        raise BackupFailed(f"the copy failed its integrity check ({verdict}); nothing was written")
    partial.replace(target)
    return target.stat().st_size


def backup_postgresql(url: str, target: Path) -> int:
    """pg_dump's custom format (restore with pg_restore); returns the dump's size in bytes."""
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise BackupFailed(
            "on PostgreSQL, back up with pg_dump -Fc (not found on PATH); see docs/deployment.md#backups"
        )
    parsed = make_url(url)
    # The password goes to pg_dump in its environment, never on a command line others can read.
    environment = {**os.environ, **({"PGPASSWORD": parsed.password} if parsed.password else {})}
    libpq_url = parsed.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    partial = target.with_name(target.name + ".partial")
    result = subprocess.run(  # noqa: S603  (our own URL, no shell)
        [pg_dump, "--format=custom", "--no-owner", f"--file={partial}", f"--dbname={libpq_url}"],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        partial.unlink(missing_ok=True)
        last_line = (result.stderr.strip().splitlines() or ["no message"])[-1]
        raise BackupFailed(f"pg_dump failed: {last_line}")
    partial.replace(target)
    return target.stat().st_size


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace PATH if it exists.")
@with_appcontext
def backup_command(path: Path, force: bool) -> None:
    """Copy the database to PATH while the site runs (SQLite: a database file; PostgreSQL: pg_dump -Fc)."""
    if path.exists() and not force:
        raise BackupFailed(f"{path} exists; choose a new name or pass --force")
    if not path.parent.is_dir():
        raise BackupFailed(f"{path.parent} is not a folder")
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            raise BackupFailed("an in-memory SQLite database has nothing on disk to copy")
        if path.resolve() == Path(url.database).resolve():
            raise BackupFailed(f"{path} is the database itself; choose another place for the copy")
        size = backup_sqlite(url.database, path)
    elif url.get_backend_name() == "postgresql":
        size = backup_postgresql(db.engine.url.render_as_string(hide_password=False), path)
    else:
        raise BackupFailed(f"no backup for {url.get_backend_name()}; use that database's own tools")
    click.echo(f"Backed up the database to {path} ({size:,} bytes).")
