"""How fast the matching engine suggests mentors and peers, against scikit-learn's brute-force neighbours.

    .venv/bin/python benchmarks/matching.py [--sizes 1000,10000,100000] [--queries 200] [--sample 2000]
        [--seed 1]

For each size: a demo population (mentoring/demo/generate.py: realistic text in clinicians'
shorthand), of whom a fifth are available mentors, each offering their own goals and a few more.

What each side computes, in the same run:

- ours (`MatchingEngine`): for a member, the k=10 best mentors (available, more senior) and,
  separately, the k=10 best peers (within one stage): the TF-IDF cosine against every eligible
  candidate blended with the structured fit (goals/offers, specialties, stage, region,
  organisation, reciprocity, fair exposure), the rules applied (self, unverified, ineligible
  never suggested), an exact top 10 ranked, and the plain-language reasons for the 10 kept.
  "rebuild" is `suggest_all("mentor")` + `suggest_all("peer")` for every member, with reasons
  and again with `reasons=False` (ids and scores only; `explain` gives reasons later).
- baseline: `NearestNeighbors(n_neighbors=11, metric="cosine", algorithm="brute")` fitted on the
  engine's own TF-IDF matrix (everyone): one `kneighbors` list per member over all members
  (cosine distance to everyone, then the 11 nearest), with no rules, no structured fit and no
  reasons. Per member: one kneighbors call; rebuild: kneighbors over everyone at once.

So per member the baseline does one ranking over everyone; ours does two over the eligible
candidates, with more arithmetic per pair. Above 10,000 members both rebuilds are timed on the
same random sample of members and scaled up (the table says so). Times are printed, never asserted.

Memory: each side runs in its own child process (spawned, so it inherits nothing), which receives
the members and reports its peak RSS (`ru_maxrss`): "members MB" is the engine child right after
loading the members (Python, libraries and the input); "engine MB" is its peak after fit, the
per-member queries and both rebuilds. The parent's peak RSS, population generation included, is
printed apart. A sampled rebuild holds only the sample's results: the full rebuild's result
dictionary (two lists of 10 per member) comes on top, and is estimated from the sample.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import statistics
import sys
import time
import tracemalloc
from random import Random

import numpy as np

from mentormatch.core.vocabulary import GOALS, STAGE_BY_CODE
from mentormatch.demo.generate import generate_people
from mentormatch.matching.engine import MatchingEngine, Member

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


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def engine_side(members: list[Member], picked: list[int], rebuilt: list[int]) -> dict[str, object]:
    """In a child: fit, per-member queries, and the rebuild with and without reasons."""
    loaded = peak_rss_mb()
    started = time.perf_counter()
    engine = MatchingEngine().fit(members)
    fit = time.perf_counter() - started

    mentor_times, peer_times = [], []
    for i in picked:
        started = time.perf_counter()
        engine.suggest_mentors(i, K)
        mentor_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        engine.suggest_peers(i, K)
        peer_times.append(time.perf_counter() - started)

    rebuild = {}
    for reasons in (True, False):
        started = time.perf_counter()
        found = [engine.suggest_all(kind, K, members=rebuilt, reasons=reasons) for kind in ("mentor", "peer")]
        rebuild[reasons] = time.perf_counter() - started
    del found
    engine_peak = peak_rss_mb()
    # What the rebuild's results weigh, per member, to scale a sampled rebuild's memory up.
    tracemalloc.start()
    kept = [engine.suggest_all(kind, K, members=rebuilt[:500]) for kind in ("mentor", "peer")]
    per_member = tracemalloc.get_traced_memory()[0] / len(rebuilt[:500])
    tracemalloc.stop()
    del kept
    return {
        "fit": fit,
        "mentor": percentiles(mentor_times),
        "peer": percentiles(peer_times),
        "rebuild": rebuild[True],
        "rebuild_bare": rebuild[False],
        "members_mb": loaded,
        "engine_mb": engine_peak,
        "results_mb_per_member": per_member / 2**20,
        "rows": engine._rows,
    }


def baseline_side(matrix, picked: list[int], rebuilt: list[int]) -> dict[str, object]:
    """In a child: NearestNeighbors on the engine's TF-IDF matrix, per member and for the rebuild."""
    from sklearn.neighbors import NearestNeighbors

    neighbours = NearestNeighbors(n_neighbors=K + 1, metric="cosine", algorithm="brute").fit(matrix)
    times = []
    for i in picked:
        started = time.perf_counter()
        neighbours.kneighbors(matrix[i], K + 1)
        times.append(time.perf_counter() - started)
    started = time.perf_counter()
    neighbours.kneighbors(matrix[rebuilt], K + 1)
    return {"per_member": percentiles(times), "rebuild": time.perf_counter() - started, "mb": peak_rss_mb()}


def run(size: int, queries: int, sample: int, seed: int) -> dict[str, object]:
    rng = Random(seed)
    members = population(size, rng)
    picked = rng.sample(range(size), min(queries, size))
    everyone = size <= FULL_REBUILD_UP_TO or sample <= 0 or sample >= size
    rebuilt = list(range(size)) if everyone else rng.sample(range(size), sample)
    scale = size / len(rebuilt)
    spawn = multiprocessing.get_context("spawn")
    with spawn.Pool(1, maxtasksperchild=1) as pool:
        ours = pool.apply(engine_side, (members, picked, rebuilt))
    matrix = ours.pop("rows")
    with spawn.Pool(1, maxtasksperchild=1) as pool:
        theirs = pool.apply(baseline_side, (matrix, picked, rebuilt))
    results_mb = ours["results_mb_per_member"] * (size - len(rebuilt))
    return {
        **ours,
        "size": size,
        "rebuild": ours["rebuild"] * scale,
        "rebuild_bare": ours["rebuild_bare"] * scale,
        "rebuild_note": "all" if everyone else f"{len(rebuilt)} sampled, ×{scale:.0f}",
        "baseline": theirs["per_member"],
        "baseline_rebuild": theirs["rebuild"] * scale,
        "baseline_mb": theirs["mb"],
        "full_engine_mb": ours["engine_mb"] + results_mb,
        "features": matrix.shape[1],
        "nnz": matrix.nnz,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--sample", type=int, default=2000, help="0: time the whole rebuild at every size")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    np.random.seed(args.seed)
    header = (
        f"{'members':>8} {'fit s':>6} {'mentor p50/p95 ms':>17} {'peer p50/p95 ms':>15} "
        f"{'NN p50/p95 ms':>13} {'rebuild s':>9} {'no-reasons s':>12} {'NN rebuild s':>12} "
        f"{'NN/ours':>7} {'NN/bare':>7} {'members MB':>10} {'engine MB':>9} {'+full MB':>8} {'NN MB':>6}"
        "  rebuild timed over"
    )
    print(header)
    print("-" * len(header), flush=True)
    for size in (int(s) for s in args.sizes.split(",")):
        r = run(size, args.queries, args.sample, args.seed)
        print(
            f"{r['size']:>8} {r['fit']:>6.1f} {r['mentor'][0]:>7.1f} / {r['mentor'][1]:<7.1f} "
            f"{r['peer'][0]:>6.1f} / {r['peer'][1]:<6.1f} "
            f"{r['baseline'][0]:>5.1f} / {r['baseline'][1]:<5.1f} "
            f"{r['rebuild']:>9.1f} {r['rebuild_bare']:>12.1f} {r['baseline_rebuild']:>12.1f} "
            f"{r['baseline_rebuild'] / r['rebuild']:>6.1f}× "
            f"{r['baseline_rebuild'] / r['rebuild_bare']:>6.1f}× "
            f"{r['members_mb']:>10.0f} {r['engine_mb']:>9.0f} {r['full_engine_mb']:>8.0f} "
            f"{r['baseline_mb']:>6.0f}"
            f"  {r['rebuild_note']}",
            flush=True,
        )
    print(
        "\nrebuild = mentor + peer suggestions (k=10, with reasons) for every member; no-reasons = the "
        "same with reasons=False;\nNN rebuild = one kneighbors list (k=11) per member over everyone. "
        "NN/ours, NN/bare = how many times faster ours is.\nmembers MB = engine child's peak RSS with "
        "only the members loaded; engine MB = its peak after fit, queries and both rebuilds;\n+full MB = "
        "engine MB plus the estimated results of the members a sampled rebuild left out; NN MB = the "
        "baseline child's peak RSS.\n"
        f"This process (population generation): peak RSS {peak_rss_mb():.0f} MB; {sys.platform}, "
        f"{multiprocessing.cpu_count()} CPUs.",
        flush=True,
    )


if __name__ == "__main__":
    main()
