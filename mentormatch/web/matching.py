"""Suggested mentors and peers at /matches, with "Not for me" and its undo."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from mentormatch.accounts.models import User
from mentormatch.accounts.sessions import verified_required
from mentormatch.core.errors import render_error
from mentormatch.core.extensions import db
from mentormatch.core.ids import parse_id
from mentormatch.core.pagecache import cached_page
from mentormatch.core.views import is_htmx, render_fragment
from mentormatch.core.vocabulary import STAGE_BY_CODE, STAGES
from mentormatch.matching.models import Dismissal
from mentormatch.matching.service import SuggestedPerson, dismiss, suggestions_for, undo_dismiss
from mentormatch.profiles.listing import listed_member_or_404

bp = Blueprint("matching", __name__)

PER_TAB = 10
# Undo puts the person back as a card with their score; they are looked for this far down the list.
UNDO_LOOKUP = 50
TABS = {"mentors": "mentor", "peers": "peer"}
TOP_RANK = max(stage.rank for stage in STAGES)


def is_onboarded(user: User) -> bool:
    """True once the member has finished onboarding, so matching knows them."""
    return user.profile is not None and user.profile.onboarded_at is not None


def at_top_stage(user: User) -> bool:
    """Consultants and GPs: nobody is further along, so mentors aren't suggested to them."""
    stage = STAGE_BY_CODE.get(user.career_stage or "")
    return stage is not None and stage.rank >= TOP_RANK


def default_tab(user: User) -> str:
    return "peers" if at_top_stage(user) else "mentors"


def _tab(value: str | None, user: User) -> str:
    return value if value in TABS else default_tab(user)


def _panel_context(me: User, tab: str) -> dict:
    """What one tab shows: the cards, or which empty state and why."""
    onboarded = is_onboarded(me)
    top_stage = tab == "mentors" and at_top_stage(me)
    suggestions = suggestions_for(me, TABS[tab], k=PER_TAB) if onboarded and not top_stage else []
    return {
        "tab": tab,
        "tabs": TABS,
        "onboarded": onboarded,
        "top_stage": top_stage,
        "suggestions": suggestions,
        "cards": [(s.user, s.profile, s) for s in suggestions],  # what matching/_card.html shows
        "mentor_apply_url": url_for("mentors.apply") if top_stage else None,
    }


def _found_message(context: dict) -> str:
    """What the status region says after a tab switch."""
    if not context["onboarded"]:
        return "Complete your profile to get suggestions."
    if context["top_stage"]:
        return "Mentoring here is for people earlier in their career."
    count = len(context["suggestions"])
    return f"{count} suggested {TABS[context['tab']]}{'s' if count != 1 else ''}"


@bp.get("/matches")
@cached_page
@verified_required
def matches() -> ResponseReturnValue:
    """Suggested mentors and peers, with the reasons (?tab=mentors or ?tab=peers)."""
    me = current_user._get_current_object()
    context = _panel_context(me, _tab(request.args.get("tab"), me))
    if request.headers.get("HX-Target") == "matches":
        return render_fragment(
            "matching/_panel.html",
            status_message=_found_message(context),
            headers={"Vary": "HX-Target"},
            as_fragment=True,
            **context,
        )
    # Without JavaScript, "Not for me" comes back here with ?undo=<id> to offer the undo.
    undo_id = parse_id(request.args.get("undo"))  # anything else (², 10**20) is no undo, not an error
    undo_person = None
    if undo_id is not None and db.session.get(Dismissal, (me.id, undo_id)) is not None:
        undo_person = db.session.get(User, undo_id)
    return (
        render_template("matching/matches.html", undo_person=undo_person, as_fragment=False, **context),
        200,
        {"Vary": "HX-Target"},
    )


def _not_yourself() -> ResponseReturnValue:
    return render_error(
        400,
        "That's you",
        "You never appear in your own suggestions, so there is nobody to hide or bring back.",
    )


@bp.post("/matches/dismiss/<int:user_id>")
@verified_required
def dismiss_person(user_id: int) -> ResponseReturnValue:
    """'Not for me': stop suggesting this person; htmx gets the undo in place of the card."""
    me = current_user._get_current_object()
    if user_id == me.id:
        return _not_yourself()
    person = listed_member_or_404(user_id)
    tab = _tab(request.form.get("tab"), me)
    dismiss(me, person.id)
    db.session.commit()
    done = f"You won't see {person.display_name} in your suggestions again."
    if is_htmx():
        return render_fragment("matching/_dismissed.html", status_message=done, person=person, tab=tab)
    flash(done, "success")
    return redirect(url_for("matching.matches", tab=tab, undo=person.id), 303)


@bp.post("/matches/undismiss/<int:user_id>")
@verified_required
def undo_dismiss_person(user_id: int) -> ResponseReturnValue:
    """Undo 'Not for me': suggest this person again; htmx gets their card back."""
    me = current_user._get_current_object()
    if user_id == me.id:
        return _not_yourself()
    person = listed_member_or_404(user_id)
    tab = _tab(request.form.get("tab"), me)
    undo_dismiss(me, person.id)
    db.session.commit()
    done = f"{person.display_name} is back in your suggestions."
    if is_htmx():
        suggestion = _suggestion_of(me, tab, person.id)
        return render_fragment(
            "matching/_card.html",
            status_message=done,
            cards=[(person, person.profile, suggestion)],
            tab=tab,
            restored=True,
        )
    flash(done, "success")
    return redirect(url_for("matching.matches", tab=tab), 303)


def _suggestion_of(me: User, tab: str, person_id: int) -> SuggestedPerson | None:
    """This person's place in my suggestions now, with score and reasons (None: not suggested now)."""
    if not is_onboarded(me) or (tab == "mentors" and at_top_stage(me)):
        return None
    found = suggestions_for(me, TABS[tab], k=UNDO_LOOKUP)
    return next((s for s in found if s.user.id == person_id), None)
