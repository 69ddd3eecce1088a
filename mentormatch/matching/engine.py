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
from functools import lru_cache
from itertools import pairwise

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from mentormatch.core.vocabulary import GOALS, REGIONS, SPECIALTIES, STAGE_BY_CODE
from mentormatch.matching.vocabulary import normalise

# How much each field counts in the cosine similarity: tags say more than free text.
FIELD_WEIGHTS = {"specialties": 0.45, "text": 0.40, "interests": 0.15}
# The blend; each part is in [0, 1] and the weights sum to 1, so scores stay in [0, 1].
MENTOR_WEIGHTS = {"similarity": 0.35, "goals": 0.20, "specialties": 0.15, "stage": 0.15, "region": 0.15}
PEER_WEIGHTS = {
    "similarity": 0.40,
    "goals": 0.15,
    "specialties": 0.15,
    "organisation": 0.15,
    "region": 0.10,
    "stage": 0.05,
}
UNMET_GOALS = 0.3  # reciprocity: a mentor offering none of the mentee's goals keeps 30% of the score
BUSY_PENALTY = 0.12  # fair exposure: at most this much off for many pending requests…
LAST_PLACE_PENALTY = 0.05  # …and this much for a mentor with one place left
BUSY_REQUESTS = 4  # pending requests at which the busy penalty is full
ALIKE = 0.3  # a cosine at which "your profiles read alike" is worth saying
COMPACT_AFTER = 512  # updated members kept aside before the matrices are rebuilt (not refitted)
CHUNK_ROWS = 2048  # candidates scored in one block; a multiple of GROUP_ROWS
BATCH_QUERIES = 128  # members scored together in a rebuild: a block of about 1 MB, which stays in cache
GROUP_ROWS = 32  # candidates whose best score is taken together to bound each member's k-th best


def _label(text: str) -> str:
    """'Emergency medicine' → 'emergency medicine', but 'ENT …' stays."""
    return text if text[1:2].isupper() else text[:1].lower() + text[1:]


SPECIALTY_LABELS = {code: _label(label) for code, label in SPECIALTIES.items()}
GOAL_LABELS = {code: _label(label) for code, label in GOALS.items()}
SPEC_BIT = {code: np.uint64(1) << np.uint64(i) for i, code in enumerate(SPECIALTIES)}
GOAL_BIT = {code: np.uint64(1) << np.uint64(i) for i, code in enumerate(GOALS)}
SPEC_CODES, GOAL_CODES = list(SPECIALTIES), list(GOALS)

# The structured fit is linear in indicator columns appended to each candidate's TF-IDF row (goal or
# offer bits, specialty bits, region, stage rank, a constant, a flag, organisation), so one sparse ×
# dense product scores the whole blend; these are the columns' offsets after the TF-IDF columns.
_GOAL = 0
_SPEC = _GOAL + len(GOALS)
_REGION = _SPEC + len(SPECIALTIES)
_RANK = _REGION + len(REGIONS)
RANK_OFFSET = 128  # stage ranks are int8: rank r is column _RANK + RANK_OFFSET + r
_CONST = _RANK + 256
_FLAG = _CONST + 1  # mentors: states no offers; peers: organisation known
_ORG = _FLAG + 1


@dataclass(frozen=True)
class Member:
    """What matching knows about one member.

    `offers` are the goals a mentor helps with; a mentor stating none is neither a match nor a
    mismatch for a mentee's goals (neutral, and no reciprocity penalty).
    """

    id: Hashable
    stage_rank: int
    organisation: str = ""
    region: str = ""
    specialties: frozenset[str] = frozenset()
    goals: frozenset[str] = frozenset()
    offers: frozenset[str] = frozenset()
    interests: frozenset[str] = frozenset()
    text: str = ""  # "about me" and "what I'm looking for"
    is_mentor: bool = False  # approved, not paused
    free_places: int = 0
    pending_requests: int = 0
    verified: bool = True
    stage: str = ""  # the stage code, for the reasons ("a few steps ahead: consultant")


@dataclass(frozen=True)
class Suggestion:
    """One suggested person: a score in [0, 1] and the plain-language reasons behind it."""

    id: Hashable
    score: float
    reasons: list[str]


@lru_cache(maxsize=4096)
def _named(specialties: int, goals: int) -> str:
    """'cardiology, exams' for bit masks of specialties and goals, in vocabulary order."""
    labels = [SPECIALTY_LABELS[code] for i, code in enumerate(SPEC_CODES) if specialties >> i & 1]
    labels += [GOAL_LABELS[code] for i, code in enumerate(GOAL_CODES) if goals >> i & 1]
    return ", ".join(labels)


# Reasons repeat: one shared string each keeps a whole rebuild's results small.
@lru_cache(maxsize=4096)
def _both(shared: str) -> str:
    return f"both: {shared}"


@lru_cache(maxsize=1024)
def _offered(goals: str) -> str:
    return f"you want help with {goals}; they offer it"


@lru_cache(maxsize=64)
def _same_region(region: str) -> str:
    return f"same region: {REGIONS[region]}"


@lru_cache(maxsize=256)
def _ahead(steps: int, stage_code: str) -> str:
    """'one step ahead: consultant'."""
    stage = STAGE_BY_CODE.get(stage_code)
    ahead = "one step ahead" if steps == 1 else "a few steps ahead" if steps == 2 else "more senior"
    return f"{ahead}: {_label(stage.label.split(' (')[0])}" if stage else ahead


def _bits(masks: np.ndarray, width: int) -> np.ndarray:
    """Bit masks as a (len(masks), width) boolean array."""
    return (masks[:, None] >> np.arange(width, dtype=np.uint64) & np.uint64(1)).astype(bool)


def _first_k(cols: np.ndarray, keys: np.ndarray, vals: np.ndarray, k: int):
    """Up to k entries per column, best score first; equal scores go to the lower key."""
    order = np.lexsort((keys, -vals, cols))
    cols, keys, vals = cols[order], keys[order], vals[order]
    keep = np.arange(len(cols)) - np.searchsorted(cols, cols) < k
    return cols[keep], keys[keep], vals[keep]


def _group_maxima(block: np.ndarray) -> np.ndarray:
    """The best score in each run of GROUP_ROWS candidates, per member: (groups × members)."""
    rows, width = block.shape
    full = rows - rows % GROUP_ROWS
    maxima = [block[:full].reshape(-1, GROUP_ROWS, width).max(axis=1)] if full else []
    if full < rows:
        maxima.append(block[full:].max(axis=0, keepdims=True))
    return np.concatenate(maxima) if len(maxima) > 1 else maxima[0]


def _best_rows(blocks: list[tuple[int, np.ndarray]], maxima: list[np.ndarray], k: int):
    """The k best candidates of each member over (first position, candidates × members) score blocks.

    Returns (member columns, positions, scores), exact, ties to the lower position, without sorting
    or partitioning the blocks: k groups reach the k-th best of the groups' maxima, so every one of
    the k best candidates sits in a group whose maximum reaches it, and only those groups are read.
    """
    group_maxima = np.concatenate(maxima)
    n, width = group_maxima.shape
    if n > k:
        floor = np.partition(group_maxima, n - k, axis=0)[n - k]
    else:
        floor = np.full(width, -np.inf, group_maxima.dtype)
    group, col = np.nonzero((group_maxima >= floor) & (group_maxima > -np.inf))
    ends = np.cumsum([len(m) for m in maxima])
    in_block = np.searchsorted(ends, group, side="right")
    found_col, found_at, found_score = [], [], []
    for b in np.unique(in_block).tolist():
        first, block = blocks[b]
        here = in_block == b
        row = (group[here] - (ends[b] - len(maxima[b])))[:, None] * GROUP_ROWS + np.arange(GROUP_ROWS)
        inside = row < len(block)
        row = np.minimum(row, len(block) - 1)
        here_col = col[here][:, None]
        score = block[row, here_col]
        keep = inside & (score >= floor[here_col]) & (score > -np.inf)
        found_col.append(np.broadcast_to(here_col, row.shape)[keep])
        found_at.append(first + row[keep])
        found_score.append(score[keep])
    if not found_col:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float32)
    return _first_k(np.concatenate(found_col), np.concatenate(found_at), np.concatenate(found_score), k)


@dataclass(frozen=True)
class _Pool:
    """Candidates (member indices, ascending) and their scoring rows, in blocks of CHUNK_ROWS."""

    members: np.ndarray
    chunks: list[tuple[int, sp.csr_matrix, np.ndarray]]  # (first position, rows, member indices)
    width: int
    patched: bool  # updated members: every rule is checked per candidate


def _mask(codes: Iterable[str], bits: dict[str, np.uint64]) -> np.uint64:
    mask = np.uint64(0)
    for code in codes:
        mask |= bits.get(code, np.uint64(0))
    return mask


def _tags(doc: list[str]) -> list[str]:
    return doc


class MatchingEngine:
    """Fitted TF-IDF rows for every member, candidate pools, and the structured fields as arrays."""

    def __init__(self) -> None:
        self._vectorizers: dict[str, TfidfVectorizer] = {}
        self._members: list[Member] = []
        self._index: dict[Hashable, int] = {}

    def __contains__(self, member_id: Hashable) -> bool:
        return member_id in self._index

    # --- fitting and updating ------------------------------------------------------------------

    def fit(self, members: Iterable[Member]) -> MatchingEngine:
        """Fit the vectorizers on everyone and build the candidate pools."""
        self._members = list(members)
        self._index = {member.id: i for i, member in enumerate(self._members)}
        self._hobbies = [frozenset(tag.casefold() for tag in member.interests) for member in self._members]
        if len(self._index) != len(self._members):
            raise ValueError("member ids must be unique")
        big = len(self._members) >= 1000
        self._vectorizers = {
            # Very common words say nothing about fit and make every product denser.
            "text": TfidfVectorizer(
                preprocessor=normalise,
                stop_words="english",
                sublinear_tf=True,
                dtype=np.float32,
                min_df=2 if big else 1,
                max_df=0.3 if big else 1.0,
            ),
            "specialties": TfidfVectorizer(analyzer=_tags, dtype=np.float32),
            "interests": TfidfVectorizer(analyzer=_tags, dtype=np.float32),
        }
        docs = self._documents(self._members)
        self._organisations: dict[str, int] = {}
        blocks = []
        for field, vectorizer in self._vectorizers.items():
            try:
                blocks.append(vectorizer.fit_transform(docs[field]))
            except ValueError:  # nobody wrote anything in this field: no vocabulary, an empty block
                vectorizer.vocabulary_ = {}
                blocks.append(sp.csr_matrix((len(self._members), 0), dtype=np.float32))
        self._rows = self._combine(blocks)
        self._arrays = self._structured(self._members)
        self._patches: dict[int, sp.csr_matrix] = {}
        self._build_pools()
        return self

    def update(self, member: Member) -> None:
        """Refresh (or add) one member with the fitted vectorizers; no refit."""
        docs = self._documents([member])
        blocks = []
        for field, vectorizer in self._vectorizers.items():
            if vectorizer.vocabulary_:
                blocks.append(vectorizer.transform(docs[field]))
            else:
                blocks.append(sp.csr_matrix((1, 0), dtype=np.float32))
        row = self._combine(blocks)
        i = self._index.get(member.id)
        fields = self._structured([member])
        if i is None:
            i = len(self._members)
            self._index[member.id] = i
            self._members.append(member)
            self._hobbies.append(frozenset())
            self._arrays = {key: np.concatenate([self._arrays[key], fields[key]]) for key in self._arrays}
        else:
            self._members[i] = member
            for key, values in fields.items():
                self._arrays[key][i] = values[0]
        self._hobbies[i] = frozenset(tag.casefold() for tag in member.interests)
        self._patches[i] = row
        self._arrays["stale"][i] = True
        if len(self._patches) > COMPACT_AFTER:
            self._compact()
        else:
            self._patch_rows()

    def _documents(self, members: list[Member]) -> dict[str, list]:
        return {
            "text": [member.text for member in members],
            "specialties": [sorted(member.specialties) for member in members],
            "interests": [sorted(tag.casefold() for tag in member.interests) for member in members],
        }

    def _combine(self, blocks: list[sp.csr_matrix]) -> sp.csr_matrix:
        scaled = [
            (normalize(block) if block.shape[1] else block) * np.float32(np.sqrt(weight))
            for block, weight in zip(blocks, FIELD_WEIGHTS.values(), strict=True)
        ]
        combined = sp.hstack(scaled, format="csr", dtype=np.float32)
        return normalize(combined) if combined.shape[1] else combined

    def _structured(self, members: list[Member]) -> dict[str, np.ndarray]:
        regions = {code: i for i, code in enumerate(REGIONS)}
        orgs = self._organisations
        for member in members:
            key = member.organisation.strip().casefold()
            if key and key not in orgs:
                orgs[key] = len(orgs)
        return {
            "rank": np.array([m.stage_rank for m in members], dtype=np.int8),
            "region": np.array([regions.get(m.region, -1) for m in members], dtype=np.int16),
            "org": np.array([orgs.get(m.organisation.strip().casefold(), -1) for m in members], np.int32),
            "spec": np.array([_mask(m.specialties, SPEC_BIT) for m in members], dtype=np.uint64),
            "goals": np.array([_mask(m.goals, GOAL_BIT) for m in members], dtype=np.uint64),
            "offers": np.array([_mask(m.offers, GOAL_BIT) for m in members], dtype=np.uint64),
            "mentor": np.array([m.is_mentor and m.free_places > 0 for m in members], dtype=bool),
            "free": np.array([m.free_places for m in members], dtype=np.int16),
            "pending": np.array([m.pending_requests for m in members], dtype=np.int16),
            "verified": np.array([m.verified for m in members], dtype=bool),
            "stale": np.zeros(len(members), dtype=bool),
        }

    def _build_pools(self) -> None:
        """Candidate pools per stage rank: everyone verified (peers), and the available mentors."""
        a = self._arrays
        live = a["verified"] & ~a["stale"]
        self._pools: dict[tuple[str, int], _Pool] = {}
        for rank in np.unique(a["rank"][live]).tolist():
            bucket = np.flatnonzero(live & (a["rank"] == rank))
            self._pools["peer", rank] = self._pool("peer", bucket, self._rows[bucket])
            mentors = bucket[a["mentor"][bucket]]
            if len(mentors):
                self._pools["mentor", rank] = self._pool("mentor", mentors, self._rows[mentors])
        self._patch_rows()

    def _patch_rows(self) -> None:
        self._patched = np.array(sorted(self._patches), dtype=np.int64)
        self._patch_pools: dict[str, _Pool] = {}
        if len(self._patched):
            rows = sp.vstack([self._patches[i] for i in self._patched], format="csr")
            for kind in ("mentor", "peer"):
                self._patch_pools[kind] = self._pool(kind, self._patched, rows, patched=True)

    def _pool(self, kind: str, members: np.ndarray, rows: sp.csr_matrix, patched: bool = False) -> _Pool:
        """Scoring rows: TF-IDF, then the indicator columns; a mentor's row is scaled by exposure."""
        a = self._arrays
        n, base = rows.shape
        bits = a["offers" if kind == "mentor" else "goals"][members]
        goal_row, goal_col = np.nonzero(_bits(bits, len(GOALS)))
        spec_row, spec_col = np.nonzero(_bits(a["spec"][members], len(SPECIALTIES)))
        region = a["region"][members].astype(np.int64)
        placed = np.flatnonzero(region >= 0)
        everyone = np.arange(n)
        org = a["org"][members].astype(np.int64)
        known = np.flatnonzero(org >= 0) if kind == "peer" else np.zeros(0, np.int64)
        flagged = np.flatnonzero(bits == 0) if kind == "mentor" else known
        row = np.concatenate([goal_row, spec_row, placed, everyone, everyone, flagged, known])
        col = np.concatenate(
            [
                _GOAL + goal_col,
                _SPEC + spec_col,
                _REGION + region[placed],
                _RANK + RANK_OFFSET + a["rank"][members].astype(np.int64),
                np.full(n, _CONST),
                np.full(len(flagged), _FLAG),
                _ORG + org[known],
            ]
        )
        width = base + _ORG + len(self._organisations)
        extra = sp.csr_matrix((np.ones(len(row), np.float32), (row, col)), shape=(n, width - base))
        matrix = sp.hstack([rows, extra], format="csr", dtype=np.float32)
        if kind == "mentor":
            pending, free = a["pending"][members], a["free"][members]
            busy = np.minimum(pending / BUSY_REQUESTS, 1)
            exposure = 1 - BUSY_PENALTY * busy - LAST_PLACE_PENALTY * (free == 1)
            matrix = (sp.diags(exposure.astype(np.float32)) @ matrix).tocsr()
        matrix.sort_indices()
        chunks = [
            (start, matrix[start : start + CHUNK_ROWS], members[start : start + CHUNK_ROWS])
            for start in range(0, n, CHUNK_ROWS)
        ]
        return _Pool(members, chunks, width, patched)

    def _compact(self) -> None:
        """Fold the updated rows into the main matrix and rebuild the pools (the vectorizers stay)."""
        n = len(self._members)
        rows = self._rows
        if rows.shape[0] < n:
            rows = sp.vstack([rows, sp.csr_matrix((n - rows.shape[0], rows.shape[1]), dtype=np.float32)])
        keep = np.ones(n, dtype=np.float32)
        keep[self._patched] = 0
        patch = sp.vstack([self._patches[i] for i in self._patched], format="coo")
        placed = sp.csr_matrix(
            (patch.data, (self._patched[patch.row], patch.col)), shape=rows.shape, dtype=np.float32
        )
        self._rows = (sp.diags(keep) @ rows + placed).tocsr()
        self._patches = {}
        self._arrays["stale"][:] = False
        self._build_pools()

    def _query_rows(self, queries: np.ndarray) -> sp.csr_matrix:
        if not self._patches:
            return self._rows[queries]
        return sp.vstack(
            [self._patches[i] if i in self._patches else self._rows[i] for i in queries.tolist()],
            format="csr",
        )

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
        for pool in pools:
            for start, rows, members in pool.chunks:
                block = rows @ scoring[: rows.shape[1]]  # candidates × queries
                for first, last, wants in runs:
                    offers = a["offers"][members]
                    unmet = (offers != 0) & (offers & wants == 0)  # stated offers, none of these goals
                    if unmet.any():
                        factor = np.where(unmet, np.float32(UNMET_GOALS), np.float32(1))
                        block[:, first:last] *= factor[:, None]
                if pool.patched:
                    block[~self._eligible(kind, members, rank)] = -np.inf
                elif self._patches:
                    block[a["stale"][members]] = -np.inf
                at = np.minimum(np.searchsorted(members, blocked), len(members) - 1)
                hit = members[at] == blocked
                block[at[hit], blocked_col[hit]] = -np.inf
                blocks.append((offset + start, block))
                maxima.append(_group_maxima(block))  # while the block is still in cache
            offset += len(pool.members)
        col, at, score = _best_rows(blocks, maxima, k)
        chosen = np.concatenate([pool.members for pool in pools])[at]
        said = self._explain(kind, queries[col], chosen) if reasons else [[] for _ in chosen]
        ids = [self._members[c].id for c in chosen.tolist()]
        scores = np.clip(score, 0.0, 1.0).tolist()  # rounding can stray past 1 by a float32 ulp
        bounds = np.searchsorted(col, np.arange(len(queries) + 1)).tolist()
        return [
            [Suggestion(id=ids[j], score=scores[j], reasons=said[j]) for j in range(first, last)]
            for first, last in pairwise(bounds)
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
        a = self._arrays
        weights = MENTOR_WEIGHTS if kind == "mentor" else PEER_WEIGHTS
        x = self._query_rows(queries)
        base = x.shape[1]
        matrix = np.zeros((width, len(queries)), dtype=np.float32)
        np.multiply(x.T.toarray(), np.float32(weights["similarity"]), out=matrix[:base])
        cols = np.arange(len(queries))
        goals, spec = a["goals"][queries], a["spec"][queries]
        n_goals = np.bitwise_count(goals)
        per_goal = weights["goals"] / np.maximum(n_goals, 1)
        matrix[base + _GOAL : base + _SPEC] = (_bits(goals, len(GOALS)) * per_goal[:, None]).T
        per_spec = weights["specialties"] / np.maximum(np.bitwise_count(spec), 1)
        matrix[base + _SPEC : base + _REGION] = (_bits(spec, len(SPECIALTIES)) * per_spec[:, None]).T
        region = a["region"][queries].astype(np.int64)
        placed = region >= 0
        matrix[base + _REGION + region[placed], cols[placed]] = weights["region"]
        diff = np.arange(256) - RANK_OFFSET - rank
        if kind == "mentor":
            stage = np.select([diff <= 2, diff == 3], [1.0, 0.6], 0.3)
            # Wanting nothing in particular, or a mentor stating no offers: neutral, not a mismatch.
            matrix[base + _CONST] = np.where(n_goals > 0, 0.0, 0.5 * weights["goals"])
            matrix[base + _FLAG] = np.where(n_goals > 0, 0.5 * weights["goals"], 0.0)
        else:
            stage = np.where(diff == 0, 1.0, 0.5)
            # Organisation: 1 when both are known and differ, 0 when the same, 0.5 when either is unknown.
            org = a["org"][queries].astype(np.int64)
            known = (org >= 0) & (base + _ORG + org < width)
            matrix[base + _CONST] = 0.5 * weights["organisation"]
            matrix[base + _FLAG] = np.where(org >= 0, 0.5 * weights["organisation"], 0.0)
            matrix[base + _ORG + org[known], cols[known]] = -weights["organisation"]
        matrix[base + _RANK : base + _RANK + 256] = (weights["stage"] * stage)[:, None]
        return matrix

    # --- reasons -------------------------------------------------------------------------------

    def _explain(self, kind: str, queries: np.ndarray, candidates: np.ndarray) -> list[list[str]]:
        """Plain words for what contributed to each (query, candidate) pair, naming only what both have."""
        a = self._arrays
        if not len(queries):
            return []
        rows = self._query_rows(queries).multiply(self._query_rows(candidates))
        alike = (np.asarray(rows.sum(axis=1)).ravel() >= ALIKE).tolist()
        spec = (a["spec"][queries] & a["spec"][candidates]).tolist()
        region = a["region"][queries]
        same_region = ((region >= 0) & (region == a["region"][candidates])).tolist()
        if kind == "mentor":
            met = (a["goals"][queries] & a["offers"][candidates]).tolist()
            steps = (a["rank"][candidates].astype(np.int16) - a["rank"][queries]).tolist()
        else:
            both_want = (a["goals"][queries] & a["goals"][candidates]).tolist()
            org_q, org_c = a["org"][queries], a["org"][candidates]
            other_org = ((org_q >= 0) & (org_c >= 0) & (org_q != org_c)).tolist()
        known = self._vectorizers["interests"].vocabulary_
        said = []
        for i, (q, c) in enumerate(zip(queries.tolist(), candidates.tolist(), strict=True)):
            me, them = self._members[q], self._members[c]
            shared = _named(spec[i], both_want[i] if kind == "peer" else 0)
            reasons = [_both(shared)] if shared else []
            if kind == "mentor":
                if met[i]:
                    reasons.append(_offered(_named(0, met[i])))
                reasons.append(_ahead(steps[i], them.stage))
            elif other_org[i]:
                reasons.append(f"from another organisation: {them.organisation.strip()}")
            if same_region[i]:
                reasons.append(_same_region(me.region))
            hobbies = self._hobbies[q] & self._hobbies[c]
            if hobbies:
                hobbies = sorted(tag for tag in hobbies if tag in known)
                if hobbies:
                    reasons.append(f"both enjoy {', '.join(hobbies)}")
            if alike[i]:
                reasons.append("your profiles read alike")
            said.append(reasons)
        return said


def _check(kind: str) -> None:
    if kind not in ("mentor", "peer"):
        raise ValueError(f"kind must be 'mentor' or 'peer', not {kind!r}")
