"""What an operator sees: log lines with the request's id (text or JSON), X-Request-ID on every
response, and Prometheus metrics at /metrics only with the token, or on a separate bind."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from urllib.request import urlopen

import pytest
from flask import Flask, request
from prometheus_client.parser import text_string_to_metric_families

from mentormatch import create_app
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.core.logs import RequestLogHandler
from mentormatch.core.mail.models import OutboxMessage
from tests.conftest import make_test_config
from tests.factories import make_member
from tests.helpers import csrf_from, log_in

TOKEN = "scrape-token-0123456789abcdef"


def log_stream() -> io.StringIO:
    """Where the newest app's log handler writes, swapped for a buffer the test can read."""
    (handler,) = [h for h in logging.getLogger().handlers if isinstance(h, RequestLogHandler)]
    stream = io.StringIO()
    handler.setStream(stream)
    return stream


def add_noisy_route(app: Flask) -> None:
    def noisy():
        app.logger.info("the app says something")
        logging.getLogger("flask-limiter").warning("a library says something")
        return "done"

    def broken():
        raise RuntimeError("broken on purpose")

    app.add_url_rule("/test/noisy", "noisy", noisy)
    app.add_url_rule("/test/broken", "broken", broken)


def test_every_log_line_of_a_request_carries_its_id(make_app):
    app = make_app()
    add_noisy_route(app)
    stream = log_stream()
    response = app.test_client().get("/test/noisy", headers={"X-Request-ID": "proxy-id-42"})
    assert response.headers["X-Request-ID"] == "proxy-id-42"
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    assert all("request_id=proxy-id-42" in line for line in lines), lines
    assert "INFO mentormatch" in lines[0] and "WARNING flask-limiter" in lines[1]
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00 INFO", lines[0]), lines[0]


def test_a_made_up_id_is_the_one_logged_sent_and_shown_on_the_500_page(make_app):
    app = make_app(PROPAGATE_EXCEPTIONS=False)
    add_noisy_route(app)
    stream = log_stream()
    response = app.test_client().get("/test/broken", headers={"X-Request-ID": "not sane; <script>"})
    made = response.headers["X-Request-ID"]
    assert response.status_code == 500 and len(made) == 32 and "script" not in made
    assert made in response.get_data(as_text=True)
    assert f"request_id={made}: 500 GET /test/broken" in stream.getvalue()


def test_every_response_carries_an_id(client):
    for path in ("/", "/no-such-page", "/static/site.css", "/healthz"):
        assert client.get(path).headers["X-Request-ID"], path


def test_json_logs_are_one_object_per_line(make_app):
    app = make_app(LOG_FORMAT="json", PROPAGATE_EXCEPTIONS=False)
    add_noisy_route(app)
    stream = log_stream()
    client = app.test_client()
    client.get("/test/noisy", headers={"X-Request-ID": "json-1"})
    client.get("/test/broken", headers={"X-Request-ID": "json-2"})
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [(line["request_id"], line["level"], line["logger"]) for line in lines] == [
        ("json-1", "INFO", "mentormatch"),
        ("json-1", "WARNING", "flask-limiter"),
        ("json-2", "ERROR", "mentormatch"),
    ]
    assert lines[0]["message"] == "the app says something"
    assert lines[2]["message"].startswith("500 GET /test/broken request_id=json-2")
    assert lines[0]["time"].endswith("+00:00")


def test_an_unknown_log_format_stops_the_app_starting(tmp_path):
    with pytest.raises(RuntimeError, match="LOG_FORMAT must be one of text, json"):
        create_app(make_test_config(f"sqlite:///{tmp_path / 'x.sqlite3'}", tmp_path, LOG_FORMAT="xml"))


def test_sign_ins_and_refusals_are_logged_as_security_events(make_app):
    app = make_app()
    member = make_member(app, email="nia@example.ac.uk", profile=False)
    stream = log_stream()
    client = app.test_client()
    assert log_in(client, "nia@example.ac.uk", "not the password").status_code == 422
    assert log_in(client, "nobody@example.ac.uk", "not the password").status_code == 422
    assert log_in(client, "nia@example.ac.uk").status_code == 303
    assert client.get("/admin/mentors").status_code == 403
    assert client.post("/auth/logout").status_code == 400  # no CSRF token
    security = [line for line in stream.getvalue().splitlines() if " mentormatch.security " in line]
    assert [line.split(": ", 1)[1] for line in security] == [
        f"login failed: wrong password for user_id={member}",
        "login failed: no such account",
        f"login succeeded user_id={member}",
        "refused GET /admin/mentors: 403 Forbidden",
        "refused POST /auth/logout: The CSRF token is missing.",
    ]
    assert "not the password" not in stream.getvalue() and "nia@example" not in stream.getvalue()


def test_a_rate_limited_attempt_is_logged_as_a_security_event(make_app):
    app = make_app(RATELIMIT_LOGIN="1 per minute")
    stream = log_stream()
    client = app.test_client()
    assert log_in(client, "nobody@example.ac.uk", "not the password").status_code == 422
    assert log_in(client, "nobody@example.ac.uk", "not the password").status_code == 429
    assert "mentormatch.security request_id=" in stream.getvalue()
    assert stream.getvalue().rstrip().endswith("refused POST /auth/login: 429 Too Many Requests")


def test_what_a_visitor_types_cannot_forge_a_log_line(make_app):
    app = make_app()

    def echo():
        app.logger.warning("looked for %s", request.args["q"])
        return "ok"

    app.add_url_rule("/test/echo", "echo", echo)
    stream = log_stream()
    forged = "x\n2026-12-06 12:00:00,000 INFO mentormatch request_id=-: admin logged in"
    app.test_client().get("/test/echo", query_string={"q": forged})
    (line,) = stream.getvalue().splitlines()
    assert line.endswith("looked for x\\x0a" + forged.split("\n")[1])


# --- metrics -------------------------------------------------------------------------------------


def scrape(client, token: str = TOKEN) -> dict[tuple[str, tuple], float]:
    """Every sample /metrics exposes, keyed by name and sorted labels."""
    response = client.get("/metrics", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.status_code
    assert response.content_type.startswith("text/plain; version=")
    return parse(response.get_data(as_text=True))


def parse(text: str) -> dict[tuple[str, tuple], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_metrics_are_not_public_by_default(client):
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer anything"}).status_code == 404


@pytest.mark.parametrize("app_config", [{"METRICS_TOKEN": TOKEN}])
@pytest.mark.parametrize("authorization", [None, "Bearer wrong-token", TOKEN, f"Basic {TOKEN}"])
def test_metrics_need_the_token(client, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="metrics"'
    assert b"mentormatch_" not in response.data


@pytest.mark.parametrize("app_config", [{"METRICS_TOKEN": TOKEN}])
def test_requests_are_counted_by_endpoint_and_status_and_timed(client):
    requests = (
        "mentormatch_http_requests_total",
        (("endpoint", "pages.healthz"), ("method", "GET"), ("status", "200")),
    )
    missing = (
        "mentormatch_http_requests_total",
        (("endpoint", "unmatched"), ("method", "GET"), ("status", "404")),
    )
    timed = ("mentormatch_http_request_duration_seconds_count", (("endpoint", "pages.healthz"),))
    before = scrape(client)
    for _ in range(3):
        client.get("/healthz")
    client.get("/no-such-page")
    client.open("/healthz", method="BREW-COFFEE")
    after = scrape(client)
    assert after[requests] - before.get(requests, 0) == 3
    assert after[missing] - before.get(missing, 0) == 1
    assert after[timed] - before.get(timed, 0) == 3
    made_up = (
        "mentormatch_http_requests_total",
        (("endpoint", "unmatched"), ("method", "other"), ("status", "405")),
    )
    assert after[made_up] - before.get(made_up, 0) == 1
    assert not [labels for _, labels in after if ("method", "BREW-COFFEE") in labels]
    names = {name for name, _ in after}
    assert {
        "mentormatch_database_up",
        "mentormatch_outbox_queued_messages",
        "mentormatch_outbox_oldest_queued_age_seconds",
    } <= names


def _queue(app: Flask, minutes_ago: int, sent: bool = False) -> None:
    with app.app_context():
        number = db.session.query(OutboxMessage).count()
        db.session.add(
            OutboxMessage(
                message_id=f"<{number}@metrics.test>",
                kind="test",
                to_addr="someone@example.ac.uk",
                subject="s",
                text_body="b",
                html_body="<p>b</p>",
                created_at=utcnow() - timedelta(minutes=minutes_ago),
                sent_at=utcnow() if sent else None,
            )
        )
        db.session.commit()


@pytest.mark.parametrize("app_config", [{"METRICS_TOKEN": TOKEN}])
def test_the_outbox_depth_and_oldest_age_are_read_when_scraped(app, client):
    empty = scrape(client)
    assert empty[("mentormatch_outbox_queued_messages", ())] == 0
    assert empty[("mentormatch_outbox_oldest_queued_age_seconds", ())] == 0
    _queue(app, minutes_ago=90, sent=True)  # delivered: not waiting
    _queue(app, minutes_ago=10)
    _queue(app, minutes_ago=1)
    waiting = scrape(client)
    assert waiting[("mentormatch_database_up", ())] == 1
    assert waiting[("mentormatch_outbox_queued_messages", ())] == 2
    assert 600 <= waiting[("mentormatch_outbox_oldest_queued_age_seconds", ())] < 700


@pytest.mark.parametrize(
    "database", ["sqlite:////nonexistent-folder/x.sqlite3", "postgresql+psycopg://postgres@127.0.0.1:9/none"]
)
def test_503s_are_counted_and_the_scrape_says_the_database_is_down(tmp_path, database):
    app = create_app(make_test_config(database, tmp_path, METRICS_TOKEN=TOKEN))
    client = app.test_client()
    counted = ("mentormatch_database_unavailable_responses_total", ())
    before = scrape(client)
    login_page = client.get("/auth/login")  # the form needs no database; signing in does
    answer = client.post(
        "/auth/login",
        data={
            "email": "nia@example.org",
            "password": "a long password",
            "csrf_token": csrf_from(login_page.text),
        },
    )
    assert answer.status_code == 503
    after = scrape(client)
    assert after[counted] - before[counted] == 1
    assert after[("mentormatch_database_up", ())] == 0
    assert ("mentormatch_outbox_queued_messages", ()) not in after


@pytest.mark.parametrize("app_config", [{"METRICS_TOKEN": TOKEN}])
def test_digest_runs_and_matching_refits_are_counted(app, client, runner):
    dry_run = ("mentormatch_digest_runs_total", (("outcome", "dry_run"),))
    rebuilt = ("mentormatch_matching_refits_total", (("reason", "rebuild"),))
    before = scrape(client)
    assert runner.invoke(args=["digests", "send", "--dry-run"]).exit_code == 0
    assert runner.invoke(args=["matches", "rebuild"]).exit_code == 0
    after = scrape(client)
    assert after[dry_run] - before.get(dry_run, 0) == 1
    assert after[rebuilt] - before.get(rebuilt, 0) == 1


# --- several processes: PROMETHEUS_MULTIPROC_DIR and `flask metrics serve` ------------------------

WORKER = """
from mentormatch import create_app
from tests.conftest import make_test_config
from pathlib import Path
app = create_app(make_test_config("sqlite:///{db}", Path("{tmp}")))
client = app.test_client()
for _ in range(3):
    assert client.get("/healthz").status_code == 200
"""


def test_metrics_serve_shows_the_workers_metrics_from_the_multiprocess_folder(tmp_path: Path):
    root = Path(__file__).resolve().parent.parent
    folder = tmp_path / "prometheus"
    folder.mkdir()
    database = tmp_path / "shared.sqlite3"
    app = create_app(make_test_config(f"sqlite:///{database}", tmp_path))
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    environment = {
        **os.environ,
        "PROMETHEUS_MULTIPROC_DIR": str(folder),
        "MENTORMATCH_SECRET_KEY": "test-secret-key-0123456789abcdef",
        "MENTORMATCH_SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
        "PYTHONPATH": str(root),
    }
    worker = WORKER.format(db=database, tmp=tmp_path)  # a web worker, gone before the scrape
    subprocess.run([sys.executable, "-c", worker], env=environment, cwd=root, check=True, timeout=120)

    flask = [
        sys.executable,
        "-m",
        "flask",
        "--app",
        "mentormatch",
        "metrics",
        "serve",
        "--bind",
        "127.0.0.1:0",
    ]
    server = subprocess.Popen(flask, env=environment, cwd=root, stderr=subprocess.PIPE, text=True)
    try:
        line = ""
        for _ in range(20):  # after any start-up warnings (mail to files, say)
            line = server.stderr.readline()
            if line.startswith("Serving") or not line:
                break
        assert line.startswith("Serving metrics at http://127.0.0.1:"), line
        url = line.split()[-1]
        with urlopen(url, timeout=30) as response:  # noqa: S310  (our own loopback server)
            samples = parse(response.read().decode())
    finally:
        server.terminate()
        server.wait(timeout=30)
        server.stderr.close()
    healthz = (
        "mentormatch_http_requests_total",
        (("endpoint", "pages.healthz"), ("method", "GET"), ("status", "200")),
    )
    assert samples[healthz] == 3
    assert samples[("mentormatch_outbox_queued_messages", ())] == 0


def test_metrics_serve_refuses_without_the_multiprocess_folder(runner, monkeypatch):
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    result = runner.invoke(args=["metrics", "serve"])
    assert result.exit_code == 1
    assert "PROMETHEUS_MULTIPROC_DIR" in result.output and len(result.output.strip().splitlines()) == 1


def test_the_log_format_and_metrics_token_come_from_the_environment(monkeypatch, tmp_path):
    from mentormatch.core.config import load_config

    monkeypatch.setenv("MENTORMATCH_SECRET_KEY", "k" * 40)
    monkeypatch.setenv("MENTORMATCH_LOG_FORMAT", "json")
    monkeypatch.setenv("MENTORMATCH_METRICS_TOKEN", TOKEN)
    app = Flask("mentormatch", instance_path=str(tmp_path), instance_relative_config=True)
    load_config(app, None)
    assert app.config["LOG_FORMAT"] == "json" and app.config["METRICS_TOKEN"] == TOKEN
