"""The assignment behind a matching round: each mentee at most one mentor, no mentor over capacity.

Plain NumPy/SciPy (no Flask, no database), so it can be tested against brute force and benchmarked:

    candidates = Candidates.from_dense(scores)  # mentees × mentors in [0, 1]; -inf: never together
    solution = solve_round(candidates, capacities, forbidden={(0, 2)}, locked={3: 1}, objective="total")

The solution is optimal on the candidate graph it is given: a mentor missing from a mentee's
candidates is never proposed. Mentors are expanded into one column per place and every mentee gets
a private 'unmatched' column, so SciPy's sparse LAPJV (`min_weight_full_bipartite_matching`)
finds a maximum-weight matching that may leave mentees out. Two objectives: "total" maximises the
summed fit; "count" maximises how many mentees get a mentor at or above `min_score`, and the total
fit among those. Locked pairs (an admin's changes) are kept as they are and the rest solved around
them; the optimum without them is reported beside, so the cost of a change is visible.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

TOTAL, COUNT = "total", "count"
OBJECTIVES = (TOTAL, COUNT)
NO_ELIGIBLE_MENTOR = "no eligible mentor"
ALL_FULL = "all eligible mentors full"
BELOW_MINIMUM = "below the minimum score"
LEFT_UNMATCHED = "left unmatched by an admin"


class LockProblem(ValueError):
    """A locked pair that can't be kept: not a candidate, excluded, or over the mentor's capacity."""


@dataclass(frozen=True)
class Candidates:
    """The pairs that may be matched, as parallel arrays: mentee index, mentor index, score in [0, 1]."""

    mentees: int
    mentors: int
    rows: np.ndarray
    cols: np.ndarray
    scores: np.ndarray

    @classmethod
    def from_dense(cls, scores: np.ndarray) -> Candidates:
        """Every finite entry of a mentees × mentors matrix is a candidate pair."""
        scores = np.asarray(scores, dtype=np.float64)
        rows, cols = np.nonzero(np.isfinite(scores))
        return cls(scores.shape[0], scores.shape[1], rows, cols, scores[rows, cols])

    @classmethod
    def from_lists(cls, lists: Sequence[Iterable[tuple[int, float]]], mentors: int) -> Candidates:
        """One list of (mentor, score) per mentee."""
        rows, cols, scores = [], [], []
        for mentee, pairs in enumerate(lists):
            for mentor, score in pairs:
                rows.append(mentee)
                cols.append(mentor)
                scores.append(score)
        return cls(len(lists), mentors, np.array(rows, np.int64), np.array(cols, np.int64), np.array(scores))


def top_candidates(scores: np.ndarray, k: int, per_mentor: int = 0) -> Candidates:
    """The candidate graph of a large round: each mentee's k best mentors, and each mentor's
    `per_mentor` best mentees, so that mentors nobody ranks first still have someone to take."""
    n, m = scores.shape
    k, per_mentor = min(k, m), min(per_mentor, n)
    cols = np.argpartition(-scores, k - 1, axis=1)[:, :k] if k < m else np.tile(np.arange(m), (n, 1))
    rows = np.repeat(np.arange(n), cols.shape[1])
    cols = cols.ravel()
    if per_mentor:
        best = np.argpartition(-scores, per_mentor - 1, axis=0)[:per_mentor]
        rows = np.concatenate([rows, best.T.ravel()])
        cols = np.concatenate([cols, np.repeat(np.arange(m), per_mentor)])
    keys = np.unique(rows.astype(np.int64) * m + cols)
    rows, cols = keys // m, keys % m
    values = scores[rows, cols].astype(np.float64)
    keep = np.isfinite(values)
    return Candidates(n, m, rows[keep], cols[keep], values[keep])


@dataclass(frozen=True)
class RoundSolution:
    """A draft: each mentee's mentor (-1: none) and score, why the others have none, and the figures."""

    mentor_of: np.ndarray
    score_of: np.ndarray  # nan where unmatched
    unmatched: dict[int, str]
    total: float
    matched: int
    optimum_total: float  # the best total (and count) with no pair locked
    optimum_matched: int
    load: np.ndarray  # places taken per mentor
    capacity_total: int
    blocking_pairs: int  # a mentee and a mentor who both prefer each other to what they have

    @property
    def capacity_used(self) -> int:
        return int(self.load.sum())


def solve_round(
    candidates: Candidates | np.ndarray,
    capacities: Sequence[int] | np.ndarray,
    *,
    forbidden: Iterable[tuple[int, int]] = (),
    locked: Mapping[int, int | None] | None = None,
    objective: str = TOTAL,
    min_score: float = 0.0,
) -> RoundSolution:
    """The optimal draft for a round, keeping `locked` pairs (mentee → mentor, or None: unmatched)."""
    if objective not in OBJECTIVES:
        raise ValueError(f"objective must be one of {OBJECTIVES}, not {objective!r}")
    if not isinstance(candidates, Candidates):
        candidates = Candidates.from_dense(candidates)
    n, m = candidates.mentees, candidates.mentors
    caps = np.asarray(capacities, dtype=np.int64)
    if caps.shape != (m,) or (caps < 0).any():
        raise ValueError("capacities must give a non-negative number for every mentor")
    locked = dict(locked or {})
    rows, cols, scores = _allowed(candidates, forbidden)
    eligible = scores >= min_score

    mentor_of, load = _with_locks(rows, cols, caps, n, locked)
    free = np.ones(n, dtype=bool)
    free[list(locked)] = False
    use = eligible & free[rows] & (caps - load > 0)[cols]
    mentor_of = np.where(
        free, _assign(rows[use], cols[use], scores[use], caps - load, n, objective), mentor_of
    )
    load = np.bincount(mentor_of[mentor_of >= 0], minlength=m)

    score_of = np.full(n, np.nan)
    mine = mentor_of[rows] == cols
    score_of[rows[mine]] = scores[mine]
    matched_scores = score_of[mentor_of >= 0]
    total, matched = float(matched_scores.sum()), len(matched_scores)
    if locked:
        best = _assign(rows[eligible], cols[eligible], scores[eligible], caps, n, objective)
        optimum_total, optimum_matched = float(scores[best[rows] == cols].sum()), int((best >= 0).sum())
    else:
        optimum_total, optimum_matched = total, matched
    return RoundSolution(
        mentor_of=mentor_of,
        score_of=score_of,
        unmatched=_reasons(mentor_of, rows, eligible, locked),
        total=total,
        matched=matched,
        optimum_total=optimum_total,
        optimum_matched=optimum_matched,
        load=load,
        capacity_total=int(caps.sum()),
        blocking_pairs=_blocking_pairs(
            mentor_of, score_of, rows[eligible], cols[eligible], scores[eligible], caps, load
        ),
    )


def _allowed(candidates: Candidates, forbidden: Iterable[tuple[int, int]]):
    """The candidate pairs less the forbidden ones, one per pair (the best score when repeated)."""
    m = candidates.mentors
    rows = np.asarray(candidates.rows, dtype=np.int64)
    cols = np.asarray(candidates.cols, dtype=np.int64)
    scores = np.asarray(candidates.scores, dtype=np.float64)
    keep = np.isfinite(scores)
    banned = np.array([i * m + j for i, j in forbidden], dtype=np.int64)
    keys = rows * m + cols
    if len(banned):
        keep &= ~np.isin(keys, banned)
    order = np.lexsort((-scores[keep], keys[keep]))
    keys, scores = keys[keep][order], scores[keep][order]
    first = np.ones(len(keys), dtype=bool)
    first[1:] = keys[1:] != keys[:-1]
    return keys[first] // m, keys[first] % m, scores[first]


def _with_locks(rows, cols, caps, n: int, locked: Mapping[int, int | None]):
    """The locked part of the assignment and the places it takes; LockProblem when it can't be kept."""
    m = len(caps)
    mentor_of = np.full(n, -1, dtype=np.int64)
    keys = rows * m + cols  # sorted and unique (see _allowed)
    for mentee, mentor in locked.items():
        if not 0 <= mentee < n:
            raise LockProblem(f"mentee {mentee} is not in the round")
        if mentor is not None:
            at = np.searchsorted(keys, mentee * m + mentor)
            if not (0 <= mentor < m and at < len(keys) and keys[at] == mentee * m + mentor):
                raise LockProblem(f"mentee {mentee} and mentor {mentor} can't be matched")
            mentor_of[mentee] = mentor
    load = np.bincount(mentor_of[mentor_of >= 0], minlength=m)
    over = np.flatnonzero(load > caps)
    if len(over):
        raise LockProblem(f"mentor {int(over[0])} would have more mentees than places")
    return mentor_of, load


def _assign(rows, cols, scores, caps, n: int, objective: str) -> np.ndarray:
    """A maximum-weight assignment of mentees to mentors' places; -1 for mentees left out."""
    mentor_of = np.full(n, -1, dtype=np.int64)
    if not len(rows):
        return mentor_of
    # "count": any extra mentee outweighs every possible difference in total fit (at most n).
    weights = scores + (n + 1) if objective == COUNT else scores
    rows, cols, weights = _prune(rows, cols, weights, caps)
    # Only the places a mentor could fill, and only mentees with somewhere to go.
    places = np.minimum(caps, np.bincount(cols, minlength=len(caps)))
    first_place = np.concatenate([[0], np.cumsum(places)])
    people, row_at = np.unique(rows, return_inverse=True)
    width = int(first_place[-1])
    top = float(weights.max()) + 1.0  # costs stay positive: LAPJV treats the sparse entries as edges
    per_edge = places[cols]
    edge_rows = np.repeat(row_at, per_edge)
    offsets = np.arange(per_edge.sum()) - np.repeat(np.cumsum(per_edge) - per_edge, per_edge)
    edge_cols = np.repeat(first_place[cols], per_edge) + offsets
    edge_costs = np.repeat(top - weights, per_edge)
    k = len(people)
    graph = sp.csr_array(
        (
            np.concatenate([edge_costs, np.full(k, top)]),
            (np.concatenate([edge_rows, np.arange(k)]), np.concatenate([edge_cols, width + np.arange(k)])),
        ),
        shape=(k, width + k),
    )
    _, col_of = min_weight_full_bipartite_matching(graph)
    placed = col_of < width
    mentor_of[people[placed]] = np.searchsorted(first_place, col_of[placed], side="right") - 1
    return _fill_free_places(mentor_of, rows, cols, scores, caps)


def _prune(rows, cols, weights, caps):
    """Drop pairs no optimum needs: once a mentee's better mentors have as many places as there are
    mentees, one of those places is free in any assignment, and it is at least as good."""
    order = np.lexsort((-weights, rows))
    rows, cols, weights = rows[order], cols[order], weights[order]
    mentees = len(np.unique(rows))
    before = np.cumsum(caps[cols]) - caps[cols]
    starts = np.searchsorted(rows, rows)
    keep = before - (np.cumsum(caps[cols]) - caps[cols])[starts] < mentees
    return rows[keep], cols[keep], weights[keep]


def _fill_free_places(mentor_of, rows, cols, scores, caps) -> np.ndarray:
    """A zero-score pair costs nothing and the solver may skip it: give those mentees a free place."""
    load = np.bincount(mentor_of[mentor_of >= 0], minlength=len(caps))
    open_pairs = np.flatnonzero((mentor_of[rows] < 0) & (load[cols] < caps[cols]))
    for i in open_pairs[np.argsort(-scores[open_pairs], kind="stable")].tolist():
        mentee, mentor = rows[i], cols[i]
        if mentor_of[mentee] < 0 and load[mentor] < caps[mentor]:
            mentor_of[mentee] = mentor
            load[mentor] += 1
    return mentor_of


def _reasons(mentor_of, rows, eligible, locked) -> dict[int, str]:
    """Why each unmatched mentee has no mentor (in an optimum, every mentor they could have is full)."""
    has_candidate = np.bincount(rows, minlength=len(mentor_of)) > 0
    has_eligible = np.bincount(rows[eligible], minlength=len(mentor_of)) > 0
    reasons = {}
    for mentee in np.flatnonzero(mentor_of < 0).tolist():
        if mentee in locked:
            reasons[mentee] = LEFT_UNMATCHED
        elif not has_candidate[mentee]:
            reasons[mentee] = NO_ELIGIBLE_MENTOR
        elif not has_eligible[mentee]:
            reasons[mentee] = BELOW_MINIMUM
        else:
            reasons[mentee] = ALL_FULL
    return reasons


def _blocking_pairs(mentor_of, score_of, rows, cols, scores, caps, load) -> int:
    """Pairs who would both rather have each other: the mentee scores the mentor above their own
    (or has none), and the mentor has a free place or a mentee they score lower."""
    mine = np.where(mentor_of >= 0, score_of, -np.inf)
    worst = np.full(len(caps), np.inf)
    matched = np.flatnonzero(mentor_of >= 0)
    np.minimum.at(worst, mentor_of[matched], score_of[matched])
    worst[load < caps] = -np.inf
    wants = (mentor_of[rows] != cols) & (scores > mine[rows]) & (scores > worst[cols])
    return int(wants.sum())
