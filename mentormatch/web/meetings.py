"""A pair's meetings: proposing one, accepting, suggesting another time, cancelling, logging one
afterwards, and each meeting's calendar file (.ics)."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Response, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange

from mentormatch.accounts.models import User
from mentormatch.accounts.sessions import verified_required
from mentormatch.core.calendar import calendar_file, london_time
from mentormatch.core.extensions import db, limiter
from mentormatch.core.forms import Form
from mentormatch.core.views import is_htmx
from mentormatch.mentoring import meetings
from mentormatch.mentoring.models import Connection
from mentormatch.mentoring.pair_forms import MeetingForm
from mentormatch.mentoring.pair_models import Meeting
from mentormatch.mentoring.pairs import PairProblem
from mentormatch.web.connections import done, message_limit, poster, render_pair
from mentormatch.web.mentoring import get_connection_or_404

bp = Blueprint("meetings", __name__)


class SeenForm(Form):
    """The meeting's `sequence` as the page showed it: an answer to a time since changed is refused."""

    sequence = IntegerField(validators=[InputRequired(), NumberRange(0, 1_000_000)])


def _me() -> User:
    return current_user._get_current_object()


def _meeting_or_404(connection_id: int, meeting_id: int) -> tuple[Connection, Meeting]:
    """A meeting of a connection the signed-in member is in; any other pair's ids give 404."""
    connection = get_connection_or_404(connection_id, _me())
    found = db.one_or_404(
        db.select(Meeting).where(Meeting.id == meeting_id, Meeting.connection_id == connection.id)
    )
    return connection, found


def _attempt(connection: Connection, step: Callable[[], object], message: str) -> ResponseReturnValue:
    """Take a meeting step and commit; if it can't be taken, roll back and say why (409)."""
    try:
        step()
    except PairProblem as problem:
        db.session.rollback()
        return render_pair(connection, 409, fragment="_meetings.html", problem=str(problem))
    db.session.commit()
    if is_htmx():
        return render_pair(connection, fragment="_meetings.html")
    return done(connection, message, "meetings")


@bp.post("/connections/<int:connection_id>/meetings")
@verified_required
@limiter.limit(message_limit, key_func=poster)
def propose(connection_id: int) -> ResponseReturnValue:
    """Propose a meeting: a time (UK), how long, how and where."""
    me = _me()
    connection = get_connection_or_404(connection_id, me)
    form = MeetingForm()
    if not form.validate_on_submit():
        return render_pair(connection, 422, fragment="_meetings.html", meeting_form=form)
    other = connection.other(me).display_name
    data = (form.starts_at_utc, form.minutes.data, form.mode.data, form.where.data or "")
    return _attempt(
        connection,
        lambda: meetings.propose(connection, me, *data, token=form.token.data or None),
        f"Meeting suggested. We've asked {other} to accept it or suggest another time.",
    )


@bp.post("/connections/<int:connection_id>/meetings/log")
@verified_required
@limiter.limit(message_limit, key_func=poster)
def log_meeting(connection_id: int) -> ResponseReturnValue:
    """Record a meeting that has already happened."""
    me = _me()
    connection = get_connection_or_404(connection_id, me)
    form = MeetingForm(past=True, id_stem="logged")
    if not form.validate_on_submit():
        return render_pair(connection, 422, fragment="_meetings.html", logged_form=form)
    data = (form.starts_at_utc, form.minutes.data, form.mode.data, form.where.data or "")
    return _attempt(
        connection,
        lambda: meetings.log_held(connection, me, *data, token=form.token.data or None),
        "Meeting logged.",
    )


@bp.post("/connections/<int:connection_id>/meetings/<int:meeting_id>/accept")
@verified_required
def accept(connection_id: int, meeting_id: int) -> ResponseReturnValue:
    """Accept the time the other person suggested: both get an invitation for their calendar."""
    connection, meeting = _meeting_or_404(connection_id, meeting_id)
    form = SeenForm()
    if not form.validate_on_submit():
        return render_pair(
            connection, 422, fragment="_meetings.html", problem="Reload the page and try again."
        )
    return _attempt(
        connection,
        lambda: meetings.accept(connection, meeting, _me(), form.sequence.data),
        "Meeting agreed. We've emailed you both an invitation for your calendars.",
    )


@bp.post("/connections/<int:connection_id>/meetings/<int:meeting_id>/cancel")
@verified_required
def cancel(connection_id: int, meeting_id: int) -> ResponseReturnValue:
    """Call a meeting off; the other person is told."""
    connection, meeting = _meeting_or_404(connection_id, meeting_id)
    form = SeenForm()
    if not form.validate_on_submit():
        return render_pair(
            connection, 422, fragment="_meetings.html", problem="Reload the page and try again."
        )
    return _attempt(
        connection,
        lambda: meetings.cancel(connection, meeting, _me(), form.sequence.data),
        "Meeting cancelled. We've let them know.",
    )


@bp.route("/connections/<int:connection_id>/meetings/<int:meeting_id>/reschedule", methods=["GET", "POST"])
@verified_required
@limiter.limit(message_limit, key_func=poster, methods=["POST"])
def reschedule(connection_id: int, meeting_id: int) -> ResponseReturnValue:
    """Suggest another time (or place) for a meeting."""
    me = _me()
    connection, meeting = _meeting_or_404(connection_id, meeting_id)
    form = MeetingForm(id_stem=f"move-{meeting.id}")
    seen = SeenForm()
    if form.validate_on_submit() and seen.validate():
        data = (form.starts_at_utc, form.minutes.data, form.mode.data, form.where.data or "")
        return _attempt(
            connection,
            lambda: meetings.reschedule(connection, meeting, me, seen.sequence.data, *data),
            f"New time suggested. We've asked {connection.other(me).display_name} to accept it.",
        )
    if not form.errors:  # first opened: the form holds the meeting as it is
        form.starts_at.data = london_time(meeting.starts_at).replace(tzinfo=None)
        form.minutes.data, form.mode.data, form.where.data = meeting.minutes, meeting.mode, meeting.where
    status = 422 if form.errors else 200
    context = {"connection": connection, "meeting": meeting, "form": form, "me": me}
    return render_template("mentoring/reschedule.html", **context), status


@bp.get("/connections/<int:connection_id>/meetings/<int:meeting_id>.ics")
@verified_required
def ics(connection_id: int, meeting_id: int) -> ResponseReturnValue:
    """The meeting as a calendar file (METHOD:REQUEST, or METHOD:CANCEL once cancelled)."""
    connection, meeting = _meeting_or_404(connection_id, meeting_id)
    body = calendar_file(meetings.ics_entry(meeting, connection))
    return Response(
        body,
        mimetype="text/calendar",
        headers={
            "Content-Disposition": f'attachment; filename="meeting-{meeting.id}.ics"',
            "Cache-Control": "private, no-store",
        },
    )
