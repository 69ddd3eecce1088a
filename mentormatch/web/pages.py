"""The front door: landing page, dashboard, privacy notice, terms, the icons and the health check."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, Response, current_app, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from mentormatch.accounts.models import User
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db, limiter
from mentormatch.core.pagecache import cached_page
from mentormatch.events.dashboard import events_section
from mentormatch.matching.service import SuggestedPerson, suggestions_of_kinds
from mentormatch.mentoring import introductions
from mentormatch.mentoring.lists import connections_for, waiting_for
from mentormatch.mentoring.near_peer import PEOPLE_AT, invited_to_mentor
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
    action: str = "Go to this step"  # the words on its button


def next_steps(user: User) -> list[NextStep]:
    """What a signed-in person should do next, in order."""
    profile = user.profile
    strength = profile_strength(user, profile)
    steps = [
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
            "Set up your profile",
        ),
        NextStep(
            f"Strengthen your profile ({strength.percent}%)",
            " ".join(strength.hints[:2]),
            strength.percent >= 80,
            url_for("profiles.show", user_id=user.id),
            "See what to add",
        ),
    ]
    left = invited_to_mentor(profile)
    if left:
        # A mentee who moved up a stage: mentoring the stage they left (near-peer mentoring).
        steps.append(
            NextStep(
                f"Mentor {PEOPLE_AT.get(left, 'the stage you left')}",
                "You had a mentor at your last stage: you're well placed to help the people who follow you.",
                False,
                url_for("mentors.apply"),
                "Apply to mentor",
            )
        )
    return steps


@dataclass(frozen=True)
class TopSuggestion:
    kind: str  # "mentors" or "peers": the /matches tab it comes from
    suggestion: SuggestedPerson


TOP_SUGGESTIONS = 3
WAITING_SHOWN = 3


def top_suggestions(user: User, k: int = TOP_SUGGESTIONS) -> list[TopSuggestion]:
    """The k best of this member's mentor and peer suggestions together, by score."""
    tabs = {"peer": "peers"} if at_top_stage(user) else {"mentor": "mentors", "peer": "peers"}
    by_kind = suggestions_of_kinds(user, tuple(tabs), k)
    found = [TopSuggestion(tabs[kind], s) for kind, suggestions in by_kind.items() for s in suggestions]
    return sorted(found, key=lambda top: top.suggestion.score, reverse=True)[:k]


def dashboard_matches(user: User) -> dict:
    """Top suggestions and requests waiting, once the member is confirmed and onboarded."""
    profile = user.profile
    if not user.is_verified or profile is None or profile.onboarded_at is None:
        return {"show_matches": False}
    waiting, waiting_count = waiting_for(user, WAITING_SHOWN)
    introduced, introduced_count = introductions.waiting_for(user, WAITING_SHOWN)
    return {
        "show_matches": True,
        "pairs": pair_summaries(user, connections_for(user)),
        "top": top_suggestions(user),
        "waiting": waiting,
        "waiting_count": waiting_count,
        "introductions_waiting": introduced,
        "introductions_waiting_count": introduced_count,
        "waiting_check_ins": waiting_check_ins(user),
        **dashboard_events(user),
    }


def dashboard_events(user: User) -> dict:
    """The events section: coming up (with whom to meet), "who did you meet?", follow-ups."""
    return {"events_section": events_section(user, utcnow())}


@bp.get("/")
@limiter.exempt  # no limit applies here; working that out cost a visitor's page a fifth of its time
@cached_page(visitors=True)  # the landing page reads nothing
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


@bp.get("/favicon.ico")
def favicon() -> ResponseReturnValue:
    """The icon browsers ask for at the site's root, whatever the page says (1.4 KB, read whole)."""
    icon = Path(current_app.static_folder or "", "icons", "favicon.ico").read_bytes()
    response = Response(icon, mimetype="image/vnd.microsoft.icon")
    response.cache_control.public = True
    response.cache_control.max_age = 86400
    return response


@bp.get("/manifest.webmanifest")
def manifest() -> ResponseReturnValue:
    """The web app manifest: the name, colours and icons a phone uses for a home-screen shortcut."""
    icons = [
        {
            "src": url_for("static", filename=f"icons/icon-{size}.png"),
            "sizes": f"{size}x{size}",
            "type": "image/png",
        }
        for size in (192, 512)
    ]
    icons.append(
        {"src": url_for("static", filename="icons/favicon.svg"), "sizes": "any", "type": "image/svg+xml"}
    )
    body = {
        "name": "MentorMatch",
        "short_name": "MentorMatch",
        "description": "Mentors and peers for medical students and junior doctors.",
        "start_url": url_for("pages.index"),
        "display": "standalone",
        "background_color": "#f3f5f7",
        "theme_color": "#0b5563",
        "icons": icons,
    }
    response = current_app.json.response(body)
    response.mimetype = "application/manifest+json"
    return response


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    """For monitoring: 200 when the app and its database answer, 503 when the database doesn't."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return {"status": "unavailable", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}
