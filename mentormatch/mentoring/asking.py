"""Asking: who may ask whom for mentoring or a peer connection, and sending the request.

The rules are checked before the form is shown (`request_problem`) and again, under a lock on
the sender's row, when the request is sent: pending caps, a cooldown after a no, the mentor's
declared exclusions, seniority and free places. The caller commits.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from mentormatch.accounts.models import User
from mentormatch.core.changes import note_change
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.core.mail import send_email
from mentormatch.core.views import absolute_url
from mentormatch.core.vocabulary import STAGE_BY_CODE
from mentormatch.mentoring.models import (
    DECLINED,
    MENTORING,
    PEER,
    PENDING,
    Connection,
    MentoringRequest,
    RequestEnd,
)
from mentormatch.mentors.models import MentorExclusion
from mentormatch.profiles.listing import is_listed
from mentormatch.profiles.models import Profile

MAX_PENDING = 3  # mentoring requests a mentee may have waiting at once
# Peer requests cost the sender nothing, so without a cap one person could ask everyone at once;
# ten waiting is more than anyone making real connections needs.
MAX_PENDING_PEER = 10
ANSWER_WITHIN = timedelta(days=14)
# Asking again straight after a no is pressure, not a request: a month lets circumstances change.
AFTER_DECLINED = timedelta(days=30)
# Withdraw-and-ask-again would email the same person over and over: a week between asks.
AFTER_WITHDRAWN = timedelta(days=7)
TOO_MANY = (
    f"You already have {MAX_PENDING} mentoring requests waiting for an answer. "
    "Withdraw one, or wait for an answer, before asking someone else."
)
TOO_MANY_PEER = (
    f"You already have {MAX_PENDING_PEER} peer requests waiting for an answer. "
    "Wait for some answers, or withdraw one, before asking someone else."
)


class RequestProblem(Exception):
    """Why a request can't be sent or answered, in words for the person who tried."""


def send_request(
    sender: User,
    recipient: User,
    kind: str,
    message: str = "",
    *,
    after_mentorship: bool = False,
    asking_for_help: bool = False,
) -> MentoringRequest:
    """Ask `recipient` for mentoring, or to connect as peers. Raises RequestProblem.

    `after_mentorship`: a mentor and mentee who ended their mentorship may stay connected as peers
    whatever their stages (the rest of the rules still apply). `asking_for_help`: a peer request
    about something the recipient lists under "ask me about" (profiles/helping.py); they offered
    it to every colleague, so it too goes across stages, and the rest of the rules still apply.
    """
    _check_can_ask(sender, recipient, kind, after_mentorship=after_mentorship or asking_for_help)
    # Lock the sender's row so two requests sent at once can't both be the one over the cap.
    db.session.execute(select(User.id).where(User.id == sender.id).with_for_update())
    _check_room(sender, kind)
    now = utcnow()
    request = MentoringRequest(
        kind=kind,
        sender_id=sender.id,
        recipient_id=recipient.id,
        message=message.strip(),
        created_at=now,
        expires_at=now + ANSWER_WITHIN,
    )
    try:
        with db.session.begin_nested():
            db.session.add(request)
    except IntegrityError:  # the same request, sent a moment ago from another tab
        raise RequestProblem(f"You have already asked {recipient.display_name}.") from None
    note_change(recipient.id, sender.id)
    send_email(
        recipient.email,
        "request_received",
        f"{sender.display_name} asked you for mentoring"
        if kind == MENTORING
        else f"{sender.display_name} would like to connect",
        request=request,
        sender=sender,
        recipient=recipient,
        link=absolute_url("mentoring.requests"),
    )
    return request


def request_problem(sender: User, recipient: User, kind: str, *, asking_for_help: bool = False) -> str | None:
    """Why `sender` can't ask `recipient` now (in words for them), or None when they can."""
    try:
        _check_can_ask(sender, recipient, kind, after_mentorship=asking_for_help)
        _check_room(sender, kind)
    except RequestProblem as problem:
        return str(problem)
    return None


def _check_can_ask(sender: User, recipient: User, kind: str, *, after_mentorship: bool = False) -> None:
    if kind not in (MENTORING, PEER):
        raise RequestProblem("Choose mentoring or a peer connection.")
    if recipient.id == sender.id:
        raise RequestProblem("You can't send a request to yourself.")
    profile: Profile | None = recipient.profile
    if not is_listed(recipient):
        raise RequestProblem(f"{recipient.display_name} can't take requests at the moment.")
    if connected(sender, recipient):
        raise RequestProblem(f"You are already connected with {recipient.display_name}.")
    between = db.session.scalar(
        select(MentoringRequest).where(
            MentoringRequest.status == PENDING,
            or_(
                (MentoringRequest.sender_id == sender.id) & (MentoringRequest.recipient_id == recipient.id),
                (MentoringRequest.sender_id == recipient.id) & (MentoringRequest.recipient_id == sender.id),
            ),
        )
    )
    if between is not None:
        if between.sender_id == sender.id:
            raise RequestProblem(
                f"You have already asked {recipient.display_name}; they have until "
                f"{between.expires_at:%-d %B} to answer."
            )
        raise RequestProblem(
            f"{recipient.display_name} has already sent you a request: answer it on your requests page."
        )
    _check_cooled_down(sender, recipient, kind)
    rank, their_rank = stage_rank(sender), stage_rank(recipient)
    if kind == MENTORING:
        declared = select(MentorExclusion.id).where(
            MentorExclusion.mentor_id == recipient.id,
            func.lower(MentorExclusion.excluded_email) == sender.email,
        )
        if db.session.scalar(declared.limit(1)) is not None:
            raise RequestProblem(f"{recipient.display_name} can't take a mentoring request from you here.")
        if not profile.is_approved_mentor:
            raise RequestProblem(
                f"{recipient.display_name} isn't mentoring through MentorMatch at the moment."
            )
        if rank is None or their_rank is None or their_rank <= rank:
            raise RequestProblem("A mentor needs to be further along in their career than you are.")
        if profile.free_places <= 0:
            raise RequestProblem(
                f"{recipient.display_name} has no free places at the moment. Try another mentor from your "
                "suggestions."
            )
    elif not after_mentorship and (rank is None or their_rank is None or abs(their_rank - rank) > 1):
        raise RequestProblem(
            "Peers are at the same stage as you or one step apart; for someone further along, "
            "ask for mentoring instead."
        )


def _check_room(sender: User, kind: str) -> None:
    if kind == MENTORING and pending_mentoring_count(sender) >= MAX_PENDING:
        raise RequestProblem(TOO_MANY)
    if kind == PEER and _pending_count(sender, PEER) >= MAX_PENDING_PEER:
        raise RequestProblem(TOO_MANY_PEER)


def _check_cooled_down(sender: User, recipient: User, kind: str) -> None:
    """Refuse asking again too soon after they declined, or after the sender withdrew, saying from when."""
    now = utcnow()
    recent = db.session.execute(
        select(MentoringRequest.status, MentoringRequest.decided_at).where(
            MentoringRequest.sender_id == sender.id,
            MentoringRequest.recipient_id == recipient.id,
            MentoringRequest.kind == kind,
            # Only the sender's own withdrawals count: not ours (matched elsewhere, the mentor
            # unavailable, an account closed), nor a request that expired.
            MentoringRequest.ended_because.in_([RequestEnd.DECLINED, RequestEnd.WITHDRAWN]),
            MentoringRequest.decided_at > now - max(AFTER_DECLINED, AFTER_WITHDRAWN) - timedelta(days=1),
        )
    ).all()
    waits = [
        (_whole_days_after(decided_at + (AFTER_DECLINED if status == DECLINED else AFTER_WITHDRAWN)), status)
        for status, decided_at in recent
        if decided_at is not None
    ]
    waits = [(again, status) for again, status in waits if now < again]
    if not waits:
        return
    again, status = max(waits)
    when = f"{again:%-d %B %Y}"
    if status == DECLINED:
        raise RequestProblem(
            f"{recipient.display_name} couldn't take on your last request. "
            f"You can ask them again from {when}; meanwhile, try someone else from your suggestions."
        )
    raise RequestProblem(
        f"You withdrew your last request to {recipient.display_name}. You can ask them again from {when}."
    )


def _whole_days_after(moment: datetime) -> datetime:
    """The next midnight (UTC), so that "from 2 April" holds all of 2 April, never part of the day before."""
    midnight = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight if midnight == moment else midnight + timedelta(days=1)


def stage_rank(user: User) -> int | None:
    """Their career stage's seniority rank (DESIGN.md), or None for an unknown stage."""
    stage = STAGE_BY_CODE.get(user.career_stage or "")
    return stage.rank if stage else None


def pending_mentoring_count(user: User) -> int:
    """Mentoring requests this person has sent that are waiting for an answer."""
    return _pending_count(user, MENTORING)


def _pending_count(user: User, kind: str) -> int:
    return db.session.scalar(
        select(func.count()).where(
            MentoringRequest.sender_id == user.id,
            MentoringRequest.kind == kind,
            MentoringRequest.status == PENDING,
        )
    )


def connected(a: User, b: User) -> Connection | None:
    """Their active connection, of either kind, if there is one."""
    return db.session.scalar(
        select(Connection).where(
            Connection.ended_at.is_(None),
            or_(
                (Connection.first_id == a.id) & (Connection.second_id == b.id),
                (Connection.first_id == b.id) & (Connection.second_id == a.id),
            ),
        )
    )
