"""Applying to mentor at /mentor/apply, and a mentor's own status at /mentor (pause, resume)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from mentormatch.accounts.models import User
from mentormatch.core.audit import last_entry
from mentormatch.core.extensions import db
from mentormatch.core.vocabulary import GOALS
from mentormatch.matching.reading import read
from mentormatch.mentors import service, standing
from mentormatch.mentors.forms import EXCLUSIONS_HINT, MentorApplicationForm
from mentormatch.mentors.models import MENTOR_STATUS_LABELS, SUSPENDED
from mentormatch.mentors.service import MentorProblem

bp = Blueprint("mentors", __name__)


def _me() -> User:
    return current_user._get_current_object()


@bp.get("/mentor")
@login_required
def status() -> ResponseReturnValue:
    """Your standing as a mentor: not yet, waiting, approved, paused or suspended, and what you can do."""
    me = _me()
    profile = me.profile
    mentor_status = profile.mentor_status if profile else None
    suspension = last_entry("mentor.suspend", me) if mentor_status == SUSPENDED else None
    return render_template(
        "mentors/status.html",
        me=me,
        profile=profile,
        mentor_status=mentor_status,
        status_label=MENTOR_STATUS_LABELS.get(mentor_status or ""),
        application=service.latest_application(me),
        problem=service.application_problem(me),
        exclusions=service.exclusions_for(me),
        suspension_reason=(suspension.after or {}).get("reason") if suspension else None,
    )


@bp.route("/mentor/apply", methods=["GET", "POST"])
@login_required
def apply() -> ResponseReturnValue:
    """The application to mentor; it waits for a programme admin, who decides and emails you."""
    me = _me()
    problem = service.application_problem(me)
    if problem:
        flash(problem, "info")
        return redirect(url_for("mentors.status"), 303)
    initial = MentorApplicationForm.initial(me)
    read_offers = [] if initial["offers"] else _offers_written(me)
    form = MentorApplicationForm(me, data={**initial, "offers": initial["offers"] or read_offers})
    if form.validate_on_submit():
        try:
            standing.apply_to_mentor(me, form.application())
        except MentorProblem as error:
            db.session.rollback()
            flash(str(error), "error")
            return redirect(url_for("mentors.status"), 303)
        db.session.commit()
        flash("Thank you: your application has been sent. We've emailed you a copy.", "success")
        return redirect(url_for("mentors.status"), 303)
    last = service.latest_application(me)
    return render_template(
        "mentors/apply.html",
        form=form,
        me=me,
        last=last,
        read_offers=read_offers,
        exclusions_hint=EXCLUSIONS_HINT,
    ), (422 if form.errors else 200)


def _offers_written(me: User) -> list[str]:
    """What the profile's text (and a last application's statement) says they can help with, ticked for
    them to confirm (matching reads both too)."""
    profile = me.profile
    last = service.latest_application(me)
    text = f"{profile.about or ''}\n{profile.looking_for or ''}\n{last.statement if last else ''}"
    return [code for code in GOALS if code in read(text, mentor=True).offers]


@bp.post("/mentor/pause")
@login_required
def pause() -> ResponseReturnValue:
    """Stop being suggested and asked for a while; your mentees stay connected."""
    return _change(
        standing.pause, "Your mentoring is paused: nobody new will be suggested you or can ask you."
    )


@bp.post("/mentor/resume")
@login_required
def resume() -> ResponseReturnValue:
    """Be suggested and asked again."""
    return _change(standing.resume, "Welcome back: mentees can find and ask you again.")


def _change(action, done: str) -> ResponseReturnValue:
    try:
        action(_me())
    except MentorProblem as problem:
        db.session.rollback()
        flash(str(problem), "error")
        return redirect(url_for("mentors.status"), 303)
    db.session.commit()
    flash(done, "success")
    return redirect(url_for("mentors.status"), 303)
