"""Events for members: the list, an event's page (who is going, whom to meet, whom you met),
registering and unregistering, and the event's calendar file."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select

from mentormatch.accounts.models import User
from mentormatch.accounts.sessions import verified_required
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.events.calendar import event_calendar_file
from mentormatch.events.forms import MetForm, RegisterForm
from mentormatch.events.meeting import listed_attendees, meetings_of, people_to_meet, record_met
from mentormatch.events.models import Event, EventRegistration
from mentormatch.events.registering import register, registration_of, set_listed, unregister
from mentormatch.events.service import EventProblem

bp = Blueprint("events", __name__)


def _me() -> User:
    return current_user._get_current_object()


def _event_or_404(event_id: int) -> Event:
    return db.get_or_404(Event, event_id)


@bp.get("/events")
@verified_required
def index() -> ResponseReturnValue:
    """Upcoming events first (soonest first), then past ones (latest first)."""
    now = utcnow()
    upcoming = db.session.scalars(select(Event).where(Event.ends_at > now).order_by(Event.starts_at)).all()
    past = db.session.scalars(
        select(Event).where(Event.ends_at <= now).order_by(Event.starts_at.desc()).limit(50)
    ).all()
    mine = set(
        db.session.scalars(select(EventRegistration.event_id).where(EventRegistration.member_id == _me().id))
    )
    return render_template("events/index.html", upcoming=upcoming, past=past, mine=mine)


def _render_event(event: Event, status: int = 200, **extra: object) -> ResponseReturnValue:
    me = _me()
    now = utcnow()
    registration = registration_of(event, me)
    attendees = listed_attendees(event.id)
    context: dict = {
        "event": event,
        "registration": registration,
        "attendees": attendees,
        "over": event.is_over(now),
        "started": event.starts_at <= now,
        "register_form": extra.pop("register_form", None) or RegisterForm(),
        "to_meet": [],
        "met": [],
        "met_form": None,
        "problem": None,
    }
    if registration is not None:
        if not context["over"]:
            context["to_meet"] = people_to_meet(event, me, attendees)
        elif registration.answered_at is None:
            form = extra.pop("met_form", None) or MetForm()
            form.people.choices = [
                (person.id, person.display_name) for person in attendees if person.id != me.id
            ]
            context["met_form"] = form
        else:
            context["met"] = meetings_of(event, me)
    context.update(extra)
    return render_template("events/show.html", **context), status


@bp.get("/events/<int:event_id>")
@verified_required
def show(event_id: int) -> ResponseReturnValue:
    """An event: when and where, who is going, whom to meet, and afterwards whom you met."""
    return _render_event(_event_or_404(event_id))


@bp.get("/events/<int:event_id>.ics")
@verified_required
def calendar(event_id: int) -> ResponseReturnValue:
    """The event as a calendar file (.ics)."""
    event = _event_or_404(event_id)
    return Response(
        event_calendar_file(event),
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="event-{event.id}.ics"'},
    )


def _refused(event: Event, problem: EventProblem, **extra: object) -> ResponseReturnValue:
    db.session.rollback()
    return _render_event(_event_or_404(event.id), 409, problem=str(problem), **extra)


@bp.post("/events/<int:event_id>/register")
@verified_required
def register_view(event_id: int) -> ResponseReturnValue:
    """Take a place at the event (capacity permitting)."""
    event = _event_or_404(event_id)
    form = RegisterForm()
    if not form.validate_on_submit():
        return _render_event(event, 422, register_form=form)
    return _changed(event, lambda: register(event, _me(), listed=form.listed.data),
                    f"You're registered for {event.title}.")  # fmt: skip


@bp.post("/events/<int:event_id>/unregister")
@verified_required
def unregister_view(event_id: int) -> ResponseReturnValue:
    """Give your place back."""
    event = _event_or_404(event_id)
    form = RegisterForm()
    if not form.validate_on_submit():
        abort(400)
    said = f"You're no longer registered for {event.title}."
    return _changed(event, lambda: unregister(event, _me()), said)


@bp.post("/events/<int:event_id>/listed")
@verified_required
def listed_view(event_id: int) -> ResponseReturnValue:
    """Show or hide yourself among the people going (field `listed`)."""
    event = _event_or_404(event_id)
    form = RegisterForm()
    if not form.validate_on_submit():
        abort(400)
    said = "Shown as going." if form.listed.data else "No longer shown as going."
    return _changed(event, lambda: set_listed(event, _me(), form.listed.data), said)


def _changed(event: Event, change: Callable[[], object], said: str) -> ResponseReturnValue:
    """Make a change to your place at the event: refused with the reason, or saved, said, and
    back to the event."""
    try:
        change()
    except EventProblem as problem:
        return _refused(event, problem)
    db.session.commit()
    flash(said, "success")
    return redirect(url_for("events.show", event_id=event.id), 303)


@bp.post("/events/<int:event_id>/met")
@verified_required
def met_view(event_id: int) -> ResponseReturnValue:
    """Say whom you met: each pick becomes a connection request with your note."""
    event = _event_or_404(event_id)
    me = _me()
    if registration_of(event, me) is None:
        abort(404)
    form = MetForm()
    attendees = {person.id: person for person in listed_attendees(event.id) if person.id != me.id}
    form.people.choices = [(person.id, person.display_name) for person in attendees.values()]
    if not form.validate_on_submit():
        return _render_event(event, 422, met_form=form)
    try:
        outcomes = record_met(event, me, [attendees[i] for i in form.people.data], form.note.data or "")
    except EventProblem as problem:
        return _refused(event, problem)
    db.session.commit()
    asked = [o.person.display_name for o in outcomes if o.problem is None]
    if asked:
        flash(f"Connection requests sent to {', '.join(asked)}.", "success")
    for outcome in outcomes:
        if outcome.problem:
            flash(f"No request to {outcome.person.display_name}: {outcome.problem}", "error")
    if not outcomes:
        flash("Thanks: noted that you didn't meet anyone to follow up with.", "success")
    return redirect(url_for("events.show", event_id=event.id), 303)
