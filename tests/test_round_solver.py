"""The round solver: the rules always hold (hypothesis), and it is optimal (brute force on small rounds)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mentormatch.rounds.solver import (
    ALL_FULL,
    BELOW_MINIMUM,
    COUNT,
    LEFT_UNMATCHED,
    NO_ELIGIBLE_MENTOR,
    TOTAL,
    Candidates,
    LockProblem,
    solve_round,
    top_candidates,
)


@st.composite
def rounds(draw, max_mentees: int = 6, max_mentors: int = 4):
    """A small round: scores (some pairs not allowed), capacities, forbidden pairs, a minimum score."""
    n = draw(st.integers(1, max_mentees))
    m = draw(st.integers(1, max_mentors))
    cell = st.one_of(st.just(-math.inf), st.sampled_from([0.0, 0.25, 0.5, 1.0]), st.floats(0, 1))
    scores = np.array(draw(st.lists(cell, min_size=n * m, max_size=n * m))).reshape(n, m)
    caps = draw(st.lists(st.integers(0, 3), min_size=m, max_size=m))
    pairs = list(itertools.product(range(n), range(m)))
    forbidden = set(draw(st.lists(st.sampled_from(pairs), max_size=len(pairs) // 2)))
    min_score = draw(st.sampled_from([0.0, 0.3, 0.6]))
    return scores, caps, forbidden, min_score


def brute_force(scores, caps, forbidden, min_score, objective, locked=None):
    """The best (count, total) or total over every assignment, by enumeration."""
    n, m = scores.shape
    locked = locked or {}
    options = []
    for i in range(n):
        if i in locked:
            options.append([locked[i]])
        else:
            allowed = [
                j
                for j in range(m)
                if math.isfinite(scores[i, j]) and (i, j) not in forbidden and scores[i, j] >= min_score
            ]
            options.append([None, *allowed])
    best = None
    for choice in itertools.product(*options):
        load = np.bincount([j for j in choice if j is not None], minlength=m)
        if (load > np.array(caps)).any():
            continue
        picked = [scores[i, j] for i, j in enumerate(choice) if j is not None]
        value = (len(picked), sum(picked)) if objective == COUNT else (sum(picked),)
        if best is None or value > best:
            best = value
    return best


def check_rules(solution, scores, caps, forbidden, locked=None):
    """One mentor per mentee, no mentor over capacity, no forbidden or disallowed pair, locks kept."""
    for mentee, mentor in enumerate(solution.mentor_of.tolist()):
        if mentor >= 0:
            assert (mentee, mentor) not in forbidden
            assert math.isfinite(scores[mentee, mentor])
            assert solution.score_of[mentee] == scores[mentee, mentor]
        else:
            assert mentee in solution.unmatched
    assert (np.bincount(solution.mentor_of[solution.mentor_of >= 0], minlength=len(caps)) <= caps).all()
    assert solution.capacity_used == (solution.mentor_of >= 0).sum()
    for mentee, mentor in (locked or {}).items():
        assert solution.mentor_of[mentee] == (-1 if mentor is None else mentor)


@settings(max_examples=300, deadline=None)
@given(rounds(), st.sampled_from([TOTAL, COUNT]))
def test_rules_hold_and_the_draft_is_optimal(case, objective):
    scores, caps, forbidden, min_score = case
    solution = solve_round(scores, caps, forbidden=forbidden, objective=objective, min_score=min_score)
    check_rules(solution, scores, caps, forbidden)
    best = brute_force(scores, caps, forbidden, min_score, objective)
    if objective == COUNT:
        assert solution.matched == best[0]
    assert solution.total == pytest.approx(best[-1], abs=1e-9)
    assert solution.optimum_total == solution.total
    for mentee in np.flatnonzero(solution.mentor_of >= 0):
        assert solution.score_of[mentee] >= min_score


@settings(max_examples=200, deadline=None)
@given(rounds(), st.sampled_from([TOTAL, COUNT]), st.data())
def test_locked_pairs_are_kept_and_the_rest_is_optimal_around_them(case, objective, data):
    scores, caps, forbidden, min_score = case
    n, m = scores.shape
    # Lock a few mentees to a pair that is allowed (any score) while places last, or to nobody.
    locked, load = {}, np.zeros(m, dtype=int)
    for mentee in data.draw(st.lists(st.integers(0, n - 1), unique=True, max_size=n)):
        allowed = [j for j in range(m) if math.isfinite(scores[mentee, j]) and (mentee, j) not in forbidden]
        mentor = data.draw(st.sampled_from([None, *allowed]))
        if mentor is not None and load[mentor] >= caps[mentor]:
            continue
        locked[mentee] = mentor
        if mentor is not None:
            load[mentor] += 1
    solution = solve_round(
        scores, caps, forbidden=forbidden, locked=locked, objective=objective, min_score=min_score
    )
    check_rules(solution, scores, caps, forbidden, locked)
    around = brute_force(scores, caps, forbidden, min_score, objective, locked)
    # The locked pairs may be below the minimum: brute force counts them as they are.
    assert solution.total == pytest.approx(around[-1], abs=1e-9)
    best = brute_force(scores, caps, forbidden, min_score, objective)
    assert solution.optimum_total == pytest.approx(best[-1], abs=1e-9)
    if objective == COUNT:
        assert solution.optimum_matched == best[0]
    for mentee in locked:
        if locked[mentee] is None:
            assert solution.unmatched[mentee] == LEFT_UNMATCHED


def test_the_two_objectives_differ_where_they_should():
    # Mentor 0 has one place: mentee 0 fits them best, but only mentee 1 has nobody else.
    scores = np.array([[0.9, 0.5], [0.8, -np.inf], [0.2, 0.1]])
    total = solve_round(scores, [1, 1])
    assert total.total == pytest.approx(1.3)  # 0.5 + 0.8 beats 0.9 + 0.1
    assert total.mentor_of.tolist() == [1, 0, -1]
    assert total.unmatched == {2: ALL_FULL}
    # With a minimum of 0.6, the count objective can only match those with a pair at 0.6 or more.
    count = solve_round(scores, [1, 1], objective=COUNT, min_score=0.6)
    assert count.matched == 1
    assert count.unmatched[2] == BELOW_MINIMUM


def test_count_prefers_more_mentees_to_a_higher_total():
    # The best total leaves mentee 1 out (1.0 against 0.0 + 0.5); counting matches both.
    scores = np.array([[1.0, 0.0], [0.5, -np.inf]])
    total = solve_round(scores, [1, 1])
    assert (total.matched, total.total) == (1, pytest.approx(1.0))
    count = solve_round(scores, [1, 1], objective=COUNT)
    assert (count.matched, count.total) == (2, pytest.approx(0.5))


def test_a_zero_score_pair_still_fills_a_free_place():
    solution = solve_round(np.array([[0.0], [-np.inf]]), [1])
    assert solution.mentor_of.tolist() == [0, -1]


def test_reasons_for_the_unmatched():
    scores = np.array([[0.9, 0.9], [0.8, -np.inf], [-np.inf, -np.inf], [0.1, 0.2], [0.7, 0.5]])
    solution = solve_round(scores, [1, 1], forbidden={(4, 1)}, min_score=0.3)
    assert solution.unmatched[2] == NO_ELIGIBLE_MENTOR
    assert solution.unmatched[3] == BELOW_MINIMUM
    assert {solution.unmatched.get(i) for i in (1, 4)} >= {ALL_FULL}
    # Forbidden everywhere is the same as no candidate at all.
    assert solve_round(np.array([[0.5]]), [1], forbidden={(0, 0)}).unmatched == {0: NO_ELIGIBLE_MENTOR}


def test_locks_that_break_the_rules_are_refused():
    scores = np.array([[0.9, -np.inf], [0.8, 0.3]])
    with pytest.raises(LockProblem):
        solve_round(scores, [1, 1], locked={0: 1})  # not allowed
    with pytest.raises(LockProblem):
        solve_round(scores, [1, 1], forbidden={(1, 1)}, locked={1: 1})  # forbidden
    with pytest.raises(LockProblem):
        solve_round(scores, [1, 1], locked={0: 0, 1: 0})  # over capacity


def test_optimum_and_blocking_pairs_after_a_change():
    scores = np.array([[0.9, 0.2], [0.3, 0.8]])
    best = solve_round(scores, [1, 1])
    assert best.mentor_of.tolist() == [0, 1]
    assert best.blocking_pairs == 0
    swapped = solve_round(scores, [1, 1], locked={0: 1, 1: 0})
    assert swapped.total == pytest.approx(0.5)
    assert swapped.optimum_total == pytest.approx(1.7)
    assert swapped.blocking_pairs == 2  # each would rather have the other's mentor, and is preferred


def test_candidate_lists_and_top_candidates_give_the_same_optimum_when_complete():
    rng = np.random.default_rng(3)
    scores = rng.random((30, 8))
    caps = rng.integers(0, 5, size=8)
    dense = solve_round(scores, caps)
    lists = Candidates.from_lists([list(enumerate(row)) for row in scores.tolist()], 8)
    assert solve_round(lists, caps).total == pytest.approx(dense.total)
    assert solve_round(top_candidates(scores, k=8), caps).total == pytest.approx(dense.total)
    sparse = solve_round(top_candidates(scores, k=2, per_mentor=3), caps)
    assert sparse.total <= dense.total + 1e-9


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="objective"):
        solve_round(np.ones((1, 1)), [1], objective="fairest")
    with pytest.raises(ValueError, match="capacities"):
        solve_round(np.ones((1, 2)), [1])
