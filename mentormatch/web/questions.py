"""The quick question: /people/<id>/question (a small form from a mentor's profile), and the mentor's
answer from /requests."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from mentormatch.accounts.models import User
from mentormatch.accounts.sessions import verified_required
from mentormatch.core.extensions import db, limiter
from mentormatch.mentoring import questions
from mentormatch.mentoring.asking import RequestProblem
from mentormatch.mentoring.forms import AnswerForm, QuestionForm
from mentormatch.mentoring.pair_models import QuickQuestion
from mentormatch.profiles.listing import listed_member_or_404

bp = Blueprint("questions", __name__)


def _me() -> User:
    return current_user._get_current_object()


def _ask_limit() -> str:
    """Questions share the requests' limit (RATELIMIT_ASK): both reach a mentor's inbox."""
    return current_app.config["RATELIMIT_ASK"]


def _asker() -> str:
    return f"question:{current_user.get_id()}"


@bp.route("/people/<int:user_id>/question", methods=["GET", "POST"])
@verified_required
@limiter.limit(_ask_limit, key_func=_asker, methods=["POST"])
def ask(user_id: int) -> ResponseReturnValue:
    """Ask a mentor one quick question before any request (one open question at a time)."""
    mentor = listed_member_or_404(user_id)
    me = _me()
    if mentor.id == me.id or mentor.profile is None or not mentor.profile.is_approved_mentor:
        abort(404)
    form = QuestionForm()
    problem = questions.question_problem(me, mentor)
    if problem is None and form.validate_on_submit():
        try:
            questions.ask_question(me, mentor, form.body.data)
        except RequestProblem as error:  # another tab asked a moment ago: nothing was written
            db.session.rollback()
            problem = str(error)
        else:
            db.session.commit()
            flash(f"Question sent. We'll email you {mentor.display_name}'s answer.", "success")
            return redirect(url_for("profiles.show", user_id=mentor.id), 303)
    status = 409 if problem and form.is_submitted() else 422 if form.errors else 200
    return render_template(
        "mentoring/question.html",
        mentor=mentor,
        form=form,
        problem=problem,
        earlier=questions.answered_by(me, mentor),
    ), status


@bp.post("/questions/<int:question_id>/answer")
@verified_required
def answer(question_id: int) -> ResponseReturnValue:
    """Answer a quick question asked of you; the asker is emailed your answer."""
    me = _me()
    question = db.one_or_404(
        db.select(QuickQuestion).where(QuickQuestion.id == question_id, QuickQuestion.mentor_id == me.id)
    )
    form = AnswerForm(id_stem=f"question-{question.id}")
    if not form.validate_on_submit():
        return render_template("mentoring/question_answer.html", question=question, form=form), 422
    try:
        questions.answer_question(question, form.answer.data)
    except RequestProblem as problem:
        db.session.rollback()
        flash(str(problem), "info")
    else:
        db.session.commit()
        flash(f"Answer sent to {question.asker.display_name}.", "success")
    return redirect(url_for("mentoring.requests"), 303)
