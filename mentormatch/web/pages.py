"""The front door: landing page, dashboard, privacy notice, terms and the health check."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from mentormatch.accounts.models import User
from mentormatch.core.extensions import db
from mentormatch.matching.service import SuggestedPerson, suggestions_for
from mentormatch.mentoring.lists import connections_for, requests_for
from mentormatch.mentoring.pairs import pair_summaries
from mentormatch.profiles.service import profile_strength
from mentormatch.web.checkins import waiting_check_ins
from mentormatch.web.matching import at_top_stage

bp = Blueprint("pages", __name__)


@dataclass(frozen=True)
class NextStep:
    title: str
    detail: str
    done: bool
    link: str | None = None


def next_steps(user: User) -> list[NextStep]:
    """What a signed-in person should do next, in order."""
    profile = user.profile
    strength = profile_strength(user, profile)
    return [
        NextStep(
            "Confirm your email address",
            f"Open the link we sent to {user.email}. Until then other members can't see you.",
            user.is_verified,
        ),
        NextStep(
            "Set up your profile",
            "Four short steps: about you, specialties and goals, interests, what you're looking for.",
            profile is not None and profile.onboarded_at is not None,
            url_for("profiles.edit_step", slug="about"),
        ),
        NextStep(
            f"Strengthen your profile ({strength.percent}%)",
            " ".join(strength.hints[:2]),
            strength.percent >= 80,
            url_for("profiles.show", user_id=user.id),
        ),
    ]


@dataclass(frozen=True)
class TopSuggestion:
    kind: str  # "mentors" or "peers": the /matches tab it comes from
    suggestion: SuggestedPerson


TOP_SUGGESTIONS = 3
WAITING_SHOWN = 3


def top_suggestions(user: User, k: int = TOP_SUGGESTIONS) -> list[TopSuggestion]:
    """The k best of this member's mentor and peer suggestions together, by score."""
    kinds = [("peers", "peer")] if at_top_stage(user) else [("mentors", "mentor"), ("peers", "peer")]
    found = [TopSuggestion(tab, s) for tab, kind in kinds for s in suggestions_for(user, kind, k)]
    return sorted(found, key=lambda top: top.suggestion.score, reverse=True)[:k]


def dashboard_matches(user: User) -> dict:
    """Top suggestions and requests waiting, once the member is confirmed and onboarded."""
    profile = user.profile
    if not user.is_verified or profile is None or profile.onboarded_at is None:
        return {"show_matches": False}
    waiting = requests_for(user)["received"]
    return {
        "show_matches": True,
        "pairs": pair_summaries(user, connections_for(user)),
        "top": top_suggestions(user),
        "waiting": waiting[:WAITING_SHOWN],
        "waiting_count": len(waiting),
        "waiting_check_ins": waiting_check_ins(user),
    }


@bp.get("/")
def index() -> ResponseReturnValue:
    """Visitors get the landing page; signed-in people their dashboard."""
    if current_user.is_authenticated:
        me = current_user._get_current_object()
        return render_template("pages/dashboard.html", steps=next_steps(me), **dashboard_matches(me))
    return render_template("pages/landing.html")


@bp.get("/privacy")
def privacy() -> ResponseReturnValue:
    """What we store about you and why."""
    return render_template("pages/privacy.html")


@bp.get("/terms")
def terms() -> ResponseReturnValue:
    """The terms of use."""
    return render_template("pages/terms.html")


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    """For monitoring: 200 when the app and its database answer, 503 when the database doesn't."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return {"status": "unavailable", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}
