"""Fitting the engine: TF-IDF over each member's text and tags, the structured columns, and the
candidate pools scored in blocks; updating one member without a refit.

`MatchingEngine` (engine.py) is this plus the suggestions it answers from what was fitted.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Self

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from mentormatch.core.vocabulary import GOALS, REGIONS, SPECIALTIES
from mentormatch.matching.reading import Reading, hobby_name, read
from mentormatch.matching.topk import _bits
from mentormatch.matching.vocabulary import normalise

# How much each field counts in the cosine similarity (specialties also count in the structured
# fit, so here hobbies, ticked and written, weigh most). Chosen as docs/matching.md says.
FIELD_WEIGHTS = {"specialties": 0.20, "text": 0.20, "interests": 0.60}
COMPACT_AFTER = 512  # updated members kept aside before the matrices are rebuilt (not refitted)
CHUNK_ROWS = 2048  # candidates scored in one block; a multiple of GROUP_ROWS
SPEC_BIT = {code: np.uint64(1) << np.uint64(i) for i, code in enumerate(SPECIALTIES)}
GOAL_BIT = {code: np.uint64(1) << np.uint64(i) for i, code in enumerate(GOALS)}
# The structured fit is linear in indicator columns appended to each candidate's TF-IDF row (goal or
# offer bits, specialty bits, region, stage rank, a constant, a flag, organisation), so one sparse ×
# dense product scores the whole blend; these are the columns' offsets after the TF-IDF columns.
# A code read from someone's text (not ticked) has the value READ instead of 1 in its column.
_GOAL = 0
_SPEC = _GOAL + len(GOALS)
_REGION = _SPEC + len(SPECIALTIES)
_IN_PERSON = _REGION + len(REGIONS)  # the region again, only for members who'd meet in person
_RANK = _IN_PERSON + len(REGIONS)
RANK_OFFSET = 128  # stage ranks are int8: rank r is column _RANK + RANK_OFFSET + r
_CONST = _RANK + 256
_FLAG = _CONST + 1  # mentors: states no offers; peers: organisation known
_ORG = _FLAG + 1


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


READ = 0.9  # a code read from someone's text counts this much of one they ticked (see docs/matching.md)


def _indicators(codes: np.ndarray, read_only: np.ndarray, width: int):
    """(row, column, value) of each code bit set: 1 when ticked, READ when only read from the text."""
    row, col = np.nonzero(_bits(codes, width))
    only_read = _bits(read_only, width)[row, col]
    return row, col, np.where(only_read, np.float32(READ), np.float32(1))


def _hobbies_of(member: Member, reading: Reading) -> tuple[frozenset[str], frozenset[str]]:
    """For the reasons: the hobbies ticked, and those only written about."""
    ticked = _ticked_hobbies(member)
    return ticked, reading.interests - ticked


def _ticked_hobbies(member: Member) -> frozenset[str]:
    """Hobby tags by their one name ("Parkrun" and "running" are both 'running')."""
    return frozenset(hobby_name(tag) or tag.casefold() for tag in member.interests)


BUSY_PENALTY = 0.06  # fair exposure: at most this much off for many pending requests…
LAST_PLACE_PENALTY = 0.05  # …and this much for a mentor with one place left
BUSY_REQUESTS = 4  # pending requests at which the busy penalty is full


@dataclass(frozen=True)
class Member:
    """What matching knows about one member.

    `offers` are the goals a mentor helps with; a mentor stating none is matched on the offers
    read from their text (matching/reading.py), and one with neither is neutral for a mentee's
    goals (no reciprocity penalty). `text` is read too: specialties, goals, hobbies, and whether
    they'd like to meet in person, which `in_person` (their ways to meet) can also say.
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
    in_person: bool = False  # among their ways to meet


class Fitting:
    """What `fit` and `update` build, and how a member's rows are read back."""

    def fit(self, members: Iterable[Member]) -> Self:
        """Fit the vectorizers on everyone and build the candidate pools."""
        self._members = list(members)
        self._index = {member.id: i for i, member in enumerate(self._members)}
        self._texts = [normalise(member.text) for member in self._members]
        self._readings = [
            read(member.text, mentor=member.is_mentor, normalised=text)
            for member, text in zip(self._members, self._texts, strict=True)
        ]
        self._hobbies = [_hobbies_of(m, r) for m, r in zip(self._members, self._readings, strict=True)]
        if len(self._index) != len(self._members):
            raise ValueError("member ids must be unique")
        big = len(self._members) >= 1000
        self._vectorizers = {
            # Very common words say nothing about fit and make every product denser.
            "text": TfidfVectorizer(  # on normalised text (vocabulary.py): one token per clinical phrase
                stop_words="english",
                sublinear_tf=True,
                dtype=np.float32,
                min_df=2 if big else 1,
                max_df=0.3 if big else 1.0,
            ),
            "specialties": TfidfVectorizer(analyzer=_tags, dtype=np.float32),
            "interests": TfidfVectorizer(analyzer=_tags, dtype=np.float32),
        }
        docs = self._documents(self._members, self._texts, self._readings)
        self._organisations: dict[str, int] = {}
        blocks = []
        for field, vectorizer in self._vectorizers.items():
            try:
                blocks.append(vectorizer.fit_transform(docs[field]))
            except ValueError:  # nobody wrote anything in this field: no vocabulary, an empty block
                vectorizer.vocabulary_ = {}
                blocks.append(sp.csr_matrix((len(self._members), 0), dtype=np.float32))
        self._rows = self._combine(blocks)
        self._arrays = self._structured(self._members, self._readings)
        self._patches: dict[int, sp.csr_matrix] = {}
        self._build_pools()
        return self

    def update(self, member: Member) -> None:
        """Refresh (or add) one member with the fitted vectorizers; no refit."""
        text = normalise(member.text)
        reading = read(member.text, mentor=member.is_mentor, normalised=text)
        docs = self._documents([member], [text], [reading])
        blocks = []
        for field, vectorizer in self._vectorizers.items():
            if vectorizer.vocabulary_:
                blocks.append(vectorizer.transform(docs[field]))
            else:
                blocks.append(sp.csr_matrix((1, 0), dtype=np.float32))
        row = self._combine(blocks)
        i = self._index.get(member.id)
        fields = self._structured([member], [reading])
        if i is None:
            i = len(self._members)
            self._index[member.id] = i
            self._members.append(member)
            self._hobbies.append((frozenset(), frozenset()))
            self._readings.append(reading)
            self._arrays = {key: np.concatenate([self._arrays[key], fields[key]]) for key in self._arrays}
        else:
            self._members[i] = member
            self._readings[i] = reading
            for key, values in fields.items():
                self._arrays[key][i] = values[0]
        self._hobbies[i] = _hobbies_of(member, reading)
        self._patches[i] = row
        self._arrays["stale"][i] = True
        if len(self._patches) > COMPACT_AFTER:
            self._compact()
        else:
            self._patch_rows()

    def _documents(self, members: list[Member], texts: list[str], readings: list[Reading]) -> dict[str, list]:
        return {
            "text": texts,
            "specialties": [sorted(member.specialties) for member in members],
            # Hobbies ticked and hobbies written ("outside work: sailing") are the same words.
            "interests": [
                sorted(_ticked_hobbies(member) | reading.interests)
                for member, reading in zip(members, readings, strict=True)
            ],
        }

    def _combine(self, blocks: list[sp.csr_matrix]) -> sp.csr_matrix:
        scaled = [
            (normalize(block) if block.shape[1] else block) * np.float32(np.sqrt(weight))
            for block, weight in zip(blocks, FIELD_WEIGHTS.values(), strict=True)
        ]
        combined = sp.hstack(scaled, format="csr", dtype=np.float32)
        return normalize(combined) if combined.shape[1] else combined

    def _structured(self, members: list[Member], readings: list[Reading]) -> dict[str, np.ndarray]:
        regions = {code: i for i, code in enumerate(REGIONS)}
        orgs = self._organisations
        for member in members:
            key = member.organisation.strip().casefold()
            if key and key not in orgs:
                orgs[key] = len(orgs)
        ticked = {
            "spec": np.array([_mask(m.specialties, SPEC_BIT) for m in members], dtype=np.uint64),
            "goals": np.array([_mask(m.goals, GOAL_BIT) for m in members], dtype=np.uint64),
            "offers": np.array([_mask(m.offers, GOAL_BIT) for m in members], dtype=np.uint64),
        }
        said = {
            "spec": np.array([_mask(r.specialties, SPEC_BIT) for r in readings], dtype=np.uint64),
            "goals": np.array([_mask(r.goals, GOAL_BIT) for r in readings], dtype=np.uint64),
            "offers": np.array([_mask(r.offers, GOAL_BIT) for r in readings], dtype=np.uint64),
        }
        # Each code field is what was ticked or read; its "_read" twin, what was only read.
        codes = {key: ticked[key] | said[key] for key in ticked}
        codes |= {f"{key}_read": said[key] & ~ticked[key] for key in ticked}
        return codes | {
            "rank": np.array([m.stage_rank for m in members], dtype=np.int8),
            "region": np.array([regions.get(m.region, -1) for m in members], dtype=np.int16),
            "org": np.array([orgs.get(m.organisation.strip().casefold(), -1) for m in members], np.int32),
            "in_person": np.array(
                [m.in_person or r.in_person is True for m, r in zip(members, readings, strict=True)], bool
            ),
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

    def _pool(
        self, kind: str, members: np.ndarray, rows: sp.csr_matrix, patched: bool = False, exposed: bool = True
    ) -> _Pool:
        """Scoring rows: TF-IDF, then the indicator columns; a mentor's row is scaled by exposure."""
        a = self._arrays
        n, base = rows.shape
        field = "offers" if kind == "mentor" else "goals"
        bits = a[field][members]
        goal_row, goal_col, goal_value = _indicators(bits, a[f"{field}_read"][members], len(GOALS))
        spec_row, spec_col, spec_value = _indicators(
            a["spec"][members], a["spec_read"][members], len(SPECIALTIES)
        )
        region = a["region"][members].astype(np.int64)
        placed = np.flatnonzero(region >= 0)
        meets = placed[a["in_person"][members][placed]]
        everyone = np.arange(n)
        org = a["org"][members].astype(np.int64)
        known = np.flatnonzero(org >= 0) if kind == "peer" else np.zeros(0, np.int64)
        flagged = np.flatnonzero(bits == 0) if kind == "mentor" else known
        row = np.concatenate([goal_row, spec_row, placed, meets, everyone, everyone, flagged, known])
        col = np.concatenate(
            [
                _GOAL + goal_col,
                _SPEC + spec_col,
                _REGION + region[placed],
                _IN_PERSON + region[meets],
                _RANK + RANK_OFFSET + a["rank"][members].astype(np.int64),
                np.full(n, _CONST),
                np.full(len(flagged), _FLAG),
                _ORG + org[known],
            ]
        )
        value = np.ones(len(row), np.float32)
        value[: len(goal_value) + len(spec_value)] = np.concatenate([goal_value, spec_value])
        width = base + _ORG + len(self._organisations)
        extra = sp.csr_matrix((value, (row, col)), shape=(n, width - base))
        matrix = sp.hstack([rows, extra], format="csr", dtype=np.float32)
        if kind == "mentor" and exposed:
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
