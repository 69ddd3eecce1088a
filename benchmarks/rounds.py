"""How fast a matching round is solved, against a dense `linear_sum_assignment` baseline.

    .venv/bin/python benchmarks/rounds.py [--mentees 10000] [--mentors 2500] [--capacity 4] [--k 30]
        [--per-mentor 16] [--dense-memory-gb 2] [--seed 1]

The scores come from a synthetic model shaped like the engine's: a shared-interests part (cosine of
latent profiles), a popularity part (some mentors suit almost everyone, so their places are fought
over) and noise, scaled into [0, 1]. The round's candidate graph is each mentee's k best mentors
plus each mentor's `per-mentor` best mentees (rounds/solver.py `top_candidates`); `solve_round`
is optimal on that graph. The baseline is SciPy's dense `linear_sum_assignment` on the full score
matrix with every mentor repeated once per place, run at the largest size (a ladder of quarters of
the full size) whose matrix, and the copy SciPy makes of it, fit in `--dense-memory-gb`; at that
size our solver runs too, so the table shows both times and how much of the dense optimum the
candidate graph keeps. Times are printed, never asserted.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from scipy.optimize import linear_sum_assignment

from mentormatch.rounds.solver import solve_round, top_candidates

LATENT = 16


def synthetic_scores(mentees: int, mentors: int, rng: np.random.Generator) -> np.ndarray:
    """A mentees × mentors score matrix in [0, 1] (float32)."""
    a = rng.normal(size=(mentees, LATENT)).astype(np.float32)
    b = rng.normal(size=(mentors, LATENT)).astype(np.float32)
    a /= np.linalg.norm(a, axis=1, keepdims=True)
    b /= np.linalg.norm(b, axis=1, keepdims=True)
    popularity = rng.beta(2, 5, size=mentors).astype(np.float32)
    scores = 0.3 * (a @ b.T + 1) + 0.3 * popularity
    scores += 0.1 * rng.random(scores.shape, dtype=np.float32)
    scores /= scores.max()
    return scores


class Clock:
    """Wall-clock and CPU seconds since the last lap (the CPU time tells when the machine is shared)."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def lap(self) -> tuple[float, float]:
        wall, cpu = time.perf_counter(), time.process_time()
        lap = (wall - self.wall, cpu - self.cpu)
        self.wall, self.cpu = wall, cpu
        return lap


def ours(scores: np.ndarray, capacity: int, k: int, per_mentor: int):
    """((wall, cpu) to build the candidate graph, (wall, cpu) to solve, the solution)."""
    clock = Clock()
    candidates = top_candidates(scores, k=k, per_mentor=per_mentor)
    built = clock.lap()
    solution = solve_round(candidates, np.full(scores.shape[1], capacity))
    return built, clock.lap(), solution


def dense(scores: np.ndarray, capacity: int):
    """((wall, cpu), total fit, mentees matched) for linear_sum_assignment on place-expanded scores."""
    clock = Clock()
    expanded = np.repeat(scores.astype(np.float64), capacity, axis=1)
    rows, cols = linear_sum_assignment(expanded, maximize=True)
    return clock.lap(), float(expanded[rows, cols].sum()), len(rows)


def seconds(lap: tuple[float, float]) -> str:
    return f"{lap[0]:.2f} s (CPU {lap[1]:.2f} s)"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mentees", type=int, default=10_000)
    parser.add_argument("--mentors", type=int, default=2_500)
    parser.add_argument("--capacity", type=int, default=4)
    parser.add_argument("--k", type=int, default=30)
    parser.add_argument("--per-mentor", type=int, default=16)
    parser.add_argument("--dense-memory-gb", type=float, default=2.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)

    n, m, cap = args.mentees, args.mentors, args.capacity
    print(f"Round: {n:,} mentees, {m:,} mentors of capacity {cap}; candidates k={args.k},")
    print(f"per mentor {args.per_mentor}; wall-clock seconds, CPU seconds beside.\n", flush=True)
    scores = synthetic_scores(n, m, rng)
    built, solved, solution = ours(scores, cap, args.k, args.per_mentor)
    print(
        f"ours at full size: candidate graph {seconds(built)}, solve {seconds(solved)} "
        f"(goal ≤ 10 s: {'met' if solved[0] <= 10 else 'NOT met'}); matched {solution.matched:,}, "
        f"total fit {solution.total:,.2f}, "
        f"places used {solution.capacity_used:,}/{solution.capacity_total:,}, "
        f"blocking pairs {solution.blocking_pairs:,}"
    )

    # The dense matrix is mentees × (mentors × capacity) float64, and SciPy works on a copy.
    ladder = [(n * q // 4, m * q // 4) for q in (4, 3, 2, 1)]
    fits = [(a, b) for a, b in ladder if 2 * a * b * cap * 8 <= args.dense_memory_gb * 2**30]
    if not fits:
        print(f"\nno size on the ladder fits the dense baseline in {args.dense_memory_gb} GB")
        return
    dn, dm = fits[0]
    small = synthetic_scores(dn, dm, np.random.default_rng(args.seed + 1))
    d_lap, d_total, d_matched = dense(small, cap)
    built, solved, sparse = ours(small, cap, args.k, args.per_mentor)
    o_lap = (built[0] + solved[0], built[1] + solved[1])
    gb = 2 * dn * dm * cap * 8 / 2**30
    print(f"\nat {dn:,} mentees × {dm:,} mentors (the dense matrix and its copy: {gb:.1f} GB)")
    print(f"{'':28} {'seconds':>8} {'CPU s':>8} {'matched':>8} {'total fit':>11}")
    print(
        f"{'dense linear_sum_assignment':28} {d_lap[0]:8.2f} {d_lap[1]:8.2f} {d_matched:8,} {d_total:11,.2f}"
    )
    print(
        f"{'ours (graph + solve)':28} {o_lap[0]:8.2f} {o_lap[1]:8.2f} "
        f"{sparse.matched:8,} {sparse.total:11,.2f}"
    )
    print(
        f"\nours is {d_lap[0] / o_lap[0]:.1f}× faster (CPU: {d_lap[1] / o_lap[1]:.1f}×) and keeps "
        f"{100 * sparse.total / d_total:.3f}% of the dense optimum's total fit."
    )


if __name__ == "__main__":
    main()
