"""Asking for mentoring or a peer connection; answering at /requests; connections at /connections."""

from __future__ import annotations

from collections.abc import Callable

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user

from mentormatch.accounts.models import User
from mentormatch.accounts.sessions import verified_required
from mentormatch.core.errors import render_error
from mentormatch.core.extensions import db, limiter
from mentormatch.core.pagecache import cached_page
from mentormatch.core.views import is_htmx, render_fragment
from mentormatch.mentoring import answering
from mentormatch.mentoring import connections as mentoring_connections
from mentormatch.mentoring.asking import ANSWER_WITHIN, RequestProblem, request_problem, send_request
from mentormatch.mentoring.forms import AskForm, EndForm, ReasonForm
from mentormatch.mentoring.lists import connections_for, requests_for
from mentormatch.mentoring.models import KINDS, MENTORING, Connection, MentoringRequest
from mentormatch.mentoring.questions import questions_for
from mentormatch.profiles.listing import listed_member_or_404
from mentormatch.web.matching import at_top_stage

bp = Blueprint("mentoring", __name__)

RECIPIENT, SENDER = "recipient", "sender"


def _me() -> User:
    return current_user._get_current_object()


def _forbidden(message: str) -> None:
    """Stop with a 403 that says why, as a page or an htmx fragment."""
    abort(make_response(render_error(403, "You can't do that", message)))


def get_request_or_404(request_id: int, for_user: User, side: str | None = None) -> MentoringRequest:
    """A request `for_user` sent or received (else 404); with `side`, on that side of it (else 403)."""
    found = db.get_or_404(MentoringRequest, request_id)
    if for_user.id not in (found.sender_id, found.recipient_id):
        abort(404)  # someone else's: don't even say it exists
    if side == RECIPIENT and found.recipient_id != for_user.id:
        _forbidden("Only the person who was asked can accept or decline a request. You can withdraw it.")
    if side == SENDER and found.sender_id != for_user.id:
        _forbidden("Only the person who sent a request can withdraw it. You can accept or decline it.")
    return found


def get_connection_or_404(connection_id: int, for_user: User) -> Connection:
    """A connection `for_user` is one of the two people in, else 404."""
    found = db.get_or_404(Connection, connection_id)
    if for_user.id not in (found.first_id, found.second_id):
        abort(404)
    return found


# --- asking ------------------------------------------------------------------------------------


def _ask_limit() -> str:
    return current_app.config["RATELIMIT_ASK"]


def _asker() -> str:
    """Rate-limit key: the signed-in member, whichever address or device they send from."""
    return f"ask:{current_user.get_id()}"


@bp.route("/requests/new/<int:user_id>", methods=["GET", "POST"])
@verified_required
@limiter.limit(_ask_limit, key_func=_asker, methods=["POST"])
def ask(user_id: int) -> ResponseReturnValue:
    """Ask someone for mentoring (?kind=mentoring) or to connect as peers (?kind=peer)."""
    kind = request.args.get("kind", MENTORING)
    if kind not in KINDS:
        abort(404)
    person = listed_member_or_404(user_id)
    me = _me()
    form = AskForm(kind, person_id=person.id)
    problem = request_problem(me, person, kind)
    if problem is None and form.validate_on_submit():
        try:
            sent = send_request(me, person, kind, form.message.data)
        except RequestProblem as error:  # lost a race with another tab: nothing was written
            db.session.rollback()
            problem = str(error)
        else:
            db.session.commit()
            done = f"Request sent to {person.display_name}. They have {ANSWER_WITHIN.days} days to answer."
            if is_htmx():
                return render_fragment(
                    "mentoring/_sent.html", status_message=done, person=person, kind=kind, request_=sent
                )
            flash(done, "success")
            return redirect(url_for("mentoring.requests"), 303)
    status = 409 if problem and request.method == "POST" else 422 if form.errors else 200
    context = {"person": person, "kind": kind, "form": form, "problem": problem}
    if is_htmx():
        return render_fragment("mentoring/_ask.html", status, **context)
    return render_template("mentoring/ask.html", **context), status


# --- answering ---------------------------------------------------------------------------------


@bp.get("/requests")
@cached_page
@verified_required
def requests() -> ResponseReturnValue:
    """Requests waiting for your answer, the ones you sent, and what happened to earlier ones."""
    me = _me()
    return render_template(
        "mentoring/requests.html", me=me, page_problem=None, questions=questions_for(me), **requests_for(me)
    )


def _request_row(
    found: MentoringRequest, status: int = 200, *, message: str | None = None, **context: object
) -> ResponseReturnValue:
    """One request's row, as htmx swaps it in after an action (focus goes into it)."""
    return render_fragment(
        "mentoring/_request.html",
        status,
        status_message=message,
        request_=found,
        me=_me(),
        swapped=True,
        **context,
    )


def _request_done(found: MentoringRequest, message: str) -> ResponseReturnValue:
    if is_htmx():
        return _request_row(found, message=message, done=message)
    flash(message, "success")
    return redirect(url_for("mentoring.requests"), 303)


def _request_problem(found: MentoringRequest, problem: str) -> ResponseReturnValue:
    """Nothing changed, and why: the row (htmx) or the requests page, with 409."""
    if is_htmx():
        return _request_row(found, 409, message=problem, problem=problem)
    me = _me()
    page = render_template(
        "mentoring/requests.html",
        me=me,
        page_problem=problem,
        questions=questions_for(me),
        **requests_for(me),
    )
    return page, 409


def _attempt(
    found: MentoringRequest, step: Callable[..., object], *args: object
) -> ResponseReturnValue | None:
    """Take a step of the lifecycle and commit; if the service refuses, roll back and answer 409."""
    try:
        step(*args)
    except RequestProblem as problem:
        db.session.rollback()
        return _request_problem(found, str(problem))
    db.session.commit()
    return None


@bp.post("/requests/<int:request_id>/accept")
@verified_required
def accept_request(request_id: int) -> ResponseReturnValue:
    """Accept a request you received: you are connected, and they are told."""
    me = _me()
    found = get_request_or_404(request_id, me, RECIPIENT)
    if (refused := _attempt(found, answering.accept, found, me)) is not None:
        return refused
    sender = found.sender.display_name
    if found.kind == MENTORING:
        done = f"You accepted {sender}'s request: you are now their mentor."
    else:
        done = f"You and {sender} are now connected."
    return _request_done(found, done + " Their contact details are on your connections page.")


@bp.route("/requests/<int:request_id>/decline", methods=["GET", "POST"])
@verified_required
def decline_request(request_id: int) -> ResponseReturnValue:
    """The decline form (an optional reason they will see), and declining."""
    me = _me()
    found = get_request_or_404(request_id, me, RECIPIENT)
    if not found.is_pending:
        return _request_problem(found, "This request has already been answered.")
    form = ReasonForm(id_stem=f"decline-{found.id}")
    if form.validate_on_submit():
        if (refused := _attempt(found, answering.decline, found, me, form.reason.data or "")) is not None:
            return refused
        return _request_done(
            found, f"You declined {found.sender.display_name}'s request. We've let them know."
        )
    status = 422 if form.errors else 200
    if is_htmx():
        return _request_row(found, status, deciding=True, form=form)
    context = {"request_": found, "me": me, "deciding": True, "form": form}
    return render_template("mentoring/decline.html", **context), status, {"Vary": "HX-Request"}


@bp.post("/requests/<int:request_id>/withdraw")
@verified_required
def withdraw_request(request_id: int) -> ResponseReturnValue:
    """Take back a request you sent; they are told."""
    me = _me()
    found = get_request_or_404(request_id, me, SENDER)
    if (refused := _attempt(found, answering.withdraw, found, me)) is not None:
        return refused
    return _request_done(found, f"You withdrew your request to {found.recipient.display_name}.")


# --- connections -------------------------------------------------------------------------------


@bp.get("/connections")
@cached_page
@verified_required
def connections() -> ResponseReturnValue:
    """Your mentors, mentees and peers, with their contact details."""
    me = _me()
    groups: dict[str, list[Connection]] = {"mentor": [], "mentee": [], "peer": []}
    for connection in connections_for(me):
        groups[connection.role_of(me)].append(connection)
    # A section only for what someone can have: students don't mentor, nobody is above a consultant.
    shown = [
        role
        for role, possible in (
            ("mentor", not at_top_stage(me)),
            ("mentee", me.career_stage != "medical_student"),
            ("peer", True),
        )
        if possible or groups[role]
    ]
    return render_template("mentoring/connections.html", me=me, groups=groups, shown=shown)


@bp.route("/connections/<int:connection_id>/end", methods=["GET", "POST"])
@verified_required
def end_connection(connection_id: int) -> ResponseReturnValue:
    """The form to end a mentorship or peer connection (an optional reason), and ending it."""
    me = _me()
    connection = get_connection_or_404(connection_id, me)
    if not connection.is_active:
        return _connection_problem(connection, "This connection has already ended.")
    form = EndForm(id_stem=f"end-{connection.id}")
    if form.validate_on_submit():
        other = connection.other(me).display_name
        try:
            peer_problem = mentoring_connections.end_well(
                connection,
                me,
                form.reason.data or "",
                form.reflection.data or "",
                stay_as_peers=form.stay_as_peers.data,
            )
        except RequestProblem as problem:
            db.session.rollback()
            return _connection_problem(connection, str(problem))
        db.session.commit()
        what = "mentorship" if connection.kind == MENTORING else "connection"
        done = f"You ended your {what} with {other}. We've let them know."
        if form.stay_as_peers.data and connection.kind == MENTORING:
            done += (
                f" We couldn't ask them to stay connected as peers: {peer_problem}"
                if peer_problem
                else (f" We've asked {other} to stay connected as peers.")
            )
        if is_htmx():
            return render_fragment(
                "mentoring/_connection.html",
                status_message=done,
                connection=connection,
                me=me,
                swapped=True,
                done=done,
            )
        flash(done, "success")
        return redirect(url_for("mentoring.connections"), 303)
    status = 422 if form.errors else 200
    context = {"connection": connection, "me": me, "ending": True, "form": form}
    if is_htmx():
        return render_fragment("mentoring/_connection.html", status, swapped=True, **context)
    return render_template("mentoring/end.html", **context), status, {"Vary": "HX-Request"}


def _connection_problem(connection: Connection, problem: str) -> ResponseReturnValue:
    me = _me()
    if is_htmx():
        return render_fragment(
            "mentoring/_connection.html",
            409,
            status_message=problem,
            connection=connection,
            me=me,
            swapped=True,
            problem=problem,
        )
    return render_template(
        "mentoring/end.html", connection=connection, me=me, form=None, problem=problem
    ), 409
