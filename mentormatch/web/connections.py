"""A pair's page, /connections/<id>: the conversation, meetings, goals and notes, for the two people only.

Anyone else gets a 404, admins included: the programme sees counts, never what a pair says.
"""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from mentormatch.accounts.models import User
from mentormatch.accounts.sessions import verified_required
from mentormatch.core.extensions import db, limiter
from mentormatch.core.views import is_htmx, render_fragment
from mentormatch.mentoring import conversations
from mentormatch.mentoring import goals as pair_goals
from mentormatch.mentoring.models import Connection
from mentormatch.mentoring.pair_forms import (
    GoalForm,
    GoalStatusForm,
    MeetingForm,
    MessageForm,
    NoteForm,
    ReportForm,
)
from mentormatch.mentoring.pair_models import GOAL_STATUSES, Goal
from mentormatch.mentoring.pairs import PairProblem, pair_page
from mentormatch.web.checkins import waiting_check_ins
from mentormatch.web.mentoring import get_connection_or_404

bp = Blueprint("connections", __name__)

PAGE = "mentoring/pair.html"


def _me() -> User:
    return current_user._get_current_object()


def message_limit() -> str:
    return current_app.config["RATELIMIT_MESSAGE"]


def poster() -> str:
    """Rate-limit key: the signed-in member, whichever address or device they post from."""
    return f"pair:{current_user.get_id()}"


def render_pair(
    connection: Connection,
    status: int = 200,
    *,
    fragment: str | None = None,
    problem: str | None = None,
    **forms,
) -> ResponseReturnValue:
    """The pair's page (or, for htmx, one of its fragments) with any forms given re-rendered as posted."""
    me = _me()
    page = pair_page(connection, me)
    blank = {
        "message_form": lambda: MessageForm(formdata=None),
        "goal_form": lambda: GoalForm(formdata=None),
        "meeting_form": lambda: MeetingForm(formdata=None),
        "logged_form": lambda: MeetingForm(formdata=None, past=True, id_stem="logged"),
        "private_form": lambda: NoteForm(
            formdata=None, id_stem="private-notes", body=page.my_note.body if page.my_note else ""
        ),
        "shared_form": lambda: NoteForm(
            formdata=None, id_stem="shared-notes", body=page.shared_note.body if page.shared_note else ""
        ),
    }
    context = {
        "page": page,
        "connection": connection,
        "me": me,
        "problem": problem,
        "goal_statuses": GOAL_STATUSES,
        "waiting_check_ins": waiting_check_ins(me, connection),
        **{name: forms.get(name) or make() for name, make in blank.items()},
    }
    if fragment and is_htmx():
        return render_fragment(f"mentoring/{fragment}", status, status_message=problem, **context)
    return render_template(PAGE, **context), status, {"Vary": "HX-Request"}


def done(connection: Connection, message: str, anchor: str) -> ResponseReturnValue:
    """After a change: back to the page, at the part that changed."""
    flash(message, "success")
    return redirect(url_for("connections.show", connection_id=connection.id, _anchor=anchor), 303)


@bp.get("/connections/<int:connection_id>")
@verified_required
def show(connection_id: int) -> ResponseReturnValue:
    """The pair's page: what to do next, the conversation, meetings, goals and notes."""
    return render_pair(get_connection_or_404(connection_id, _me()))


@bp.post("/connections/<int:connection_id>/messages")
@verified_required
@limiter.limit(message_limit, key_func=poster)
def post_message(connection_id: int) -> ResponseReturnValue:
    """Send a message; the other person is emailed (at most once every 15 minutes)."""
    me = _me()
    connection = get_connection_or_404(connection_id, me)
    form = MessageForm()
    if not form.validate_on_submit():
        return render_pair(connection, 422, fragment="_conversation.html", message_form=form)
    try:
        conversations.send_message(connection, me, form.body.data, token=form.token.data or None)
    except PairProblem as problem:
        db.session.rollback()
        return render_pair(connection, 409, fragment="_conversation.html", problem=str(problem))
    db.session.commit()
    if is_htmx():
        return render_pair(connection, fragment="_conversation.html")
    return done(connection, "Message sent.", "conversation")


@bp.post("/connections/<int:connection_id>/read")
@verified_required
def mark_read(connection_id: int) -> ResponseReturnValue:
    """Mark every message so far as read (no email will tell you of them)."""
    me = _me()
    connection = get_connection_or_404(connection_id, me)
    page = pair_page(connection, me)
    if page.messages:
        conversations.mark_read(connection, me, page.messages[-1].id)
        db.session.commit()
    if is_htmx():
        return "", 204
    return done(connection, "Marked as read.", "conversation")


@bp.route("/connections/<int:connection_id>/report", methods=["GET", "POST"])
@verified_required
@limiter.limit(message_limit, key_func=poster, methods=["POST"])
def report(connection_id: int) -> ResponseReturnValue:
    """Report the conversation to the programme admins (with an optional reason)."""
    me = _me()
    connection = get_connection_or_404(connection_id, me)
    form = ReportForm()
    if form.validate_on_submit():
        conversations.report(connection, me, form.reason.data or "")
        db.session.commit()
        return done(
            connection,
            "Thank you: we've sent this conversation to the programme admins, who will be in touch with you. "
            f"{connection.other(me).display_name} isn't told.",
            "conversation",
        )
    status = 422 if form.errors else 200
    return render_template("mentoring/report.html", connection=connection, me=me, form=form), status


@bp.post("/connections/<int:connection_id>/notes/<any(private, shared):which>")
@verified_required
@limiter.limit(message_limit, key_func=poster)
def save_notes(connection_id: int, which: str) -> ResponseReturnValue:
    """Save your private notes, or the notes you share with the other person."""
    me = _me()
    connection = get_connection_or_404(connection_id, me)
    form = NoteForm(id_stem=f"{which}-notes")
    if not form.validate_on_submit():
        return render_pair(connection, 422, **{f"{which}_form": form})
    pair_goals.save_note(connection, me if which == "private" else None, form.body.data or "")
    db.session.commit()
    return done(connection, "Notes saved.", "notes")


@bp.post("/connections/<int:connection_id>/goals")
@verified_required
@limiter.limit(message_limit, key_func=poster)
def add_goal(connection_id: int) -> ResponseReturnValue:
    """Add a goal the two of you agree to work on."""
    me = _me()
    connection = get_connection_or_404(connection_id, me)
    form = GoalForm()
    if not form.validate_on_submit():
        return render_pair(connection, 422, fragment="_goals.html", goal_form=form)
    try:
        pair_goals.add_goal(connection, form.goal_code.data, form.title.data or "", form.target_date.data)
    except PairProblem as problem:
        db.session.rollback()
        return render_pair(connection, 409, fragment="_goals.html", problem=str(problem))
    db.session.commit()
    if is_htmx():
        return render_pair(connection, fragment="_goals.html")
    return done(connection, "Goal added.", "goals")


@bp.post("/connections/<int:connection_id>/goals/<int:goal_id>")
@verified_required
def update_goal(connection_id: int, goal_id: int) -> ResponseReturnValue:
    """Move a goal on: not started, in progress, done."""
    me = _me()
    connection = get_connection_or_404(connection_id, me)
    goal = db.one_or_404(db.select(Goal).where(Goal.id == goal_id, Goal.connection_id == connection.id))
    form = GoalStatusForm()
    if not form.validate_on_submit():
        return render_pair(connection, 422, fragment="_goals.html", problem="Choose a status for the goal.")
    try:
        pair_goals.set_status(connection, goal, form.status.data)
    except PairProblem as problem:
        db.session.rollback()
        return render_pair(connection, 409, fragment="_goals.html", problem=str(problem))
    db.session.commit()
    if is_htmx():
        return render_pair(connection, fragment="_goals.html")
    return done(connection, f"“{goal.title}” is now {goal.status_label.lower()}.", "goals")
