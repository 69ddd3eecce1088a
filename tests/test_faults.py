"""When the database or Redis is away: a 503 in the site's layout with Retry-After, never a 500;
a read that loses its connection to a restart is run once more; rate limits fall back to memory.

Each test starts and stops its own servers (never the machine's): a private Redis on a free port,
and for the dropped connection a real PostgreSQL backend terminated under the request.
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import Flask
from flask_login import current_user, login_required
from sqlalchemy import create_engine, text

from mentormatch import create_app
from mentormatch.accounts.models import User
from mentormatch.core.extensions import db
from tests.conftest import IN_CI, make_test_config
from tests.factories import make_member
from tests.helpers import csrf_from, submit

UNREACHABLE = [
    "sqlite:////nonexistent-folder/mentormatch.sqlite3",
    "postgresql+psycopg://postgres@127.0.0.1:9/none?connect_timeout=2",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(params=UNREACHABLE, ids=["sqlite", "postgresql"])
def app_without_database(request, tmp_path) -> Flask:
    return create_app(make_test_config(request.param, tmp_path))


def test_a_page_that_needs_the_database_answers_503_in_the_layout(app_without_database):
    client = app_without_database.test_client()
    login_page = client.get("/auth/login")
    assert login_page.status_code == 200  # the form itself needs no database
    response = client.post(
        "/auth/login",
        data={
            "email": "nia@example.org",
            "password": "a long password",
            "csrf_token": csrf_from(login_page.text),
        },
    )
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) >= 30
    assert "<main" in response.text and "We can&#39;t reach our records just now" in response.text
    assert "Traceback" not in response.text
    assert app_without_database.test_client().get("/healthz").status_code == 503


def test_an_htmx_request_gets_the_503_as_a_fragment(app_without_database):
    client = app_without_database.test_client()
    page = client.get("/auth/login").text
    response = client.post(
        "/auth/login",
        data={"email": "nia@example.org", "password": "a long password", "csrf_token": csrf_from(page)},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 503 and int(response.headers["Retry-After"]) >= 30
    assert "<html" not in response.text and 'role="alert"' in response.text


@pytest.fixture
def dropping_app(pg_app: Flask) -> Iterator[tuple[Flask, dict]]:
    """An app with a route whose first run has its PostgreSQL backend terminated mid-request."""
    runs = {"count": 0}
    killer = create_engine(pg_app.config["SQLALCHEMY_DATABASE_URI"])

    def drop_my_connection_once():
        runs["count"] += 1
        pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar()
        if runs["count"] == 1:
            with killer.connect() as other:
                other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
                other.commit()
        return {"users": db.session.execute(text("SELECT count(*) FROM user_account")).scalar()}

    @login_required
    def drop_my_connection_signed_in():
        drop_my_connection_once()
        return {"me": current_user.name}

    def dropped_after_the_view():
        users = db.session.execute(text("SELECT count(*) FROM user_account")).scalar()
        pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar()
        with killer.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            other.commit()
        return {"users": users}

    pg_app.add_url_rule("/test/dropped-after", view_func=dropped_after_the_view, methods=["GET"])
    pg_app.add_url_rule("/test/read", view_func=drop_my_connection_once, methods=["GET"])
    pg_app.add_url_rule("/test/read-signed-in", view_func=drop_my_connection_signed_in, methods=["GET"])
    pg_app.add_url_rule("/test/write", "write", view_func=drop_my_connection_once, methods=["POST"])
    pg_app.config["WTF_CSRF_ENABLED"] = False
    with pg_app.app_context():
        db.create_all()
    yield pg_app, runs
    killer.dispose()


def test_a_read_that_loses_its_connection_runs_once_more(dropping_app, caplog):
    app, runs = dropping_app
    with caplog.at_level(logging.WARNING):
        response = app.test_client().get("/test/read")
    assert response.status_code == 200 and response.get_json() == {"users": 0}
    assert runs["count"] == 2
    assert any("reading /test/read once more" in record.getMessage() for record in caplog.records)


def test_a_signed_in_read_that_loses_its_connection_loads_its_member_afresh(dropping_app):
    """The member loaded before the drop belongs to the dropped session: the retry loads them again."""
    app, runs = dropping_app
    user_id = make_member(app, "Nia Okafor")
    client = app.test_client()
    with app.app_context():
        identity = db.session.get(User, user_id).get_id()
    with client.session_transaction() as session:
        session["_user_id"] = identity
        session["_fresh"] = True
    response = client.get("/test/read-signed-in")
    assert response.status_code == 200 and response.get_json() == {"me": "Nia Okafor"}
    assert runs["count"] == 2


def test_a_connection_dropped_after_the_view_leaves_the_answer_alone(dropping_app):
    """Closing the request's session finds the connection gone: the answer still goes out."""
    app, _ = dropping_app
    client = app.test_client()
    response = client.get("/test/dropped-after")
    assert response.status_code == 200 and response.get_json() == {"users": 0}
    assert client.get("/test/read").status_code == 200  # and the pool carries on


def test_a_write_that_loses_its_connection_is_not_retried(dropping_app):
    app, runs = dropping_app
    response = app.test_client().post("/test/write")
    assert response.status_code == 503 and int(response.headers["Retry-After"]) >= 30
    assert runs["count"] == 1


# --- Redis ---------------------------------------------------------------------------------------


@pytest.fixture
def redis_server(tmp_path) -> Iterator[dict]:
    """A private Redis on a free port: {"url", "start", "stop"}."""
    binary = shutil.which("redis-server")
    if binary is None:
        if IN_CI:
            pytest.fail("CI=true but redis-server is not installed: the fault tests must run in CI")
        pytest.skip("redis-server is not installed")
    port = free_port()
    process: dict[str, subprocess.Popen | None] = {"server": None}

    def start() -> None:
        process["server"] = subprocess.Popen(
            [
                binary,
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(tmp_path),
            ],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError("the private Redis didn't start")

    def stop() -> None:
        server = process["server"]
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
            process["server"] = None

    start()
    yield {"url": f"redis://127.0.0.1:{port}/0", "start": start, "stop": stop}
    stop()


def _reset(client, email: str) -> int:
    return submit(client, "/auth/reset", {"email": email}).status_code


def test_rate_limits_fall_back_to_memory_while_redis_is_away(make_app, redis_server, caplog):
    import redis

    app = make_app(RATELIMIT_STORAGE_URI=redis_server["url"], RATELIMIT_RESET="2 per hour")
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.1.2.3"
    run = uuid.uuid4().hex
    assert [_reset(client, f"{run}-{i}@example.com") for i in range(3)] == [200, 200, 429]

    redis_server["stop"]()
    with caplog.at_level(logging.WARNING):
        away = [_reset(client, f"{run}-away-{i}@example.com") for i in range(3)]
    assert away == [200, 200, 429]  # the same limit, counted in memory meanwhile
    warnings = [r for r in caplog.records if "falling back to in-memory storage" in r.getMessage()]
    assert len(warnings) == 1

    redis_server["start"]()
    connection = redis.Redis.from_url(redis_server["url"])
    deadline = time.monotonic() + 20  # the limiter looks at Redis again after 1, 2, 4… seconds
    back = []
    while time.monotonic() < deadline and not connection.keys("*10.1.2.3*"):
        back.append(_reset(client, f"{run}-back-{len(back)}@example.com"))
        time.sleep(0.5)
    assert connection.keys("*10.1.2.3*"), "the limiter didn't go back to Redis"
    assert 500 not in back
    connection.close()


# --- commands ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["requests", "expire"],
        ["digests", "send"],
        ["matches", "rebuild"],
        ["matches", "export"],
        ["mail", "deliver"],
    ],
    ids=lambda args: " ".join(args),
)
def test_a_one_shot_command_without_its_database_says_so_in_one_line(app_without_database, args):
    result = app_without_database.test_cli_runner().invoke(args=args)
    assert result.exit_code == 3, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "the database can't be reached" in lines[0]
    assert "Traceback" not in result.output


def test_the_mail_worker_waits_for_the_database_and_then_delivers(tmp_path):
    """A real worker process, started while its SQLite database can't be opened."""
    folder = tmp_path / "later"
    url = f"sqlite:///{folder / 'mentormatch.sqlite3'}"
    mail = tmp_path / "mail"
    env = {
        **os.environ,
        "MENTORMATCH_SQLALCHEMY_DATABASE_URI": url,
        "MENTORMATCH_SECRET_KEY": "a-test-secret-key-0123456789abcdef",
        "MENTORMATCH_MAIL_BACKEND": "file",
        "MENTORMATCH_MAIL_FILE_DIR": str(mail),
        "MENTORMATCH_BASE_URL": "http://localhost",
    }
    flask = Path(sys.executable).with_name("flask")
    worker = subprocess.Popen(
        [str(flask), "--app", "mentormatch", "mail", "deliver", "--loop", "--interval", "0.2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(worker.stdout), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 60  # it starts, finds no database, says so and waits
        while time.monotonic() < deadline and not any("can't be reached" in line for line in lines):
            time.sleep(0.1)
        assert worker.poll() is None, "".join(lines)
        folder.mkdir()
        app = create_app(make_test_config(url, tmp_path, MAIL_FILE_DIR=str(mail)))
        with app.app_context(), app.test_request_context():
            db.create_all()
            from mentormatch.core.mail import send_email

            nia = SimpleNamespace(name="Nia", display_name="Nia", email="nia@example.org")
            send_email("nia@example.org", "verify_email", "Confirm your address", user=nia, link="http://x")
            db.session.commit()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not list(mail.glob("*.eml")):
            time.sleep(0.2)
        assert len(list(mail.glob("*.eml"))) == 1
    finally:
        worker.terminate()
        worker.wait(timeout=10)
        reader.join(timeout=10)
        worker.stdout.close()
    output = "".join(lines)
    assert "the database can't be reached" in output and "Traceback" not in output
    assert "Mail: sent 1" in output
