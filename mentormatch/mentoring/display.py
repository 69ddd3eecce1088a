"""What the request and connection pages and emails say: the kind of request, time left, how a request
ended and why, and, on someone's profile page, what the signed-in member can do about them.
Registered as template globals by create_app."""

from __future__ import annotations

from dataclasses import dataclass

from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import or_, select

from mentormatch.accounts.models import User
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.core.templating import long_date
from mentormatch.mentoring.asking import ANSWER_WITHIN, connected, request_problem
from mentormatch.mentoring.models import (
    ACCEPTED,
    KINDS,
    MENTORING,
    PEER,
    PENDING,
    Connection,
    MentoringRequest,
    RequestEnd,
)

DAY = 86400  # seconds
KIND_LABELS = {MENTORING: "Mentoring", PEER: "Peer connection"}


def closes_in(mentoring_request: MentoringRequest) -> str:
    """How long a pending request has left, in words: '14 days', '1 day', 'less than a day'."""
    seconds = (mentoring_request.expires_at - utcnow()).total_seconds()
    if seconds < DAY:
        return "less than a day"
    days = round(seconds / DAY)
    return f"{days} day{'s' if days != 1 else ''}"


@dataclass(frozen=True)
class Reach:
    """What the signed-in member can do about someone, for their profile page."""

    connection: Connection | None = None
    pending: MentoringRequest | None = None
    kinds: tuple[str, ...] = ()  # what they can ask for now: mentoring, peer, both or neither
    problem: str | None = None  # why a mentor can't be asked, when nothing can be asked


def reach_of(person: User) -> Reach:
    """Connected, a request pending between them, or which requests the signed-in member may send."""
    me = current_user._get_current_object()
    if not me.is_authenticated or me.id == person.id:
        return Reach()
    connection = connected(me, person)
    if connection is not None:
        return Reach(connection=connection)
    pending = db.session.scalar(
        select(MentoringRequest).where(
            MentoringRequest.status == PENDING,
            or_(
                (MentoringRequest.sender_id == me.id) & (MentoringRequest.recipient_id == person.id),
                (MentoringRequest.sender_id == person.id) & (MentoringRequest.recipient_id == me.id),
            ),
        )
    )
    if pending is not None:
        return Reach(pending=pending)
    kinds = tuple(kind for kind in KINDS if request_problem(me, person, kind) is None)
    problem = None
    if not kinds and person.profile is not None and person.profile.is_approved_mentor:
        problem = request_problem(me, person, MENTORING)
    return Reach(kinds=kinds, problem=problem)


# --- how a request ended ------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestOutcome:
    """What a past request's row (and its emails) say about how it ended, from one side of it."""

    said: Markup  # "You declined (3 March 2025)."; names escaped, the wording as written
    quoted: str | None = None  # the recipient's own words, when they declined with a reason
    quoted_as: str = ""  # "Your reason" or "Their reason"
    note: str | None = None  # our words, when we ended it: why


def request_outcome(request_: MentoringRequest, viewer: User) -> RequestOutcome:
    """How `request_` ended, as `viewer` (its sender or recipient) is told: keyed on its end code."""
    incoming = request_.recipient_id == viewer.id
    other = request_.other(viewer).display_name
    on = f" ({long_date(request_.decided_at)})" if request_.decided_at else ""

    def said(words: str) -> Markup:
        # `words` are ours, never a member's; format() escapes the name and the date put into them.
        return Markup(words + "{on}.").format(other=other, on=on)  # noqa: S704

    if request_.status == ACCEPTED:
        on = f" on {long_date(request_.decided_at)}" if request_.decided_at else ""
        return RequestOutcome(said("You accepted" if incoming else "Accepted"))
    because = RequestEnd(request_.ended_because) if request_.ended_because else None
    if because is RequestEnd.DECLINED:
        return RequestOutcome(
            said("You declined" if incoming else "{other} couldn't take this on"),
            quoted=request_.reason,
            quoted_as="Your reason" if incoming else "Their reason",
        )
    if because is RequestEnd.EXPIRED:
        return RequestOutcome(said(f"Closed after {ANSWER_WITHIN.days} days without an answer"))
    if because in (RequestEnd.MENTOR_UNAVAILABLE, RequestEnd.ACCOUNT_CLOSED):
        return RequestOutcome(said("Closed"), note=request_.reason)
    if because is RequestEnd.MATCHED_ELSEWHERE:
        if incoming:  # the mentor asked: why the mentee withdrew
            return RequestOutcome(said("Withdrawn by {other}"), note=request_.reason)
        return RequestOutcome(said("Withdrawn when another mentor accepted you"))
    return RequestOutcome(said("Withdrawn by {other}" if incoming else "You withdrew it"))
