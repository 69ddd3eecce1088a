"""Check-ins: answered from the email's one-click score links (/check-ins/<token>), or signed in,
from the dashboard and the pair's page. Answers go to the admins in aggregate only."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from mentormatch.accounts.models import User
from mentormatch.accounts.sessions import verified_required
from mentormatch.core.extensions import csrf, db
from mentormatch.core.signed import SignedLinkError
from mentormatch.mentoring import checkins
from mentormatch.mentoring.models import Connection
from mentormatch.mentoring.pair_forms import CheckInForm
from mentormatch.mentoring.pair_models import CheckIn
from mentormatch.mentoring.pairs import PairProblem
from mentormatch.web.mentoring import get_connection_or_404

bp = Blueprint("checkins", __name__)


@dataclass(frozen=True)
class WaitingCheckIn:
    check_in: CheckIn
    other: User
    question: str
    form: CheckInForm


def waiting_check_ins(me: User, connection: Connection | None = None) -> list[WaitingCheckIn]:
    """Your unanswered check-ins (on one connection, if given), each with a blank form."""
    return [
        WaitingCheckIn(
            check_in,
            found.other(me),
            checkins.question_for(found),
            CheckInForm(formdata=None, id_stem=f"check-in-{check_in.id}"),
        )
        for check_in, found in checkins.waiting_for(me, connection)
    ]


def _link_problem(reason: str) -> ResponseReturnValue:
    return render_template("mentoring/check_in_link_problem.html", reason=reason), 400


@bp.route("/check-ins/<token>", methods=["GET", "POST"])
@csrf.exempt  # the signed, single-purpose token is the authority, as for unsubscribe links
def answer_link(token: str) -> ResponseReturnValue:
    """GET: the check-in with the score chosen in the email (nothing changes: mail scanners open
    links). POST: record the answer, once."""
    try:
        check_in = checkins.read_link(token)
    except SignedLinkError as error:
        return _link_problem(error.reason)
    if check_in is None:
        return _link_problem("invalid")
    connection = db.session.get(Connection, check_in.connection_id)
    if connection is None:
        return _link_problem("invalid")
    form = CheckInForm(meta={"csrf": False}, formdata=request.form if request.method == "POST" else None)
    if request.method == "GET":
        form.score.data = request.args.get("score", type=int)
    elif not check_in.is_answered:
        if not form.validate():
            return _page(check_in, connection, form, token), 422
        try:
            checkins.answer(check_in, form.score.data, form.comment.data or "")
        except PairProblem:  # already answered (a double submit): the first answer stands
            db.session.rollback()
        else:
            db.session.commit()
    if request.method == "POST":
        return redirect(url_for("checkins.answer_link", token=token), 303)
    return _page(check_in, connection, form, token)


def _page(check_in: CheckIn, connection: Connection, form: CheckInForm, token: str) -> str:
    member = connection.first if connection.first_id == check_in.member_id else connection.second
    return render_template(
        "mentoring/check_in.html",
        check_in=check_in,
        other=connection.other(member),
        question=checkins.question_for(connection),
        form=form,
        token=token,
    )


@bp.post("/connections/<int:connection_id>/check-ins/<int:check_in_id>")
@verified_required
def answer(connection_id: int, check_in_id: int) -> ResponseReturnValue:
    """Answer your check-in from the dashboard or the pair's page."""
    me = current_user._get_current_object()
    connection = get_connection_or_404(connection_id, me)
    check_in = db.one_or_404(
        db.select(CheckIn).where(
            CheckIn.id == check_in_id, CheckIn.connection_id == connection.id, CheckIn.member_id == me.id
        )
    )
    form = CheckInForm(id_stem=f"check-in-{check_in.id}")
    if not form.validate_on_submit():
        return render_template(
            "mentoring/check_in.html",
            check_in=check_in,
            other=connection.other(me),
            question=checkins.question_for(connection),
            form=form,
            token=None,
        ), 422
    try:
        checkins.answer(check_in, form.score.data, form.comment.data or "")
    except PairProblem as problem:
        db.session.rollback()
        flash(str(problem), "info")
    else:
        db.session.commit()
        flash(
            "Thank you: your check-in is saved. Only the programme admins see it, with everyone's together.",
            "success",
        )
    if request.form.get("back") == "dashboard":
        return redirect(url_for("pages.index"), 303)
    return redirect(url_for("connections.show", connection_id=connection.id, _anchor="check-in"), 303)
