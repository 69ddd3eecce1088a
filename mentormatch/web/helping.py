"""Ask me about: editing your list at /profile/ask-me-about, and asking someone for help with an entry."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from sqlalchemy import select

from mentormatch.accounts.models import User
from mentormatch.accounts.sessions import verified_required
from mentormatch.core.extensions import db, limiter
from mentormatch.core.views import is_htmx, render_fragment
from mentormatch.mentoring.asking import ANSWER_WITHIN, RequestProblem, request_problem, send_request
from mentormatch.mentoring.forms import AskForm
from mentormatch.mentoring.models import PEER
from mentormatch.profiles.forms import HelpTopicForm, HelpWhereForm
from mentormatch.profiles.helping import HelpTopicProblem, add_help_topic, remove_help_topic
from mentormatch.profiles.listing import listed_member_or_404
from mentormatch.profiles.models import HelpTopic, Profile
from mentormatch.profiles.service import refresh_search_text

bp = Blueprint("helping", __name__)


def _me() -> User:
    return current_user._get_current_object()


def _my_profile() -> Profile:
    """The member's profile; someone who hasn't started one is sent to the first step (404 for htmx)."""
    profile = _me().profile
    if profile is None:
        abort(redirect(url_for("profiles.edit_step", slug="about"), 303))
    return profile


def _topics_section(
    form: HelpTopicForm, status: int = 200, message: str | None = None
) -> ResponseReturnValue:
    return render_fragment(
        "profiles/_help_topics.html", status, status_message=message, profile=_me().profile, topic_form=form
    )


def _page(status: int = 200, **forms: object) -> ResponseReturnValue:
    profile = _my_profile()
    context = {
        "profile": profile,
        "topic_form": HelpTopicForm(profile=profile, formdata=None),
        "where_form": HelpWhereForm(data=HelpWhereForm.initial(profile), formdata=None),
        **forms,
    }
    return render_template("profiles/ask_me_about.html", **context), status


@bp.route("/profile/ask-me-about", methods=["GET", "POST"])
@login_required
def edit() -> ResponseReturnValue:
    """Your "ask me about" list; a POST adds one entry."""
    profile = _my_profile()
    if request.method == "GET":
        return _page()
    form = HelpTopicForm(profile=profile)
    if form.validate_on_submit():
        try:
            topic = add_help_topic(_me(), form.topic.data)
        except HelpTopicProblem as problem:  # lost a race with another tab: nothing was written
            db.session.rollback()
            form.topic.errors = [str(problem)]
        else:
            db.session.commit()
            added = f"Added “{topic.label}”."
            if is_htmx():
                return _topics_section(HelpTopicForm(profile=profile, formdata=None), message=added)
            flash(added, "success")
            return redirect(url_for("helping.edit"), 303)
    if is_htmx():
        return _topics_section(form, 422)
    return _page(422, topic_form=form)


@bp.post("/profile/ask-me-about/<int:topic_id>/remove")
@login_required
def remove(topic_id: int) -> ResponseReturnValue:
    """Take an entry off your list (someone else's entry, or one already gone: 404)."""
    profile = _my_profile()
    if not remove_help_topic(_me(), topic_id):
        abort(404)
    db.session.commit()
    if is_htmx():
        return _topics_section(HelpTopicForm(profile=profile, formdata=None), message="Removed.")
    flash("Removed.", "success")
    return redirect(url_for("helping.edit"), 303)


@bp.post("/profile/ask-me-about/where")
@login_required
def where() -> ResponseReturnValue:
    """Your department, site and when you're usually around."""
    profile = _my_profile()
    form = HelpWhereForm()
    if form.validate_on_submit():
        form.save(profile)
        refresh_search_text(_me(), profile)
        db.session.commit()
        if is_htmx():
            return render_fragment("profiles/_help_where.html", status_message="Saved.", where_form=form)
        flash("Saved.", "success")
        return redirect(url_for("helping.edit"), 303)
    if is_htmx():
        return render_fragment("profiles/_help_where.html", 422, where_form=form)
    return _page(422, where_form=form)


# --- asking for help -----------------------------------------------------------------------------


def _ask_limit() -> str:
    """Asking for help shares the requests' limit (RATELIMIT_ASK): it is a peer request."""
    return current_app.config["RATELIMIT_ASK"]


def _asker() -> str:
    return f"ask:{current_user.get_id()}"


def help_message(label: str, note: str) -> str:
    """The peer request's message: it names the topic first, then the asker's own words."""
    opening = f"Asking for help with: {label}."
    return f"{opening}\n\n{note}" if note else opening


@bp.route("/people/<int:user_id>/ask-about/<int:topic_id>", methods=["GET", "POST"])
@verified_required
@limiter.limit(_ask_limit, key_func=_asker, methods=["POST"])
def ask(user_id: int, topic_id: int) -> ResponseReturnValue:
    """Ask someone for help with one of their entries: a peer request whose message names it."""
    person = listed_member_or_404(user_id)
    topic = db.session.scalar(
        select(HelpTopic).where(HelpTopic.id == topic_id, HelpTopic.user_id == person.id)
    )
    if topic is None:
        abort(404)
    me = _me()
    form = AskForm(PEER)
    form.message.label.text = f"What would you like help with? (about {topic.label}, optional)"
    problem = request_problem(me, person, PEER, asking_for_help=True)
    if problem is None and form.validate_on_submit():
        try:
            send_request(me, person, PEER, help_message(topic.label, form.message.data), asking_for_help=True)
        except RequestProblem as error:  # lost a race with another tab: nothing was written
            db.session.rollback()
            problem = str(error)
        else:
            db.session.commit()
            done = (
                f"Request sent to {person.display_name}, about {topic.label}. "
                f"They have {ANSWER_WITHIN.days} days to answer."
            )
            flash(done, "success")
            if is_htmx():
                return "", 204, {"HX-Redirect": url_for("mentoring.requests")}
            return redirect(url_for("mentoring.requests"), 303)
    status = 409 if problem and request.method == "POST" else 422 if form.errors else 200
    return render_template(
        "profiles/ask_help.html", person=person, topic=topic, form=form, problem=problem
    ), status
