"""`flask db backup`: a copy taken while the database is written to, restored and read back.

SQLite's copy comes from the online backup API; PostgreSQL's from pg_dump -Fc, restored with
pg_restore into a scratch database made (and dropped) here, then read through the models.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import threading
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from mentormatch import create_app
from mentormatch.accounts.models import User
from mentormatch.core.extensions import db
from mentormatch.core.mail.models import OutboxMessage
from tests.conftest import make_test_config
from tests.factories import make_member


def _queue(app: Flask, number: int) -> None:
    with app.app_context():
        db.session.add(
            OutboxMessage(
                message_id=f"<{number}@backup.test>",
                kind="test",
                to_addr="someone@example.ac.uk",
                subject=f"message {number}",
                text_body="body",
                html_body="<p>body</p>",
            )
        )
        db.session.commit()


def _emails(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(User.email).order_by(User.email)))


def test_a_sqlite_backup_taken_during_writes_is_whole_and_consistent(tmp_path):
    live = tmp_path / "live.sqlite3"
    app = create_app(make_test_config(f"sqlite:///{live}", tmp_path))
    with app.app_context():
        db.create_all()
    for number in range(5):
        make_member(app, email=f"member{number}@example.ac.uk")
    members = _emails(app)

    started, done, written = threading.Event(), threading.Event(), []

    def keep_writing() -> None:
        while not done.is_set():
            _queue(app, len(written))
            written.append(1)
            if len(written) >= 20:
                started.set()

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        assert started.wait(30)
        result = app.test_cli_runner().invoke(args=["db", "backup", str(tmp_path / "copy.sqlite3")])
        during = len(written)
    finally:
        done.set()
        writer.join()
    assert result.exit_code == 0, result.output
    assert "Backed up the database to" in result.output
    assert len(written) > 20  # the writer really was writing around the copy

    copy = sqlite3.connect(tmp_path / "copy.sqlite3")
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    ids = [row[0] for row in copy.execute("SELECT id FROM outbox_message ORDER BY id")]
    copy.close()
    # One moment's data: every message up to some point, none missing, none half-written.
    assert 20 <= len(ids) <= during + 1 and ids == list(range(1, len(ids) + 1))
    assert not (tmp_path / "copy.sqlite3-wal").exists()

    restored = create_app(make_test_config(f"sqlite:///{tmp_path / 'copy.sqlite3'}", tmp_path))
    assert _emails(restored) == members
    with restored.app_context():
        assert db.session.scalar(select(func.count(OutboxMessage.id))) == len(ids)
        db.session.remove()
        db.engine.dispose()
    with app.app_context():
        db.engine.dispose()


def test_a_backup_never_overwrites_without_force(tmp_path):
    live = tmp_path / "live.sqlite3"
    app = create_app(make_test_config(f"sqlite:///{live}", tmp_path))
    with app.app_context():
        db.create_all()
    target = tmp_path / "kept.sqlite3"
    target.write_text("yesterday's backup")
    runner = app.test_cli_runner()

    refused = runner.invoke(args=["db", "backup", str(target)])
    assert refused.exit_code == 1
    assert refused.output.splitlines() == [f"Error: {target} exists; choose a new name or pass --force"]
    assert target.read_text() == "yesterday's backup"

    onto_itself = runner.invoke(args=["db", "backup", "--force", str(live)])
    assert onto_itself.exit_code == 1 and "is the database itself" in onto_itself.output

    replaced = runner.invoke(args=["db", "backup", "--force", str(target)])
    assert replaced.exit_code == 0, replaced.output
    assert sqlite3.connect(target).execute("PRAGMA integrity_check").fetchone() == ("ok",)
    with app.app_context():
        db.engine.dispose()


def test_postgresql_without_pg_dump_says_what_to_use_in_one_line(pg_app: Flask, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # nowhere with a pg_dump in it
    result = pg_app.test_cli_runner().invoke(args=["db", "backup", str(tmp_path / "dump")])
    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1
    assert "pg_dump -Fc" in result.output
    assert not (tmp_path / "dump").exists()


@pytest.fixture
def scratch_database(pg_app: Flask) -> str:
    """An empty database beside the test one, dropped afterwards: what a restore goes into."""
    url = make_url(pg_app.config["SQLALCHEMY_DATABASE_URI"])
    scratch = url.set(database=f"{url.database}_restore")
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{scratch.database}"'))
        connection.execute(text(f'CREATE DATABASE "{scratch.database}"'))
    yield scratch.render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{scratch.database}" WITH (FORCE)'))
    admin.dispose()


def test_a_postgresql_backup_restores_with_pg_restore(pg_app: Flask, scratch_database: str, tmp_path: Path):
    pg_restore = shutil.which("pg_restore")
    assert pg_restore, "pg_restore must be on PATH where PostgreSQL tests run"
    with pg_app.app_context():
        db.create_all()
    for number in range(3):
        make_member(pg_app, email=f"member{number}@example.ac.uk")
    for number in range(4):
        _queue(pg_app, number)
    dump = tmp_path / "mentormatch.dump"

    result = pg_app.test_cli_runner().invoke(args=["db", "backup", str(dump)])
    assert result.exit_code == 0, result.output

    target = make_url(scratch_database).set(drivername="postgresql").render_as_string(hide_password=False)
    restore = subprocess.run(
        [pg_restore, "--no-owner", "--exit-on-error", f"--dbname={target}", dump],
        capture_output=True,
        text=True,
        check=False,
    )
    assert restore.returncode == 0, restore.stderr
    restored = create_app(make_test_config(scratch_database, tmp_path))
    assert _emails(restored) == _emails(pg_app)
    with restored.app_context():
        assert db.session.scalar(select(func.count(OutboxMessage.id))) == 4
        db.session.remove()
        db.engine.dispose()
