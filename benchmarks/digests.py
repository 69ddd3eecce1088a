"""How long 10,000 due digests take to render and hand to an SMTP server on this machine.

    .venv/bin/python benchmarks/digests.py [--people 10000] [--database sqlite|postgresql]
        [--postgres-url URL] [--baseline-sample 200] [--seed 1]

Seeds a scratch database (a temporary SQLite file, or the PostgreSQL database at --postgres-url /
TEST_DATABASE_URL, emptied first) with the demo population, everyone opted in to weekly digests,
and starts an SMTP server on loopback in another process (aiosmtpd, accepting and counting every
message, so it never competes with the sender for the interpreter). Then runs exactly what
`flask digests send` runs, timed in parts: deciding and queueing every digest (content, ledger,
outbox), and delivering them (two SMTP connections side by side, one per batch of 250), after
fitting the matching engine as a cold cron run must. The goal is at most 60 s in all.

The baseline, in the same process, builds digests the simple way on a sample of people: one at a
time, each person's suggestions asked for separately; the figure is scaled up to the whole
population. Times are reported, never asserted.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from sqlalchemy import func, select, text, update

from mentormatch import create_app
from mentormatch.accounts.models import User
from mentormatch.core.database import Base, utcnow
from mentormatch.core.extensions import db
from mentormatch.core.mail.models import OutboxMessage
from mentormatch.digests.content import Suggestions, build_digests
from mentormatch.digests.models import Digest
from mentormatch.digests.rendering import render_digest
from mentormatch.digests.sending import (
    DIGEST_KIND,
    deliver_digests,
    queue_due_digests,
)

SERVER = textwrap.dedent(
    """
    import sys, time
    from aiosmtpd.controller import Controller

    class Counter:
        count = 0
        bytes = 0
        async def handle_DATA(self, server, session, envelope):
            Counter.count += 1
            Counter.bytes += len(envelope.original_content)
            return "250 2.0.0 OK: queued"

    controller = Controller(Counter(), hostname="127.0.0.1", port=int(sys.argv[1]))
    controller.start()
    print("ready", flush=True)
    sys.stdin.read()  # until the benchmark closes our stdin
    controller.stop()
    print(Counter.count, Counter.bytes, flush=True)
    """
)


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    server = subprocess.Popen(  # noqa: S603 (this interpreter, our own script)
        [sys.executable, "-c", SERVER, str(port)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert server.stdout.readline().strip() == "ready"
    return server


def stop_server(server: subprocess.Popen) -> tuple[int, int]:
    out, _ = server.communicate("", timeout=60)
    count, size = out.split()
    return int(count), int(size)


def make_app(url: str, port: int):
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "benchmark-secret-key-0123456789",
            "SQLALCHEMY_DATABASE_URI": url,
            "BASE_URL": "https://mentors.example.org",
            "MAIL_BACKEND": "smtp",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": port,
            "MAIL_DELIVER_AFTER_REQUEST": False,
        }
    )


def seed(app, people: int, seed_value: int) -> None:
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            Base.metadata.drop_all(db.engine)
            with db.engine.begin() as connection:
                connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.create_all()
    started = time.perf_counter()
    arguments = ["seed-demo", "--users", str(people), "--seed", str(seed_value)]
    result = app.test_cli_runner().invoke(args=arguments)
    assert result.exit_code == 0, result.output
    with app.app_context():
        everyone = update(User).values(
            digest_opt_in=True, digest_frequency="weekly", digest_consent_at=utcnow()
        )
        db.session.execute(everyone)
        db.session.commit()
        total = db.session.scalar(select(func.count()).select_from(User))
    elapsed = time.perf_counter() - started
    print(f"Seeded {total:,} demo members, all opted in to weekly digests, in {elapsed:.1f} s.")


def baseline(app, sample: int, population: int) -> float:
    """Seconds for the whole population, building and rendering digests one person at a time."""
    with app.app_context():
        users = db.session.scalars(select(User).order_by(User.id).limit(sample)).all()
        build_digests(users[:1], utcnow(), Suggestions(bulk=False))  # the engine's fit is not counted
        started = time.perf_counter()
        for user in users:
            [content] = build_digests([user], utcnow(), Suggestions(bulk=False))
            if not content.is_empty:
                render_digest(content)
        elapsed = time.perf_counter() - started
        db.session.rollback()
    return elapsed / len(users) * population


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--postgres-url", default=os.environ.get("TEST_DATABASE_URL"))
    parser.add_argument("--baseline-sample", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    port = free_port()
    with tempfile.TemporaryDirectory() as scratch:
        if args.database == "postgresql":
            if not args.postgres_url:
                parser.error("--database postgresql needs --postgres-url or TEST_DATABASE_URL (emptied!)")
            url = args.postgres_url
        else:
            url = f"sqlite:///{Path(scratch) / 'bench.sqlite3'}"
        app = make_app(url, port)
        seed(app, args.people, args.seed)
        server = start_server(port)
        try:
            with app.app_context():
                from mentormatch.matching.freshness import fresh_engine

                started = time.perf_counter()
                with fresh_engine():  # what any process that has served a page already has
                    pass
                fitted = time.perf_counter() - started

                now = utcnow()
                started = time.perf_counter()
                report = queue_due_digests(now)
                queued_in = time.perf_counter() - started
                started = time.perf_counter()
                deliver_digests(report, now)
                delivered_in = time.perf_counter() - started
                digests = db.session.scalar(select(func.count()).select_from(Digest))
                delivered = (OutboxMessage.kind == DIGEST_KIND, OutboxMessage.sent_at.is_not(None))
                sent = db.session.scalar(select(func.count()).where(*delivered))
        finally:
            received, size = stop_server(server)
        baseline_total = baseline(app, args.baseline_sample, args.people) if args.baseline_sample else None
        with app.app_context():
            db.engine.dispose()

    total = fitted + queued_in + delivered_in  # a cron run starts cold: it fits the engine too
    goal = "met" if total <= 60 else "NOT met"
    if report.queued < 10_000:
        goal += " (but fewer than 10,000 digests)"
    print(f"Database: {args.database}; people due: {report.due:,}.")
    print(f"Fit the matching engine:  {fitted:.1f} s")
    print(
        f"Decide, render and queue: {queued_in:.1f} s "
        f"({report.queued:,} queued, {report.nothing_new:,} nothing new)"
    )
    print(
        f"Deliver over SMTP:        {delivered_in:.1f} s "
        f"({report.sent:,} accepted; the server counted {received:,}, {size / 1e6:.0f} MB)"
    )
    print(
        f"Total:                    {total:.1f} s for {report.queued:,} digests "
        f"({total / max(report.queued, 1) * 1000:.1f} ms each): goal ≤ 60 s {goal}"
    )
    print(f"Ledger rows: {digests:,}; outbox digests sent: {sent:,}.")
    if baseline_total is not None:
        print(
            f"Baseline (one person at a time, {args.baseline_sample} sampled, scaled): "
            f"{baseline_total:.0f} s to decide and render, {baseline_total / queued_in:.1f}× ours."
        )


if __name__ == "__main__":
    main()
