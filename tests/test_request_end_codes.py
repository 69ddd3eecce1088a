"""Why a request ended, stored as a code: set by the one path that ends it each way, shown from each
side by the display helper, and backfilled by migration 0006 for requests that ended before."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from alembic.script import ScriptDirectory
from flask import Flask
from flask_migrate import Migrate

from mentormatch import create_app
from mentormatch.accounts.models import User
from mentormatch.accounts.service import delete_account
from mentormatch.core.extensions import db
from mentormatch.mentoring.answering import MATCHED_ELSEWHERE, accept, decline, withdraw
from mentormatch.mentoring.asking import send_request
from mentormatch.mentoring.closing import ACCOUNT_CLOSED, remind_and_expire
from mentormatch.mentoring.display import request_outcome
from mentormatch.mentoring.models import (
    ACCEPTED,
    DECLINED,
    EXPIRED,
    MENTORING,
    WITHDRAWN,
    MentoringRequest,
    RequestEnd,
)
from mentormatch.mentors import standing
from tests.conftest import make_test_config
from tests.factories import make_member


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    with app.app_context():
        yield


@pytest.fixture
def people(app: Flask) -> dict[str, int]:
    return {
        "amira": make_member(app, "Amira Khan", stage="medical_student"),
        "kaur": make_member(app, "Dr Kaur", stage="consultant", mentor=True),
        "moss": make_member(app, "Dr Moss", stage="gp", mentor=True),
        "nash": make_member(app, "Dr Nash", stage="consultant", mentor=True),
    }


def user(people: dict[str, int], name: str) -> User:
    return db.session.get(User, people[name])


def asked(people: dict[str, int]) -> MentoringRequest:
    """Amira's waiting request to Dr Kaur."""
    request = send_request(user(people, "amira"), user(people, "kaur"), MENTORING, "Hello")
    db.session.commit()
    return request


def _declined(people, request):
    decline(request, user(people, "kaur"), "My places are full this year.")


def _withdrawn(people, request):
    withdraw(request, user(people, "amira"))


def _matched_elsewhere(people, request):
    elsewhere = send_request(user(people, "amira"), user(people, "moss"), MENTORING)
    accept(elsewhere, user(people, "moss"))


def _paused(people, request):
    standing.pause(user(people, "kaur"))


def _suspended(people, request):
    standing.suspend(user(people, "kaur"), user(people, "nash"), "Complaint under review.")


def _expired(people, request):
    assert remind_and_expire(request.expires_at + timedelta(seconds=1)) == (0, 1)


def _sender_closed_account(people, request):
    delete_account(user(people, "amira"))


def _recipient_closed_account(people, request):
    delete_account(user(people, "kaur"))


def _accepted(people, request):
    accept(request, user(people, "kaur"))


ENDINGS: dict[str, tuple[Callable, str, RequestEnd | None]] = {
    "declined": (_declined, DECLINED, RequestEnd.DECLINED),
    "withdrawn by the mentee": (_withdrawn, WITHDRAWN, RequestEnd.WITHDRAWN),
    "another mentor accepted": (_matched_elsewhere, WITHDRAWN, RequestEnd.MATCHED_ELSEWHERE),
    "the mentor paused": (_paused, WITHDRAWN, RequestEnd.MENTOR_UNAVAILABLE),
    "the mentor was suspended": (_suspended, WITHDRAWN, RequestEnd.MENTOR_UNAVAILABLE),
    "no answer in time": (_expired, EXPIRED, RequestEnd.EXPIRED),
    "the mentee closed their account": (_sender_closed_account, WITHDRAWN, RequestEnd.ACCOUNT_CLOSED),
    "the mentor closed their account": (_recipient_closed_account, WITHDRAWN, RequestEnd.ACCOUNT_CLOSED),
    "accepted": (_accepted, ACCEPTED, None),
}


@pytest.mark.parametrize("ending", ENDINGS)
def test_each_way_a_request_ends_stores_its_code_with_its_status(people, ctx, ending):
    end, status, code = ENDINGS[ending]
    request = asked(people)
    end(people, request)
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(MentoringRequest, request.id)
    assert (stored.status, stored.ended_because) == (status, code)
    assert stored.decided_at is not None
    if code is not None:
        assert code.status == status


def test_a_waiting_request_has_no_code(people, ctx):
    assert db.session.get(MentoringRequest, asked(people).id).ended_because is None


# (ending, what the mentor sees, what the mentee sees, the words shown under it, to whom)
SEEN = [
    ("declined", "You declined", "Dr Kaur couldn't take this on", None, None),
    ("withdrawn by the mentee", "Withdrawn by Amira Khan", "You withdrew it", None, None),
    (
        "another mentor accepted",
        "Withdrawn by Amira Khan",
        "Withdrawn when another mentor accepted you",
        MATCHED_ELSEWHERE,
        "mentor",
    ),
    ("the mentor paused", "Closed", "Closed", "Dr Kaur has paused mentoring for now.", "both"),
    ("the mentor was suspended", "Closed", "Closed", "Dr Kaur isn't taking mentees at the moment.", "both"),
    ("no answer in time", "Closed after 14 days without an answer", None, None, None),
    ("accepted", "You accepted on", "Accepted on", None, None),
]
SEEN_IDS = [seen[0] for seen in SEEN]


@pytest.mark.parametrize("ending, mentor_sees, mentee_sees, words, shown_to", SEEN, ids=SEEN_IDS)
def test_each_side_is_told_why_a_request_ended(
    people, ctx, ending, mentor_sees, mentee_sees, words, shown_to
):
    request = asked(people)
    ENDINGS[ending][0](people, request)
    db.session.commit()
    request = db.session.get(MentoringRequest, request.id)
    date = f"{request.decided_at:%-d %B %Y}"
    mentor = request_outcome(request, user(people, "kaur"))
    mentee = request_outcome(request, user(people, "amira"))
    assert mentor.said.startswith(mentor_sees) and date in mentor.said
    assert mentee.said.startswith(mentee_sees or mentor_sees) and date in mentee.said
    assert mentor.note == (words if shown_to in ("mentor", "both") else None)
    assert mentee.note == (words if shown_to == "both" else None)
    if ending == "declined":
        assert (mentor.quoted, mentor.quoted_as) == ("My places are full this year.", "Your reason")
        assert (mentee.quoted, mentee.quoted_as) == ("My places are full this year.", "Their reason")
    else:
        assert mentor.quoted is None and mentee.quoted is None


def test_the_wording_escapes_names_but_keeps_its_own_apostrophes(app, ctx):
    mentee = make_member(app, "Amira <b>Khan</b>", stage="medical_student")
    mentor = make_member(app, "Dr <i>Kaur</i>", stage="consultant", mentor=True)
    request = send_request(db.session.get(User, mentee), db.session.get(User, mentor), MENTORING)
    decline(request, db.session.get(User, mentor))
    db.session.commit()
    said = str(request_outcome(request, db.session.get(User, mentee)).said)
    assert said.startswith("Dr &lt;i&gt;Kaur&lt;/i&gt; couldn't take this on (")


# --- migration 0006 ------------------------------------------------------------------------------


@pytest.fixture
def migrated_app(tmp_path) -> Iterator[tuple[Flask, str]]:
    path = tmp_path / "before.sqlite3"
    app = create_app(make_test_config(f"sqlite:///{path}", tmp_path))
    yield app, str(path)
    with app.app_context():
        db.engine.dispose()


def _revision_before_0006(app: Flask) -> str:
    with app.app_context():
        migrate: Migrate = app.extensions["migrate"].migrate
        script = ScriptDirectory.from_config(migrate.get_config())
        return script.get_revision("0006").down_revision


def test_migration_0006_backfills_the_codes_from_status_and_reason(migrated_app):
    app, path = migrated_app
    runner = app.test_cli_runner()
    before = _revision_before_0006(app)
    result = runner.invoke(args=["db", "upgrade", before])
    assert result.exit_code == 0, result.output
    rows = {  # id: (status, reason) as the app stored them before the codes
        1: ("pending", None),
        2: ("accepted", None),
        3: ("declined", None),
        4: ("declined", "Too busy this term."),
        5: ("expired", None),
        6: ("withdrawn", None),
        7: ("withdrawn", MATCHED_ELSEWHERE),
        8: ("withdrawn", ACCOUNT_CLOSED),
        9: ("withdrawn", "Dr Kaur has paused mentoring for now."),
        10: ("withdrawn", "Dr Kaur isn't taking mentees at the moment."),
    }
    # Straight into the file, foreign keys off: only the requests matter here, not who sent them.
    with sqlite3.connect(path) as connection:
        connection.executemany(
            "INSERT INTO mentoring_request (id, kind, sender_id, recipient_id, message, status, reason,"
            " created_at, expires_at) VALUES (?, 'mentoring', 1, 2, '', ?, ?, '2026-01-01', '2026-01-15')",
            [(id_, status, reason) for id_, (status, reason) in rows.items()],
        )
    connection.close()

    result = runner.invoke(args=["db", "upgrade", "0006"])
    assert result.exit_code == 0, result.output

    with sqlite3.connect(path) as connection:
        found = dict(connection.execute("SELECT id, ended_because FROM mentoring_request"))
        kept = dict(connection.execute("SELECT id, reason FROM mentoring_request"))
    connection.close()
    assert found == {
        1: None,
        2: None,
        3: "declined",
        4: "declined",
        5: "expired",
        6: "withdrawn",
        7: "matched_elsewhere",
        8: "account_closed",
        9: "mentor_unavailable",
        10: "mentor_unavailable",
    }
    assert kept == {id_: reason for id_, (_, reason) in rows.items()}  # the words stay as they were
    result = runner.invoke(args=["db", "downgrade", before])
    assert result.exit_code == 0, result.output
    with sqlite3.connect(path) as connection:
        columns = {row[1] for row in connection.execute("PRAGMA table_info(mentoring_request)")}
        assert len(list(connection.execute("SELECT id FROM mentoring_request"))) == len(rows)
    connection.close()
    assert "ended_because" not in columns
