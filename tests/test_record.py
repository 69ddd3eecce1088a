"""The appraisal record, /mentoring/record and its PDF: the right meetings, hours, goals and notes for
the member signed in and the period chosen, read back from the page and from the PDF (pypdf)."""

from __future__ import annotations

import io
import itertools
import re
from datetime import timedelta

import pytest
from flask import Flask
from pypdf import PdfReader
from sqlalchemy import event

from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.mentoring import record as record_module
from mentormatch.mentoring.models import MENTORING, PEER, Connection
from mentormatch.mentoring.pair_models import (
    ACCEPTED,
    CANCELLED,
    DONE,
    HELD,
    IN_PROGRESS,
    CheckIn,
    Goal,
    Meeting,
    PairNote,
    Reflection,
)
from mentormatch.mentoring.record import Period, RecordSection
from tests.test_mentoring_pages import MENTOR, STUDENT, member, signed_in

DAY = timedelta(days=1)
_uids = itertools.count(1)


def add_meeting(connection_id: int, status: str, ago: timedelta, minutes: int) -> None:
    db.session.add(
        Meeting(
            connection_id=connection_id,
            uid=f"record-{next(_uids)}@test",
            status=status,
            starts_at=utcnow() - ago,
            minutes=minutes,
            mode="video",
        )
    )


def connection(kind: str, first: int, second: int, started_ago: timedelta, ended_ago=None) -> int:
    row = Connection(
        kind=kind,
        first_id=first,
        second_id=second,
        started_at=utcnow() - started_ago,
        ended_at=utcnow() - ended_ago if ended_ago else None,
    )
    db.session.add(row)
    db.session.flush()
    return row.id


@pytest.fixture
def planted(app: Flask) -> dict[str, int]:
    """Tom mentors Priya (2 hours of meetings in the last year, one more 2 years ago); Tom is
    mentored by Ada; a mentorship of Tom's that ended 2 years ago; and a peer connection."""
    people = {
        "tom": member(app, MENTOR, "Tom Okafor", "consultant", capacity=3),
        "priya": member(app, STUDENT, "Priya Shah"),
        "ada": member(app, "ada@example.nhs.uk", "Ada Brennan", "consultant"),
        "old": member(app, "old@example.ac.uk", "Olu Adeyemi"),
        "peer": member(app, "pat@example.nhs.uk", "Pat Quinn", "consultant"),
    }
    with app.app_context():
        pair = connection(MENTORING, people["tom"], people["priya"], 750 * DAY)
        add_meeting(pair, HELD, 30 * DAY, 60)
        add_meeting(pair, ACCEPTED, 10 * DAY, 45)  # agreed, and its time has passed: it counts
        add_meeting(pair, HELD, 100 * DAY, 15)
        add_meeting(pair, HELD, 700 * DAY, 90)  # before the default period
        add_meeting(pair, CANCELLED, 20 * DAY, 60)
        add_meeting(pair, ACCEPTED, -5 * DAY, 60)  # still to come
        db.session.add(
            Goal(connection_id=pair, title="Prepare for cardiology interviews", status=IN_PROGRESS)
        )
        db.session.add(Goal(connection_id=pair, title="Write a reflective portfolio entry", status=DONE))
        db.session.add(
            PairNote(connection_id=pair, owner_id=people["tom"], body="Listening first & <asking> later.")
        )
        db.session.add(
            PairNote(connection_id=pair, owner_id=people["priya"], body="Priya's own private thought")
        )
        db.session.add(PairNote(connection_id=pair, owner_id=None, body="Shared agenda"))
        mentor = connection(MENTORING, people["ada"], people["tom"], 60 * DAY)
        add_meeting(mentor, HELD, 7 * DAY, 30)
        connection(MENTORING, people["tom"], people["old"], 900 * DAY, ended_ago=790 * DAY)
        connection(PEER, people["tom"], people["peer"], 50 * DAY)
        db.session.commit()
        people["pair"] = pair
    return people


def test_the_record_shows_people_meetings_hours_goals_and_own_notes(app, planted):
    body = signed_in(app, MENTOR).get("/mentoring/record").get_data(as_text=True)

    given = body[body.index("Mentoring I gave") : body.index("Mentoring I received")]
    received = body[body.index("Mentoring I received") :]
    assert "Priya Shah" in given and "Medical student" in given
    assert "People mentored: 1. Meetings: 3, 2 hours in all." in given
    assert "Prepare for cardiology interviews: in progress" in given
    assert "Write a reflective portfolio entry: done" in given
    assert "Listening first &amp; &lt;asking&gt; later." in given  # Tom's own words, escaped
    assert "What I did" in given and "What I learnt" in given and "What I will do differently" in given
    assert "Mentors: 1. Meetings: 1, 0.5 hours in all." in received and "Ada Brennan" in received
    # Not Priya's private notes, nor the shared ones; no ended mentorship from long ago; no peers.
    assert "Priya&#39;s own private thought" not in body and "Shared agenda" not in body
    assert "Olu Adeyemi" not in body and "Pat Quinn" not in body


def test_a_mentee_sees_their_mentor_and_a_prompt_where_they_wrote_nothing(app, planted):
    body = signed_in(app, STUDENT).get("/mentoring/record").get_data(as_text=True)

    assert "You mentored nobody in this period." in body
    assert "Tom Okafor" in body and "Mentors: 1. Meetings: 3, 2 hours in all." in body
    assert "Priya&#39;s own private thought" in body and "Listening first" not in body
    assert record_module.DIFFERENTLY_PROMPT.split(",")[0] in body


def test_a_closing_reflection_is_what_i_will_do_differently_for_its_writer_only(app, planted):
    with app.app_context():
        db.session.add(
            Reflection(connection_id=planted["pair"], member_id=planted["tom"], body="Ask sooner.")
        )
        db.session.commit()

    tom = signed_in(app, MENTOR).get("/mentoring/record").get_data(as_text=True)
    priya = signed_in(app, STUDENT).get("/mentoring/record").get_data(as_text=True)

    given = tom[tom.index("Mentoring I gave") : tom.index("Mentoring I received")]
    assert "Ask sooner." in given and "Ask sooner." not in priya


def answered(connection_id: int, member_id: int, number: int, score: int) -> None:
    db.session.add(
        CheckIn(
            connection_id=connection_id,
            member_id=member_id,
            number=number,
            due_on=utcnow().date(),
            score=score,
            comment="words for nobody else",
            answered_at=utcnow() - 5 * DAY,
        )
    )


def test_check_ins_show_my_own_answers_and_others_only_as_a_mean_over_three_people(app, planted):
    with app.app_context():
        answered(planted["pair"], planted["tom"], 1, 4)
        answered(planted["pair"], planted["priya"], 1, 2)
        db.session.commit()

    body = signed_in(app, MENTOR).get("/mentoring/record").get_data(as_text=True)

    assert "Your own answers" in body and "1, on average 4.0 out of 5" in body
    # Priya alone answered about Tom's mentoring: a mean of one would be her answer.
    assert "fewer than 3 people answered" in body and "2.0 out of 5" not in body
    assert "words for nobody else" not in body
    mentees = [member(app, "m2@example.ac.uk", "Mo Two"), member(app, "m3@example.ac.uk", "Mia Three")]
    with app.app_context():
        for mentee in mentees:
            pair = connection(MENTORING, planted["tom"], mentee, 100 * DAY)
            answered(pair, mentee, 1, 5)
        db.session.commit()

    body = signed_in(app, MENTOR).get("/mentoring/record").get_data(as_text=True)

    assert "The other people&#39;s answers (3 people)" in body and "on average 4.0 out of 5" in body


def test_a_chosen_period_counts_only_what_took_place_in_it(app, planted):
    today = utcnow().date()
    start, end = today - 800 * DAY, today - 600 * DAY

    body = signed_in(app, MENTOR).get(f"/mentoring/record?start={start}&end={end}").get_data(as_text=True)

    assert "Olu Adeyemi" in body and "Priya Shah" in body and "Ada Brennan" not in body
    assert "People mentored: 2. Meetings: 1, 1.5 hours in all." in body


def test_the_pdf_holds_the_name_period_people_and_hours(app, planted):
    response = signed_in(app, MENTOR).get("/mentoring/record.pdf")

    assert response.status_code == 200 and response.mimetype == "application/pdf"
    period = Period.default()
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="mentoring-record-{period.start.isoformat()}-to-{period.end.isoformat()}.pdf"'
    )
    reader = PdfReader(io.BytesIO(response.get_data()))
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    assert reader.metadata.title == "Mentoring record: Tom Okafor"
    assert "Mentoring record: Tom Okafor" in text and f"Period: {period.label}" in text
    assert "Priya Shah" in text and "Ada Brennan" in text
    assert "People mentored: 1. Meetings: 3, 2 hours in all." in text
    assert "Listening first & <asking> later." in text
    assert "Prepare for cardiology interviews" in text and "Olu Adeyemi" not in text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("start=31-12-2025", "Enter the date as year-month-day"),
        ("end=yesterday", "Enter the date as year-month-day"),
        ("start=2026-05-01&end=2026-04-01", "The end of the period must be on or after its start."),
        ("start=0001-01-01", "Choose a date between 1 January 2000 and 31 December 2099."),
        ("end=9999-12-31", "Choose a date between 1 January 2000 and 31 December 2099."),
    ],
)
@pytest.mark.parametrize("path", ["/mentoring/record", "/mentoring/record.pdf"])
def test_bad_dates_show_the_form_with_the_message(app, planted, path, query, message):
    response = signed_in(app, MENTOR).get(f"{path}?{query}")

    assert response.status_code == 422 and response.mimetype == "text/html"
    body = response.get_data(as_text=True)
    assert message in body and "Priya Shah" not in body


def test_one_date_makes_a_period_with_the_default_other_end(app, planted):
    client = signed_in(app, MENTOR)
    body = client.get("/mentoring/record?end=2026-03-31").get_data(as_text=True)
    assert "1 April 2025 to 31 March 2026" in body
    body = client.get("/mentoring/record?start=2020-01-01").get_data(as_text=True)
    assert f"1 January 2020 to {Period.default().end:%-d %B %Y}" in body


@pytest.mark.parametrize("path", ["/mentoring/record", "/mentoring/record.pdf"])
def test_only_signed_in_members_get_a_record(client, login_as, path):
    response = client.get(path)
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login")

    login_as("unverified")
    assert client.get(path).status_code == 403


def test_a_section_added_by_another_area_shows_on_the_page_and_in_the_pdf(app, planted):
    def scores(member, period, connections):
        return RecordSection(
            "Check-in scores", ["In aggregate."], [("Average score", f"{len(connections)} of 5")]
        )

    record_module.RECORD_SECTIONS.append(scores)
    try:
        client = signed_in(app, MENTOR)
        body = client.get("/mentoring/record").get_data(as_text=True)
        pdf = PdfReader(io.BytesIO(client.get("/mentoring/record.pdf").get_data()))
    finally:
        record_module.RECORD_SECTIONS.remove(scores)
    assert "Check-in scores" in body and "2 of 5" in body  # Tom's two mentoring connections this year
    assert "2 of 5" in " ".join(page.extract_text() for page in pdf.pages)


def statements_for(app: Flask, url: str, email: str) -> list[str]:
    client = signed_in(app, email)
    statements: list[str] = []

    def counted(*args):
        statements.append(args[2])

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", counted)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", counted)
    return statements


@pytest.mark.parametrize("url", ["/mentoring/record", "/mentoring/record.pdf"])
def test_the_record_takes_the_same_queries_for_1_and_30_mentees_and_writes_nothing(app, url):
    tom = member(app, MENTOR, "Tom Okafor", "consultant", capacity=40)

    def add(first: int, count: int) -> None:
        mentees = [
            member(app, f"mentee{n}@example.ac.uk", f"Mentee {n}") for n in range(first, first + count)
        ]
        with app.app_context():
            for number, mentee in enumerate(mentees, start=first):
                pair = connection(MENTORING, tom, mentee, 90 * DAY)
                add_meeting(pair, HELD, 30 * DAY, 60)
                add_meeting(pair, HELD, 20 * DAY, 60)
                db.session.add(Goal(connection_id=pair, title=f"Goal {number}"))
                db.session.add(PairNote(connection_id=pair, owner_id=tom, body=f"Note {number}"))
            db.session.commit()

    add(0, 1)
    one = statements_for(app, url, MENTOR)
    add(1, 29)
    thirty = statements_for(app, url, MENTOR)

    assert len(one) == len(thirty), (one, thirty)
    writes = [s for s in thirty if re.match(r"\s*(INSERT|UPDATE|DELETE)", s, re.IGNORECASE)]
    assert writes == []
