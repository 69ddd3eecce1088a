"""Onboarding and profile editing, the people directory, and profile pages."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from mentormatch.accounts.models import User
from mentormatch.accounts.sessions import verified_required
from mentormatch.core import limits
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.core.ids import parse_page
from mentormatch.core.limits import control_character
from mentormatch.core.pagecache import cached_page
from mentormatch.core.pagination import paginate
from mentormatch.core.views import is_htmx, render_fragment
from mentormatch.core.vocabulary import REGIONS, SPECIALTIES, STAGE_BY_CODE
from mentormatch.mentoring.contributions import contributions_of
from mentormatch.profiles import forms
from mentormatch.profiles.helping import who_can_help
from mentormatch.profiles.listing import is_listed
from mentormatch.profiles.search import DirectoryQuery, directory_select
from mentormatch.profiles.service import (
    parse_tags,
    profile_for,
    profile_strength,
    refresh_search_text,
    suggest_tags,
)

bp = Blueprint("profiles", __name__)

PER_PAGE = 20
MAX_PAGE = 10_000  # the directory's deepest page
SEARCH_PARAMETERS = ("q", "stage", "region", "specialty", "mentors", "department", "site")


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    form: type[forms.FlaskForm]


STEPS = [
    Step("about", "About you", forms.AboutForm),
    Step("focus", "Specialties and goals", forms.FocusForm),
    Step("interests", "Interests", forms.InterestsForm),
    Step("looking-for", "What you're looking for", forms.LookingForForm),
]
STEP_BY_SLUG = {step.slug: step for step in STEPS}


@bp.route("/profile/<slug>", methods=["GET", "POST"])
@login_required
def edit_step(slug: str) -> ResponseReturnValue:
    """One step of onboarding, or one section of the profile once onboarding is done."""
    step = STEP_BY_SLUG.get(slug) or abort(404)
    user = current_user._get_current_object()
    profile = profile_for(user)
    onboarding = profile.onboarded_at is None
    form = step.form(data=step.form.initial(user, profile))
    if form.validate_on_submit():
        form.save(user, profile)
        is_last = step is STEPS[-1]
        if onboarding and is_last:
            profile.onboarded_at = utcnow()
        refresh_search_text(user, profile)
        db.session.commit()
        if onboarding and not is_last:
            return _go_to_step(STEPS[STEPS.index(step) + 1])
        flash("Your profile is ready: other members can now find you." if onboarding else "Saved.", "success")
        return _redirect(url_for("profiles.show", user_id=user.id))
    status = 422 if form.errors else 200
    context = _step_context(step, form, user, profile)
    if is_htmx():
        return render_fragment("profiles/_step.html", status, as_fragment=True, **context)
    return render_template("profiles/step.html", as_fragment=False, **context), status


def _step_context(step: Step, form: forms.FlaskForm, user: User, profile) -> dict:
    return {
        "step": step,
        "steps": STEPS,
        "position": STEPS.index(step) + 1,
        "form": form,
        "onboarding": profile.onboarded_at is None,
        "strength": profile_strength(user, profile),
    }


def _go_to_step(step: Step) -> ResponseReturnValue:
    """The next step: its fragment for htmx (and the address bar follows), else a redirect."""
    url = url_for("profiles.edit_step", slug=step.slug)
    if not is_htmx():
        return redirect(url, 303)
    user = current_user._get_current_object()
    profile = user.profile
    form = step.form(data=step.form.initial(user, profile), formdata=None)
    context = _step_context(step, form, user, profile)
    return render_fragment("profiles/_step.html", headers={"HX-Push-Url": url}, as_fragment=True, **context)


def _redirect(url: str) -> ResponseReturnValue:
    if is_htmx():
        return "", 204, {"HX-Redirect": url}
    return redirect(url, 303)


@bp.get("/profile/tags")
@login_required
def tag_suggestions() -> ResponseReturnValue:
    """Existing interests that complete the one being typed (a <datalist> for the tag input)."""
    if not current_user.is_verified:
        # Other members' interests are for confirmed members; the input still works without them.
        return render_template("profiles/_tag_suggestions.html", options=[])
    typed = request.args.get("interests", "")[:1000]
    done, _, current = typed.rpartition(",")
    chosen = parse_tags(done)
    stem = ", ".join(chosen) + ", " if chosen else ""
    options = [stem + tag for tag in suggest_tags(current) if tag not in chosen]
    return render_template("profiles/_tag_suggestions.html", options=options)


@bp.get("/people")
@cached_page
@verified_required
def directory() -> ResponseReturnValue:
    """Search members by name, workplace, specialty, interests and what they write."""
    args = request.args
    query = DirectoryQuery(
        text=args.get("q", "")[:200],
        stage=args.get("stage", "") if args.get("stage") in STAGE_BY_CODE else "",
        region=args.get("region", "") if args.get("region") in REGIONS else "",
        specialty=args.get("specialty", "") if args.get("specialty") in SPECIALTIES else "",
        mentors_only=args.get("mentors") == "1",
        department=_place(args.get("department")),
        site=_place(args.get("site")),
    )
    page = paginate(
        directory_select(query), page=parse_page(args.get("page"), last=MAX_PAGE), per_page=PER_PAGE
    )
    # "Who can help with…": on the first page, members with "ask me about" entries among the results.
    helpers, help_matches = who_can_help(directory_select(query), query.text) if page.page == 1 else ([], {})
    context = {
        "query": query,
        "page": page,
        "helpers": helpers,
        "help_matches": help_matches,
        # Only the search's own parameters go into the page links.
        "page_args": {key: args[key] for key in SEARCH_PARAMETERS if args.get(key)},
    }
    if request.headers.get("HX-Target") == "results":
        found = f"{page.total} member{'s' if page.total != 1 else ''} found"
        return render_fragment(
            "profiles/_results.html", status_message=found, headers={"Vary": "HX-Target"}, **context
        )
    return render_template("profiles/directory.html", **context), 200, {"Vary": "HX-Target"}


def _place(raw: str | None) -> str:
    """A department or site filter: trimmed and short; text with control characters filters nothing."""
    value = (raw or "").strip()[: limits.DEPARTMENT]
    return "" if control_character(value) else value


@bp.get("/people/<int:user_id>")
@verified_required
def show(user_id: int) -> ResponseReturnValue:
    """A member's profile as other members see it."""
    person = db.get_or_404(User, user_id)
    own = person.id == current_user.id
    if own and person.profile is None:
        return redirect(url_for("profiles.edit_step", slug=STEPS[0].slug))
    if not is_listed(person):
        abort(404)
    return render_template(
        "profiles/show.html",
        person=person,
        profile=person.profile,
        own=own,
        strength=profile_strength(person, person.profile) if own else None,
        steps=STEPS,
        contributions=contributions_of(person.id) if person.profile.shows_contributions else None,
    )
