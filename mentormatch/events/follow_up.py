"""Follow-ups after an event: 48 hours and 3 months after it ends, each member who met someone there
and isn't connected with them (nor has a request waiting between them) is asked to send a note.

Run from cron (`flask events follow-up`). Each prompt is claimed once by a conditional UPDATE
(`… SET followed_up_48h_at = now WHERE … IS NULL`) in the same transaction as its email, so two
runs, or two at once, send each one once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, or_, select, update
from sqlalchemy.orm import joinedload

from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.core.mail import send_email
from mentormatch.core.views import absolute_url
from mentormatch.events.models import Event, EventMeeting
from mentormatch.mentoring.models import PENDING, Connection, MentoringRequest

AFTER_48H = timedelta(hours=48)
AFTER_3M = timedelta(days=91)
# A prompt older than this past its time is not sent late (a new deployment, a cron that was off).
LATE = timedelta(days=30)
STEPS = (
    ("48h", AFTER_48H, EventMeeting.followed_up_48h_at),
    ("3m", AFTER_3M, EventMeeting.followed_up_3m_at),
)


def connected_between(first, second):
    """SQL: an active connection between the two columns' members."""
    return exists().where(
        Connection.ended_at.is_(None),
        or_(
            (Connection.first_id == first) & (Connection.second_id == second),
            (Connection.first_id == second) & (Connection.second_id == first),
        ),
    )


def _waiting_between(first, second):
    return exists().where(
        MentoringRequest.status == PENDING,
        or_(
            (MentoringRequest.sender_id == first) & (MentoringRequest.recipient_id == second),
            (MentoringRequest.sender_id == second) & (MentoringRequest.recipient_id == first),
        ),
    )


@dataclass
class FollowUpReport:
    sent: int = 0
    skipped: int = 0  # claimed, but connected already or a request waiting: nothing to prompt


def send_follow_ups(now: datetime | None = None) -> FollowUpReport:
    """Claim and send every follow-up that is due; commits after each one."""
    now = now or utcnow()
    report = FollowUpReport()
    for step, after, column in STEPS:
        due = db.session.scalars(
            select(EventMeeting.id)
            .join(Event, Event.id == EventMeeting.event_id)
            .where(column.is_(None), Event.ends_at <= now - after, Event.ends_at > now - after - LATE)
            .order_by(EventMeeting.id)
        ).all()
        for meeting_id in due:
            claimed = db.session.execute(
                update(EventMeeting)
                .where(EventMeeting.id == meeting_id, column.is_(None))
                .values({column.key: now})
                .execution_options(synchronize_session=False)
            ).rowcount
            if claimed != 1:  # another run has it
                db.session.rollback()
                continue
            meeting = db.session.scalar(
                select(EventMeeting)
                .where(EventMeeting.id == meeting_id)
                .options(
                    joinedload(EventMeeting.event),
                    joinedload(EventMeeting.member),
                    joinedload(EventMeeting.met),
                )
            )
            if _nothing_to_prompt(meeting):
                report.skipped += 1
            else:
                _email(meeting, step)
                report.sent += 1
            db.session.commit()
    return report


def _nothing_to_prompt(meeting: EventMeeting) -> bool:
    member, met = meeting.member, meeting.met
    if member.deleted_at is not None or met.deleted_at is not None or not member.email:
        return True
    return bool(
        db.session.scalar(select(connected_between(member.id, met.id) | _waiting_between(member.id, met.id)))
    )


def _email(meeting: EventMeeting, step: str) -> None:
    met, event = meeting.met, meeting.event
    send_email(
        meeting.member.email,
        "event_follow_up",
        f"You met {met.display_name} at {event.title} — send a note?",
        member=meeting.member,
        met=met,
        event=event,
        step=step,
        link=absolute_url("profiles.show", user_id=met.id),
        event_link=absolute_url("events.show", event_id=event.id),
    )


def follow_ups_due_for(member_id: int, now: datetime, within: timedelta = LATE) -> list[EventMeeting]:
    """Follow-ups sent to this member lately for people they met, still neither connected nor asked."""
    since = now - within
    return list(
        db.session.scalars(
            select(EventMeeting)
            .where(
                EventMeeting.member_id == member_id,
                or_(EventMeeting.followed_up_48h_at > since, EventMeeting.followed_up_3m_at > since),
                ~connected_between(EventMeeting.member_id, EventMeeting.met_id),
                ~_waiting_between(EventMeeting.member_id, EventMeeting.met_id),
            )
            .options(joinedload(EventMeeting.event), joinedload(EventMeeting.met))
            .order_by(EventMeeting.id.desc())
            .limit(10)
        )
    )
