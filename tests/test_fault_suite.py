"""The fault suite: the production setup with real processes, faults injected under load.

A private PostgreSQL cluster, a private Redis, an aiosmtpd server, the app under gunicorn (two
workers) configured by MENTORMATCH_* variables, and the mail worker (`mail deliver --loop`).
While a few signed-in visitors read /matches, /people and /requests and a mentor accepts and
declines requests, PostgreSQL is restarted, then stopped and started; Redis is stopped and
started; a gunicorn worker is SIGKILLed. Then: no 500 anywhere, every 5xx a 503 with
Retry-After, no traceback in the logs, and the data is whole (every accepted request has one
connection, no mentor has more mentees than places, every email arrived once).

Bounded: about 20 s of load after 20–30 s of setting up, about 50 s in all on two quiet cores
(up to two minutes on busy ones).
In CI (CI=true) a missing binary fails the suite instead of skipping it.
"""

from __future__ import annotations

import http.client
import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import create_engine, text

from mentormatch import create_app
from mentormatch.core.extensions import db
from mentormatch.demo.logins import DEMO_LOGINS, DEMO_PASSWORD
from tests.conftest import IN_CI, make_test_config
from tests.helpers import csrf_from
from tests.private_servers import PrivatePostgres, PrivateRedis, children, free_port, missing_binaries
from tests.smtp_server import start_smtp_server

pytestmark = pytest.mark.faults

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parent.parent
STUDENT, MENTOR, ADMIN = (DEMO_LOGINS[role].email for role in ("student", "mentor", "admin"))
PHASE_SECONDS = 3.0


# --- a signed-in visitor without requests ----------------------------------------------------------


class _Keep3xx(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 303 is an answer to record, not to follow


class Visitor:
    """One browser: a cookie jar, redirects not followed; `call()` never raises for a status."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _Keep3xx
        )

    def call(self, method: str, path: str, data: dict | None = None) -> tuple[int, str | None, str]:
        """(status, Retry-After, body); status 0 when the connection was cut."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, method=method)  # noqa: S310
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.headers.get("Retry-After"), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Retry-After"), error.read().decode()
        except (urllib.error.URLError, http.client.HTTPException, ConnectionError) as error:
            if isinstance(getattr(error, "reason", None), TimeoutError):
                raise
            return 0, None, repr(error)

    def log_in(self, email: str) -> int:
        status, _, page = self.call("GET", "/auth/login")
        assert status == 200, page[:300]
        fields = {"email": email, "password": DEMO_PASSWORD, "csrf_token": csrf_from(page)}
        return self.call("POST", "/auth/login", fields)[0]


# --- the load ----------------------------------------------------------------------------------------


@dataclass
class Outcome:
    phase: str
    method: str
    path: str
    status: int
    retry_after: str | None
    ended_in: str  # the phase when the answer came
    detail: str = ""  # for a cut connection, what the client saw


@dataclass
class Load:
    """A few visitors in threads, each request recorded with the phase it happened in."""

    phase: str = "steady"
    outcomes: list[Outcome] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    errors: list[BaseException] = field(default_factory=list)

    def call(self, visitor: Visitor, method: str, path: str, data: dict | None = None) -> tuple[int, str]:
        phase = self.phase
        status, retry_after, body = visitor.call(method, path, data)
        with self.lock:
            detail = body[:200] if status == 0 else ""
            path = re.sub(r"\d+", "N", path)
            self.outcomes.append(Outcome(phase, method, path, status, retry_after, self.phase, detail))
        return status, body

    def reader(self, visitor: Visitor) -> None:
        paths = ["/matches", "/people", "/requests"]
        for n in range(10_000):
            if self.stopping.is_set():
                return
            status, _ = self.call(visitor, "GET", paths[n % len(paths)])
            time.sleep(0.5 if status == 503 else 0.05)  # not Retry-After's 30 s, but a pause

    def mentor(self, visitor: Visitor) -> None:
        """Accepts and declines the requests waiting for them, in turn."""
        for n in range(10_000):
            if self.stopping.is_set():
                return
            status, page = self.call(visitor, "GET", "/requests")
            if status == 503:
                time.sleep(0.5)
            waiting = re.findall(r'action="/requests/(\d+)/accept"', page) if status == 200 else []
            if waiting:
                token = csrf_from(page)
                if n % 2:
                    self.call(visitor, "POST", f"/requests/{waiting[0]}/accept", {"csrf_token": token})
                else:
                    fields = {"csrf_token": token, "reason": "Full this term, sorry."}
                    self.call(visitor, "POST", f"/requests/{waiting[0]}/decline", fields)
            time.sleep(0.1)

    def start(self, targets: list) -> list[threading.Thread]:
        def guarded(target, visitor):
            try:
                target(visitor)
            except BaseException as error:  # a time-out or a bug in the load: fail the test
                self.errors.append(error)

        threads = [threading.Thread(target=guarded, args=pair, daemon=True) for pair in targets]
        for thread in threads:
            thread.start()
        return threads

    def table(self) -> str:
        counts = Counter((o.phase, o.status) for o in self.outcomes)
        phases = list(dict.fromkeys(o.phase for o in self.outcomes))
        return "\n".join(
            f"{phase:<18} " + ", ".join(f"{s}×{c}" for (p, s), c in sorted(counts.items()) if p == phase)
            for phase in phases
        )


# --- the stack ----------------------------------------------------------------------------------------


def _wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310  (loopback)
                return
        except (OSError, http.client.HTTPException):
            time.sleep(0.2)
    raise RuntimeError(f"{url} didn't answer in {seconds} s")


def _make_the_data(app) -> None:
    """`seed-demo --users 300`; then a dozen students ask the demo mentor, who
    has three places left, so accepting them all can't fit."""
    from mentormatch.accounts.models import User
    from mentormatch.mentoring.asking import request_problem, send_request
    from mentormatch.mentoring.models import MENTORING

    result = app.test_cli_runner().invoke(args=["seed-demo", "--users", "300"])
    assert result.exit_code == 0, result.output
    with app.app_context(), app.test_request_context():
        tom = db.session.scalar(db.select(User).where(User.email == MENTOR))
        asked = 0
        for user in db.session.scalars(db.select(User).order_by(User.id)):
            if asked < 12 and user.id != tom.id and request_problem(user, tom, MENTORING) is None:
                send_request(user, tom, MENTORING, "Could you mentor me?")
                asked += 1
        tom.profile.mentor_capacity = tom.profile.mentor_places_taken + 3
        db.session.commit()
        assert asked == 12
        db.engine.dispose()


@pytest.fixture(scope="module")
def stack(tmp_path_factory) -> Iterator[SimpleNamespace]:
    missing = missing_binaries() + ([] if (BIN / "gunicorn").exists() else ["gunicorn (the prod extra)"])
    if missing:
        if IN_CI:
            pytest.fail(f"CI=true but the fault suite can't run: missing {', '.join(missing)}")
        pytest.skip(f"missing {', '.join(missing)}")
    folder = tmp_path_factory.mktemp("faults")
    postgres, redis, smtp = PrivatePostgres(), PrivateRedis(folder), start_smtp_server()
    processes: list[subprocess.Popen] = []
    app = None
    try:
        postgres.init()
        postgres.start()
        redis.start()
        port = free_port()
        env = {
            **os.environ,
            "MENTORMATCH_SECRET_KEY": "fault-suite-secret-key-0123456789abcdef",
            "MENTORMATCH_BASE_URL": f"http://127.0.0.1:{port}",
            "MENTORMATCH_SQLALCHEMY_DATABASE_URI": postgres.url,
            "MENTORMATCH_RATELIMIT_STORAGE_URI": redis.url,
            "MENTORMATCH_MAIL_BACKEND": "smtp",
            "MENTORMATCH_MAIL_SERVER": "127.0.0.1",
            "MENTORMATCH_MAIL_PORT": str(smtp.port),
            "MENTORMATCH_MAIL_TIMEOUT": "5",
        }
        mail = {"MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp.port}
        app = create_app(make_test_config(postgres.url, folder, **mail))
        with app.app_context():  # the tables first: the mail worker starts at once
            result = app.test_cli_runner().invoke(args=["db", "upgrade"])
            assert result.exit_code == 0, result.output
        logs = SimpleNamespace(app=folder / "gunicorn.log", mail=folder / "mail-worker.log")
        gunicorn = [str(BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}"]
        gunicorn += ["--timeout", "60", "--graceful-timeout", "5", "mentormatch:create_app()"]
        with open(logs.app, "w") as app_log, open(logs.mail, "w") as mail_log:
            processes.append(subprocess.Popen(gunicorn, env=env, cwd=ROOT, stdout=app_log, stderr=app_log))
            worker = [
                str(BIN / "flask"),
                "--app",
                "mentormatch",
                "mail",
                "deliver",
                "--loop",
                "--interval",
                "0.5",
            ]
            processes.append(subprocess.Popen(worker, env=env, cwd=ROOT, stdout=mail_log, stderr=mail_log))
        _make_the_data(app)  # while they start
        base = f"http://127.0.0.1:{port}"
        _wait_for(base + "/healthz", 90)
        yield SimpleNamespace(
            app=app,
            base=base,
            env=env,
            postgres=postgres,
            redis=redis,
            smtp=smtp,
            logs=logs,
            processes=processes,
        )
    finally:
        if app is not None:
            with app.app_context():
                db.engine.dispose()
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)  # the mail worker releases its claims
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
        redis.stop()
        smtp.controller.stop()
        postgres.remove()


# Each query finds what would be broken; none may find anything.
BROKEN = {
    "an accepted request without exactly one connection": """
        SELECT r.id FROM mentoring_request r LEFT JOIN connection c ON c.request_id = r.id
        WHERE r.status = 'accepted' GROUP BY r.id HAVING count(c.id) <> 1""",
    "a live connection whose request isn't accepted": """
        SELECT c.id FROM connection c JOIN mentoring_request r ON r.id = c.request_id
        WHERE c.ended_at IS NULL AND r.status <> 'accepted'""",
    "a mentor over capacity, or whose places taken aren't their mentees": """
        SELECT p.user_id FROM profile p
        WHERE p.mentor_places_taken > coalesce(p.mentor_capacity, 0)
           OR p.mentor_places_taken <> (
                SELECT count(*) FROM connection c
                WHERE c.kind = 'mentoring' AND c.first_id = p.user_id AND c.ended_at IS NULL)""",
}


# --- the test ----------------------------------------------------------------------------------------


def _phase(load: Load, name: str, seconds: float = PHASE_SECONDS) -> None:
    load.phase = name
    time.sleep(seconds)


def test_faults_under_load_answer_503_and_lose_nothing(stack):
    student, mentor, reader = Visitor(stack.base), Visitor(stack.base), Visitor(stack.base)
    assert student.log_in(STUDENT) == 303
    assert mentor.log_in(MENTOR) == 303
    assert reader.log_in(STUDENT) == 303
    gunicorn, mail_worker = stack.processes
    load = Load()
    threads = load.start([(load.reader, student), (load.reader, reader), (load.mentor, mentor)])
    checks: dict[str, object] = {}
    try:
        _phase(load, "steady")
        load.phase = "postgres restart"
        stack.postgres.restart()
        _phase(load, "postgres restart")

        load.phase = "postgres down"
        stack.postgres.stop()
        checks["healthz"] = Visitor(stack.base).call("GET", "/healthz")[0]
        expire = stack.app.test_cli_runner().invoke(args=["requests", "expire"])
        checks["expire"] = (expire.exit_code, expire.output)
        _phase(load, "postgres down", 1)
        stack.postgres.start()
        _phase(load, "postgres back")

        load.phase = "redis down"
        stack.redis.stop()
        checks["login without redis"] = Visitor(stack.base).log_in(ADMIN)
        _phase(load, "redis down")
        stack.redis.start()

        workers = children(gunicorn.pid)
        assert len(workers) == 2
        load.phase = "worker killed"
        os.kill(workers[0], signal.SIGKILL)
        _phase(load, "worker killed")
        _phase(load, "after")
    finally:
        load.stopping.set()
        for thread in threads:
            thread.join(timeout=30)
    print("\n" + load.table())
    app_log = stack.logs.app.read_text()
    assert not load.errors, load.errors

    # What the visitors saw.
    outcomes = load.outcomes
    trouble = "\n".join(line for line in app_log.splitlines() if "WARNING" not in line)
    assert [o for o in outcomes if o.status == 500] == [], trouble[-8000:]
    assert [o for o in outcomes if o.status >= 500 and (o.status != 503 or not o.retry_after)] == []
    assert any(o.status == 503 for o in outcomes if o.phase == "postgres down")
    cut = [o for o in outcomes if o.status == 0]
    assert all(o.ended_in == "worker killed" for o in cut) and len(cut) <= len(threads), cut
    assert {o.status for o in outcomes} <= {0, 200, 303, 409, 503}
    assert {o.status for o in outcomes if o.phase == "after"} <= {200, 303, 409}
    assert any(o.status == 303 and o.path.endswith("accept") for o in outcomes)
    assert checks["healthz"] == 503
    returncode, output = checks["expire"]
    assert returncode == 3 and len(output.strip().splitlines()) == 1, output
    assert checks["login without redis"] == 303
    assert "Traceback" not in app_log and not re.search(r"\b500 (GET|POST|HEAD)", app_log), app_log[-3000:]
    assert "the database is away" in app_log

    # The data is whole.
    engine = create_engine(stack.postgres.url)
    with engine.connect() as connection:
        sql = lambda query: connection.execute(text(query)).all()  # noqa: E731
        for name, query in BROKEN.items():
            assert sql(query) == [], name

        # Every email arrived once: what the worker sent through the faults, then one last run.
        mail_worker.send_signal(signal.SIGINT)
        mail_worker.wait(timeout=30)
        last = stack.app.test_cli_runner().invoke(args=["mail", "deliver"])
        assert last.exit_code == 0, last.output
        rows = sql("SELECT message_id, sent_at IS NOT NULL, last_error FROM outbox_message")
        unsent = sql("SELECT * FROM outbox_message WHERE sent_at IS NULL")
    engine.dispose()
    assert rows and all(sent for _, sent, _ in rows), (unsent, last.output, stack.logs.mail.read_text())
    received = Counter(item.message["Message-ID"] for item in stack.smtp.received)
    assert received == Counter(message_id for message_id, _, _ in rows)
    mail_log = stack.logs.mail.read_text()
    assert "Traceback" not in mail_log, mail_log[-3000:]
