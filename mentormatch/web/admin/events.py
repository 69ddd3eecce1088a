"""Events at /admin/events: create and change an event, and import its attendees from CSV."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select

from mentormatch.core.extensions import db
from mentormatch.events.forms import AttendeesForm, EventForm
from mentormatch.events.models import Event
from mentormatch.events.service import (
    SAME_EVENT,
    EventProblem,
    create_event,
    edit_event,
    import_attendees,
    read_attendees,
)
from mentormatch.web.admin import admin_required, bp


@bp.route("/events", methods=["GET", "POST"])
@admin_required
def events() -> ResponseReturnValue:
    """Every event, newest first, and the form for a new one."""
    form = EventForm()
    status = 200
    if form.is_submitted():
        status = 422
        if form.validate():
            try:
                event = create_event(current_user, form.details)
            except EventProblem as problem:
                db.session.rollback()
                (form.title if str(problem) == SAME_EVENT else form.ends_at).errors.append(str(problem))
            else:
                db.session.commit()
                flash(f"Event “{event.title}” created.", "success")
                return redirect(url_for("admin.event_page", event_id=event.id), 303)
    listed = db.session.scalars(select(Event).order_by(Event.starts_at.desc())).all()
    return render_template("admin/events.html", form=form, events=listed), status


def _page(event: Event, status: int = 200, **extra: object) -> ResponseReturnValue:
    form = extra.pop("form", None)
    if form is None:
        form = EventForm(obj=event)
        form.fill_from(event.starts_at, event.ends_at)
    extra.setdefault("attendees_form", AttendeesForm())
    extra.setdefault("problems", [])
    return render_template("admin/event.html", event=event, form=form, **extra), status


@bp.route("/events/<int:event_id>", methods=["GET", "POST"])
@admin_required
def event_page(event_id: int) -> ResponseReturnValue:
    """Change an event (the capacity never below the places already taken)."""
    event = db.get_or_404(Event, event_id)
    if not EventForm().is_submitted():
        return _page(event)
    form = EventForm()
    if not form.validate():
        return _page(event, 422, form=form)
    try:
        edit_event(current_user, event, form.details)
    except EventProblem as problem:
        db.session.rollback()
        field = form.title if str(problem) == SAME_EVENT else form.capacity
        field.errors = [str(problem)]
        return _page(db.get_or_404(Event, event_id), 422, form=form)
    db.session.commit()
    flash("Event saved.", "success")
    return redirect(url_for("admin.event_page", event_id=event.id), 303)


@bp.post("/events/<int:event_id>/attendees")
@admin_required
def event_attendees(event_id: int) -> ResponseReturnValue:
    """Register the members a CSV of emails names: all of them, or none and every problem by line."""
    event = db.get_or_404(Event, event_id)
    form = AttendeesForm()
    if not form.validate_on_submit():
        return _page(event, 422, attendees_form=form)
    found = read_attendees(form.attendees.data.read())
    if found.problems:
        return _page(event, 422, attendees_form=form, problems=found.problems)
    try:
        added = import_attendees(current_user, event, found.user_ids)
    except EventProblem as problem:
        db.session.rollback()
        return _page(db.get_or_404(Event, event_id), 422, attendees_form=form, problems=[(0, str(problem))])
    db.session.commit()
    flash(f"{added} attendee{'s' if added != 1 else ''} added.", "success")
    return redirect(url_for("admin.event_page", event_id=event.id), 303)
