"""The blend: how much each part of the fit counts, and each query as one column of weights.

Each candidate's scoring row is its TF-IDF row followed by indicator columns (fitting.py); a query's
column puts a weight on each, so one product gives the whole score. Each part is in [0, 1] and the
weights sum to 1, so scores stay in [0, 1]. How each constant was chosen: docs/matching.md.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from mentormatch.core.vocabulary import GOALS, SPECIALTIES
from mentormatch.matching.fitting import (
    _CONST,
    _FLAG,
    _GOAL,
    _IN_PERSON,
    _ORG,
    _RANK,
    _REGION,
    _SPEC,
    RANK_OFFSET,
    READ,
)
from mentormatch.matching.topk import _bits

# Chosen on benchmarks/quality.py's seeds 1–5 only (docs/matching.md#how-each-constant-was-chosen).
MENTOR_WEIGHTS = {"similarity": 0.35, "goals": 0.15, "specialties": 0.25, "stage": 0.10, "region": 0.15}
PEER_WEIGHTS = {
    "similarity": 0.30,
    "goals": 0.20,
    "specialties": 0.20,
    "organisation": 0.15,
    "region": 0.10,
    "stage": 0.05,
}
REMOTE_REGION = 0.2  # the share of the region's weight left when neither wants to meet in person
UNMET_GOALS = 0.3  # reciprocity: a mentor offering none of the mentee's goals keeps 30% of the score
ALIKE = 0.3  # a cosine at which "your profiles read alike" is worth saying


def _weighted_bits(codes: np.ndarray, read_only: np.ndarray, width: int) -> np.ndarray:
    """Codes as a (queries × width) array: 1 for a ticked code, READ for one only read."""
    return _bits(codes, width) * np.where(_bits(read_only, width), np.float32(READ), np.float32(1))


def query_matrix(
    a: dict[str, np.ndarray],
    kind: str,
    queries: np.ndarray,
    rank: int,
    width: int,
    x: sp.csr_matrix,
    weights: dict[str, float] | None = None,
) -> np.ndarray:
    """The queries' columns of weights over the scoring rows (`x`: their own TF-IDF rows).

    `weights` default to the blend's; one part alone at 1 gives that part's score (`part_scores`).
    """
    weights = weights or (MENTOR_WEIGHTS if kind == "mentor" else PEER_WEIGHTS)
    base = x.shape[1]
    matrix = np.zeros((width, len(queries)), dtype=np.float32)
    np.multiply(x.T.toarray(), np.float32(weights["similarity"]), out=matrix[:base])
    cols = np.arange(len(queries))
    goals, spec = a["goals"][queries], a["spec"][queries]
    n_goals = np.bitwise_count(goals)
    per_goal = weights["goals"] / np.maximum(n_goals, 1)
    wanted = _weighted_bits(goals, a["goals_read"][queries], len(GOALS))
    matrix[base + _GOAL : base + _SPEC] = (wanted * per_goal[:, None]).T
    per_spec = weights["specialties"] / np.maximum(np.bitwise_count(spec), 1)
    named = _weighted_bits(spec, a["spec_read"][queries], len(SPECIALTIES))
    matrix[base + _SPEC : base + _REGION] = (named * per_spec[:, None]).T
    # Same region counts in full when either wants to meet in person, else REMOTE_REGION of it:
    # a query who'd meet puts the whole weight on the region; one who wouldn't, a little on it and
    # the rest on the region column that only candidates who'd meet in person have.
    region = a["region"][queries].astype(np.int64)
    placed = region >= 0
    meets = a["in_person"][queries]
    near = np.where(meets, 1.0, REMOTE_REGION) * weights["region"]
    matrix[base + _REGION + region[placed], cols[placed]] = near[placed]
    far = placed & ~meets
    matrix[base + _IN_PERSON + region[far], cols[far]] = (1 - REMOTE_REGION) * weights["region"]
    diff = np.arange(256) - RANK_OFFSET - rank
    if kind == "mentor":
        stage = np.select([diff <= 2, diff == 3], [1.0, 0.6], 0.3)
        # Wanting nothing in particular, or a mentor offering nothing known: neutral, not a mismatch.
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
