"""Matching rounds in the database: create, run (the solver on the engine's scores), change a pair.

The caller commits. Publishing and the CSV export are in publishing.py, choosing the mentees in cohorts.py.
"""

from __future__ import annotations

from collections.abc import Iterable

from mentormatch.accounts.models import User
from mentormatch.core.audit import describe_actions, record
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.rounds.models import MatchingRound, RoundMentee, RoundMentor, RoundPair
from mentormatch.rounds.scores import (
    pair_reasons,
    pair_score,
    round_inputs,
)
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
