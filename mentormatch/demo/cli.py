"""`flask seed-demo`: a realistic demo population in an empty database, and the demo logins."""

from __future__ import annotations

import time
from random import Random

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from mentormatch.accounts.models import User
from mentormatch.accounts.passwords import hash_password
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.core.views import absolute_url
from mentormatch.demo.checkins import seed_check_ins
from mentormatch.demo.events import seed_events
from mentormatch.demo.generate import generate_people
from mentormatch.demo.helping import NAMED_HELPERS, NAMED_HELPERS_FROM, with_help_topics
from mentormatch.demo.introductions import seed_introductions
from mentormatch.demo.logins import DEMO_LOGINS, DEMO_PASSWORD
from mentormatch.demo.mentoring import seed_mentoring
from mentormatch.demo.pairs import seed_pairs
from mentormatch.demo.seed import seed_members

ROLE_DESCRIPTIONS = {
    "admin": "programme admin",
    "student": "Year 4 medical student, Leeds",
    "mentor": "consultant cardiologist, approved mentor",
}


@click.command("seed-demo")
@click.option(
    "--users",
    "count",
    type=click.IntRange(min=len(DEMO_LOGINS), max=1_000_000),
    default=300,
    show_default=True,
    help="Members in all, the three demo logins included.",
)
@click.option("--seed", type=int, default=1, show_default=True, help="The same seed makes the same people.")
@with_appcontext
def seed_demo_command(count: int, seed: int) -> None:
    """Fill an empty database with demo members and print the demo logins (safe to run again)."""
    if not (current_app.debug or current_app.testing):
        # The demo admin's password is in the README: never on a real site.
        raise click.UsageError(
            "seed-demo only runs in debug mode (flask --app mentormatch --debug seed-demo): "
            "its admin account has a published password."
        )
    members = db.session.scalar(select(func.count()).select_from(User))
    if members:
        click.echo(f"The database already has {members} member{'s' if members != 1 else ''}: nothing seeded.")
    else:
        started = time.perf_counter()
        logins = list(DEMO_LOGINS.values())
        # Steve in ultrasound, Marian on Ward 12 and friends join a full-size demo; a small one
        # (tests) keeps every generated member, so its requests and pairs stay as they were.
        named = list(NAMED_HELPERS) if count >= NAMED_HELPERS_FROM else []
        rng = Random(seed)  # noqa: S311  (demo data: repeatable on purpose, not a secret)
        people = with_help_topics(
            generate_people(count - len(logins) - len(named), rng, alongside=[*logins, *named])
        )
        # One hash for everyone: argon2 is slow on purpose, and every demo account shares the password.
        now = utcnow()
        seed_members([*logins, *named, *people], hash_password(DEMO_PASSWORD), now=now)
        made = seed_mentoring(Random(seed), now)  # noqa: S311
        together = seed_pairs(Random(seed), now)  # noqa: S311
        together |= seed_check_ins(Random(seed), now)  # noqa: S311
        together |= seed_introductions(Random(seed), now)  # noqa: S311
        seed_events(Random(seed), now)  # noqa: S311
        db.session.commit()
        click.echo(
            f"Seeded {count} demo members (seed {seed}) with {made['requests']} requests and "
            f"{made['connections']} connections ({together['messages']} messages, {together['meetings']} "
            f"meetings, {together['goals']} goals, {together['check_ins']} check-ins, "
            f"{together['introductions']} introductions) in "
            f"{time.perf_counter() - started:.1f} s."
        )
    _print_logins()


def _print_logins() -> None:
    emails = {person.email: role for role, person in DEMO_LOGINS.items()}
    found = {
        emails[email]: name
        for email, name in db.session.execute(select(User.email, User.name).where(User.email.in_(emails)))
    }
    if not found:
        return
    click.echo(f"\nDemo logins at {absolute_url('auth.login')} (password: {DEMO_PASSWORD})")
    for role, person in DEMO_LOGINS.items():
        if role in found:
            click.echo(f"  {role:<8} {person.email:<36} {found[role]}, {ROLE_DESCRIPTIONS[role]}")
