"""How many signed-in pages a second the production setup serves, against a bare Flask ceiling.

    .venv/bin/python benchmarks/web.py [--users 10000] [--workers 2] [--duration 12]
        [--connections 8,32] [--logins 6] [--worker-class sync] [--threads 1] [--preload]
        [--page-cache-seconds S] [--writes-per-second W]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/mentormatch_bench]
        [--redis-url redis://127.0.0.1:6379/0] [--port 8471]

What the deployment docs run: gunicorn with N workers on PostgreSQL, Redis for the rate limits.
The script owns the database named in --database-url: it creates it, migrates it and seeds it with
`flask seed-demo --users N` (and drops and seeds it again when it holds a different number of
members). It signs in as several demo members (the demo student, the demo mentor and seeded members
spread over the population: all share the demo password) and drives each page with wrk (`apt-get
install wrk`), rotating their cookies, at each number of connections. In the same run it serves a
bare Flask hello-world under the same gunicorn settings: the ceiling. It prints req/s, p50/p95/p99,
errors and time-outs (wrk's, and any answer other than 200) per page, each page's share of the
ceiling, the load average, and each worker's RSS and PSS.

Signed-in pages a member asks for again are served from memory while nothing has been written
(mentormatch/core/pagecache.py): `--page-cache-seconds 0` turns that off, so every request makes its
page; `--writes-per-second W` commits W writes a second elsewhere while the signed-in pages are
driven (each outdates every kept page), as a busy programme would.

Loopback only; every wrk run is bounded by --duration; the servers are stopped at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
DEMO_PASSWORD = "mentormatch-demo"  # noqa: S105 (published: mentormatch/demo/logins.py)
DEMO_DOMAIN = "demo.mentormatch.example"
# One browser's name for the logins and the load: a session keeps the User-Agent it signed in with
# (Flask-Login's session protection marks it no longer fresh when that changes).
USER_AGENT = "MentorMatch-benchmark/1"

# (label, path, signed in): the pages of the table, in its order.
PAGES = [
    ("`/` anonymous landing", "/", False),
    ("`/healthz`", "/healthz", False),
    ("`/` dashboard (signed in)", "/", True),
    ("`/matches`", "/matches", True),
    ("`/matches?tab=peers`", "/matches?tab=peers", True),
    ("`/people?q=cardiology`", "/people?q=cardiology", True),
    ("`/requests`", "/requests", True),
    ("`/connections`", "/connections", True),
]

WRK_SCRIPT = """
local cookies = {%(cookies)s}
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) bad = 0; counter = math.random(1000) end
request = function()
  counter = counter + 1
  local headers = {}
  headers["User-Agent"] = %(agent)s
  if #cookies > 0 then headers["Cookie"] = cookies[(counter %% #cookies) + 1] end
  return wrk.format("GET", %(path)s, headers)
end
response = function(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end
done = function(summary, latency, requests)
  local not_200 = 0
  for _, thread in ipairs(threads) do not_200 = not_200 + (thread:get("bad") or 0) end
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %%d, "duration_us": %%d, "p50": %%d, "p95": %%d, "p99": %%d, ' ..
    '"timeouts": %%d, "socket": %%d, "not_200": %%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), e.timeout, e.connect + e.read + e.write, not_200))
end
"""


def main() -> None:
    args = parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install wrk")
    database_url = args.database_url
    prepare_database(database_url, args.users, app_env(args))
    print(f"# {args.users:,} members; gunicorn {args.workers} workers ({gunicorn_shape(args)}); "
          f"wrk {args.duration} s per page; page cache: {page_cache_shape(args)}; "
          f"load average before: {load_average()}")  # fmt: skip
    results: dict[tuple[str, int], dict] = {}
    rss: dict[str, dict[int, tuple[int, int]]] = {}
    with gunicorn(args, "benchmarks.hello:app", app_env(args)) as server:
        for connections in args.connections:
            results[("hello-world (ceiling)", connections)] = run_wrk(server, "/", [], connections, args)
        rss["hello-world"] = worker_memory(server.master)
    with gunicorn(args, "mentormatch:create_app()", app_env(args)) as server:
        cookies = [log_in(server.base, email) for email in login_emails(database_url, args.logins)]
        warm_up(server, cookies, args)
        seen: dict[int, tuple[int, int]] = {}
        for label, path, signed_in in PAGES:
            for connections in args.connections:
                with writes_elsewhere(database_url, args.writes_per_second if signed_in else 0) as writes:
                    found = run_wrk(server, path, cookies if signed_in else [], connections, args)
                results[(label, connections)] = {**found, "writes": writes.count}
                for pid, memory in worker_memory(server.master).items():
                    seen[pid] = max(seen.get(pid, (0, 0)), memory)
        rss["MentorMatch"] = seen
    print(f"# load average after: {load_average()}\n")
    print_table(results, args.connections)
    print("\n| server | worker | RSS | PSS |\n| --- | --- | --- | --- |")
    for name, workers in rss.items():
        for pid, (resident, proportional) in sorted(workers.items()):
            print(f"| {name} | {pid} | {resident / 1024:.0f} MB | {proportional / 1024:.0f} MB |")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--preload", action="store_true", help="gunicorn --preload (fit before forking)")
    parser.add_argument("--duration", type=int, default=12, help="seconds of wrk per page and level")
    parser.add_argument("--connections", type=lambda v: [int(c) for c in v.split(",")], default=[8, 32])
    parser.add_argument("--logins", type=int, default=6, help="members signed in (cookies rotated)")
    parser.add_argument(
        "--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/mentormatch_bench"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--port", type=int, default=8471)
    parser.add_argument(
        "--page-cache-seconds", type=float, default=None, help="the app's PAGE_CACHE_SECONDS (0: off)"
    )
    parser.add_argument(
        "--writes-per-second", type=float, default=0, help="writes committed elsewhere during signed-in runs"
    )
    return parser.parse_args()


def gunicorn_shape(args: argparse.Namespace) -> str:
    shape = f"{args.worker_class}, {args.threads} thread{'s' if args.threads != 1 else ''}"
    return shape + (", --preload" if args.preload else "")


def page_cache_shape(args: argparse.Namespace) -> str:
    if args.page_cache_seconds == 0:
        return "off"
    seconds = "the default" if args.page_cache_seconds is None else f"{args.page_cache_seconds:g} s"
    return f"{seconds}, {args.writes_per_second:g} writes a second elsewhere"


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


# --- the database -------------------------------------------------------------------------------


def prepare_database(database_url: str, users: int, env: dict[str, str]) -> None:
    """The benchmark's own database, migrated and holding exactly `users` demo members."""
    url = make_url(database_url)
    if not url.drivername.startswith("postgresql"):
        sys.exit("--database-url must be PostgreSQL, as in production")
    flask = [sys.executable, "-m", "flask", "--app", "mentormatch"]  # this interpreter's, our commands
    upgrade = [*flask, "db", "upgrade"]
    server = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        exists = connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": url.database})
        members = member_count(database_url) if exists else None
        if members == users:
            server.dispose()
            # Seeded by an older checkout, perhaps: today's migrations first.
            subprocess.run(upgrade, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
            analyze(database_url)
            return
        if exists:
            print(f"# {url.database} holds {members} members, not {users}: seeding it again", flush=True)
            connection.execute(text(f'DROP DATABASE "{url.database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{url.database}"'))
    server.dispose()
    subprocess.run(upgrade, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
    started = time.perf_counter()
    seed = [*flask, "--debug", "seed-demo", "--users", str(users)]
    subprocess.run(seed, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
    print(f"# seeded {users:,} members in {time.perf_counter() - started:.0f} s", flush=True)
    analyze(database_url)


def analyze(database_url: str) -> None:
    """What autovacuum does soon after a bulk load (a server may have it off): without the tables'
    sizes the planner takes 10,000 members for 8 and joins them row by row."""
    engine = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("ANALYZE"))
    engine.dispose()


def member_count(database_url: str) -> int | None:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.scalar(text("SELECT count(*) FROM user_account"))
    except Exception:  # no tables yet: seed it
        return None
    finally:
        engine.dispose()


def login_emails(database_url: str, count: int) -> list[str]:
    """The demo student and mentor, then members spread evenly over the rest of the population."""
    engine = create_engine(database_url)
    with engine.connect() as connection:
        emails = connection.scalars(
            text(
                "SELECT u.email FROM user_account u JOIN profile p ON p.user_id = u.id "
                "WHERE u.email_verified_at IS NOT NULL AND p.onboarded_at IS NOT NULL "
                "AND u.deleted_at IS NULL AND NOT u.is_admin ORDER BY u.id"
            )
        ).all()
    engine.dispose()
    chosen = [f"student@{DEMO_DOMAIN}", f"mentor@{DEMO_DOMAIN}"]
    others = [email for email in emails if email not in chosen]
    step = max(len(others) // max(count - len(chosen), 1), 1)
    return (chosen + others[::step])[:count]


# --- the servers --------------------------------------------------------------------------------


def app_env(args: argparse.Namespace) -> dict[str, str]:
    mail_dir = tempfile.mkdtemp(prefix="mentormatch-bench-mail-")
    return {
        **os.environ,
        "MENTORMATCH_SQLALCHEMY_DATABASE_URI": args.database_url,
        "MENTORMATCH_RATELIMIT_STORAGE_URI": args.redis_url,
        # A prefix of its own: this run's logins never count against another's (nor a site's).
        "MENTORMATCH_RATELIMIT_KEY_PREFIX": f"bench-{secrets.token_hex(4)}",
        "MENTORMATCH_SECRET_KEY": "bench-" + secrets.token_hex(32),
        "MENTORMATCH_BASE_URL": f"http://127.0.0.1:{args.port}",
        "MENTORMATCH_MAIL_FILE_DIR": mail_dir,
        **(
            {"MENTORMATCH_PAGE_CACHE_SECONDS": str(args.page_cache_seconds)}
            if args.page_cache_seconds is not None
            else {}
        ),
    }


class Server:
    def __init__(self, process: subprocess.Popen, base: str) -> None:
        self.process, self.master, self.base = process, process.pid, base


class gunicorn:  # used as `with gunicorn(...) as server:`
    """gunicorn serving `target` on loopback, stopped (TERM, then KILL) on leaving the block."""

    def __init__(self, args: argparse.Namespace, target: str, env: dict[str, str]) -> None:
        self.command = [
            sys.executable, "-m", "gunicorn", "--chdir", str(ROOT), "--bind", f"127.0.0.1:{args.port}",
            "--workers", str(args.workers), "--worker-class", args.worker_class, "--threads",
            str(args.threads), "--timeout", "300", "--log-level", "warning",
        ]  # fmt: skip
        if args.preload:
            self.command.append("--preload")
        self.command.append(target)
        self.env, self.base = env, f"http://127.0.0.1:{args.port}"

    def __enter__(self) -> Server:
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env)  # noqa: S603 (our gunicorn)
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"gunicorn stopped: {self.command}")
            try:
                urllib.request.urlopen(self.base + "/", timeout=5).read()  # noqa: S310 (http on loopback)
                return Server(self.process, self.base)
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.3)
        self.__exit__()
        sys.exit("gunicorn did not answer within 300 s")

    def __exit__(self, *exc: object) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def log_in(base: str, email: str) -> str:
    """Sign in through the login form; the session cookie, as a Cookie header."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", USER_AGENT)]
    html = opener.open(base + "/auth/login", timeout=300).read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    form = urllib.parse.urlencode({"email": email, "password": DEMO_PASSWORD, "csrf_token": token})
    # Following the redirect lands on the dashboard: this worker fits its engine now.
    final = opener.open(base + "/auth/login", data=form.encode(), timeout=300)
    if urllib.parse.urlparse(final.url).path != "/":
        sys.exit(f"could not log in as {email} (ended at {final.url})")
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


def warm_up(server: Server, cookies: list[str], args: argparse.Namespace) -> None:
    """A few seconds on the matching pages, so every worker has fitted its engine before timing."""
    for path in ("/matches", "/matches?tab=peers", "/people?q=cardiology"):
        run_wrk(server, path, cookies, max(args.workers * 2, 2), args, duration=3)


# --- load ---------------------------------------------------------------------------------------


def run_wrk(server: Server, path: str, cookies: list[str], connections: int, args: argparse.Namespace,
            duration: int | None = None) -> dict:  # fmt: skip
    script = WRK_SCRIPT % {
        "cookies": ", ".join(json.dumps(c) for c in cookies),
        "path": json.dumps(path),
        "agent": json.dumps(USER_AGENT),
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(script)
    command = ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{duration or args.duration}s",
               "--timeout", "2s", "-s", lua.name, server.base + path]  # fmt: skip
    try:
        limit = (duration or args.duration) + 60
        output = subprocess.run(command, capture_output=True, text=True, timeout=limit)  # noqa: S603 (wrk)
    finally:
        os.unlink(lua.name)
    line = next((line for line in output.stdout.splitlines() if line.startswith("BENCH ")), None)
    if line is None:
        sys.exit(f"wrk printed no summary:\n{output.stdout}\n{output.stderr}")
    found = json.loads(line.removeprefix("BENCH "))
    found["rps"] = found["requests"] / (found["duration_us"] / 1e6)
    return found


class writes_elsewhere:  # used as `with writes_elsewhere(url, per_second) as writes:`
    """A thread committing `per_second` writes a second to the database until the block ends: each
    moves the write count on (mentormatch/core/writes.py), as any member's change would."""

    def __init__(self, database_url: str, per_second: float) -> None:
        self.database_url, self.per_second, self.count = database_url, per_second, 0
        self.stop = threading.Event()

    def __enter__(self) -> writes_elsewhere:
        if self.per_second > 0:
            self.thread = threading.Thread(target=self.write, daemon=True)
            self.thread.start()
        return self

    def write(self) -> None:
        engine = create_engine(self.database_url)
        interval = 1 / self.per_second
        next_at = time.monotonic()
        while not self.stop.is_set():
            with engine.begin() as connection:
                connection.execute(text("UPDATE write_count SET value = value + 1 WHERE id = 1"))
            self.count += 1
            next_at += interval
            self.stop.wait(max(next_at - time.monotonic(), 0))
        engine.dispose()

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        if self.per_second > 0:
            self.thread.join()


def worker_memory(master: int) -> dict[int, tuple[int, int]]:
    """RSS and PSS (kB) of each of the master's worker processes."""
    memory = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) != master:
                continue
            pid = int(stat.parent.name)
            status = (stat.parent / "status").read_text()
            rss = int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
            rollup = (stat.parent / "smaps_rollup").read_text()
            pss = int(re.search(r"Pss:\s+(\d+)", rollup).group(1))
            memory[pid] = (rss, pss)
        except (OSError, AttributeError, IndexError, ValueError):
            continue  # a process that ended meanwhile
    return memory


def milliseconds(microseconds: int) -> str:
    value = microseconds / 1000
    return f"{value:.1f}" if value < 100 else f"{value:.0f}"


def print_table(results: dict[tuple[str, int], dict], levels: list[int]) -> None:
    header = " | ".join(f"{c} connections: req/s, p50 / p95 / p99 ms, errors, % of ceiling" for c in levels)
    print(f"| page | {header} |\n| --- |{' --- |' * len(levels)}")
    labels = list(dict.fromkeys(label for label, _ in results))
    for label in labels:
        cells = []
        for connections in levels:
            found, ceiling = results[(label, connections)], results[("hello-world (ceiling)", connections)]
            errors = found["timeouts"] + found["socket"] + found["not_200"]
            cells.append(
                f"{found['rps']:,.0f}, {milliseconds(found['p50'])} / {milliseconds(found['p95'])} / "
                f"{milliseconds(found['p99'])}, {errors}"
                + (f" ({found['timeouts']} time-outs)" if found["timeouts"] else "")
                + f", {100 * found['rps'] / ceiling['rps']:.0f} %"
            )
        print(f"| {label} | {' | '.join(cells)} |")


if __name__ == "__main__":
    main()
