"""How fast the people directory answers, against a naive LIKE scan, on a demo population.

    .venv/bin/python benchmarks/directory.py [--members 100000] [--database sqlite|postgresql|both]
        [--postgres-url URL] [--runs 50] [--seed 1]

Builds a scratch database (a temporary SQLite file; on PostgreSQL a schema bench_<random> in
TEST_DATABASE_URL or --postgres-url, dropped at the end), seeds it with the demo generator, then
times each kind of query exactly as the /people view runs it: directory_select() and
db.paginate() for the first page of 20 plus the total. The baseline runs the same filters with
`ILIKE '%word%'` over the same two text columns, ordered by name. Prints p50/p95 per query kind
and how many times slower the baseline is. Times are reported, never asserted.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from random import Random

from sqlalchemy import Select, create_engine, or_, text

from mentormatch import create_app
from mentormatch.accounts.passwords import hash_password
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.demo.generate import DemoPerson, generate_people
from mentormatch.demo.logins import DEMO_LOGINS, DEMO_PASSWORD
from mentormatch.demo.seed import seed_members
from mentormatch.profiles.models import Profile
from mentormatch.profiles.search import DirectoryQuery, directory_select, search_terms

PER_PAGE = 20  # as profiles/routes.py


ONE_WORD = ("cardiology", "cycling", "paediatrics", "climbing", "research", "anaesthetics", "baking", "leeds",
            "midwife", "sonographer")  # fmt: skip
TWO_WORDS = ("cardiology cycling", "surgery running", "paediatrics baking", "leeds research",
             "psychiatry choir", "manchester hiking", "emergency yoga", "oncology reading",
             "sheffield climbing", "ophthalmology film")  # fmt: skip
PREFIXES = ("cardi", "paed", "anaes", "ortho", "gastr", "neur", "psych", "derm", "radio", "onco")
REGIONS = ("london", "scotland", "north_west", "yorkshire_humber", "wales") * 2
SPECIALTIES = ("cardiology", "paediatrics", "general_surgery", "psychiatry", "emergency_medicine") * 2
WORDS = ("research", "cycling", "teaching", "running", "exams") * 2


def query_kinds(people: list[DemoPerson]) -> dict[str, list[DirectoryQuery]]:
    """Ten variants of each kind of query, cycled through the runs so no one query is cached hot."""
    generated = people[len(DEMO_LOGINS) :]
    names = [person.name for person in generated[:: max(1, len(generated) // 10)][:10]]
    triples = list(zip(WORDS, REGIONS, reversed(SPECIALTIES), strict=True))
    return {
        "one word": [DirectoryQuery(text=word) for word in ONE_WORD],
        "two words": [DirectoryQuery(text=words) for words in TWO_WORDS],
        "prefix (typing)": [DirectoryQuery(text=prefix) for prefix in PREFIXES],
        "a name": [DirectoryQuery(text=name) for name in names],
        "filters only": [
            DirectoryQuery(region=r, specialty=s) for r, s in zip(REGIONS, SPECIALTIES, strict=True)
        ],
        "text + filters": [
            DirectoryQuery(text=word, region=region, specialty=specialty, mentors_only=n % 2 == 0)
            for n, (word, region, specialty) in enumerate(triples)
        ],
    }


def baseline_select(query: DirectoryQuery) -> Select:
    """The naive directory: the same filters, every word a substring of either text column, by name."""
    statement = directory_select(replace(query, text=""))
    for term in search_terms(query.text):
        pattern = f"%{term}%"
        statement = statement.where(
            or_(Profile.search_primary.ilike(pattern), Profile.search_secondary.ilike(pattern))
        )
    return statement


def first_page(statement: Select) -> int:
    """What the /people view does with a query: the first page of people and the total."""
    page = db.paginate(statement, page=1, per_page=PER_PAGE, max_per_page=PER_PAGE, error_out=False)
    for user in page.items:
        _ = user.profile.region
    return page.total or 0


def timed(select: Callable[[DirectoryQuery], Select], query: DirectoryQuery) -> tuple[float, int]:
    """Seconds to answer the query (the first page and the total), and the total."""
    started = time.perf_counter()
    total = first_page(select(query))
    elapsed = time.perf_counter() - started
    db.session.rollback()
    db.session.expunge_all()
    return elapsed, total


def percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def bench(kinds: dict[str, list[DirectoryQuery]], runs: int) -> list[tuple]:
    rows = []
    for kind, variants in kinds.items():
        for query in variants:  # warm up caches and the statement cache, untimed
            timed(directory_select, query)
        timed(baseline_select, variants[0])  # (one scan reads every row the others will)
        ours: list[float] = []
        naive: list[float] = []
        for run in range(runs):  # alternate, so both see the same cache conditions
            query = variants[run % len(variants)]
            ours.append(timed(directory_select, query)[0])
            naive.append(timed(baseline_select, query)[0])
        hits = (timed(directory_select, variants[0])[1], timed(baseline_select, variants[0])[1])
        rows.append((kind, describe(variants[0]), ours, naive, hits))
    return rows


def describe(query: DirectoryQuery) -> str:
    parts = [f'"{query.text}"'] if query.text else []
    parts += [value for value in (query.region, query.specialty) if value]
    return " ".join(parts + (["mentors"] if query.mentors_only else []))


def print_table(title: str, rows: list[tuple]) -> None:
    print(f"\n{title}")
    header = f"{'query kind':<16} {'example':<36} {'ours p50':>9} {'p95':>8} {'LIKE p50':>9} {'p95':>8}"
    print(header + f" {'LIKE/ours':>9}  hits ours / LIKE")
    print("-" * (len(header) + 28))
    for kind, example, ours, naive, (hits_ours, hits_naive) in rows:
        p50, p95 = percentile(ours, 0.5) * 1000, percentile(ours, 0.95) * 1000
        n50, n95 = percentile(naive, 0.5) * 1000, percentile(naive, 0.95) * 1000
        print(
            f"{kind:<16} {example[:36]:<36} {p50:>6.1f} ms {p95:>5.1f} ms {n50:>6.1f} ms {n95:>5.1f} ms "
            f"{n50 / p50:>8.1f}×  {hits_ours:,} / {hits_naive:,}"
        )


@contextmanager
def scratch_database(kind: str, postgres_url: str | None) -> Iterator[tuple[str, dict]]:
    """(database URL, engine options) for an empty scratch database, removed afterwards."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{Path(folder) / 'bench.sqlite3'}", {}
        return
    if not postgres_url:
        sys.exit("PostgreSQL: set TEST_DATABASE_URL or pass --postgres-url.")
    schema = f"bench_{secrets.token_hex(4)}"
    admin = create_engine(postgres_url)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield postgres_url, {"connect_args": {"options": f"-csearch_path={schema}"}}
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def run_on(kind: str, people: list[DemoPerson], args: argparse.Namespace, folder: str) -> None:
    with scratch_database(kind, args.postgres_url) as (url, engine_options):
        app = create_app({
            "TESTING": True, "SECRET_KEY": secrets.token_hex(32), "SQLALCHEMY_DATABASE_URI": url,
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, **engine_options}, "MAIL_FILE_DIR": folder,
            "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 1024, "ARGON2_PARALLELISM": 1,
        })  # fmt: skip
        with app.app_context():
            db.create_all()
            started = time.perf_counter()
            seed_members(people, hash_password(DEMO_PASSWORD), now=utcnow())
            db.session.commit()
            seeded = time.perf_counter() - started
            if kind == "postgresql":  # what autovacuum would have done by the time anyone searches
                with db.engine.begin() as connection:
                    connection.execute(text("ANALYZE"))
            rows = bench(query_kinds(people), args.runs)
            db.session.remove()
            db.engine.dispose()
    title = f"{kind} · {len(people):,} members · seeded in {seeded:.1f} s · {args.runs} runs per kind"
    print_table(title, rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="sqlite")
    parser.add_argument("--postgres-url", default=os.environ.get("TEST_DATABASE_URL"))
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    started = time.perf_counter()
    logins = list(DEMO_LOGINS.values())
    people = logins + generate_people(args.members - len(logins), Random(args.seed), alongside=logins)
    print(
        f"Generated {len(people):,} demo members (seed {args.seed}) in {time.perf_counter() - started:.1f} s."
    )
    kinds = ("sqlite", "postgresql") if args.database == "both" else (args.database,)
    with tempfile.TemporaryDirectory() as folder:
        for kind in kinds:
            run_on(kind, people, args, folder)


if __name__ == "__main__":
    main()
