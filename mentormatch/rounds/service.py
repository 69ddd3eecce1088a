"""Matching rounds in the database: create, run (the solver on the engine's scores), change a pair.

The caller commits. Publishing and the CSV export are in publishing.py, choosing the mentees in cohorts.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from sqlalchemy import func, or_, select

from mentormatch.accounts.models import User
from mentormatch.core.audit import describe_actions, record
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.matching.service import fresh_engine
from mentormatch.mentoring.models import Connection
from mentormatch.mentors.models import MentorExclusion
from mentormatch.profiles.models import Profile
from mentormatch.rounds.cohorts import approved_mentors
from mentormatch.rounds.models import MatchingRound, RoundMentee, RoundMentor, RoundPair
from mentormatch.rounds.solver import LEFT_UNMATCHED, Candidates, LockProblem, solve_round

describe_actions(
    {
        "round.create": "Created a matching round",
        "round.run": "Ran a matching round",
        "round.change_pair": "Changed a pair in a matching round",
        "round.publish": "Published a matching round",
    }
)


class RoundProblem(Exception):
    """Why a round can't be created, run, changed or published, in words for the admin."""

    def __init__(self, message: str, status: int = 409) -> None:
        super().__init__(message)
        self.status = status


def create_round(
    admin: User,
    name: str,
    mentee_ids: Iterable[int],
    *,
    mentor_ids: Iterable[int] | None = None,
    objective: str = "total",
    min_score: float = 0.0,
    avoid_same_organisation: bool = False,
) -> MatchingRound:
    """A new draft round; `mentor_ids` None means every approved mentor when it runs."""
    mentee_ids = sorted(set(mentee_ids))
    if not mentee_ids:
        raise RoundProblem("Choose at least one mentee.", 422)
    matching_round = MatchingRound(
        name=name.strip(),
        objective=objective,
        min_score=min_score,
        avoid_same_organisation=avoid_same_organisation,
        all_mentors=mentor_ids is None,
        created_by_id=admin.id,
        mentees=[RoundMentee(user_id=user_id) for user_id in mentee_ids],
        mentors=[RoundMentor(user_id=user_id) for user_id in sorted(set(mentor_ids or ()))],
    )
    db.session.add(matching_round)
    db.session.flush()
    record(admin, "round.create", matching_round, after=_settings(matching_round))
    return matching_round


def _settings(matching_round: MatchingRound) -> dict:
    return {
        "name": matching_round.name,
        "mentees": len(matching_round.mentees),
        "mentors": "all approved" if matching_round.all_mentors else len(matching_round.mentors),
        "objective": matching_round.objective,
        "min_score": matching_round.min_score,
        "avoid_same_organisation": matching_round.avoid_same_organisation,
    }


# --- scores and the rules ----------------------------------------------------------------------


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


# --- running and changing the draft ------------------------------------------------------------


def _draft_round(round_id: int) -> MatchingRound:
    """The round, locked until the caller commits, and still a draft.

    The row lock serialises a run, a pair change and a publication (whose conditional UPDATE
    takes the same lock): whoever comes second waits, then sees the first one's outcome.
    """
    matching_round = db.session.get(MatchingRound, round_id, with_for_update=True, populate_existing=True)
    if matching_round is None:
        raise RoundProblem("There is no such round.", 404)
    if not matching_round.is_draft:
        raise RoundProblem("This round has been published: it can't be changed any more.")
    return matching_round


def run_round(matching_round: MatchingRound, admin: User) -> MatchingRound:
    """Solve the round again, keeping the admin's changes, and store the draft and its figures."""
    matching_round = _draft_round(matching_round.id)
    inputs = round_inputs(matching_round)
    for pair in matching_round.pairs:  # an admin's choice beyond the kept candidates stays a candidate
        if (
            pair.locked
            and pair.mentor_id is not None
            and pair.mentor_id not in inputs.scores.get(pair.mentee_id, {})
        ):
            score = pair_score(pair.mentee_id, pair.mentor_id)
            if score is not None and pair.mentee_id in inputs.scores:
                inputs.scores[pair.mentee_id][pair.mentor_id] = score
    mentee_at = {user_id: i for i, user_id in enumerate(inputs.mentee_ids)}
    mentor_at = {user_id: j for j, user_id in enumerate(inputs.mentor_ids)}
    candidates = Candidates.from_lists(
        [
            [(mentor_at[mentor], score) for mentor, score in inputs.scores.get(mentee, {}).items()]
            for mentee in inputs.mentee_ids
        ],
        len(inputs.mentor_ids),
    )
    forbidden = {(mentee_at[a], mentor_at[b]) for a, b in inputs.forbidden}
    kept = {
        pair.mentee_id: pair for pair in matching_round.pairs if pair.locked and pair.mentee_id in mentee_at
    }
    locked = {}
    for mentee, pair in kept.items():
        if pair.mentor_id is not None and pair.mentor_id not in mentor_at:
            raise RoundProblem(
                name_of(pair.mentor_id) + " is no longer in the mentor pool: change "
                f"{name_of(mentee)}'s pair, then run the round again."
            )
        locked[mentee_at[mentee]] = None if pair.mentor_id is None else mentor_at[pair.mentor_id]
    try:
        solution = solve_round(
            candidates,
            inputs.capacities,
            forbidden=forbidden,
            locked=locked,
            objective=matching_round.objective,
            min_score=matching_round.min_score,
        )
    except LockProblem:
        raise RoundProblem(
            "One of your changed pairs can't be kept any more (a mentor filled their places or is now "
            "excluded): change it, then run the round again."
        ) from None
    for pair in list(matching_round.pairs):
        matching_round.pairs.remove(pair)
    db.session.flush()
    chosen = {
        mentee: inputs.mentor_ids[j]
        for mentee, j in zip(inputs.mentee_ids, solution.mentor_of.tolist(), strict=True)
        if j >= 0
    }
    reasons = pair_reasons(chosen.items())
    for i, mentee in enumerate(inputs.mentee_ids):
        mentor = chosen.get(mentee)
        matching_round.pairs.append(
            RoundPair(
                mentee_id=mentee,
                mentor_id=mentor,
                score=None if mentor is None else inputs.scores[mentee][mentor],
                reasons=reasons.get((mentee, mentor), []),
                locked=mentee in kept,
                unmatched_reason=solution.unmatched.get(i),
            )
        )
    matching_round.total_fit = solution.total
    matching_round.optimum_fit = solution.optimum_total
    matching_round.matched = solution.matched
    matching_round.optimum_matched = solution.optimum_matched
    matching_round.capacity_used = solution.capacity_used
    matching_round.capacity_total = solution.capacity_total
    matching_round.blocking_pairs = solution.blocking_pairs
    matching_round.run_at = utcnow()
    record(
        admin,
        "round.run",
        matching_round,
        after={"matched": solution.matched, "total_fit": round(solution.total, 4), "locked": len(locked)},
    )
    db.session.flush()
    return matching_round


def change_pair(
    matching_round: MatchingRound, mentee_id: int, mentor_id: int | None, admin: User
) -> RoundPair:
    """Give a mentee another mentor (or none), checking the pool, the exclusions and capacity.

    Raises RoundProblem (422: not a choice the round offers; 409: the rules forbid it) and changes nothing.
    """
    matching_round = _draft_round(matching_round.id)
    pair = next((p for p in matching_round.pairs if p.mentee_id == mentee_id), None)
    if pair is None:
        raise RoundProblem("That mentee isn't in this round's draft: run the round first.", 422)
    before = {"mentor": pair.mentor_id, "score": pair.score}
    if mentor_id is None:
        score, reasons, reason = None, [], LEFT_UNMATCHED
    else:
        inputs = round_inputs(matching_round)
        if mentor_id not in inputs.mentor_ids:
            raise RoundProblem("Choose a mentor from this round's pool.", 422)
        mentee_name, mentor_name = name_of(mentee_id), name_of(mentor_id)
        if (mentee_id, mentor_id) in inputs.forbidden:
            raise RoundProblem(
                f"{mentor_name} can't be matched with {mentee_name}: they are excluded from each other "
                "(a declared conflict, an existing connection, or the same organisation)."
            )
        score = inputs.scores.get(mentee_id, {}).get(mentor_id) or pair_score(mentee_id, mentor_id)
        if score is None:
            raise RoundProblem(
                f"{mentor_name} can't mentor {mentee_name}: a mentor must be further along in their career, "
                "approved and with a free place."
            )
        places = inputs.capacities[inputs.mentor_ids.index(mentor_id)]
        taken = sum(1 for p in matching_round.pairs if p.mentor_id == mentor_id and p.mentee_id != mentee_id)
        if taken >= places:
            raise RoundProblem(
                f"{mentor_name} has no free place left in this round ({taken} of {places} taken): "
                "move one of their mentees first."
            )
        reasons = pair_reasons([(mentee_id, mentor_id)]).get((mentee_id, mentor_id), [])
        reason = None
    pair.mentor_id, pair.score, pair.reasons, pair.locked, pair.unmatched_reason = (
        mentor_id,
        score,
        list(reasons),
        True,
        reason,
    )
    _refresh_figures(matching_round)
    record(
        admin,
        "round.change_pair",
        matching_round,
        before={"mentee": mentee_id, **before},
        after={"mentee": mentee_id, "mentor": mentor_id, "score": score},
    )
    db.session.flush()
    return pair


def _refresh_figures(matching_round: MatchingRound) -> None:
    """The draft's totals after a change; blocking pairs are counted again by the next run."""
    matched = [p for p in matching_round.pairs if p.mentor_id is not None]
    matching_round.total_fit = sum(p.score or 0.0 for p in matched)
    matching_round.matched = len(matched)
    matching_round.capacity_used = len(matched)
    matching_round.blocking_pairs = None


def name_of(user_id: int) -> str:
    """A member's name as others see it, for the messages."""
    user = db.session.get(User, user_id)
    return user.display_name if user else "This member"
