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

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from mentormatch.matching.vocabulary import normalise
from mentormatch.vocabulary import GOALS, REGIONS, SPECIALTIES, STAGE_BY_CODE

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
BATCH_CELLS = 2_000_000  # query × candidate cells scored at once in a rebuild


def _label(text: str) -> str:
    """'Emergency medicine' → 'emergency medicine', but 'ENT …' stays."""
    return text if text[1:2].isupper() else text[:1].lower() + text[1:]


SPECIALTY_LABELS = {code: _label(label) for code, label in SPECIALTIES.items()}
GOAL_LABELS = {code: _label(label) for code, label in GOALS.items()}
ORDER = {code: i for i, code in enumerate([*SPECIALTIES, *GOALS])}
SPEC_BIT = {code: np.uint64(1) << np.uint64(i) for i, code in enumerate(SPECIALTIES)}
GOAL_BIT = {code: np.uint64(1) << np.uint64(i) for i, code in enumerate(GOALS)}


@dataclass(frozen=True)
class Member:
    """What matching knows about one member; `offers` are the goals a mentor helps with."""

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


def _labels(codes: frozenset[str], labels: dict[str, str]) -> list[str]:
    """The labels of the known codes, in vocabulary order."""
    return [labels[code] for code in sorted(codes, key=lambda code: ORDER.get(code, -1)) if code in labels]


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
        """Candidate matrices, transposed for row × matrix products: mentors, and one per stage rank."""
        a = self._arrays
        live = a["verified"] & ~a["stale"]
        self._pools: dict[object, tuple[np.ndarray, sp.csr_matrix]] = {}
        mentors = np.flatnonzero(live & a["mentor"])
        self._pools["mentor"] = (mentors, self._rows[mentors].T.tocsr())
        for rank in np.unique(a["rank"]):
            bucket = np.flatnonzero(live & (a["rank"] == rank))
            self._pools[int(rank)] = (bucket, self._rows[bucket].T.tocsr())
        self._patch_rows()

    def _patch_rows(self) -> None:
        self._patched = np.array(sorted(self._patches), dtype=np.int64)
        self._patch_matrix_t = (
            sp.vstack([self._patches[i] for i in self._patched], format="csr").T.tocsr()
            if len(self._patched)
            else None
        )

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
        self, kind: str, k: int = 10, members: Iterable[Hashable] | None = None
    ) -> dict[Hashable, list[Suggestion]]:
        """Suggestions of one kind ("mentor" or "peer") for every member (or those given): the rebuild."""
        ranks = self._arrays["rank"]
        chosen = (
            np.arange(len(self._members)) if members is None else np.array([self._index[m] for m in members])
        )
        result: dict[Hashable, list[Suggestion]] = {}
        for rank in np.unique(ranks[chosen]):  # a batch shares one rank, so one set of peer pools
            group = chosen[ranks[chosen] == rank]
            width = sum(len(pool) for pool, _ in self._candidates(kind, int(rank)))
            batch = max(1, BATCH_CELLS // max(width, 1))  # bounds the memory of the dense score blocks
            for start in range(0, len(group), batch):
                queries = group[start : start + batch]
                found = self._suggest(kind, queries, k, [()] * len(queries))
                result.update(zip((self._members[i].id for i in queries), found, strict=True))
        return result

    def _candidates(self, kind: str, rank: int) -> list[tuple[np.ndarray, sp.csr_matrix]]:
        if kind == "mentor":
            pools = [self._pools["mentor"]]
        elif kind == "peer":
            pools = [self._pools[r] for r in (rank - 1, rank, rank + 1) if r in self._pools]
        else:
            raise ValueError(f"kind must be 'mentor' or 'peer', not {kind!r}")
        if len(self._patched):
            pools.append((self._patched, self._patch_matrix_t))
        return [pool for pool in pools if len(pool[0])]

    def _suggest(
        self, kind: str, queries: np.ndarray, k: int, excludes: list[Iterable[Hashable]]
    ) -> list[list[Suggestion]]:
        a = self._arrays
        ranks = {int(r) for r in a["rank"][queries]}
        if kind == "peer" and len(ranks) > 1:
            raise ValueError("a batch of peer queries must share one stage rank")
        pools = self._candidates(kind, ranks.pop())
        if not pools or k <= 0:
            return [[] for _ in queries]
        x = self._query_rows(queries)
        candidates = np.concatenate([pool for pool, _ in pools])
        cosine = np.hstack([(x @ matrix).toarray() for _, matrix in pools])
        np.clip(cosine, 0.0, 1.0, out=cosine)
        fresh = np.concatenate(
            [np.ones(len(pool), bool) if pool is self._patched else ~a["stale"][pool] for pool, _ in pools]
        )
        score, parts = (self._mentor_fit if kind == "mentor" else self._peer_fit)(queries, candidates, cosine)
        score[:, ~fresh] = -np.inf
        results = []
        for row, (q, exclude) in enumerate(zip(queries.tolist(), excludes, strict=True)):
            line = score[row]
            blocked = [self._index[e] for e in exclude if e in self._index]
            if blocked:
                line[np.isin(candidates, blocked)] = -np.inf
            line[candidates == q] = -np.inf
            top = self._top(line, k)
            results.append(
                [
                    Suggestion(
                        id=self._members[candidates[j]].id,
                        score=float(line[j]),
                        reasons=self._reasons(kind, q, int(candidates[j]), {p: v[row, j] for p, v in parts}),
                    )
                    for j in top
                ]
            )
        return results

    @staticmethod
    def _top(line: np.ndarray, k: int) -> np.ndarray:
        valid = np.flatnonzero(np.isfinite(line))
        if len(valid) > k:
            valid = valid[np.argpartition(-line[valid], k - 1)[:k]]
        return valid[np.argsort(-line[valid], kind="stable")]

    def _common(self, queries: np.ndarray, candidates: np.ndarray) -> dict[str, np.ndarray]:
        a = self._arrays
        q, c = queries[:, None], candidates[None, :]
        spec_q = a["spec"][q]
        shared_spec = np.bitwise_count(spec_q & a["spec"][c])
        return {
            "diff": a["rank"][c].astype(np.int16) - a["rank"][q],
            "specialties": shared_spec / np.maximum(np.bitwise_count(spec_q), 1),
            "region": ((a["region"][q] == a["region"][c]) & (a["region"][q] >= 0)).astype(np.float32),
            "ok": a["verified"][c] & (c != q),
        }

    def _mentor_fit(self, queries: np.ndarray, candidates: np.ndarray, cosine: np.ndarray):
        a = self._arrays
        common = self._common(queries, candidates)
        diff = common["diff"]
        wants = a["goals"][queries][:, None]
        met = np.bitwise_count(wants & a["offers"][candidates][None, :])
        has_goals = np.bitwise_count(wants) > 0
        goals = np.where(has_goals, met / np.maximum(np.bitwise_count(wants), 1), 0.5)
        stage = np.select([diff <= 2, diff == 3], [1.0, 0.6], 0.3)
        parts = {
            "similarity": cosine,
            "goals": goals,
            "specialties": common["specialties"],
            "stage": stage,
            "region": common["region"],
        }
        score = sum(MENTOR_WEIGHTS[name] * value for name, value in parts.items())
        score = score * np.where(has_goals & (met == 0), UNMET_GOALS, 1.0)
        pending, free = a["pending"][candidates], a["free"][candidates]
        busy = np.minimum(pending / BUSY_REQUESTS, 1)
        exposure = 1 - BUSY_PENALTY * busy - LAST_PLACE_PENALTY * (free == 1)
        score = np.clip(score * exposure[None, :], 0.0, 1.0)
        eligible = common["ok"] & (diff >= 1) & a["mentor"][candidates][None, :] & (free > 0)[None, :]
        score[~eligible] = -np.inf
        return score, [
            ("similarity", cosine),
            ("goals_met", met),
            ("specialties", common["specialties"]),
            ("region", common["region"]),
            ("diff", diff),
        ]

    def _peer_fit(self, queries: np.ndarray, candidates: np.ndarray, cosine: np.ndarray):
        a = self._arrays
        common = self._common(queries, candidates)
        diff = common["diff"]
        goals_q = a["goals"][queries][:, None]
        shared_goals = np.bitwise_count(goals_q & a["goals"][candidates][None, :])
        org_q, org_c = a["org"][queries][:, None], a["org"][candidates][None, :]
        known = (org_q >= 0) & (org_c >= 0)
        parts = {
            "similarity": cosine,
            "goals": shared_goals / np.maximum(np.bitwise_count(goals_q), 1),
            "specialties": common["specialties"],
            "organisation": np.where(known, (org_q != org_c).astype(np.float32), 0.5),
            "region": common["region"],
            "stage": np.where(diff == 0, 1.0, 0.5),
        }
        score = np.clip(sum(PEER_WEIGHTS[name] * value for name, value in parts.items()), 0.0, 1.0)
        score[~(common["ok"] & (np.abs(diff) <= 1))] = -np.inf
        return score, [
            ("similarity", cosine),
            ("goals", shared_goals),
            ("specialties", common["specialties"]),
            ("region", common["region"]),
            ("other_org", known & (org_q != org_c)),
        ]

    # --- reasons -------------------------------------------------------------------------------

    def _reasons(self, kind: str, q: int, c: int, parts: dict[str, float]) -> list[str]:
        """Plain words for what contributed, naming only what both people have."""
        me, them = self._members[q], self._members[c]
        shared = _labels(me.specialties & them.specialties, SPECIALTY_LABELS)
        if kind == "peer":
            shared += _labels(me.goals & them.goals, GOAL_LABELS)
        reasons = [f"both: {', '.join(shared)}"] if shared else []
        if kind == "mentor":
            met = _labels(me.goals & them.offers, GOAL_LABELS)
            if met:
                reasons.append(f"you want help with {', '.join(met)}; they offer it")
            steps = them.stage_rank - me.stage_rank
            stage = STAGE_BY_CODE.get(them.stage)
            ahead = "one step ahead" if steps == 1 else "a few steps ahead" if steps == 2 else "more senior"
            reasons.append(f"{ahead}: {_label(stage.label.split(' (')[0])}" if stage else ahead)
        elif parts["other_org"]:
            reasons.append(f"from another organisation: {them.organisation.strip()}")
        if parts["region"]:
            reasons.append(f"same region: {REGIONS[me.region]}")
        known = self._vectorizers["interests"].vocabulary_
        hobbies = sorted(tag for tag in self._hobbies[q] & self._hobbies[c] if tag in known)
        if hobbies:
            reasons.append(f"both enjoy {', '.join(hobbies)}")
        if parts["similarity"] >= ALIKE:
            reasons.append("your profiles read alike")
        return reasons
