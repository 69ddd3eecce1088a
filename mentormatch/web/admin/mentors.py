"""Mentor approval at /admin/mentors: the queue, decisions with reasons, suspensions, bulk approval.

Imported mentors (and mentors whose career stage changed) wait on their profile without an
application: the queue makes one for each from the profile when it is loaded, so every decision
is the same conditional UPDATE of an application row.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from mentormatch.accounts.models import User
from mentormatch.core.extensions import db
from mentormatch.core.ids import parse_id, parse_page
from mentormatch.core.views import is_htmx, render_fragment
from mentormatch.core.vocabulary import GOALS, REGIONS, SPECIALTIES, STAGE_BY_CODE, stage_choices
from mentormatch.mentors import standing
from mentormatch.mentors.forms import ReasonForm
from mentormatch.mentors.models import MENTOR_STATUS_LABELS, MENTOR_STATUSES, PENDING, MentorApplication
from mentormatch.mentors.service import MentorProblem, already_decided
from mentormatch.profiles.models import Profile, ProfileSpecialty
from mentormatch.web.admin import admin_required, bp

PER_PAGE = 25


@dataclass(frozen=True)
class MentorRow:
    """One person in the queue: their account, profile and latest application."""

    user: User
    application: MentorApplication | None

    @property
    def profile(self) -> Profile:
        return self.user.profile


def _filters() -> dict[str, str]:
    args = request.values
    status = args.get("status", PENDING)
    return {
        "status": status if status in (*MENTOR_STATUSES, "all") else PENDING,
        "stage": args.get("stage", "") if args.get("stage", "") in STAGE_BY_CODE else "",
        "region": args.get("region", "") if args.get("region", "") in REGIONS else "",
        "specialty": args.get("specialty", "") if args.get("specialty", "") in SPECIALTIES else "",
    }


def mentor_queue_query(filters: dict[str, str]) -> Select:
    """Members who are, or asked to be, mentors, filtered; those waiting longest first."""
    latest = (
        select(func.max(MentorApplication.id))
        .where(MentorApplication.applicant_id == User.id)
        .correlate(User)
        .scalar_subquery()
    )
    query = (
        select(User)
        .join(Profile, Profile.user_id == User.id)
        .outerjoin(MentorApplication, MentorApplication.id == latest)
        .where(Profile.mentor_status.is_not(None), User.deleted_at.is_(None))
        .options(selectinload(User.profile))
    )
    if filters["status"] != "all":
        query = query.where(Profile.mentor_status == filters["status"])
    if filters["stage"]:
        query = query.where(User.career_stage == filters["stage"])
    if filters["region"]:
        query = query.where(Profile.region == filters["region"])
    if filters["specialty"]:
        query = query.where(
            select(ProfileSpecialty.user_id)
            .where(ProfileSpecialty.user_id == User.id, ProfileSpecialty.code == filters["specialty"])
            .exists()
        )
    if filters["status"] == PENDING:
        return query.order_by(MentorApplication.created_at, User.id)
    return query.order_by(User.name, User.id)


def _rows(users: list[User]) -> list[MentorRow]:
    ids = [user.id for user in users]
    latest: dict[int, MentorApplication] = {}
    if ids:
        for application in db.session.scalars(
            select(MentorApplication)
            .where(MentorApplication.applicant_id.in_(ids))
            .order_by(MentorApplication.id)
            .options(selectinload(MentorApplication.decided_by))
        ):
            latest[application.applicant_id] = application
    return [MentorRow(user, latest.get(user.id)) for user in users]


def _context(**extra: object) -> dict:
    return {
        "stages": stage_choices(),
        "regions": REGIONS,
        "specialties": SPECIALTIES,
        "goals": GOALS,
        "status_labels": MENTOR_STATUS_LABELS,
        **extra,
    }


@bp.get("/mentors")
@admin_required
def mentor_queue() -> ResponseReturnValue:
    """The approval queue: applications waiting (or mentors in any state), with filters."""
    filters = _filters()
    page = db.paginate(
        mentor_queue_query(filters),
        page=parse_page(request.args.get("page")),
        per_page=PER_PAGE,
        max_per_page=PER_PAGE,
    )
    page_args = {key: value for key, value in filters.items() if value}
    context = _context(page=page, rows=_rows(page.items), filters=filters, page_args=page_args)
    headers = {"Vary": "HX-Target"}
    if request.headers.get("HX-Target") == "mentor-queue":
        return render_fragment("admin/_mentor_queue.html", headers=headers, **context)
    return render_template("admin/mentors.html", **context), 200, headers


# --- deciding one ----------------------------------------------------------------------------------


def _application_or_404(application_id: int) -> MentorApplication:
    return db.get_or_404(MentorApplication, application_id)


def _mentor_or_404(user_id: int) -> User:
    user = db.get_or_404(User, user_id)
    if user.deleted_at or user.profile is None or not user.profile.mentor_status:
        abort(404)
    return user


def _row_for(user: User) -> MentorRow:
    return _rows([user])[0]


def _answer(user: User, status: int = 200, *, done: str | None = None, problem: str | None = None, **extra):
    """The person's row: swapped in by htmx, or, without htmx, a page of its own (or back to the queue)."""
    row = _row_for(user)
    if is_htmx():
        return render_fragment(
            "admin/_mentor_row.html",
            status,
            status_message=done or problem,
            **_context(row=row, done=done, problem=problem, swapped=True, **extra),
        )
    if done and status == 200:
        flash(done, "success")
        return redirect(url_for("admin.mentor_queue", **_back_args()), 303)
    return render_template(
        "admin/mentors_decision.html", **_context(row=row, done=done, problem=problem, **extra)
    ), status


def _back_args() -> dict[str, str]:
    """The queue's filters, carried by the decision forms, so a page without htmx returns to them."""
    return {key: value for key, value in _filters().items() if value and key in request.values}


@bp.post("/mentors/applications/<int:application_id>/approve")
@admin_required
def approve_application(application_id: int) -> ResponseReturnValue:
    """Approve one application (the applicant is emailed, the action audited)."""
    application = _application_or_404(application_id)
    applicant = application.applicant
    try:
        standing.approve(application, current_user)
    except MentorProblem as problem:
        db.session.rollback()
        return _answer(applicant, 409, problem=str(problem))
    db.session.commit()
    return _answer(applicant, done=f"Approved {applicant.display_name} as a mentor. We've emailed them.")


@bp.route("/mentors/applications/<int:application_id>/reject", methods=["GET", "POST"])
@admin_required
def reject_application(application_id: int) -> ResponseReturnValue:
    """The form to turn an application down with a reason, and turning it down."""
    application = _application_or_404(application_id)
    applicant = application.applicant
    if not application.is_pending:
        return _answer(applicant, 409, problem=already_decided(application))
    form = ReasonForm(id_stem=f"reject-{application.id}")
    if form.validate_on_submit():
        try:
            standing.reject(application, current_user, form.reason.data)
        except MentorProblem as problem:
            db.session.rollback()
            return _answer(applicant, 409, problem=str(problem))
        db.session.commit()
        return _answer(
            applicant, done=f"Turned down {applicant.display_name}'s application. We've emailed them."
        )
    return _answer(applicant, 422 if form.errors else 200, form=form, deciding="reject")


@bp.route("/mentors/<int:user_id>/suspend", methods=["GET", "POST"])
@admin_required
def suspend_mentor(user_id: int) -> ResponseReturnValue:
    """The form to suspend a mentor with a reason, and suspending them."""
    user = _mentor_or_404(user_id)
    form = ReasonForm(id_stem=f"suspend-{user.id}")
    form.reason.label.text = "Reason for suspending"
    if form.validate_on_submit():
        try:
            standing.suspend(user, current_user, form.reason.data)
        except MentorProblem as problem:
            db.session.rollback()
            return _answer(user, 409, problem=str(problem))
        db.session.commit()
        return _answer(user, done=f"Suspended {user.display_name}. We've emailed them.")
    return _answer(user, 422 if form.errors else 200, form=form, deciding="suspend")


@bp.post("/mentors/<int:user_id>/reinstate")
@admin_required
def reinstate_mentor(user_id: int) -> ResponseReturnValue:
    """Reinstate a suspended mentor (they are emailed)."""
    user = _mentor_or_404(user_id)
    try:
        standing.reinstate(user, current_user)
    except MentorProblem as problem:
        db.session.rollback()
        return _answer(user, 409, problem=str(problem))
    db.session.commit()
    return _answer(user, done=f"Reinstated {user.display_name} as a mentor. We've emailed them.")


# --- deciding several ------------------------------------------------------------------------------


def application_ids(values: list[str]) -> list[int] | None:
    """The distinct ids posted, in order; None when any is not a plain id (e.g. "²", "-1", "1e9")."""
    # str.isdigit() is True for "²", which int() refuses: parse_id takes ASCII digits in range only.
    ids = [parse_id(value) for value in values]
    if None in ids:
        return None
    return sorted(set(ids))


@bp.post("/mentors/approve")
@admin_required
def approve_selected() -> ResponseReturnValue:
    """Approve every selected application still waiting; those decided meanwhile are reported."""
    ids = application_ids(request.form.getlist("application"))
    if ids is None:
        flash(
            "The selection wasn't understood, so nothing was approved. Select the applications again.",
            "error",
        )
        return _queue_after_bulk(400)
    applications = (
        list(db.session.scalars(select(MentorApplication).where(MentorApplication.id.in_(ids))))
        if ids
        else []
    )
    approved: list[str] = []
    skipped: list[str] = []
    for application in applications:
        try:
            with db.session.begin_nested():
                standing.approve(application, current_user)
            approved.append(application.applicant.display_name)
        except MentorProblem as problem:
            skipped.append(f"{application.applicant.display_name}: {problem}")
    db.session.commit()
    if ids:
        flash(
            f"Approved {len(approved)} mentor{'s' if len(approved) != 1 else ''}"
            + (f" ({', '.join(approved)}). We've emailed them." if approved else "."),
            "success" if approved else "error",
        )
    else:
        flash("Select the applications to approve first.", "error")
    for line in skipped:
        flash(line, "error")
    if ids and not is_htmx():
        return redirect(url_for("admin.mentor_queue", **_back_args()), 303)
    return _queue_after_bulk(200 if ids else 422)


def _queue_after_bulk(status: int) -> ResponseReturnValue:
    """The queue again, with the flashed outcome: the fragment for htmx, else the page."""
    filters = _filters()
    page = db.paginate(
        mentor_queue_query(filters),
        page=parse_page(request.args.get("page")),
        per_page=PER_PAGE,
        max_per_page=PER_PAGE,
    )
    context = _context(page=page, rows=_rows(page.items), filters=filters, page_args=_back_args())
    if is_htmx():
        return render_fragment("admin/_mentor_queue.html", status, **context)
    return render_template("admin/mentors.html", **context), status
