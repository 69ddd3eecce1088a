"""What both quality benchmarks share: the baseline methods, the hard rules, and the metrics.

Every method ranks the same visible data (engine `Member` records); relevance comes from a
generator's latent truth through a `Grades` function, overall or from one part only. Imported by
benchmarks/quality.py (this project's generator) and benchmarks/outside_quality.py (a generator
written independently, imported through the real CSV import).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from mentormatch.matching.engine import Member, Suggestion

METHODS = ("random", "tag overlap", "TF-IDF", "TF-IDF + rules", "ours")
PARTS = ("specialties", "goals", "region", "hobbies")
GINI_LIMIT = 0.4

Scorer = Callable[[np.ndarray, np.ndarray], np.ndarray]
# (query indices, candidate indices, part or None) → (graded relevance, P@5 hits), both (q × c).
Grades = Callable[[np.ndarray, np.ndarray, str | None], tuple[np.ndarray, np.ndarray]]


def eligible(kind: str, members: list[Member], q: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Seniority: mentors strictly senior, peers at most one rank apart; never yourself."""
    rank = np.array([m.stage_rank for m in members], dtype=np.int16)
    diff = rank[c][None, :] - rank[q][:, None]
    ok = q[:, None] != c[None, :]
    return ok & (diff >= 1) if kind == "mentor" else ok & (np.abs(diff) <= 1)


def pool(kind: str, members: list[Member], rules: bool = True) -> np.ndarray:
    """Who can be suggested: available mentors (with `rules`; without, every mentor), or everyone."""
    if kind == "mentor":
        return np.array(
            [
                i
                for i, m in enumerate(members)
                if m.is_mentor and m.verified and (m.free_places > 0 or not rules)
            ],
            dtype=np.int64,
        )
    return np.array([i for i, m in enumerate(members) if m.verified or not rules], dtype=np.int64)


def _tag_docs(members: list[Member], kind: str, side: str) -> list[list[str]]:
    """Visible tags as words; on the mentor side of a mentor match, goals are what they offer."""
    docs = []
    for m in members:
        goals = m.offers if kind == "mentor" and side == "candidate" else m.goals
        docs.append(
            [f"s:{t}" for t in m.specialties] + [f"g:{t}" for t in goals] + [f"i:{t}" for t in m.interests]
        )
    return docs


def _binary(docs: list[list[str]], vocabulary: dict[str, int]) -> sp.csr_matrix:
    rows = [i for i, doc in enumerate(docs) for _ in doc]
    cols = [vocabulary[tag] for doc in docs for tag in doc]
    return sp.csr_matrix((np.ones(len(cols), np.float32), (rows, cols)), shape=(len(docs), len(vocabulary)))


def tag_overlap(members: list[Member], kind: str) -> Scorer:
    """Jaccard similarity of visible specialty, goal and interest tags."""
    queries, candidates = _tag_docs(members, kind, "query"), _tag_docs(members, kind, "candidate")
    vocabulary = {
        tag: i for i, tag in enumerate(sorted({tag for doc in queries + candidates for tag in doc}))
    }
    a, b = _binary(queries, vocabulary), _binary(candidates, vocabulary)
    size_a, size_b = np.asarray(a.sum(axis=1)).ravel(), np.asarray(b.sum(axis=1)).ravel()

    def score(q: np.ndarray, c: np.ndarray) -> np.ndarray:
        inter = (a[q] @ b[c].T).toarray()
        union = size_a[q][:, None] + size_b[c][None, :] - inter
        return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)

    return score


def plain_tfidf(members: list[Member], kind: str) -> Scorer:
    """Cosine of plain TF-IDF over raw text and tags: no synonyms, no reading, no structured fit."""

    def doc(m: Member, side: str) -> str:
        goals = m.offers if kind == "mentor" and side == "candidate" else m.goals
        return " ".join([m.text, *m.specialties, *goals, *m.interests])

    vectorizer = TfidfVectorizer(stop_words="english").fit([doc(m, "query") for m in members])
    a = vectorizer.transform([doc(m, "query") for m in members])
    b = vectorizer.transform([doc(m, "candidate") for m in members])
    return lambda q, c: (a[q] @ b[c].T).toarray()


def random_scores(seed: int) -> Scorer:
    """Candidates in a random order."""
    rng = np.random.default_rng(seed)
    return lambda q, c: rng.random((len(q), len(c)))


def ranked(
    kind: str, members: list[Member], scorer: Scorer, k: int, seed: int, rules: bool = True, block: int = 500
) -> np.ndarray:
    """Each member's top k (member indices, −1 where fewer) by a scorer, ties broken at random."""
    candidates = pool(kind, members, rules)
    rng = np.random.default_rng(seed)
    tops = np.full((len(members), k), -1, dtype=np.int64)
    for start in range(0, len(members), block):
        q = np.arange(start, min(start + block, len(members)))
        score = scorer(q, candidates) + rng.random((len(q), len(candidates))) * 1e-6
        score[~eligible(kind, members, q, candidates)] = -np.inf
        order = np.argsort(-score, axis=1, kind="stable")[:, :k]
        found = np.take_along_axis(score, order, axis=1) > -np.inf
        tops[q, : order.shape[1]] = np.where(found, candidates[order], -1)
    return tops


def suggested(members: list[Member], found: dict[Hashable, list[Suggestion]], k: int) -> np.ndarray:
    """The engine's suggestions (by member id) as member indices, like `ranked`."""
    index = {m.id: i for i, m in enumerate(members)}
    tops = np.full((len(members), k), -1, dtype=np.int64)
    for member_id, suggestions in found.items():
        for j, suggestion in enumerate(suggestions[:k]):
            tops[index[member_id], j] = index[suggestion.id]
    return tops


def baselines(kind: str, members: list[Member], k: int, seed: int) -> dict[str, np.ndarray]:
    """Every baseline's top k for everyone, on the same visible data."""
    tfidf = plain_tfidf(members, kind)
    return {
        "random": ranked(kind, members, random_scores(seed), k, seed),
        "tag overlap": ranked(kind, members, tag_overlap(members, kind), k, seed + 1),
        "TF-IDF": ranked(kind, members, tfidf, k, seed + 2, rules=False),
        "TF-IDF + rules": ranked(kind, members, tfidf, k, seed + 2),
    }


@dataclass(frozen=True)
class Metrics:
    """One method's figures for one kind of suggestion; `parts`: NDCG@k with relevance from one part."""

    ndcg: float
    precision_at_5: float
    coverage: float
    gini: float
    parts: dict[str, float]


def gini(counts: np.ndarray) -> float:
    """Gini coefficient of non-negative counts: 0 when all equal, near 1 when one takes all."""
    x = np.sort(counts.astype(np.float64))
    if x.sum() == 0:
        return 0.0
    n = len(x)
    return float((2 * np.arange(1, n + 1) - n - 1) @ x / (n * x.sum()))


def _ndcg(kind, members, tops, grades, k, part, block, only=None):
    """Mean NDCG@k per method (and P@5) over members with anyone relevant, ideal over the eligible."""
    candidates = pool(kind, members)
    column = np.full(len(members), -1, dtype=np.int64)
    column[candidates] = np.arange(len(candidates))
    discount = 1 / np.log2(np.arange(2, k + 2))
    ndcg = {method: [] for method in tops}
    hits = {method: [] for method in tops}
    for start in range(0, len(members), block):
        q = np.arange(start, min(start + block, len(members)))
        grade, hit = grades(q, candidates, part)
        gain = np.where(eligible(kind, members, q, candidates), 2.0 ** grade.astype(np.float64) - 1, 0.0)
        ideal = -np.sort(-gain, axis=1)[:, :k] @ discount[: min(k, gain.shape[1])]
        asked = (ideal > 0) & (True if only is None else only[q])
        for method, top in tops.items():
            chosen = np.where(top[q] >= 0, column[np.maximum(top[q], 0)], -1)  # not available: no gain
            valid = chosen >= 0
            picked = np.where(valid, np.take_along_axis(gain, np.maximum(chosen, 0), axis=1), 0.0)
            ndcg[method].append(((picked @ discount) / np.where(asked, ideal, 1))[asked])
            first = np.where(
                valid[:, :5], np.take_along_axis(hit, np.maximum(chosen[:, :5], 0), axis=1), False
            )
            hits[method].append(first.sum(axis=1)[asked] / 5)
    mean = {m: float(np.concatenate(v).mean()) if sum(map(len, v)) else 0.0 for m, v in ndcg.items()}
    return mean, {m: float(np.concatenate(v).mean()) if sum(map(len, v)) else 0.0 for m, v in hits.items()}


def evaluate_tops(
    kind: str,
    members: list[Member],
    tops: dict[str, np.ndarray],
    grades: Grades,
    k: int,
    block: int = 500,
    only: np.ndarray | None = None,
) -> dict[str, Metrics]:
    """Every method's metrics for one kind of suggestion, overall and per part of the truth.

    `only`: a boolean per member, to score just those members' suggestions.
    """
    overall, precision = _ndcg(kind, members, tops, grades, k, None, block, only)
    parts = {part: _ndcg(kind, members, tops, grades, k, part, block, only)[0] for part in PARTS}
    candidates = pool(kind, members)
    results = {}
    for method, top in tops.items():
        shown = np.bincount(top[top >= 0], minlength=len(members))[candidates]
        results[method] = Metrics(
            ndcg=overall[method],
            precision_at_5=precision[method],
            coverage=float((shown > 0).mean()) if len(shown) else 0.0,
            gini=gini(shown),
            parts={part: parts[part][method] for part in PARTS},
        )
    return results


def table(metrics: dict[str, Metrics], k: int = 10) -> str:
    """A Markdown table: method × NDCG@k, P@5, coverage, Gini, and NDCG@k per part of the truth."""
    head = f"| method | NDCG@{k} | P@5 | coverage | Gini | " + " | ".join(PARTS) + " |"
    lines = [head, "| --- |" + " ---: |" * (4 + len(PARTS))]
    for method in METHODS:
        m = metrics[method]
        parts = " | ".join(f"{m.parts[part]:.3f}" for part in PARTS)
        figures = f"{m.ndcg:.3f} | {m.precision_at_5:.3f} | {m.coverage:.1%} | {m.gini:.3f}"
        lines.append(f"| {method} | {figures} | {parts} |")
    return "\n".join(lines)
