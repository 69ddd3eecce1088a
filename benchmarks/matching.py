"""How fast the matching engine suggests mentors and peers, against scikit-learn's brute-force neighbours.

    .venv/bin/python benchmarks/matching.py [--sizes 1000,10000,100000] [--queries 200] [--sample 2000]
        [--seed 1]

For each size: a demo population (mentoring/demo/generate.py: realistic text in clinicians'
shorthand), of whom a fifth are available mentors, each offering their own goals and a few more.
Figures: fit time; one member's mentor and peer suggestions (k=10), p50/p95 over random members;
the whole-population rebuild (mentor and peer suggestions for everyone; above 10,000 members a
random sample is timed and scaled up, which the table says); peak memory (tracemalloc over the
engine's fit, and the process's peak RSS). The baseline, in the same run, is
`NearestNeighbors(metric="cosine", algorithm="brute")` on the engine's own TF-IDF matrix: one
kneighbors query per member, and kneighbors over everyone (or the same sample) for the rebuild.
Times are printed, never asserted.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
import tracemalloc
from random import Random

import numpy as np
from sklearn.neighbors import NearestNeighbors

from mentormatch.demo.generate import generate_people
from mentormatch.matching.engine import MatchingEngine, Member
from mentormatch.vocabulary import GOALS, STAGE_BY_CODE

K = 10
FULL_REBUILD_UP_TO = 10_000


def population(size: int, rng: Random) -> list[Member]:
    """Demo people as matching members; a fifth are approved mentors with a free place."""
    people = generate_people(size, rng)
    senior = [i for i, p in enumerate(people) if STAGE_BY_CODE[p.career_stage].rank >= 2]
    mentors = set(rng.sample(senior, min(len(senior), size // 5)))
    members = []
    for i, p in enumerate(people):
        is_mentor = i in mentors
        offers = frozenset(p.goals) | frozenset(rng.sample(sorted(GOALS), 3)) if is_mentor else frozenset()
        members.append(
            Member(
                id=i,
                stage_rank=STAGE_BY_CODE[p.career_stage].rank,
                organisation=p.organisation,
                region=p.region,
                specialties=frozenset(p.specialties),
                goals=frozenset(p.goals),
                offers=offers,
                interests=frozenset(p.interests),
                text=f"{p.about}\n{p.looking_for}",
                is_mentor=is_mentor,
                free_places=rng.randint(1, 5) if is_mentor else 0,
                pending_requests=rng.choice((0, 0, 0, 1, 2, 4)) if is_mentor else 0,
                stage=p.career_stage,
            )
        )
    return members


def percentiles(times: list[float]) -> tuple[float, float]:
    """(p50, p95) in milliseconds."""
    ms = sorted(t * 1000 for t in times)
    return statistics.median(ms), ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]


def run(size: int, queries: int, sample: int, seed: int) -> dict[str, object]:
    rng = Random(seed)
    members = population(size, rng)
    tracemalloc.start()
    started = time.perf_counter()
    engine = MatchingEngine().fit(members)
    fit = time.perf_counter() - started
    traced_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()

    picked = rng.sample(range(size), min(queries, size))
    mentor_times, peer_times = [], []
    for i in picked:
        started = time.perf_counter()
        engine.suggest_mentors(i, K)
        mentor_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        engine.suggest_peers(i, K)
        peer_times.append(time.perf_counter() - started)

    everyone = size <= FULL_REBUILD_UP_TO
    rebuilt = list(range(size)) if everyone else rng.sample(range(size), min(sample, size))
    scale = size / len(rebuilt)
    started = time.perf_counter()
    engine.suggest_all("mentor", K, members=rebuilt)
    engine.suggest_all("peer", K, members=rebuilt)
    rebuild = (time.perf_counter() - started) * scale

    matrix = engine._rows
    neighbours = NearestNeighbors(n_neighbors=K + 1, metric="cosine", algorithm="brute").fit(matrix)
    baseline_times = []
    for i in picked:
        started = time.perf_counter()
        neighbours.kneighbors(matrix[i], K + 1)
        baseline_times.append(time.perf_counter() - started)
    started = time.perf_counter()
    neighbours.kneighbors(matrix[rebuilt], K + 1)
    baseline_rebuild = (time.perf_counter() - started) * scale

    return {
        "size": size,
        "fit": fit,
        "mentor": percentiles(mentor_times),
        "peer": percentiles(peer_times),
        "rebuild": rebuild,
        "rebuild_note": "all" if everyone else f"{len(rebuilt)} sampled, ×{scale:.0f}",
        "baseline": percentiles(baseline_times),
        "baseline_rebuild": baseline_rebuild,
        "traced_mb": traced_peak / 2**20,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "features": matrix.shape[1],
        "nnz": matrix.nnz,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--sample", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    np.random.seed(args.seed)
    header = (
        f"{'members':>8} {'fit s':>7} {'mentor p50/p95 ms':>18} {'peer p50/p95 ms':>16} "
        f"{'NN p50/p95 ms':>14} {'p95 vs NN':>9} {'rebuild s':>9} {'NN rebuild s':>12} {'NN/ours':>7} "
        f"{'fit MB':>7} {'peak RSS MB':>11}  rebuild timed over"
    )
    print(header)
    print("-" * len(header))
    for size in (int(s) for s in args.sizes.split(",")):
        r = run(size, args.queries, args.sample, args.seed)
        worst = max(r["mentor"][1], r["peer"][1])
        print(
            f"{r['size']:>8} {r['fit']:>7.1f} {r['mentor'][0]:>8.1f} / {r['mentor'][1]:<7.1f} "
            f"{r['peer'][0]:>6.1f} / {r['peer'][1]:<7.1f} "
            f"{r['baseline'][0]:>5.1f} / {r['baseline'][1]:<6.1f} "
            f"{r['baseline'][1] / worst:>8.1f}× {r['rebuild']:>9.1f} {r['baseline_rebuild']:>12.1f} "
            f"{r['baseline_rebuild'] / r['rebuild']:>6.1f}× {r['traced_mb']:>7.0f} {r['rss_mb']:>11.0f}  "
            f"{r['rebuild_note']}",
            flush=True,
        )
    print(
        "\nrebuild = mentor + peer suggestions (k=10, with reasons) for every member; NN rebuild = one "
        "kneighbors list per member.\np95 vs NN = baseline p95 / our worse p95 (mentors or peers). "
        "Peak RSS is the whole process, population generation included."
    )


if __name__ == "__main__":
    main()
