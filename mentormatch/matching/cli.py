"""`flask matches rebuild`, `export` and `learn`: suggestions for everyone, and a programme's own blend."""

from __future__ import annotations

import csv
import json
import sys
import time

import click
import numpy as np
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from mentormatch.accounts.models import User
from mentormatch.core.commands import needs_database
from mentormatch.core.extensions import db
from mentormatch.matching.blend import MENTOR_WEIGHTS
from mentormatch.matching.freshness import fresh_engine, rebuild
from mentormatch.matching.learning import NotEnoughOutcomes, learn_weights
from mentormatch.matching.outcomes import forget_blend, mentoring_outcomes, store_blend
from mentormatch.matching.service import KINDS, all_suggestions, standing

matches_cli = AppGroup("matches", help="Suggested mentors and peers.")
LEARN = "flask matches learn"  # the actor the learned blend and its audit entry name


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
    """Everyone's suggestions to standard output: one JSON object per member and kind, or CSV rows.

    Each `score` is the share of everyone eligible for that member ranked below the suggestion
    (0.97: a top 3 % match), the meaning the pages and digests show.
    """
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
                        [
                            emails[member],
                            each,
                            rank,
                            emails[s.id],
                            f"{standing(s.top):.4f}",
                            " · ".join(s.reasons),
                        ]
                    )
                continue
            line = {
                "email": emails[member],
                "kind": each,
                "suggestions": [
                    {"email": emails[s.id], "score": standing(s.top), "reasons": s.reasons}
                    for s in suggestions
                ],
            }
            out.write(json.dumps(line, ensure_ascii=False) + "\n")


@matches_cli.command("learn")
@click.option("--min-outcomes", type=click.IntRange(1), help="Outcomes needed (MATCHING_LEARN_MIN_OUTCOMES).")
@click.option("--defaults", "use_defaults", is_flag=True, help="Switch back to the default blend.")
@needs_database
def learn_command(min_outcomes: int | None, use_defaults: bool) -> None:
    """Fit the mentor blend's weights to this programme's outcomes; every web process follows."""
    if use_defaults:
        switched = forget_blend(by=f"{LEARN} --defaults")
        click.echo("Back to the default blend." if switched else "The default blend is in use already.")
        rebuild()  # commits the switch and its audit entry with the new generation
        return
    needed = min_outcomes or current_app.config["MATCHING_LEARN_MIN_OUTCOMES"]
    outcomes = mentoring_outcomes()
    by_mentee: dict[int, list[tuple[int, bool]]] = {}
    parts, went_well = [], []
    with fresh_engine() as engine:
        for (mentee, mentor), well in outcomes.items():
            if engine is not None and mentee in engine and mentor in engine:
                by_mentee.setdefault(mentee, []).append((mentor, well))
        for mentee, pairs in by_mentee.items():
            parts.append(engine.part_scores("mentor", mentee, [mentor for mentor, _ in pairs]))
            went_well += [well for _, well in pairs]
    try:
        weights = learn_weights(
            np.vstack(parts) if parts else np.zeros((0, len(MENTOR_WEIGHTS))),
            np.array(went_well, dtype=bool),
            MENTOR_WEIGHTS,
            min_outcomes=needed,
        )
    except NotEnoughOutcomes as error:
        raise click.ClickException(f"Kept the blend as it is: {error}.") from None
    stored = store_blend(weights, len(went_well), sum(went_well), by=LEARN)
    click.echo(
        f"Learned from {len(went_well):,} outcomes ({sum(went_well):,} went well), {stored['learned_at']}:"
    )
    click.echo(f"{'part':<12} {'default':>8} {'learned':>8}")
    for part, default in MENTOR_WEIGHTS.items():
        click.echo(f"{part:<12} {default:>8.3f} {weights[part]:>8.3f}")
    rebuild()
    click.echo("Every web process refits with it; `flask matches learn --defaults` switches back.")
