"""A mentor who lets 3 mentoring requests in a row expire is paused by `flask requests expire`: once,
through the mentor's standing (audited, the system the actor), told how to resume; the mentees are
pointed to other suggestions."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from mentormatch.accounts.models import User
from mentormatch.core.audit import AuditEntry
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.mentoring.models import ACCEPTED, EXPIRED, MENTORING, PENDING, MentoringRequest
from mentormatch.mentors import standing
from mentormatch.profiles.models import Profile
from tests.helpers import outbox
from tests.test_mentoring_pages import member
from tests.test_nudges import run_twice

MENTOR = "busy@example.org"


def _request(sender: int, recipient: int, days: float, status: str = PENDING) -> None:
    created = utcnow() - timedelta(days=days)
    db.session.add(
        MentoringRequest(
            kind=MENTORING,
            sender_id=sender,
            recipient_id=recipient,
            message="Hello",
            status=status,
            created_at=created,
            expires_at=created + timedelta(days=14),
            decided_at=None if status == PENDING else created + timedelta(days=1),
        )
    )


def status_of(app, user_id: int) -> str:
    with app.app_context():
        return db.session.scalar(select(Profile.mentor_status).where(Profile.user_id == user_id))


def test_three_expired_in_a_row_pause_the_mentor_once_and_point_the_mentees_elsewhere(app):
    mentor = member(app, MENTOR, "Busy Mentor", "consultant", capacity=5)
    students = [member(app, f"s{i}@example.ac.uk", f"Student {i}") for i in range(4)]
    with app.app_context():
        _request(students[0], mentor, 30, EXPIRED)  # expired on an earlier run
        for student in students[1:3]:
            _request(student, mentor, 15)  # expire on this run: three in a row
        _request(students[3], mentor, 1)  # still waiting: closed when the mentor is paused
        db.session.commit()

    run_twice(app)

    assert status_of(app, mentor) == "paused"
    [told] = [m for m in outbox(app, MENTOR) if m.kind == "mentor_auto_paused"]
    assert "resume" in told.text_body and "http://localhost/mentor" in told.text_body
    expired = [
        m for s in ("s1", "s2") for m in outbox(app, f"{s}@example.ac.uk") if m.kind == "request_expired"
    ]
    assert len(expired) == 2
    assert sum("isn't taking new mentees for now" in m.text_body for m in expired) == 1  # the one that paused
    assert [m.kind for m in outbox(app, "s3@example.ac.uk")] == ["request_closed"]
    with app.app_context():
        [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "mentor.auto_pause")).all()
        assert entry.admin_id is None and entry.actor == "system"
        assert entry.before["mentor_status"] == "approved" and entry.after["mentor_status"] == "paused"


def test_a_mentor_who_resumes_starts_afresh_and_an_answer_breaks_the_run(app):
    mentor = member(app, MENTOR, "Busy Mentor", "consultant", capacity=5)
    other = member(app, "keen@example.org", "Keen Mentor", "consultant", capacity=5)
    students = [member(app, f"s{i}@example.ac.uk", f"Student {i}") for i in range(6)]
    with app.app_context():
        for student in students[:3]:
            _request(student, mentor, 15)
        # Keen answered the one before: two expiries after an acceptance aren't three in a row.
        _request(students[3], other, 40, ACCEPTED)
        _request(students[4], other, 15)
        _request(students[5], other, 15)
        db.session.commit()
    run_twice(app)
    assert status_of(app, mentor) == "paused" and status_of(app, other) == "approved"

    # Busy resumes; the three old expiries don't count again.
    with app.app_context():
        standing.resume(db.session.get(User, mentor))
        _request(students[3], mentor, 15)
        db.session.commit()
    run_twice(app)

    assert status_of(app, mentor) == "approved"
    assert [m.kind for m in outbox(app, MENTOR)].count("mentor_auto_paused") == 1
