"""Answering a request: the recipient accepts or declines, the sender withdraws; a mentee who has found
a mentor has their other mentoring requests withdrawn.

Each step is one conditional UPDATE (deciding.py); a mentor's place is taken by another
(`… WHERE places_taken < capacity`, connections.py), so two mentees racing for a mentor's last
place end with one outcome. Emails go through the outbox in the same transaction: a change that
rolls back sends nothing. The caller commits.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from mentormatch.accounts.models import User
from mentormatch.core.extensions import db
from mentormatch.core.mail import send_email
from mentormatch.core.views import absolute_url
from mentormatch.mentoring.asking import RequestProblem, stage_rank
from mentormatch.mentoring.connections import take_place
from mentormatch.mentoring.deciding import already_decided, decide
from mentormatch.mentoring.models import MENTORING, PENDING, Connection, MentoringRequest, RequestEnd
from mentormatch.profiles.listing import is_listed
from mentormatch.profiles.models import MentorStatus

# Stored with the requests withdrawn for RequestEnd.MATCHED_ELSEWHERE, and shown to those mentors.
MATCHED_ELSEWHERE = "They have found a mentor, so their other requests were withdrawn."


def accept(request: MentoringRequest, by: User) -> Connection:
    """The recipient says yes: a connection, a mentor's place taken, the mentee's other asks withdrawn."""
    if request.recipient_id != by.id:
        raise PermissionError("only the recipient can accept a request")
    if not request.is_pending:  # a second click, or another tab, after it was decided
        raise already_decided(request)
    _check_can_still_connect(request, by)
    if request.kind == MENTORING and not take_place(by.id):
        profile = by.profile
        if profile is not None:  # loaded before another acceptance took the place: count it as it is now
            db.session.refresh(profile)
        raise RequestProblem(
            "You have no free places left "
            f"({profile.mentor_places_taken} of {profile.mentor_capacity or 0} taken). "
            "End a mentorship or raise your capacity first, or decline this request."
            if profile and profile.is_approved_mentor
            else "Your mentoring is paused: resume it on your mentoring page to accept requests."
            if profile and profile.mentor_status == MentorStatus.PAUSED
            else "You aren't an approved mentor at the moment, so you can't accept mentoring requests."
        )
    if not decide(request, None):
        db.session.rollback()
        raise already_decided(request)
    if request.kind == MENTORING:
        first, second = request.recipient_id, request.sender_id
    else:
        first, second = sorted((request.sender_id, request.recipient_id))
    connection = Connection(kind=request.kind, first_id=first, second_id=second, request_id=request.id)
    try:
        with db.session.begin_nested():
            db.session.add(connection)
    except IntegrityError:
        db.session.rollback()
        raise RequestProblem(f"You are already connected with {request.sender.display_name}.") from None
    send_email(
        request.sender.email,
        "request_accepted",
        f"{by.display_name} accepted your request",
        request=request,
        link=absolute_url("mentoring.connections"),
    )
    if request.kind == MENTORING:
        withdraw_pending_mentoring(request.sender_id, keep=request.id)
    return connection


def _check_can_still_connect(request: MentoringRequest, by: User) -> None:
    """The rules checked when they asked, checked again: days may have passed, and people change."""
    sender = request.sender
    if not is_listed(sender):
        raise RequestProblem(
            f"{sender.display_name} can't be connected with at the moment: their account isn't active. "
            "You can decline the request, or leave it to close."
        )
    if request.kind == MENTORING:
        rank, their_rank = stage_rank(by), stage_rank(sender)
        if rank is None or their_rank is None or rank <= their_rank:
            raise RequestProblem(
                f"Your career stages have changed since {sender.display_name} asked, and a mentor needs "
                "to be further along than their mentee, so you can't accept. You could decline, and "
                "suggest a peer connection instead."
            )


def withdraw_pending_mentoring(mentee_id: int, keep: int | None = None) -> int:
    """A mentee who has a mentor now (accepted, or matched in a round): their other mentoring requests
    are withdrawn as matched elsewhere, and those mentors told. Returns how many."""
    others = db.session.scalars(
        select(MentoringRequest).where(
            MentoringRequest.sender_id == mentee_id,
            MentoringRequest.kind == MENTORING,
            MentoringRequest.status == PENDING,
            MentoringRequest.id != (keep or 0),
        )
    ).all()
    withdrawn = 0
    for other in others:
        if decide(other, RequestEnd.MATCHED_ELSEWHERE, reason=MATCHED_ELSEWHERE):
            _tell_withdrawn(other)
            withdrawn += 1
    return withdrawn


def decline(request: MentoringRequest, by: User, reason: str = "") -> None:
    """The recipient says no, perhaps with a reason the sender is shown."""
    if request.recipient_id != by.id:
        raise PermissionError("only the recipient can decline a request")
    if not decide(request, RequestEnd.DECLINED, reason=reason.strip()):
        raise already_decided(request)
    send_email(
        request.sender.email,
        "request_declined",
        f"About your request to {by.display_name}",
        request=request,
        link=absolute_url("matching.matches"),
    )


def withdraw(request: MentoringRequest, by: User) -> None:
    """The sender takes their request back."""
    if request.sender_id != by.id:
        raise PermissionError("only the sender can withdraw a request")
    if not decide(request, RequestEnd.WITHDRAWN):
        raise already_decided(request)
    _tell_withdrawn(request)


def _tell_withdrawn(request: MentoringRequest) -> None:
    send_email(
        request.recipient.email,
        "request_withdrawn",
        f"{request.sender.display_name} withdrew their request",
        request=request,
        link=absolute_url("mentoring.requests"),
    )
