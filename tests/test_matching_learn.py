"""`flask matches learn`: a programme's outcomes fit the mentor blend, and the programme can switch back."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from mentormatch.core.audit import AuditEntry
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.matching.blend import MENTOR_WEIGHTS
from mentormatch.matching.freshness import fresh_engine
from mentormatch.matching.models import LearnedBlend, MatchingState
from mentormatch.matching.outcomes import learned_blend
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


def stored(app: Flask) -> list[LearnedBlend]:
    with app.app_context():
        rows = db.session.scalars(select(LearnedBlend).order_by(LearnedBlend.id)).all()
        db.session.expunge_all()
        return rows


def audit_actions(app: Flask) -> list[tuple[str, str | None]]:
    with app.app_context():
        return db.session.execute(
            select(AuditEntry.action, AuditEntry.actor)
            .where(AuditEntry.action.like("matching.%"))
            .order_by(AuditEntry.id)
        ).all()


def generation(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.max(MatchingState.generation))) or 0


def test_outcomes_move_the_goals_weight_up_and_the_programme_can_switch_back(app, runner, outcomes):
    first = generation(app)
    result = runner.invoke(args=["matches", "learn", "--min-outcomes", "20"])

    assert result.exit_code == 0, result.output
    assert f"Learned from {2 * MENTEES} outcomes ({MENTEES} went well)" in result.output
    default, learned = learned_line(result.output, "goals")
    assert default == pytest.approx(MENTOR_WEIGHTS["goals"]) and learned > default
    (row,) = stored(app)
    assert (row.outcomes, row.went_well, row.switched_by) == (2 * MENTEES, MENTEES, "flask matches learn")
    assert row.weights["mentor"]["goals"] == pytest.approx(learned, abs=1e-3)
    assert row.created_at.isoformat(timespec="seconds") in result.output
    with app.app_context():
        assert learned_blend()["mentor"] == row.weights["mentor"]
    assert audit_actions(app) == [("matching.learn", "flask matches learn")]
    assert generation(app) > first  # every process refits with the learned blend

    result = runner.invoke(args=["matches", "learn", "--defaults"])
    assert result.exit_code == 0 and "Back to the default blend." in result.output
    assert [row.weights for row in stored(app)][1:] == [None]  # kept as history, the newest wins
    with app.app_context():
        assert learned_blend() is None
    assert audit_actions(app)[1:] == [("matching.defaults", "flask matches learn --defaults")]

    result = runner.invoke(args=["matches", "learn", "--defaults"])
    assert "The default blend is in use already." in result.output and len(stored(app)) == 2


def test_every_process_fits_with_the_learned_blend(app, runner, outcomes):
    """A process that fits after `learn` scores with the stored weights, not the defaults."""
    assert runner.invoke(args=["matches", "learn", "--min-outcomes", "20"]).exit_code == 0
    with app.app_context(), fresh_engine() as engine:
        assert engine._weights["mentor"] == stored(app)[0].weights["mentor"]
    assert runner.invoke(args=["matches", "learn", "--defaults"]).exit_code == 0
    with app.app_context(), fresh_engine() as engine:
        assert "mentor" not in engine._weights


def test_too_few_outcomes_keep_the_blend(app, runner, outcomes):
    result = runner.invoke(args=["matches", "learn"])

    assert result.exit_code == 1
    assert f"Kept the blend as it is: {2 * MENTEES} outcomes; at least 200 are needed." in result.output
    assert stored(app) == [] and audit_actions(app) == []
