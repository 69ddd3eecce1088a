"""Learning a programme's blend from its outcomes: planted outcomes move the weights the right way."""

from __future__ import annotations

import numpy as np
import pytest

from mentormatch.matching.blend import MENTOR_WEIGHTS
from mentormatch.matching.engine import MatchingEngine, Member
from mentormatch.matching.learning import NotEnoughOutcomes, learn_weights

GOALS = list(MENTOR_WEIGHTS).index("goals")


def planted(n: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Outcomes where only the goals part decides whether a request is accepted (with noise)."""
    rng = np.random.default_rng(seed)
    parts = rng.random((n, len(MENTOR_WEIGHTS)))
    went_well = parts[:, GOALS] + rng.normal(0, 0.15, n) > 0.6
    return parts, went_well


def test_planted_outcomes_move_the_weights_the_right_way():
    learned = learn_weights(*planted(2000), MENTOR_WEIGHTS)
    assert learned["goals"] > MENTOR_WEIGHTS["goals"] + 0.3
    assert all(learned[part] < MENTOR_WEIGHTS[part] for part in MENTOR_WEIGHTS if part != "goals")
    assert sum(learned.values()) == pytest.approx(1, abs=1e-3)


def test_more_evidence_moves_them_further_from_the_defaults():
    few = learn_weights(*planted(200), MENTOR_WEIGHTS)
    many = learn_weights(*planted(5000), MENTOR_WEIGHTS)
    assert MENTOR_WEIGHTS["goals"] < few["goals"] < many["goals"]


def test_too_few_or_one_sided_outcomes_are_refused():
    parts, went_well = planted(199)
    with pytest.raises(NotEnoughOutcomes, match="199 outcomes; at least 200"):
        learn_weights(parts, went_well, MENTOR_WEIGHTS)
    with pytest.raises(NotEnoughOutcomes, match="same way"):
        learn_weights(*planted(300)[:1], np.ones(300, dtype=bool), MENTOR_WEIGHTS)


def test_part_scores_blend_back_to_the_fit_and_learned_weights_change_the_order():
    mentee = Member(id="me", stage_rank=0, goals=frozenset({"exams"}), specialties=frozenset({"cardiology"}))
    mentors = [
        Member(
            id="helps", stage_rank=4, is_mentor=True, free_places=2, offers=frozenset({"exams", "research"})
        ),
        Member(
            id="alike", stage_rank=4, is_mentor=True, free_places=2, specialties=frozenset({"cardiology"})
        ),
    ]
    engine = MatchingEngine().fit([mentee, *mentors])
    parts = engine.part_scores("mentor", "me", ["helps", "alike"])
    fit = {s.id: s.score for s in engine.suggest_mentors("me")}
    weights = np.array(list(MENTOR_WEIGHTS.values()))
    assert parts @ weights == pytest.approx([fit["helps"], fit["alike"]], abs=1e-5)
    assert parts.min() >= 0 and parts.max() <= 1
    goals_first = {part: 0.9 if part == "goals" else 0.025 for part in MENTOR_WEIGHTS}
    specialties_first = {part: 0.9 if part == "specialties" else 0.025 for part in MENTOR_WEIGHTS}
    order = lambda weights: [  # noqa: E731
        s.id for s in MatchingEngine({"mentor": weights}).fit([mentee, *mentors]).suggest_mentors("me")
    ]
    assert order(goals_first) == ["helps", "alike"]
    assert order(specialties_first) == ["alike", "helps"]
