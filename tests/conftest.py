"""Fixtures shared by every test: an app on a fresh database, clients, and a few helpers.

Each test that uses `app` runs on SQLite, and again on PostgreSQL when TEST_DATABASE_URL is
set (CI always sets it). Tables are created once per PostgreSQL run and emptied after each test.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, make_url, text

from mentormatch import create_app
from mentormatch.core.extensions import db
from tests.factories import make_member
from tests.helpers import log_in

pytest_plugins = ["tests.smtp_server"]

IN_CI = os.environ.get("CI", "").lower() == "true"
# Under pytest-xdist ("gw0", "gw1", …) each worker has a database and a Redis database of its own.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")


def _own_database(url: str | None) -> str | None:
    """TEST_DATABASE_URL, or for an xdist worker the database beside it named after the worker."""
    if not url or not WORKER:
        return url
    given = make_url(url)
    return given.set(database=f"{given.database}_{WORKER}").render_as_string(hide_password=False)


def _own_redis(url: str | None) -> str | None:
    """TEST_REDIS_URL, or for xdist worker N the Redis database N places below it (15 → 15, 14, …)."""
    if not url or not WORKER:
        return url
    given = urlsplit(url)
    number = int(given.path.strip("/") or 0) - int(WORKER.removeprefix("gw"))
    return given._replace(path=f"/{number % 16}").geturl()


POSTGRES_URL = _own_database(os.environ.get("TEST_DATABASE_URL"))
REDIS_URL = _own_redis(os.environ.get("TEST_REDIS_URL"))


def pytest_sessionstart(session: pytest.Session) -> None:
    if IN_CI and not POSTGRES_URL:
        raise pytest.UsageError("CI=true but TEST_DATABASE_URL is not set: PostgreSQL tests must run in CI.")
    if POSTGRES_URL and WORKER:  # the worker's own database, made once beside the given one
        admin = create_engine(os.environ["TEST_DATABASE_URL"], isolation_level="AUTOCOMMIT")
        name = make_url(POSTGRES_URL).database
        with admin.connect() as connection:
            if not connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}):
                connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "database_url_kind" in metafunc.fixturenames:
        kinds = ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]
        metafunc.parametrize("database_url_kind", kinds, scope="session")


@pytest.fixture(scope="session")
def postgres_ready() -> Iterator[str]:
    """TEST_DATABASE_URL with every table freshly created, once per session."""
    engine = create_engine(POSTGRES_URL)
    import mentormatch.models  # noqa: F401  (every table, whichever test file runs first)
    from mentormatch.core.database import Base

    # The whole schema: also tables an older checkout made that today's models no longer know.
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    Base.metadata.create_all(engine)
    engine.dispose()
    yield POSTGRES_URL


@pytest.fixture
def database_url(database_url_kind: str, request: pytest.FixtureRequest, tmp_path) -> str:
    if database_url_kind == "postgresql":
        return request.getfixturevalue("postgres_ready")
    return f"sqlite:///{tmp_path / 'test.sqlite3'}"


def make_test_config(database_url: str, tmp_path, **overrides: object) -> dict:
    """Settings for a test app: fast password hashing, mail to files in tmp_path."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-0123456789abcdef",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "MAIL_FILE_DIR": str(tmp_path / "mail"),
        "BASE_URL": "http://localhost",
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 1024,
        "ARGON2_PARALLELISM": 1,
        **overrides,
    }


def empty_all_tables(app: Flask) -> None:
    """Remove every row and restart every id (PostgreSQL keeps its tables between tests).

    DELETE with foreign-key triggers off, not TRUNCATE: TRUNCATE makes new files for every table
    and cost about 0.8 s a test, DELETE on a test's few rows costs milliseconds.
    """
    with app.app_context():
        db.session.remove()
        # The names are our own tables', never input.
        # The write count's one row stays: it only ever moves on (core/writes.py).
        tables = [table.name for table in db.metadata.sorted_tables if table.name != "write_count"]
        deletes = "; ".join(f'DELETE FROM "{name}"' for name in tables)  # noqa: S608
        with db.engine.begin() as connection:
            connection.execute(text("SET LOCAL session_replication_role = replica"))
            connection.execute(text(deletes))
            connection.execute(text("SELECT setval(c.oid, 1, false) FROM pg_class c WHERE c.relkind = 'S'"))
        db.engine.dispose()


@pytest.fixture
def pg_app(request: pytest.FixtureRequest, tmp_path) -> Iterator[Flask]:
    """An app on PostgreSQL whatever the parametrization, for races: row locks mean nothing on SQLite.

    Used by tests that run once, on PostgreSQL only; without TEST_DATABASE_URL they skip, which
    CI never allows (it refuses to start without TEST_DATABASE_URL).
    """
    if not POSTGRES_URL:
        pytest.skip("TEST_DATABASE_URL is not set")
    app = create_app(make_test_config(request.getfixturevalue("postgres_ready"), tmp_path))
    yield app
    empty_all_tables(app)


@pytest.fixture
def app_config() -> dict:
    """Per-test overrides for the app's settings; override this fixture to change them."""
    return {}


@pytest.fixture
def make_app(database_url: str, database_url_kind: str, tmp_path) -> Iterator[Callable[..., Flask]]:
    """make_app(**settings) builds an app on this test's database, with its tables created."""
    apps: list[Flask] = []

    def factory(**overrides: object) -> Flask:
        app = create_app(make_test_config(database_url, tmp_path, **overrides))
        with app.app_context():
            db.create_all()
        apps.append(app)
        return app

    yield factory
    for app in apps:
        if database_url_kind == "postgresql":
            empty_all_tables(app)
        else:
            with app.app_context():
                db.engine.dispose()


@pytest.fixture
def app(make_app: Callable[..., Flask], app_config: dict) -> Flask:
    return make_app(**app_config)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


@pytest.fixture
def login_as(app: Flask, client: FlaskClient):
    """log_in_as(role) signs the test client in as a fresh account of that role."""

    def log_in_as(role: str) -> int | None:
        if role == "anonymous":
            return None
        email = f"{role}@example.ac.uk"
        user_id = make_member(
            app,
            "Amira Khan",
            email=email,
            verified=role != "unverified",
            admin=role == "admin",
            profile=False,
        )
        response = log_in(client, email)
        assert response.status_code == 303, response.get_data(as_text=True)
        return user_id

    return log_in_as
