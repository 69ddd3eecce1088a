"""A meeting's life: proposed, accepted, moved to another time, cancelled, or logged afterwards.

Every change is one conditional UPDATE on the status and the `sequence` the person saw, with a
row-count check: a double click, or both people answering at once, change it once, and nobody
accepts a time that has just been moved. Each change bumps `sequence`, so calendars replace the
entry they hold. Accepted meetings send both people an invitation with the .ics attached. The
caller commits.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from mentormatch.accounts.models import User
from mentormatch.core.calendar import CalendarEntry, calendar_file, london_time
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.core.mail import send_email
from mentormatch.core.views import absolute_url
from mentormatch.mentoring.models import Connection
from mentormatch.mentoring.pair_models import ACCEPTED, CANCELLED, HELD, MODES, PROPOSED, Meeting
from mentormatch.mentoring.pairs import PairProblem

OPEN = (PROPOSED, ACCEPTED)


def _active(connection: Connection) -> None:
    if not connection.is_active:
        raise PairProblem("This connection has ended, so its meetings can't change.")


def _uid() -> str:
    domain = urlsplit(current_app.config["BASE_URL"]).hostname or "mentormatch.local"
    return f"meeting-{secrets.token_hex(12)}@{domain}"


def propose(
    connection: Connection,
    by: User,
    starts_at: datetime,
    minutes: int,
    mode: str,
    where: str,
    token: str | None = None,
) -> Meeting:
    """Propose a meeting; the other person is asked to accept it or suggest another time.
    The same form sent twice (`token`) proposes it once."""
    _active(connection)
    meeting = _new(connection, by, PROPOSED, starts_at, minutes, mode, where, token)
    if meeting is None:  # a double click: the first one proposed it
        return _made_with(by, token)
    _tell(connection.other(by), "meeting_proposed", f"{by.display_name} suggested a meeting", meeting, by)
    return meeting


def log_held(
    connection: Connection,
    by: User,
    starts_at: datetime,
    minutes: int,
    mode: str,
    where: str,
    token: str | None = None,
) -> Meeting:
    """Record a meeting that has already happened (no email: both were there)."""
    return _new(connection, by, HELD, starts_at, minutes, mode, where, token) or _made_with(by, token)


def _new(connection, by, status, starts_at, minutes, mode, where, token) -> Meeting | None:
    """A new meeting row, or None when this form (`token`) already made one."""
    if token and _made_with(by, token) is not None:
        return None
    meeting = Meeting(
        connection_id=connection.id,
        uid=_uid(),
        status=status,
        proposed_by_id=by.id,
        starts_at=starts_at,
        minutes=minutes,
        mode=mode,
        where=where,
        client_token=token or None,
    )
    try:
        with db.session.begin_nested():
            db.session.add(meeting)
    except IntegrityError:
        return None
    return meeting


def _made_with(by: User, token: str | None) -> Meeting | None:
    if not token:
        return None
    return db.session.scalar(
        select(Meeting).where(Meeting.proposed_by_id == by.id, Meeting.client_token == token)
    )


def _change(meeting: Meeting, seen: int, statuses: tuple[str, ...], *extra, **values: object) -> bool:
    """The one write: move the meeting on if it is still as `by` saw it (status and sequence)."""
    result = db.session.execute(
        update(Meeting)
        .where(Meeting.id == meeting.id, Meeting.sequence == seen, Meeting.status.in_(statuses), *extra)
        .values(sequence=Meeting.sequence + 1, updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(meeting)
    return result.rowcount == 1


def accept(connection: Connection, meeting: Meeting, by: User, seen: int) -> None:
    """The other person says yes to the time proposed: both get the invitation with the .ics."""
    _active(connection)
    if meeting.proposed_by_id == by.id:
        raise PairProblem("You suggested this time: it's for the other person to accept.")
    if not _change(meeting, seen, (PROPOSED,), Meeting.proposed_by_id != by.id, status=ACCEPTED):
        raise _moved_on(meeting)
    for person in (connection.first, connection.second):
        if not person.deleted_at:
            _tell(
                person,
                "meeting_accepted",
                f"Meeting agreed: {_when(meeting)}",
                meeting,
                by,
                with_invitation=True,
                connection=connection,
            )


def reschedule(
    connection: Connection,
    meeting: Meeting,
    by: User,
    seen: int,
    starts_at: datetime,
    minutes: int,
    mode: str,
    where: str,
) -> None:
    """Suggest another time (or place): the meeting waits for the other person's answer again."""
    _active(connection)
    values = {"starts_at": starts_at, "minutes": minutes, "mode": mode, "where": where}
    if not _change(meeting, seen, OPEN, status=PROPOSED, proposed_by_id=by.id, **values):
        raise _moved_on(meeting)
    _tell(connection.other(by), "meeting_proposed", f"{by.display_name} suggested another time", meeting, by)


def cancel(connection: Connection, meeting: Meeting, by: User, seen: int) -> None:
    """Call a meeting off; the other person is told, with a cancellation for their calendar."""
    if not _change(meeting, seen, OPEN, status=CANCELLED):
        raise _moved_on(meeting)
    _tell(
        connection.other(by),
        "meeting_cancelled",
        f"Meeting cancelled: {_when(meeting)}",
        meeting,
        by,
        with_invitation=True,
        connection=connection,
    )


def _moved_on(meeting: Meeting) -> PairProblem:
    words = {
        ACCEPTED: "has already been accepted",
        CANCELLED: "was cancelled",
        HELD: "has already happened",
    }
    what = words.get(meeting.status, "has changed since you opened the page: see its new time")
    return PairProblem(f"This meeting {what}.")


def _when(meeting: Meeting) -> str:
    return london_time(meeting.starts_at).strftime("%a %-d %b %Y, %H:%M")


def ics_entry(meeting: Meeting, connection: Connection) -> CalendarEntry:
    """The calendar entry for a meeting, the same in the email and at its .ics URL."""
    first, second = connection.first, connection.second
    names = f"{first.display_name} and {second.display_name}"
    link = absolute_url("connections.show", connection_id=connection.id)
    return CalendarEntry(
        uid=meeting.uid,
        sequence=meeting.sequence,
        summary=f"Mentoring: {names}" if connection.kind == "mentoring" else f"MentorMatch: {names}",
        starts_at=meeting.starts_at,
        minutes=meeting.minutes,
        location=meeting.where or MODES.get(meeting.mode, ""),
        description=f"{MODES.get(meeting.mode, '')}. Your page together: {link}",
        url=link,
        cancelled=meeting.status == CANCELLED,
        attendees=tuple(
            (person.display_name, person.email) for person in (first, second) if not person.deleted_at
        ),
        stamp=meeting.updated_at,
    )


def _tell(
    person: User,
    kind: str,
    subject: str,
    meeting: Meeting,
    by: User,
    *,
    with_invitation: bool = False,
    connection: Connection | None = None,
) -> None:
    if person.deleted_at or not person.email:
        return
    attachments = None
    if with_invitation and connection is not None:
        ics = calendar_file(ics_entry(meeting, connection)).decode("utf-8")
        method = "CANCEL" if meeting.status == CANCELLED else "REQUEST"
        attachments = [
            {"filename": "meeting.ics", "content_type": f"text/calendar; method={method}", "text": ics}
        ]
    send_email(
        person.email,
        kind,
        subject,
        attachments=attachments,
        person=person,
        by=by,
        meeting=meeting,
        when=_when(meeting),
        ends=(meeting.starts_at + timedelta(minutes=meeting.minutes)),
        link=absolute_url("connections.show", connection_id=meeting.connection_id, _anchor="meetings"),
    )
