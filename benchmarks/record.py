"""How long a mentor's appraisal record takes to build and draw, as a page and as a PDF.

    .venv/bin/python benchmarks/record.py [--mentees 1,10,30,100] [--repeat 7]

Seeds a temporary SQLite file with one mentor and, for each size, that many mentees, each with
three meetings held, a goal and a 60-word private note, then times, in the same process: building
the record (`mentoring_record`, counting its SQL statements), the HTML page as /mentoring/record
renders it (the baseline), and the PDF (`record_pdf`). Prints p50 and the slowest of --repeat
runs; the PDF's cost beside the page's is the ratio. Times are reported, never asserted.
"""

from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from flask import Flask, render_template
from pypdf import PdfReader
from sqlalchemy import event

import mentormatch.models  # noqa: F401  (every table)
from mentormatch import create_app
from mentormatch.accounts.models import User
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.mentoring.forms import RecordPeriodForm
from mentormatch.mentoring.models import MENTORING, Connection
from mentormatch.mentoring.pair_models import HELD, Goal, Meeting, PairNote
from mentormatch.mentoring.record import Period, format_hours, mentoring_record
from mentormatch.mentoring.record_pdf import record_pdf


def seed(mentees: int) -> User:
    """A mentor with `mentees` mentees, each with three meetings held, a goal and a note."""
    now = utcnow()
    mentor = User(email=f"mentor{mentees}@example.org", name="Tom Okafor", career_stage="consultant")
    db.session.add(mentor)
    db.session.flush()
    for number in range(mentees):
        mentee = User(
            email=f"m{mentees}-{number}@example.org", name=f"Mentee {number}", career_stage="medical_student"
        )
        db.session.add(mentee)
        db.session.flush()
        pair = Connection(
            kind=MENTORING, first_id=mentor.id, second_id=mentee.id, started_at=now - timedelta(days=200)
        )
        db.session.add(pair)
        db.session.flush()
        for days in (30, 60, 90):
            db.session.add(
                Meeting(
                    connection_id=pair.id,
                    uid=f"bench-{mentees}-{number}-{days}",
                    status=HELD,
                    starts_at=now - timedelta(days=days),
                    minutes=60,
                    mode="video",
                )
            )
        db.session.add(Goal(connection_id=pair.id, title="Prepare for specialty applications"))
        db.session.add(
            PairNote(connection_id=pair.id, owner_id=mentor.id, body="Listening before advising. " * 20)
        )
    db.session.commit()
    return mentor


def timed(run, repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000, max(times) * 1000


HEADER = (
    "| mentees | SQL statements | build p50 / max | HTML page p50 / max | PDF p50 / max | PDF pages, size "
    "| PDF ÷ page |\n| --- | --- | --- | --- | --- | --- | --- |"
)


def measure(app: Flask, size: int, repeat: int) -> str:
    """One row of the table: a mentor with `size` mentees."""
    mentor = seed(size)
    period = Period.default()
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(db.engine, "before_cursor_execute", count)
    record = mentoring_record(mentor, period)
    event.remove(db.engine, "before_cursor_execute", count)
    build = timed(lambda: mentoring_record(mentor, period), repeat)
    with app.test_request_context("/mentoring/record"):
        form = RecordPeriodForm(formdata=None, start=period.start, end=period.end)
        html = timed(
            lambda: render_template(
                "mentoring/record.html", form=form, record=record, format_hours=format_hours
            ),
            repeat,
        )
    pdf = timed(lambda: record_pdf(record), repeat)
    document = record_pdf(record)
    pages = len(PdfReader(io.BytesIO(document)).pages)
    return (
        f"| {size} | {len(statements)} | {build[0]:.0f} / {build[1]:.0f} ms "
        f"| {html[0]:.0f} / {html[1]:.0f} ms | {pdf[0]:.0f} / {pdf[1]:.0f} ms "
        f"| {pages}, {len(document) / 1024:.0f} KB | {pdf[0] / html[0]:.1f}× |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mentees", default="1,10,30,100")
    parser.add_argument("--repeat", type=int, default=7)
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "benchmark",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'record.db'}",
        }
    )
    print(HEADER)
    with app.app_context():
        db.create_all()
        for size in (int(value) for value in options.mentees.split(",")):
            print(measure(app, size, options.repeat), flush=True)


if __name__ == "__main__":
    main()
