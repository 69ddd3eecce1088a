"""Suggested mentors and peers at /matches, with "Not for me" and its undo."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue

from mentormatch.accounts.sessions import verified_required

bp = Blueprint("matching", __name__)


@bp.get("/matches")
@verified_required
def matches() -> ResponseReturnValue:
    """Suggested mentors and peers, with the reasons."""
    return render_template("matching/matches.html")
