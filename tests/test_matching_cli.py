"""`flask matches rebuild`, `flask matches export` (DESIGN.md's JSONL contract), `flask requests expire`."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.core.mail.models import OutboxMessage
from mentormatch.matching.models import Dismissal, MatchingState
from mentormatch.matching.service import all_suggestions
from mentormatch.mentoring.models import EXPIRED, MENTORING, PEER, PENDING, MentoringRequest
from tests.factories import make_member


@pytest.fixture
def programme(app: Flask) -> dict[str, int]:
    """Students, a foundation doctor, three mentors (one full) and one who can't be matched."""
    shared = {"specialties": ["cardiology"], "goals": ["exams"], "region": "london"}
    return {
        "amira": make_member(app, email="amira@example.org", **shared),
        "ben": make_member(app, email="ben@example.org", **shared),
        "cara": make_member(app, email="cara@example.org", stage="foundation_doctor", **shared),
        "kaur": make_member(app, email="kaur@example.org", stage="consultant", mentor=True, **shared),
        "lee": make_member(app, email="lee@example.org", stage="specialty_trainee", mentor=True, **shared),
        "moss": make_member(app, email="moss@example.org", stage="gp", mentor=True, **shared),
        "full": make_member(
            app, email="full@example.org", stage="consultant", mentor=True, capacity=1, places_taken=1
        ),
        "hidden": make_member(app, email="hidden@example.org", verified=False, **shared),
    }


def jsonl(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines()]


# --- matches rebuild ------------------------------------------------------------------------------


def test_rebuild_prints_the_counts_and_bumps_the_generation(app, runner, programme):
    result = runner.invoke(args=["matches", "rebuild"])
    assert result.exit_code == 0, result.output
    found = re.fullmatch(
        r"Matching rebuilt: (\d+) members fitted in [\d.]+ s; (\d+) mentor and (\d+) peer suggestions "
        r"in [\d.]+ s\.\n",
        result.output,
    )
    assert found, result.output
    with app.app_context():
        expected = [sum(map(len, all_suggestions(kind).values())) for kind in ("mentor", "peer")]
        assert db.session.get(MatchingState, 1).generation == 1
    assert [int(n) for n in found.groups()] == [len(programme) - 1, *expected]
    assert expected[0] > 0 and expected[1] > 0

    assert runner.invoke(args=["matches", "rebuild"]).exit_code == 0
    with app.app_context():
        assert db.session.get(MatchingState, 1).generation == 2


def test_rebuild_on_an_empty_programme(runner):
    result = runner.invoke(args=["matches", "rebuild"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Matching rebuilt: 0 members")
    assert "0 mentor and 0 peer suggestions" in result.output


# --- matches export -------------------------------------------------------------------------------


def test_export_lines_follow_the_contract(runner, programme):
    result = runner.invoke(args=["matches", "export"])
    assert result.exit_code == 0, result.output
    lines = jsonl(result.output)
    assert lines
    emails = {f"{name}@example.org" for name in programme} - {"hidden@example.org"}
    for line in lines:
        assert list(line) == ["email", "kind", "suggestions"]
        assert line["email"] in emails and line["kind"] in ("mentor", "peer")
        for suggestion in line["suggestions"]:
            assert list(suggestion) == ["email", "score", "reasons"]
            assert suggestion["email"] in emails and suggestion["email"] != line["email"]
            assert isinstance(suggestion["score"], float) and 0.0 <= suggestion["score"] <= 1.0
            assert isinstance(suggestion["reasons"], list)
            assert all(isinstance(reason, str) and reason for reason in suggestion["reasons"])
        scores = [s["score"] for s in line["suggestions"]]
        assert scores == sorted(scores, reverse=True)
    # One line per member and kind; the unmatched member is in none.
    assert sorted((line["email"], line["kind"]) for line in lines) == sorted(
        (email, kind) for email in emails for kind in ("mentor", "peer")
    )
    by_key = {(line["email"], line["kind"]): line["suggestions"] for line in lines}
    amira = [s["email"] for s in by_key["amira@example.org", "mentor"]]
    assert sorted(amira) == ["kaur@example.org", "lee@example.org", "moss@example.org"]  # not the full one
    assert "both: cardiology" in by_key["amira@example.org", "mentor"][0]["reasons"]
    assert sorted(s["email"] for s in by_key["amira@example.org", "peer"]) == [
        "ben@example.org",
        "cara@example.org",
    ]


def test_export_kind_and_k(runner, programme):
    mentors = jsonl(runner.invoke(args=["matches", "export", "--kind", "mentor", "--k", "2"]).output)
    assert {line["kind"] for line in mentors} == {"mentor"}
    assert all(len(line["suggestions"]) <= 2 for line in mentors)
    amira = next(line for line in mentors if line["email"] == "amira@example.org")
    assert len(amira["suggestions"]) == 2
    peers = jsonl(runner.invoke(args=["matches", "export", "--kind", "peer"]).output)
    assert {line["kind"] for line in peers} == {"peer"}
    refused = runner.invoke(args=["matches", "export", "--k", "0"])
    assert refused.exit_code == 2
    assert runner.invoke(args=["matches", "export", "--kind", "mentee"]).exit_code == 2


def test_export_respects_each_members_exclusions(app, runner, programme):
    with app.app_context():
        now = utcnow()
        db.session.add_all(
            [
                MentoringRequest(
                    kind=MENTORING,
                    sender_id=programme["amira"],
                    recipient_id=programme["kaur"],
                    expires_at=now + timedelta(days=14),
                ),
                MentoringRequest(
                    kind=PEER, sender_id=programme["cara"], recipient_id=programme["amira"], expires_at=now
                ),
                Dismissal(user_id=programme["amira"], dismissed_id=programme["lee"]),
            ]
        )
        db.session.commit()
    lines = jsonl(runner.invoke(args=["matches", "export"]).output)
    by_key = {(line["email"], line["kind"]): [s["email"] for s in line["suggestions"]] for line in lines}
    assert by_key["amira@example.org", "mentor"] == ["moss@example.org"]
    assert by_key["amira@example.org", "peer"] == ["ben@example.org"]
    assert "amira@example.org" not in by_key["cara@example.org", "peer"]
    assert "kaur@example.org" in by_key["ben@example.org", "mentor"]  # only Amira asked her
    assert "lee@example.org" in by_key["ben@example.org", "mentor"]  # only Amira dismissed him


def test_export_as_csv(runner, programme):
    result = runner.invoke(args=["matches", "export", "--format", "csv", "--kind", "mentor", "--k", "2"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.output)))
    assert rows[0] == ["email", "kind", "rank", "suggested_email", "score", "reasons"]
    body = rows[1:]
    assert body and all(len(row) == 6 and row[1] == "mentor" for row in body)
    amira = [row for row in body if row[0] == "amira@example.org"]
    assert [row[2] for row in amira] == ["1", "2"]
    assert all(0.0 <= float(row[4]) <= 1.0 and re.fullmatch(r"\d\.\d{4}", row[4]) for row in body)
    assert "both: cardiology" in amira[0][5]
    jsonl_lines = jsonl(runner.invoke(args=["matches", "export", "--kind", "mentor", "--k", "2"]).output)
    assert len(body) == sum(len(line["suggestions"]) for line in jsonl_lines)


def test_export_on_an_empty_programme_prints_nothing(runner):
    result = runner.invoke(args=["matches", "export"])
    assert (result.exit_code, result.output) == (0, "")
    csv_result = runner.invoke(args=["matches", "export", "--format", "csv"])
    assert csv_result.output.splitlines() == ["email,kind,rank,suggested_email,score,reasons"]


# --- requests expire ------------------------------------------------------------------------------


def _aged_request(sender: int, recipient: int, days: int, kind: str = MENTORING) -> int:
    created = utcnow() - timedelta(days=days)
    request = MentoringRequest(
        kind=kind,
        sender_id=sender,
        recipient_id=recipient,
        created_at=created,
        expires_at=created + timedelta(days=14),
    )
    db.session.add(request)
    db.session.commit()
    return request.id


def test_requests_expire_reminds_and_expires_once(app, runner, programme):
    with app.app_context():
        fresh = _aged_request(programme["amira"], programme["kaur"], days=2)
        week_old = _aged_request(programme["ben"], programme["lee"], days=8)
        overdue = _aged_request(programme["cara"], programme["moss"], days=15)
        peer_overdue = _aged_request(programme["ben"], programme["amira"], days=20, kind=PEER)

    result = runner.invoke(args=["requests", "expire"])
    assert result.exit_code == 0, result.output
    assert result.output == (
        "Requests: 1 reminder sent, 2 expired.\n"
        "Nudges: 0 after 3 days, 0 quiet connections prompted.\n"
        "Introductions: 0 expired.\n"
        "Check-ins: 0 due, 0 emailed.\n"
        "Messages: 0 waiting notifications sent.\n"
    )
    with app.app_context():
        statuses = dict(db.session.execute(select(MentoringRequest.id, MentoringRequest.status)).all())
        assert [statuses[r] for r in (fresh, week_old, overdue, peer_overdue)] == [
            PENDING,
            PENDING,
            EXPIRED,
            EXPIRED,
        ]
        sent = sorted(db.session.execute(select(OutboxMessage.kind, OutboxMessage.to_addr)).all())
        assert [tuple(row) for row in sent] == [
            ("request_expired", "ben@example.org"),
            ("request_expired", "cara@example.org"),
            ("request_expiring", "lee@example.org"),
        ]
        expiring = db.session.scalars(select(OutboxMessage).filter_by(kind="request_expiring")).one()
        assert "6 days" in expiring.subject

    again = runner.invoke(args=["requests", "expire"])
    assert again.output == (
        "Requests: 0 reminders sent, 0 expired.\n"
        "Nudges: 0 after 3 days, 0 quiet connections prompted.\n"
        "Introductions: 0 expired.\n"
        "Check-ins: 0 due, 0 emailed.\n"
        "Messages: 0 waiting notifications sent.\n"
    )
    with app.app_context():
        assert len(db.session.scalars(select(OutboxMessage)).all()) == 3
