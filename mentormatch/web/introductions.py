"""Warm introductions: /introductions (waiting for your answer, made to you, made by you),
introducing two of your connections, and accepting or declining (htmx, or a plain form)."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from mentormatch.accounts.models import User
from mentormatch.accounts.sessions import verified_required
from mentormatch.core.extensions import db, limiter
from mentormatch.core.views import is_htmx, render_fragment
from mentormatch.mentoring import introductions
from mentormatch.mentoring.forms import IntroduceForm
from mentormatch.mentoring.introduction_models import Introduction
from mentormatch.mentoring.introductions import IntroductionProblem

bp = Blueprint("introductions", __name__)


def _me() -> User:
    return current_user._get_current_object()


def _introduce_limit() -> str:
    return current_app.config["RATELIMIT_INTRODUCE"]


def _introducer() -> str:
    return f"introduce:{current_user.get_id()}"


@bp.get("/introductions")
@verified_required
def index() -> ResponseReturnValue:
    """Introductions waiting for your answer, the others made to you, and the ones you made."""
    me = _me()
    return render_template("mentoring/introductions.html", me=me, **introductions.introductions_for(me))


@bp.route("/introductions/new", methods=["GET", "POST"])
@verified_required
@limiter.limit(_introduce_limit, key_func=_introducer, methods=["POST"])
def new() -> ResponseReturnValue:
    """Introduce two of your connections to each other, with a note to both."""
    me = _me()
    people = introductions.connected_people(me)
    form = IntroduceForm(people)
    if request.method == "GET" and request.args.get("with", type=int):
        form.first.data = request.args.get("with", type=int)
    if form.validate_on_submit():
        a, b = db.session.get(User, form.first.data or 0), db.session.get(User, form.second.data or 0)
        if a is None or b is None:
            form.second.errors.append("Choose two of your connections.")
        else:
            try:
                introductions.introduce(me, a, b, form.note.data)
            except IntroductionProblem as problem:
                db.session.rollback()
                form.second.errors.append(str(problem))
            else:
                db.session.commit()
                flash(
                    f"You introduced {a.display_name} and {b.display_name}. We've emailed them both; "
                    "each answers privately.",
                    "success",
                )
                return redirect(url_for("introductions.index"), 303)
    status = 422 if form.is_submitted() else 200
    return render_template("mentoring/introduce.html", form=form, people=people), status


def _introduction_or_404(introduction_id: int, me: User) -> Introduction:
    """An introduction made to `me` (one of the two); anyone else's is a 404."""
    found = db.get_or_404(Introduction, introduction_id)
    if me.id not in (found.first_id, found.second_id):
        abort(404)
    return found


def _answer(
    introduction_id: int, step: Callable[[Introduction, User], object], done: str
) -> ResponseReturnValue:
    me = _me()
    found = _introduction_or_404(introduction_id, me)
    problem = None
    try:
        step(found, me)
    except IntroductionProblem as refused:
        db.session.rollback()
        problem = str(refused)
    else:
        db.session.commit()
    db.session.refresh(found)
    message = problem or done.format(other=found.other(me).display_name, status=found.status)
    if found.status == "connected" and not problem:
        message = (
            f"You and {found.other(me).display_name} are now connected. Say hello from your connections page."
        )
    if is_htmx():
        return render_fragment(
            "mentoring/_introduction.html",
            409 if problem else 200,
            status_message=message,
            introduction=found,
            me=me,
            answering=True,
        )
    flash(message, "info" if problem else "success")
    return redirect(url_for("introductions.index"), 303)


@bp.post("/introductions/<int:introduction_id>/accept")
@verified_required
def accept(introduction_id: int) -> ResponseReturnValue:
    """Say yes to meeting the person you were introduced to; connected once they say yes too."""
    return _answer(
        introduction_id, introductions.accept, "You said yes. We'll tell you if {other} says yes too."
    )


@bp.post("/introductions/<int:introduction_id>/decline")
@verified_required
def decline(introduction_id: int) -> ResponseReturnValue:
    """Say no, privately: nobody is told who said no."""
    return _answer(introduction_id, introductions.decline, "You said no thanks. Nobody is told who said no.")
