"""A programme's own evidence for `flask matches learn`, and the blend it learned.

What went well: a mentoring request accepted, a round pair published (a mentoring connection made
without a request), unless the connection ended within `ENDED_EARLY`. What did not: a request
declined or expired, or a connection that ended early. Withdrawn requests say nothing of the fit.
The learned blend is kept with its date in the instance folder (`matching-weights.json`), read by
every process when it fits; removing it (`flask matches learn --defaults`) switches back.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.mentoring.models import ACCEPTED, DECLINED, EXPIRED, MENTORING, Connection, MentoringRequest

ENDED_EARLY = timedelta(days=90)
WEIGHTS_FILE = "matching-weights.json"


def mentoring_outcomes() -> dict[tuple[int, int], bool]:
    """{(mentee, mentor): went well} for every mentoring pair with an outcome."""
    found: dict[tuple[int, int], bool] = {}
    requests = select(
        MentoringRequest.sender_id, MentoringRequest.recipient_id, MentoringRequest.status
    ).where(MentoringRequest.kind == MENTORING, MentoringRequest.status.in_([ACCEPTED, DECLINED, EXPIRED]))
    for mentee, mentor, status in db.session.execute(requests):
        found[mentee, mentor] = status == ACCEPTED
    connections = select(
        Connection.second_id,
        Connection.first_id,
        Connection.request_id,
        Connection.started_at,
        Connection.ended_at,
    ).where(Connection.kind == MENTORING)
    for mentee, mentor, request_id, started, ended in db.session.execute(connections):
        early = ended is not None and ended - started < ENDED_EARLY
        if early:
            found[mentee, mentor] = False
        elif request_id is None:  # a published round's pair
            found[mentee, mentor] = True
    return found


def _path() -> Path:
    configured = current_app.config.get("MATCHING_WEIGHTS_FILE")
    return Path(configured) if configured else Path(current_app.instance_path) / WEIGHTS_FILE


def learned_blend() -> dict | None:
    """The stored learned blend ({"learned_at", "outcomes", "mentor": weights}), or None."""
    try:
        return json.loads(_path().read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None


def store_blend(weights: dict[str, float], outcomes: int) -> dict:
    """Keep the learned mentor blend, with today's date and the evidence behind it."""
    stored = {"learned_at": utcnow().isoformat(timespec="seconds"), "outcomes": outcomes, "mentor": weights}
    _path().write_text(json.dumps(stored, indent=2) + "\n", encoding="utf-8")
    return stored


def forget_blend() -> bool:
    """Back to the default blend; False when none was learned."""
    try:
        _path().unlink()
    except FileNotFoundError:
        return False
    return True
