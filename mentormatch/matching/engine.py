"""Suggested mentors and peers: TF-IDF cosine similarity blended with the structured fit.

Plain Python with NumPy/SciPy/scikit-learn (no Flask, no database), so it can be tested and
benchmarked alone. The caller turns profiles into `Member` records, fits once, and asks per member:

    engine = MatchingEngine().fit(members)
    engine.suggest_mentors(member_id, k=10, exclude=connected | pending | dismissed)
    engine.update(changed_member)  # no refit: the next query sees the change

Rules that are never broken are filters, not penalties: nobody suggests themselves, anyone in
`exclude`, or an unverified member; a mentor is available (`is_mentor` and a free place) and of a
strictly higher stage rank; peers are at most one rank apart.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from mentormatch.matching.blend import ALIKE, MENTOR_WEIGHTS, PEER_WEIGHTS, UNMET_GOALS, query_matrix
from mentormatch.matching.fitting import Fitting, Member, _Pool
from mentormatch.matching.reasons import (
    explain_pairs,
)
from mentormatch.matching.topk import _best_rows, _group_maxima

BATCH_QUERIES = 128  # members scored together in a rebuild: a block of about 1 MB, which stays in cache


@dataclass(frozen=True)
class Suggestion:
    """One suggested person: the fit in [0, 1], the plain-language reasons, and its standing.

    `top` is the share of everyone eligible for this member (by every rule, exclusions too) that
    ranks at or above this suggestion: 0.03 is "a top 3 % match for you" (docs/matching.md).
    """

    id: Hashable
    score: float
    reasons: list[str]
    top: float = 1.0


class MatchingEngine(Fitting):
    """Fitted TF-IDF rows for every member, candidate pools, and the structured fields as arrays."""

    def __init__(self, weights: dict[str, dict[str, float]] | None = None) -> None:
        """`weights`: a programme's own blend by kind ("mentor", "peer"), learned from its outcomes
        (matching/learning.py); the defaults in matching/blend.py otherwise."""
        self._weights = weights or {}
        self._vectorizers: dict[str, TfidfVectorizer] = {}
        self._members: list[Member] = []
        self._index: dict[Hashable, int] = {}

    def __contains__(self, member_id: Hashable) -> bool:
        return member_id in self._index

    # --- suggestions ---------------------------------------------------------------------------

    def suggest_mentors(
        self, member_id: Hashable, k: int = 10, exclude: Iterable[Hashable] = frozenset()
    ) -> list[Suggestion]:
        """The k best available mentors for a member, more senior, suiting both sides; best first."""
        return self._suggest("mentor", np.array([self._index[member_id]]), k, [exclude])[0]

    def suggest_peers(
        self, member_id: Hashable, k: int = 10, exclude: Iterable[Hashable] = frozenset()
    ) -> list[Suggestion]:
        """The k best peers within one stage of a member, preferably from other organisations."""
        return self._suggest("peer", np.array([self._index[member_id]]), k, [exclude])[0]

    def suggest_all(
        self, kind: str, k: int = 10, members: Iterable[Hashable] | None = None, reasons: bool = True
    ) -> dict[Hashable, list[Suggestion]]:
        """Suggestions of one kind ("mentor" or "peer") for every member (or those given): the rebuild.

        The same ids, scores and order as asking member by member. With `reasons=False` every
        suggestion's reasons are empty; `explain` gives them later for the pairs that are kept.
        """
        a = self._arrays
        chosen = (
            np.arange(len(self._members))
            if members is None
            else np.array([self._index[m] for m in members], dtype=np.int64)
        )
        result: dict[Hashable, list[Suggestion]] = {}
        for rank in np.unique(a["rank"][chosen]):  # a batch shares one rank, so one set of pools
            group = chosen[a["rank"][chosen] == rank]
            # Members wanting the same goals sit together, so a batch has few unmet-goals factors.
            group = group[np.argsort(a["goals"][group], kind="stable")]
            for start in range(0, len(group), BATCH_QUERIES):
                queries = group[start : start + BATCH_QUERIES]
                found = self._suggest(kind, queries, k, [()] * len(queries), reasons)
                result.update(zip((self._members[i].id for i in queries), found, strict=True))
        return result

    def explain(
        self, kind: str, member_id: Hashable, other_ids: Iterable[Hashable]
    ) -> dict[Hashable, list[str]]:
        """The reasons `suggest_*` would give for suggesting each of `other_ids` to a member."""
        _check(kind)
        others = np.array([self._index[other] for other in other_ids], dtype=np.int64)
        said = self._explain(kind, np.full(len(others), self._index[member_id]), others)
        return {self._members[c].id: reasons for c, reasons in zip(others.tolist(), said, strict=True)}

    def score_mentor_pairs(self, member_ids: list[Hashable], mentor_ids: list[Hashable]) -> np.ndarray:
        """Every (member, mentor) score as `suggest_mentors` would give it, -inf where a rule forbids it.

        A dense (members × mentors) float32 array, for a cohort round's assignment: the same blend,
        reciprocity and exposure, over exactly the mentors given (available ones only).
        """
        a = self._arrays
        queries = np.array([self._index[m] for m in member_ids], dtype=np.int64)
        mentors = np.array([self._index[m] for m in mentor_ids], dtype=np.int64)
        scores = np.full((len(queries), len(mentors)), -np.inf, dtype=np.float32)
        if not len(queries) or not len(mentors):
            return scores
        pool = self._pool("mentor", mentors, self._query_rows(mentors))
        for rank in np.unique(a["rank"][queries]).tolist():
            group = np.flatnonzero(a["rank"][queries] == rank)
            eligible = self._eligible("mentor", mentors, rank)
            for first in range(0, len(group), BATCH_QUERIES):
                cols = group[first : first + BATCH_QUERIES]
                batch = queries[cols]
                scoring = self._query_matrix("mentor", batch, rank, pool.width)
                wants = a["goals"][batch]
                for start, rows, members in pool.chunks:
                    block = rows @ scoring[: rows.shape[1]]  # mentors × members
                    offers = a["offers"][members][:, None]
                    unmet = (offers != 0) & (offers & wants[None, :] == 0) & (wants[None, :] != 0)
                    block[unmet] *= np.float32(UNMET_GOALS)
                    block[~eligible[start : start + len(members)]] = -np.inf
                    scores[cols[:, None], start + np.arange(len(members))[None, :]] = block.T
        scores[queries[:, None] == mentors[None, :]] = -np.inf
        finite = np.isfinite(scores)
        scores[finite] = np.clip(scores[finite], 0.0, 1.0)
        return scores

    def part_scores(self, kind: str, member_id: Hashable, other_ids: list[Hashable]) -> np.ndarray:
        """Each part of the blend (in `MENTOR_WEIGHTS` or `PEER_WEIGHTS` order), 0–1, for each pair.

        A (len(other_ids) × parts) array, before reciprocity and fair exposure: what a programme's
        outcomes are fitted on (matching/learning.py). The rules are not checked here.
        """
        _check(kind)
        names = list(MENTOR_WEIGHTS if kind == "mentor" else PEER_WEIGHTS)
        query = np.array([self._index[member_id]])
        others = np.array([self._index[o] for o in other_ids], dtype=np.int64)
        rank = int(self._arrays["rank"][query[0]])
        scores = np.zeros((len(others), len(names)), dtype=np.float32)
        if not len(others):
            return scores
        pool = self._pool(kind, others, self._query_rows(others), exposed=False)
        for j, name in enumerate(names):
            alone = {part: float(part == name) for part in names}
            column = query_matrix(self._arrays, kind, query, rank, pool.width, self._query_rows(query), alone)
            offset = 0
            for _, rows, _ in pool.chunks:
                scores[offset : offset + rows.shape[0], j] = (rows @ column[: rows.shape[1]]).ravel()
                offset += rows.shape[0]
        return scores

    def _candidates(self, kind: str, rank: int) -> list[_Pool]:
        _check(kind)
        if kind == "mentor":
            ranks = sorted(r for pool_kind, r in self._pools if pool_kind == "mentor" and r > rank)
        else:
            ranks = [r for r in (rank - 1, rank, rank + 1) if ("peer", r) in self._pools]
        pools = [self._pools[kind, r] for r in ranks]
        if kind in self._patch_pools:
            pools.append(self._patch_pools[kind])
        return pools

    def _suggest(
        self,
        kind: str,
        queries: np.ndarray,
        k: int,
        excludes: list[Iterable[Hashable]],
        reasons: bool = True,
    ) -> list[list[Suggestion]]:
        a = self._arrays
        ranks = np.unique(a["rank"][queries])
        if len(ranks) > 1:
            raise ValueError("a batch of queries must share one stage rank")
        rank = int(ranks[0])
        pools = self._candidates(kind, rank)
        if not pools or k <= 0:
            return [[] for _ in queries]
        scoring = self._query_matrix(kind, queries, rank, max(pool.width for pool in pools))
        runs = self._unmet_runs(queries) if kind == "mentor" else []
        blocked_col, blocked = self._blocked(queries, excludes)
        blocks, maxima = [], []
        offset = 0
        eligible = np.zeros(len(queries), dtype=np.int64)  # candidates each query may be shown
        for pool in pools:
            for start, rows, members in pool.chunks:
                block = rows @ scoring[: rows.shape[1]]  # candidates × queries
                for first, last, wants in runs:
                    offers = a["offers"][members]
                    unmet = (offers != 0) & (offers & wants == 0)  # stated offers, none of these goals
                    if unmet.any():
                        factor = np.where(unmet, np.float32(UNMET_GOALS), np.float32(1))
                        block[:, first:last] *= factor[:, None]
                allowed = np.ones(len(members), dtype=bool)
                if pool.patched:
                    allowed = self._eligible(kind, members, rank)
                elif self._patches:
                    allowed = ~a["stale"][members]
                block[~allowed] = -np.inf
                at = np.minimum(np.searchsorted(members, blocked), len(members) - 1)
                hit = (members[at] == blocked) & allowed[at]
                block[at[hit], blocked_col[hit]] = -np.inf
                eligible += int(allowed.sum()) - np.bincount(blocked_col[hit], minlength=len(queries))
                blocks.append((offset + start, block))
                maxima.append(_group_maxima(block))  # while the block is still in cache
            offset += len(pool.members)
        col, at, score = _best_rows(blocks, maxima, k)
        chosen = np.concatenate([pool.members for pool in pools])[at]
        said = self._explain(kind, queries[col], chosen) if reasons else [[] for _ in chosen]
        ids = [self._members[c].id for c in chosen.tolist()]
        scores = np.clip(score, 0.0, 1.0).tolist()  # rounding can stray past 1 by a float32 ulp
        bounds = np.searchsorted(col, np.arange(len(queries) + 1)).tolist()
        out_of = np.maximum(eligible, 1).tolist()
        return [
            [
                Suggestion(ids[j], scores[j], said[j], top=min((j - first + 1) / out_of[q], 1.0))
                for j in range(first, last)
            ]
            for q, (first, last) in enumerate(pairwise(bounds))
        ]

    def _eligible(self, kind: str, members: np.ndarray, rank: int) -> np.ndarray:
        a = self._arrays
        diff = a["rank"][members].astype(np.int16) - rank
        if kind == "mentor":
            return a["verified"][members] & a["mentor"][members] & (diff >= 1)
        return a["verified"][members] & (np.abs(diff) <= 1)

    def _unmet_runs(self, queries: np.ndarray) -> list[tuple[int, int, np.uint64]]:
        """(first, last, goals) for each run of queries wanting the same goals, when they want any."""
        wants = self._arrays["goals"][queries]
        edges = [0, *(np.flatnonzero(wants[1:] != wants[:-1]) + 1).tolist(), len(wants)]
        return [(first, last, wants[first]) for first, last in pairwise(edges) if wants[first]]

    def _blocked(self, queries: np.ndarray, excludes: list[Iterable[Hashable]]):
        """(query column, member index) pairs never suggested: each member themself, and their excludes."""
        cols, members = [np.arange(len(queries))], [queries]
        for col, exclude in enumerate(excludes):
            found = [self._index[e] for e in exclude if e in self._index]
            cols.append(np.full(len(found), col))
            members.append(np.array(found, dtype=np.int64))
        return np.concatenate(cols), np.concatenate(members)

    def _query_matrix(self, kind: str, queries: np.ndarray, rank: int, width: int) -> np.ndarray:
        """Each query as a dense column of weights: candidate rows @ it give the whole blended score."""
        x = self._query_rows(queries)
        return query_matrix(self._arrays, kind, queries, rank, width, x, self._weights.get(kind))

    # --- reasons -------------------------------------------------------------------------------

    def _explain(self, kind: str, queries: np.ndarray, candidates: np.ndarray) -> list[list[str]]:
        """Plain words for what contributed to each (query, candidate) pair (matching/reasons.py)."""
        if not len(queries):
            return []
        rows = self._query_rows(queries).multiply(self._query_rows(candidates))
        return explain_pairs(
            kind,
            queries,
            candidates,
            arrays=self._arrays,
            members=self._members,
            hobbies=self._hobbies,
            known_hobbies=self._vectorizers["interests"].vocabulary_,
            alike=(np.asarray(rows.sum(axis=1)).ravel() >= ALIKE).tolist(),
        )


def _check(kind: str) -> None:
    if kind not in ("mentor", "peer"):
        raise ValueError(f"kind must be 'mentor' or 'peer', not {kind!r}")
