"""Cohort matching rounds at /admin/rounds: create, run, adjust, publish, export."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from mentormatch.accounts.models import User
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.core.ids import parse_id
from mentormatch.core.views import is_htmx, render_fragment
from mentormatch.rounds.cohorts import approved_mentors, members_matching, read_cohort
from mentormatch.rounds.forms import ConfirmForm, PairForm, RoundForm
from mentormatch.rounds.models import MatchingRound, RoundPair
from mentormatch.rounds.publishing import publish_round, round_csv
from mentormatch.rounds.scores import round_inputs
from mentormatch.rounds.service import RoundProblem, change_pair, create_round, run_round
from mentormatch.web.admin import admin_required, bp


@bp.route("/rounds", methods=["GET", "POST"])
@admin_required
def rounds() -> ResponseReturnValue:
    """The rounds so far, and the form for a new one."""
    form = RoundForm()
    form.mentors.choices = [(user.id, f"{user.name} ({user.stage_label})") for user in approved_mentors()]
    problems: list[tuple[int, str]] = []
    status = 200
    if form.is_submitted():
        status = 422
        if form.validate():
            if form.mentees_from.data == "file":
                cohort = read_cohort(form.cohort.data.read())
                mentee_ids, problems = cohort.user_ids, cohort.problems
            else:
                mentee_ids = members_matching(form.stage.data, form.region.data, form.specialty.data)
                if not mentee_ids:
                    form.stage.errors.append("No member matches these filters: widen them.")
            if mentee_ids and not problems:
                matching_round = create_round(
                    current_user,
                    form.name.data,
                    mentee_ids,
                    mentor_ids=form.mentors.data if form.mentor_pool.data == "chosen" else None,
                    objective=form.objective.data,
                    min_score=form.min_score.data / 100,
                    avoid_same_organisation=form.avoid_same_organisation.data,
                )
                db.session.commit()
                flash(f"Round “{matching_round.name}” created with {len(mentee_ids)} mentees.", "success")
                return redirect(url_for("admin.round_page", round_id=matching_round.id), 303)
    listed = db.session.scalars(
        select(MatchingRound)
        .options(selectinload(MatchingRound.mentees))
        .order_by(MatchingRound.created_at.desc())
    ).all()
    return render_template("admin/rounds.html", form=form, rounds=listed, problems=problems), status


def _round_or_404(round_id: int) -> MatchingRound:
    """The round with its cohort, pool and pairs (and the pairs' people) loaded: its pages list them all."""
    return db.one_or_404(
        select(MatchingRound)
        .where(MatchingRound.id == round_id)
        .options(
            selectinload(MatchingRound.mentees),
            selectinload(MatchingRound.mentors),
            selectinload(MatchingRound.pairs).selectinload(RoundPair.mentee),
            selectinload(MatchingRound.pairs).selectinload(RoundPair.mentor),
        )
    )


def _pair_or_404(matching_round: MatchingRound, mentee_id: int) -> RoundPair:
    pair = next((p for p in matching_round.pairs if p.mentee_id == mentee_id), None)
    if pair is None:
        abort(404)
    return pair


def _options(matching_round: MatchingRound, mentee_id: int) -> list[dict]:
    """Every mentor in the pool for this mentee, with the score and what stands in the way, if anything."""
    inputs = round_inputs(matching_round)
    names = dict(db.session.execute(select(User.id, User.name).where(User.id.in_(inputs.mentor_ids))).all())
    taken: dict[int, int] = {}
    for pair in matching_round.pairs:
        if pair.mentor_id is not None and pair.mentee_id != mentee_id:
            taken[pair.mentor_id] = taken.get(pair.mentor_id, 0) + 1
    options = []
    for mentor, places in zip(inputs.mentor_ids, inputs.capacities, strict=True):
        scored = inputs.scores.get(mentee_id, {}).get(mentor)
        if (mentee_id, mentor) in inputs.forbidden:
            note = "excluded"
        elif scored is None:
            note = "not eligible"
        elif taken.get(mentor, 0) >= places:
            note = "full"
        else:
            note = f"{places - taken.get(mentor, 0)} of {places} places free"
        percent = f"{round(scored * 100)}%, " if scored is not None else ""
        options.append({"id": mentor, "label": f"{names.get(mentor, '')} ({percent}{note})"})
    return sorted(options, key=lambda option: option["label"])


def _draft_context(matching_round: MatchingRound, **extra: object) -> dict:
    """What the round's pages and its draft fragment show; no row is being edited unless `extra` says."""
    return {
        "round": matching_round,
        "confirm": ConfirmForm(),
        "pair_form": PairForm(),
        "editing_id": None,
        "problem": None,
        **extra,
    }


@bp.get("/rounds/<int:round_id>")
@admin_required
def round_page(round_id: int) -> ResponseReturnValue:
    """A round: its settings and its draft (or published) pairs with scores, reasons and figures."""
    return render_template("admin/rounds_show.html", **_draft_context(_round_or_404(round_id)))


@bp.post("/rounds/<int:round_id>/run")
@admin_required
def run_round_view(round_id: int) -> ResponseReturnValue:
    """Solve the round (again), keeping the pairs an admin changed."""
    matching_round = _round_or_404(round_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        run_round(matching_round, current_user)
    except RoundProblem as problem:
        db.session.rollback()
        flash(str(problem), "error")
        context = _draft_context(_round_or_404(round_id))
        return render_template("admin/rounds_show.html", **context), problem.status
    db.session.commit()
    flash(f"Draft ready: {matching_round.matched} of {len(matching_round.pairs)} mentees matched.", "success")
    return redirect(url_for("admin.round_page", round_id=round_id), 303)


@bp.get("/rounds/<int:round_id>/pairs/<int:mentee_id>")
@admin_required
def pair_page(round_id: int, mentee_id: int) -> ResponseReturnValue:
    """Choose another mentor for one mentee: the row in edit mode (htmx) or a page of its own."""
    matching_round = _round_or_404(round_id)
    pair = _pair_or_404(matching_round, mentee_id)
    context = _draft_context(
        matching_round, pair=pair, editing=True, options=_options(matching_round, mentee_id)
    )
    if request.headers.get("HX-Target") == f"pair-{mentee_id}":
        return render_template("admin/_round_pair.html", **context), 200, {"Vary": "HX-Target"}
    return render_template("admin/rounds_pair.html", **context), 200, {"Vary": "HX-Target"}


@bp.post("/rounds/<int:round_id>/pairs/<int:mentee_id>")
@admin_required
def change_pair_view(round_id: int, mentee_id: int) -> ResponseReturnValue:
    """Give a mentee another mentor or none; a choice that breaks capacity or an exclusion changes nothing."""
    matching_round = _round_or_404(round_id)
    pair = _pair_or_404(matching_round, mentee_id)
    form = PairForm()
    problem: RoundProblem | None = None
    if not form.validate_on_submit():
        problem = RoundProblem("The form had expired: try again.", 422)
    else:
        chosen = (form.mentor.data or "").strip()
        mentor_id = parse_id(chosen)
        try:
            if chosen and mentor_id is None:  # not an id at all ("x", "²", 10**20): a choice never offered
                raise RoundProblem("Choose a mentor from this round's pool.", 422)
            change_pair(matching_round, mentee_id, mentor_id, current_user)
            db.session.commit()
        except RoundProblem as error:
            db.session.rollback()
            problem = error
    matching_round = _round_or_404(round_id)
    if problem is None:
        pair = _pair_or_404(matching_round, mentee_id)
        message = f"{pair.mentee.display_name}: " + (
            f"matched with {pair.mentor.display_name}." if pair.mentor else "left unmatched."
        )
        if not is_htmx():
            flash(message, "success")
            return redirect(url_for("admin.round_page", round_id=round_id), 303)
        return render_fragment(
            "admin/_round_draft.html", status_message=message, **_draft_context(matching_round)
        )
    context = _draft_context(
        matching_round,
        editing_id=mentee_id,
        problem=str(problem),
        options=_options(matching_round, mentee_id) if matching_round.is_draft else [],
        pair=pair,
    )
    if is_htmx():
        return render_fragment(
            "admin/_round_draft.html", problem.status, status_message=str(problem), **context
        )
    return render_template("admin/rounds_pair.html", editing=True, **context), problem.status


@bp.route("/rounds/<int:round_id>/publish", methods=["GET", "POST"])
@admin_required
def publish_round_view(round_id: int) -> ResponseReturnValue:
    """Confirm, then make every pair a mentoring connection and email everyone (once)."""
    matching_round = _round_or_404(round_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            made = publish_round(matching_round, current_user)
        except RoundProblem as problem:
            db.session.rollback()
            flash(str(problem), "error")
            page = "admin/rounds_show.html" if problem.status == 409 else "admin/rounds_publish.html"
            return render_template(page, **_draft_context(_round_or_404(round_id))), problem.status
        db.session.commit()
        flash(
            f"Published: {made} mentoring connection{'s' if made != 1 else ''} made, everyone emailed.",
            "success",
        )
        return redirect(url_for("admin.round_page", round_id=round_id), 303)
    return render_template("admin/rounds_publish.html", **_draft_context(matching_round))


@bp.get("/rounds/<int:round_id>.csv")
@admin_required
def round_csv_view(round_id: int) -> ResponseReturnValue:
    """The round's pairs as CSV (one mentee per row)."""
    matching_round = _round_or_404(round_id)
    filename = f"round-{matching_round.id}-{utcnow():%Y-%m-%d}.csv"
    return Response(
        "\ufeff" + round_csv(matching_round),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
