"""What a round's pairs score and which are forbidden, and the inputs a run needs.

Scores are the engine's, exactly as /matches shows them; exclusions always hold."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from sqlalchemy import func, or_, select

from mentormatch.accounts.models import User
from mentormatch.core.extensions import db
from mentormatch.matching.freshness import fresh_engine
from mentormatch.mentoring.models import Connection
from mentormatch.mentors.models import MentorExclusion
from mentormatch.profiles.models import Profile
from mentormatch.rounds.cohorts import approved_mentors
from mentormatch.rounds.models import MatchingRound

# Candidate mentors kept per mentee: the solver is optimal on this graph, which holds every pair of
# rounds up to this many mentors, and the best of any larger pool (benchmarks/rounds.py: top 30 already
# keeps 99.98% of the dense optimum). It bounds memory: 10,000 mentees × 200, not × every mentor.
MAX_CANDIDATES = 200


def candidate_scores(
    mentee_ids: list[int], mentor_ids: list[int], keep: int | None = None
) -> dict[int, dict[int, float]]:
    """mentee → mentor → score, for the best `keep` pairs per mentee that the engine allows
    (seniority, availability, reciprocity, exposure: as /matches scores them); absent: never.
    With pair_score and pair_reasons, the only place rounds touch the engine."""
    result: dict[int, dict[int, float]] = {mentee: {} for mentee in mentee_ids}
    with fresh_engine() as engine:
        if engine is None:
            return result
        # Someone who left matching since the round was made has no candidates.
        mentees = [m for m in mentee_ids if m in engine]
        mentors = [m for m in mentor_ids if m in engine]
        if not mentees or not mentors:
            return result
        scores = engine.score_mentor_pairs(mentees, mentors)
    pool = np.array(mentors)
    keep = keep or MAX_CANDIDATES
    if keep < len(mentors):
        best = np.argpartition(-scores, keep - 1, axis=1)[:, :keep]
    else:
        best = np.broadcast_to(np.arange(len(mentors)), scores.shape)
    for row, mentee in enumerate(mentees):
        cols = best[row][np.isfinite(scores[row, best[row]])]
        result[mentee] = dict(zip(pool[cols].tolist(), scores[row, cols].astype(float).tolist(), strict=True))
    return result


def pair_score(mentee_id: int, mentor_id: int) -> float | None:
    """The engine's score for one pair, or None when a rule forbids it."""
    with fresh_engine() as engine:
        if engine is None or mentee_id not in engine or mentor_id not in engine:
            return None
        score = float(engine.score_mentor_pairs([mentee_id], [mentor_id])[0, 0])
    return score if np.isfinite(score) else None


def pair_reasons(pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], list[str]]:
    """The plain-language reasons for each (mentee, mentor) pair, as /matches would give them."""
    by_mentee: dict[int, list[int]] = {}
    for mentee, mentor in pairs:
        by_mentee.setdefault(mentee, []).append(mentor)
    reasons: dict[tuple[int, int], list[str]] = {}
    with fresh_engine() as engine:
        for mentee, mentors in by_mentee.items():
            if engine is None or mentee not in engine:
                continue
            said = engine.explain("mentor", mentee, [m for m in mentors if m in engine])
            reasons.update({(mentee, mentor): words for mentor, words in said.items()})
    return reasons


def forbidden_pairs(
    mentee_ids: list[int], mentor_ids: list[int], avoid_same_organisation: bool
) -> set[tuple[int, int]]:
    """(mentee, mentor) pairs a round never makes: a mentor's declared exclusions, people already
    connected, and (when asked) colleagues in the same organisation."""
    mentees, mentors = set(mentee_ids), set(mentor_ids)
    forbidden: set[tuple[int, int]] = set()
    emails = dict(db.session.execute(select(User.email, User.id).where(User.id.in_(mentees))).all())
    for mentor_id, email in db.session.execute(
        select(MentorExclusion.mentor_id, MentorExclusion.excluded_email).where(
            MentorExclusion.mentor_id.in_(mentors),
            func.lower(MentorExclusion.excluded_email).in_(list(emails)),
        )
    ):
        forbidden.add((emails[email.lower()], mentor_id))
    for first, second in db.session.execute(
        select(Connection.first_id, Connection.second_id).where(
            Connection.ended_at.is_(None),
            or_(
                Connection.first_id.in_(mentors) & Connection.second_id.in_(mentees),
                Connection.first_id.in_(mentees) & Connection.second_id.in_(mentors),
            ),
        )
    ):
        forbidden.add((second, first) if first in mentors and second in mentees else (first, second))
    if avoid_same_organisation:
        organisation = {
            user_id: (name or "").strip().casefold()
            for user_id, name in db.session.execute(
                select(Profile.user_id, Profile.organisation).where(Profile.user_id.in_(mentees | mentors))
            )
        }
        colleagues: dict[str, list[int]] = {}
        for mentor in mentors:
            if organisation.get(mentor):
                colleagues.setdefault(organisation[mentor], []).append(mentor)
        for mentee in mentees:
            forbidden.update(
                (mentee, mentor) for mentor in colleagues.get(organisation.get(mentee) or "", ())
            )
    return forbidden


@dataclass
class RoundInputs:
    """Everything the solver needs for a round, by index, and the ids behind the indices."""

    mentee_ids: list[int]
    mentor_ids: list[int]
    scores: dict[int, dict[int, float]]
    capacities: list[int]
    forbidden: set[tuple[int, int]]

    def allowed(self, mentee: int, mentor: int) -> bool:
        return mentor in self.scores.get(mentee, {}) and (mentee, mentor) not in self.forbidden


def round_inputs(matching_round: MatchingRound) -> RoundInputs:
    """The round's mentees and pool as they are now, the engine's scores and the exclusions."""
    mentee_ids = sorted(m.user_id for m in matching_round.mentees)
    if matching_round.all_mentors:
        mentor_ids = [user.id for user in approved_mentors()]
    else:
        mentor_ids = sorted(m.user_id for m in matching_round.mentors)
    profiles = db.session.scalars(select(Profile).where(Profile.user_id.in_(mentor_ids)))
    free = {profile.user_id: profile.free_places for profile in profiles}
    mentor_ids = sorted(mentor_ids)
    return RoundInputs(
        mentee_ids=mentee_ids,
        mentor_ids=mentor_ids,
        scores=candidate_scores(mentee_ids, mentor_ids),
        capacities=[free.get(mentor, 0) for mentor in mentor_ids],
        forbidden=forbidden_pairs(mentee_ids, mentor_ids, matching_round.avoid_same_organisation),
    )
