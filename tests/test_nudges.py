"""Nudges from `flask requests expire`: a request unanswered for 3 days, a mentorship quiet for 45;
each sent once across two runs of the job."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.mentoring.models import MENTORING, PENDING, Connection, MentoringRequest
from mentormatch.mentoring.pair_models import Meeting, Message
from tests.helpers import outbox
from tests.test_mentoring_pages import member


def _request(sender: int, recipient: int, days: float) -> None:
    created = utcnow() - timedelta(days=days)
    db.session.add(
        MentoringRequest(
            kind=MENTORING,
            sender_id=sender,
            recipient_id=recipient,
            message="Hello",
            status=PENDING,
            created_at=created,
            expires_at=created + timedelta(days=14),
        )
    )


def _connection(mentor: int, mentee: int, days: int) -> Connection:
    connection = Connection(
        kind=MENTORING, first_id=mentor, second_id=mentee, started_at=utcnow() - timedelta(days=days)
    )
    db.session.add(connection)
    db.session.flush()
    return connection


def run_twice(app) -> list[str]:
    runner = app.test_cli_runner()
    outputs = []
    for _ in range(2):
        result = runner.invoke(args=["requests", "expire"])
        assert result.exit_code == 0, result.output
        outputs.append(result.output)
    return outputs


def test_a_request_waiting_3_days_is_nudged_once_and_the_7_day_reminder_stays(app):
    mentors = [member(app, f"m{i}@example.org", f"Mentor {i}", "consultant", capacity=3) for i in range(3)]
    students = [member(app, f"s{i}@example.ac.uk", f"Student {i}") for i in range(3)]
    with app.app_context():
        _request(students[0], mentors[0], 2)  # too soon
        _request(students[1], mentors[1], 4)  # nudged
        _request(students[2], mentors[2], 8)  # the 7-day reminder instead
        db.session.commit()

    first, second = run_twice(app)

    assert "Requests: 1 reminder sent" in first and "Nudges: 1 after 3 days" in first
    assert "Requests: 0 reminders sent" in second and "Nudges: 0 after 3 days" in second
    assert [m.subject for m in outbox(app, "m1@example.org")] == ["Student 1 is waiting for your answer"]
    assert [m.kind for m in outbox(app, "m2@example.org")] == ["request_expiring"]
    assert "closes in 6 days" in outbox(app, "m2@example.org")[0].text_body
    assert outbox(app, "m0@example.org") == []
    with app.app_context():
        nudged = db.session.scalar(
            select(MentoringRequest.nudged_at).where(MentoringRequest.sender_id == students[1])
        )
        assert nudged is not None


def test_a_mentorship_quiet_for_45_days_prompts_both_once(app):
    mentor = member(app, "tom@example.org", "Tom Okafor", "consultant", capacity=5)
    quiet, talking, meeting, young = (member(app, f"s{i}@example.ac.uk", f"Student {i}") for i in range(4))
    with app.app_context():
        _connection(mentor, quiet, 60)
        chatty = _connection(mentor, talking, 60)
        db.session.add(
            Message(
                connection_id=chatty.id,
                author_id=talking,
                body="Hi",
                created_at=utcnow() - timedelta(days=10),
            )
        )
        planned = _connection(mentor, meeting, 60)
        db.session.add(
            Meeting(
                connection_id=planned.id,
                uid="m-1@localhost",
                status="accepted",
                proposed_by_id=mentor,
                starts_at=utcnow() + timedelta(days=3),
                minutes=30,
                mode="phone",
                created_at=utcnow() - timedelta(days=50),
            )
        )
        _connection(mentor, young, 20)
        db.session.commit()

    first, second = run_twice(app)

    assert "1 quiet connection prompted" in first and "0 quiet connections prompted" in second
    prompts = [m for m in outbox(app) if m.kind == "connection_quiet"]
    assert sorted(m.to_addr for m in prompts) == ["s0@example.ac.uk", "tom@example.org"]
    assert prompts[0].subject in ("How are things with Student 0?", "How are things with Tom Okafor?")
    assert "http://localhost/connections/1" in prompts[0].text_body
