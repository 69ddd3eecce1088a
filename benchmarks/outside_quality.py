"""Matching quality on a population the engine was never tuned on, imported as a programme would.

    .venv/bin/python benchmarks/outside_quality.py [--seeds 1-3] [--size 600] [--k 10]

benchmarks/outside_population.py was written independently, from the CSV contract and the
vocabulary only, without seeing the engine: other phrasings, other noise, tags dropped at other
rates, people with nothing but free text, mentors whose offers are only in their text. Only its
interface is used here: `generate(seed, size)`, `write_csv`, and the latent relevance of a pair
(`relevance`, `relevance_parts`). For each seed its CSV goes through the real import into a
scratch SQLite database (`flask users import --approve-mentors`), then `flask matches rebuild` and
`flask matches export --kind mentor|peer --k 10` rank everyone with the real engine; the baselines
(benchmarks/ranking.py) rank the same profiles as the engine loads them (matching/members.py).

No engine constant was chosen on this generator: they were chosen on benchmarks/quality.py's
seeds 1–5 (docs/matching.md says how), and this script only reports.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

from mentormatch import create_app
from mentormatch.accounts.models import User
from mentormatch.core.extensions import db
from mentormatch.matching.engine import Member, Suggestion
from mentormatch.matching.members import load_members

sys.path.insert(0, str(Path(__file__).resolve().parent))
from outside_population import generate, write_csv
from ranking import METHODS, PARTS, Metrics, baselines, eligible, evaluate_tops, suggested, table

KINDS = ("mentor", "peer")


def _app(folder: Path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "benchmark-secret-key-0123456789",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'programme.sqlite3'}",
            "MAIL_FILE_DIR": str(folder / "mail"),
            "BASE_URL": "https://mentors.example.org",
            "ARGON2_TIME_COST": 1,
            "ARGON2_MEMORY_COST": 1024,
            "ARGON2_PARALLELISM": 1,
        }
    )
    with app.app_context():
        db.create_all()
    return app


def _cli(app, *args: str) -> str:
    result = app.test_cli_runner().invoke(args=list(args))
    if result.exit_code != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{result.output}")
    return result.output


def _grades(population, kind: str, emails: list[str], members: list[Member]):
    """The latent relevance of every seniority-eligible pair, overall and per part, cached."""
    cache: dict[tuple[int, int], tuple[int, dict[str, int]]] = {}

    def pair(q: int, c: int) -> tuple[int, dict[str, int]]:
        if (q, c) not in cache:
            cache[q, c] = (
                population.relevance(emails[q], emails[c], kind=kind),
                population.relevance_parts(emails[q], emails[c], kind=kind),
            )
        return cache[q, c]

    def grades(q: np.ndarray, c: np.ndarray, part: str | None):
        allowed = eligible(kind, members, q, c)
        grade = np.zeros(allowed.shape, dtype=np.int16)
        hit = np.zeros(allowed.shape, dtype=bool)
        for i, j in zip(*np.nonzero(allowed), strict=True):
            overall, parts = pair(int(q[i]), int(c[j]))
            grade[i, j] = overall if part is None else parts[part]
            hit[i, j] = parts["specialties"] > 0 and parts["goals"] > 0
        return grade, hit

    return grades


def _drop_offers(path: Path) -> None:
    """The file without its optional offers column, for a version of the import that lacks it."""
    with path.open(newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    columns = [column for column in rows[0] if column != "offers"]
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def evaluate_seed(seed: int, size: int, k: int, offers: bool = True) -> dict[str, dict[str, Metrics]]:
    """Import one generated programme, rank it, and score every method against its latent truth."""
    population = generate(seed, size=size)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        write_csv(population, folder / "people.csv")
        if not offers:
            _drop_offers(folder / "people.csv")
        app = _app(folder)
        with app.app_context():
            _cli(app, "users", "import", str(folder / "people.csv"), "--approve-mentors")
            _cli(app, "matches", "rebuild")
            exported = {
                kind: [
                    json.loads(line)
                    for line in _cli(app, "matches", "export", "--kind", kind, "--k", str(k)).splitlines()
                ]
                for kind in KINDS
            }
            members = load_members()
            email_of = dict(db.session.execute(db.select(User.id, User.email)).all())
        index = {email_of[m.id]: m.id for m in members}
        emails = [email_of[m.id] for m in members]
        results = {}
        for kind in KINDS:
            found = {
                index[line["email"]]: [
                    Suggestion(index[s["email"]], s["score"], s["reasons"]) for s in line["suggestions"]
                ]
                for line in exported[kind]
            }
            tops = baselines(kind, members, k, seed)
            tops["ours"] = suggested(members, found, k)
            results[kind] = evaluate_tops(kind, members, tops, _grades(population, kind, emails, members), k)
    return results


def mean(runs: list[dict[str, dict[str, Metrics]]]) -> dict[str, dict[str, Metrics]]:
    """Each figure averaged over seeds."""
    averaged: dict[str, dict[str, Metrics]] = {}
    for kind in KINDS:
        averaged[kind] = {}
        for method in METHODS:
            ms = [run[kind][method] for run in runs]
            averaged[kind][method] = Metrics(
                ndcg=float(np.mean([m.ndcg for m in ms])),
                precision_at_5=float(np.mean([m.precision_at_5 for m in ms])),
                coverage=float(np.mean([m.coverage for m in ms])),
                gini=float(np.mean([m.gini for m in ms])),
                parts={part: float(np.mean([m.parts[part] for m in ms])) for part in PARTS},
            )
    return averaged


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", default="1-3", help="e.g. 1-3, or 7")
    parser.add_argument("--size", type=int, default=600)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument(
        "--no-offers-column", action="store_true", help="drop the optional offers column (an older import)"
    )
    args = parser.parse_args()
    first, _, last = args.seeds.partition("-")
    seeds = range(int(first), int(last or first) + 1)
    runs = []
    for seed in seeds:
        runs.append(evaluate_seed(seed, args.size, args.k, offers=not args.no_offers_column))
        ours, tfidf = runs[-1]["mentor"]["ours"].ndcg, runs[-1]["mentor"]["TF-IDF"].ndcg
        ratio = f"{ours / tfidf:.2f}×"
        print(f"seed {seed}: mentor NDCG@{args.k} ours {ours:.3f}, plain TF-IDF {tfidf:.3f} ({ratio})")
    averaged = mean(runs)
    print(f"\n{args.size} people per programme, seeds {args.seeds}, means over seeds\n")
    for kind in KINDS:
        print(f"{kind.capitalize()} suggestions:\n\n{table(averaged[kind], args.k)}\n")
    ours, tfidf = averaged["mentor"]["ours"].ndcg, averaged["mentor"]["TF-IDF"].ndcg
    verdict = "met" if ours >= 1.1 * tfidf else "NOT met"
    print(f"Goal (mentor NDCG@{args.k} ≥ 1.10× plain TF-IDF): {verdict} ({ours / tfidf:.2f}×)")


if __name__ == "__main__":
    main()
