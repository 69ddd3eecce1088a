"""`flask matches learn`: a programme's outcomes fit the mentor blend, and the programme can switch back."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask

from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.matching.blend import MENTOR_WEIGHTS
from mentormatch.mentoring.models import ACCEPTED, DECLINED, MENTORING, MentoringRequest
from tests.factories import make_member

MENTEES = 12


@pytest.fixture
def outcomes(app: Flask) -> None:
    """Every mentee was accepted by the mentor offering what they want, and declined by the other."""
    helper = make_member(
        app, stage="consultant", mentor=True, capacity=10, offers=["exams"], specialties=["cardiology"]
    )
    other = make_member(
        app, stage="consultant", mentor=True, capacity=10, offers=["research"], specialties=["cardiology"]
    )
    mentees = [make_member(app, goals=["exams"], specialties=["cardiology"]) for _ in range(MENTEES)]
    now = utcnow()
    with app.app_context():
        for mentee in mentees:
            for mentor, status in ((helper, ACCEPTED), (other, DECLINED)):
                db.session.add(
                    MentoringRequest(
                        kind=MENTORING, sender_id=mentee, recipient_id=mentor, status=status,
                        created_at=now, expires_at=now + timedelta(days=14), decided_at=now,
                    )
                )  # fmt: skip
        db.session.commit()


def learned_line(output: str, part: str) -> tuple[float, float]:
    line = next(line for line in output.splitlines() if line.split()[:1] == [part])
    return float(line.split()[1]), float(line.split()[2])


def test_outcomes_move_the_goals_weight_up_and_the_programme_can_switch_back(app, runner, outcomes):
    result = runner.invoke(args=["matches", "learn", "--min-outcomes", "20"])

    assert result.exit_code == 0, result.output
    assert f"Learned from {2 * MENTEES} outcomes ({MENTEES} went well)" in result.output
    default, learned = learned_line(result.output, "goals")
    assert default == pytest.approx(MENTOR_WEIGHTS["goals"]) and learned > default
    stored = json.loads(Path(app.config["MATCHING_WEIGHTS_FILE"]).read_text())
    assert stored["outcomes"] == 2 * MENTEES and stored["learned_at"]
    assert stored["mentor"]["goals"] == pytest.approx(learned, abs=1e-3)

    result = runner.invoke(args=["matches", "learn", "--defaults"])
    assert result.exit_code == 0 and "Back to the default blend." in result.output
    assert not Path(app.config["MATCHING_WEIGHTS_FILE"]).exists()


def test_too_few_outcomes_keep_the_blend(app, runner, outcomes):
    result = runner.invoke(args=["matches", "learn"])

    assert result.exit_code == 1
    assert f"Kept the blend as it is: {2 * MENTEES} outcomes; at least 200 are needed." in result.output
    assert not Path(app.config["MATCHING_WEIGHTS_FILE"]).exists()
