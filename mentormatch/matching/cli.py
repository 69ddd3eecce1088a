"""`flask matches rebuild` and `flask matches export`: suggestions for everyone, from the command line."""

from __future__ import annotations

import csv
import json
import sys
import time

import click
from flask.cli import AppGroup
from sqlalchemy import select

from mentormatch.accounts.models import User
from mentormatch.core.commands import needs_database
from mentormatch.core.extensions import db
from mentormatch.matching.freshness import rebuild
from mentormatch.matching.service import KINDS, all_suggestions

matches_cli = AppGroup("matches", help="Suggested mentors and peers.")


@matches_cli.command("rebuild")
@needs_database
def rebuild_command() -> None:
    """Refit matching on every profile and recompute every suggestion; every web process follows."""
    started = time.perf_counter()
    members = rebuild()
    fitted = time.perf_counter() - started
    counts = {kind: sum(map(len, all_suggestions(kind, reasons=False).values())) for kind in KINDS}
    click.echo(
        f"Matching rebuilt: {members} members fitted in {fitted:.1f} s; "
        f"{counts['mentor']} mentor and {counts['peer']} peer suggestions "
        f"in {time.perf_counter() - started:.1f} s."
    )


@matches_cli.command("export")
@click.option("--kind", type=click.Choice(KINDS), help="Only mentor or only peer suggestions (default both).")
@click.option(
    "--k", "k", type=click.IntRange(1, 100), default=10, show_default=True, help="Suggestions each."
)
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True)
@needs_database
def export_command(kind: str | None, k: int, fmt: str) -> None:
    """Everyone's suggestions to standard output: one JSON object per member and kind, or CSV rows."""
    kinds = [kind] if kind else list(KINDS)
    found = {each: all_suggestions(each, k=k) for each in kinds}
    ids = {member for per_kind in found.values() for member in per_kind}
    ids |= {s.id for per_kind in found.values() for suggestions in per_kind.values() for s in suggestions}
    emails = (
        dict(db.session.execute(select(User.id, User.email).where(User.id.in_(ids))).all()) if ids else {}
    )
    out = sys.stdout
    writer = csv.writer(out) if fmt == "csv" else None
    if writer:
        writer.writerow(["email", "kind", "rank", "suggested_email", "score", "reasons"])
    for each in kinds:
        for member in sorted(found[each], key=lambda member: emails[member]):
            suggestions = found[each][member]
            if writer:
                for rank, s in enumerate(suggestions, start=1):
                    writer.writerow(
                        [emails[member], each, rank, emails[s.id], f"{s.score:.4f}", " · ".join(s.reasons)]
                    )
                continue
            line = {
                "email": emails[member],
                "kind": each,
                "suggestions": [
                    {"email": emails[s.id], "score": round(s.score, 4), "reasons": s.reasons}
                    for s in suggestions
                ],
            }
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
