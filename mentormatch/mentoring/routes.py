"""Asking for mentoring or a peer connection; requests at /requests and connections at /connections."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from mentormatch.accounts.models import User
from mentormatch.accounts.sessions import verified_required
from mentormatch.extensions import db
from mentormatch.mentoring.forms import AskForm
from mentormatch.mentoring.models import KINDS, MENTORING
from mentormatch.mentoring.service import (
    ANSWER_WITHIN,
    RequestProblem,
    connections_for,
    request_problem,
    requests_for,
    send_request,
)
from mentormatch.web import is_htmx, render_fragment

bp = Blueprint("mentoring", __name__)


def _member_or_404(user_id: int) -> User:
    """A member others can see (confirmed, onboarded, not deleted), or 404."""
    person = db.get_or_404(User, user_id)
    profile = person.profile
    if person.deleted_at or not person.is_verified or profile is None or profile.onboarded_at is None:
        abort(404)
    return person


@bp.route("/requests/new/<int:user_id>", methods=["GET", "POST"])
@verified_required
def ask(user_id: int) -> ResponseReturnValue:
    """Ask someone for mentoring (?kind=mentoring) or to connect as peers (?kind=peer)."""
    kind = request.args.get("kind", MENTORING)
    if kind not in KINDS:
        abort(404)
    person = _member_or_404(user_id)
    me = current_user._get_current_object()
    form = AskForm(kind)
    problem = request_problem(me, person, kind)
    if problem is None and form.validate_on_submit():
        try:
            send_request(me, person, kind, form.message.data)
        except RequestProblem as error:  # lost a race with another tab: nothing was written
            db.session.rollback()
            problem = str(error)
        else:
            db.session.commit()
            done = f"Request sent to {person.display_name}. They have {ANSWER_WITHIN.days} days to answer."
            if is_htmx():
                return render_fragment("mentoring/_sent.html", status_message=done, person=person, kind=kind)
            flash(done, "success")
            return redirect(url_for("mentoring.requests"), 303)
    status = 409 if problem and request.method == "POST" else 422 if form.errors else 200
    context = {"person": person, "kind": kind, "form": form, "problem": problem}
    if is_htmx():
        return render_fragment("mentoring/_ask.html", status, **context)
    return render_template("mentoring/ask.html", **context), status


@bp.get("/requests")
@verified_required
def requests() -> ResponseReturnValue:
    """Requests waiting for your answer, the ones you sent, and what happened to earlier ones."""
    return render_template("mentoring/requests.html", **requests_for(current_user._get_current_object()))


@bp.get("/connections")
@verified_required
def connections() -> ResponseReturnValue:
    """Your mentors, mentees and peers, with their contact details."""
    me = current_user._get_current_object()
    return render_template("mentoring/connections.html", connections=connections_for(me), me=me)
