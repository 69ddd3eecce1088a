"""A mentor's standing: the one module that changes it.

Applying, the admins' decisions (approve, turn down, suspend, reinstate), a mentor's own pause and
resume, a career-stage change and an import all change `Profile.mentor_status` here, each writing
the application, the audit entry, the matching change and the emails together. When a mentor stops
taking mentees it announces `mentor_unavailable` (mentors/signals.py); the requests code listens.

Every change of state that can race is one conditional UPDATE (`… WHERE status = 'pending'`) with
a row-count check: two admins deciding the same application at once end with one decision, and
the other is told who decided and when. The admin's audit entry and the member's email join the
same transaction. The caller commits.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from mentormatch.accounts.models import User
from mentormatch.core.audit import describe_actions, last_entry, record
from mentormatch.core.changes import note_change
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.core.mail import send_email
from mentormatch.core.registration import registration_body, registration_problem
from mentormatch.core.views import absolute_url
from mentormatch.core.vocabulary import STAGE_BY_CODE
from mentormatch.mentors.applications import application_from, applications_for_waiting
from mentormatch.mentors.models import (
    APPROVED,
    PAUSED,
    PENDING,
    REJECTED,
    SUSPENDED,
    WITHDRAWN,
    MentorApplication,
)
from mentormatch.mentors.service import (
    Application,
    MentorProblem,
    already_decided,
    application_problem,
    at_time,
    set_exclusions,
)
from mentormatch.mentors.signals import mentor_unavailable
from mentormatch.profiles.models import Profile
from mentormatch.profiles.signals import stage_changing

CHUNK = 500  # members per statement in bulk changes (SQLite allows 999 bound values)

describe_actions(
    {
        "mentor.approve": "Approved a mentor",
        "mentor.reject": "Turned down a mentor application",
        "mentor.suspend": "Suspended a mentor",
        "mentor.reinstate": "Reinstated a mentor",
        "mentor.auto_pause": "Paused a mentor who let requests expire",
    }
)

# --- applying -------------------------------------------------------------------------------------


def apply_to_mentor(user: User, application: Application) -> MentorApplication:
    """Send an application: it waits for an admin, and the applicant is emailed. Raises MentorProblem."""
    # The same form sent from two tabs at once: the second waits on the profile's row lock, then sees
    # the first one's application (its profile read afresh) and is refused, instead of replacing it.
    db.session.execute(
        select(Profile)
        .where(Profile.user_id == user.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    problem = application_problem(user) or registration_problem(
        user.career_stage, application.registration_number, required=True
    )
    if problem:
        raise MentorProblem(problem[0].upper() + problem[1:])
    # An application left waiting when a career-stage change ended their mentoring is stale.
    db.session.execute(
        update(MentorApplication)
        .where(MentorApplication.applicant_id == user.id, MentorApplication.status == PENDING)
        .values(status=WITHDRAWN, decided_at=utcnow(), reason="Replaced by a new application.")
        .execution_options(synchronize_session=False)
    )
    row = MentorApplication(
        applicant_id=user.id,
        career_stage=user.career_stage,
        registration_body=registration_body(user.career_stage),
        registration_number=application.registration_number,
        specialties=application.specialties,
        offers=application.offers,
        capacity=application.capacity,
        hours_a_month=application.hours_a_month,
        statement=application.statement,
        status=PENDING,
        created_at=utcnow(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:  # the same form, sent a moment ago from another tab
        raise MentorProblem("You have already applied: the programme admins will let you know.") from None
    profile = user.profile
    profile.offers_mentoring = True
    profile.mentor_status = PENDING
    set_exclusions(user, application.exclusions)
    send_email(
        user.email,
        "mentor_application_received",
        "We've received your application to mentor",
        user=user,
        application=row,
        link=absolute_url("mentors.status"),
    )
    return row


# --- the admins' decisions -------------------------------------------------------------------------


def mentor_state(profile: Profile) -> dict[str, Any]:
    """What an audit entry records about a mentor, before and after an action."""
    return {
        "mentor_status": profile.mentor_status,
        "capacity": profile.mentor_capacity,
        "offers": sorted(profile.offers),
    }


def _decide(application: MentorApplication, admin: User, status: str, reason: str | None) -> None:
    profile = application.applicant.profile
    if application.is_pending and (profile is None or profile.mentor_status != PENDING):
        raise MentorProblem(
            f"{application.applicant.display_name} is no longer waiting for approval "
            "(their career stage changed, or they closed their account). Nothing was changed."
        )
    result = db.session.execute(
        update(MentorApplication)
        .where(MentorApplication.id == application.id, MentorApplication.status == PENDING)
        .values(status=status, decided_by_id=admin.id, decided_at=utcnow(), reason=reason)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.refresh(application)
        raise MentorProblem(already_decided(application))
    db.session.refresh(application)


def approve(application: MentorApplication, admin: User) -> None:
    """Approve a waiting application: the applicant becomes a mentor with what they asked for."""
    _decide(application, admin, APPROVED, None)
    applicant = application.applicant
    profile = applicant.profile
    before = mentor_state(profile)
    profile.offers_mentoring = True
    profile.mentor_status = APPROVED
    profile.mentor_capacity = application.capacity
    profile.offers = list(application.offers)
    if application.specialties:
        profile.specialties = list(application.specialties)
    if application.hours_a_month:
        profile.availability_hours = application.hours_a_month
    if application.registration_number:
        profile.registration_number = application.registration_number
    db.session.flush()  # the ORM notes the change for matching
    record(admin, "mentor.approve", applicant, before, mentor_state(profile))
    send_email(
        applicant.email,
        "mentor_approved",
        "You're now a MentorMatch mentor",
        user=applicant,
        application=application,
        link=absolute_url("mentoring.requests"),
        status_link=absolute_url("mentors.status"),
    )


def reject(application: MentorApplication, admin: User, reason: str) -> None:
    """Turn down a waiting application, with a reason the applicant is shown; they may apply again."""
    _decide(application, admin, REJECTED, reason)
    applicant = application.applicant
    profile = applicant.profile
    before = mentor_state(profile)
    profile.mentor_status = REJECTED
    profile.offers_mentoring = False
    db.session.flush()
    record(admin, "mentor.reject", applicant, before, {**mentor_state(profile), "reason": reason})
    send_email(
        applicant.email,
        "mentor_rejected",
        "Your application to mentor",
        user=applicant,
        application=application,
        reason=reason,
        link=absolute_url("mentors.apply"),
    )


def _move(user: User, from_statuses: tuple[str, ...], to_status: str) -> str | None:
    """Change a mentor's status if it is one of from_statuses: the status it had, or None."""
    profile = user.profile
    current = profile.mentor_status if profile else None
    if current not in from_statuses:
        return None
    result = db.session.execute(
        update(Profile)
        .where(Profile.user_id == user.id, Profile.mentor_status == current)
        .values(mentor_status=to_status)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(profile)
    if result.rowcount != 1:
        return None
    note_change(user.id)
    return current


def _by_whom(action: str, user: User, words: str) -> str:
    entry = last_entry(action, user)
    if entry is None:
        return f"{words}. Nothing was changed."
    admin = entry.admin.display_name if entry.admin else "the system"
    return f"{words} by {admin} at {at_time(entry.created_at)}. Nothing was changed."


def suspend(user: User, admin: User, reason: str) -> None:
    """Stop an approved (or paused) mentor being suggested or asked, until an admin reinstates them."""
    before = mentor_state(user.profile)
    if _move(user, (APPROVED, PAUSED), SUSPENDED) is None:
        if user.profile.mentor_status == SUSPENDED:
            raise MentorProblem(_by_whom("mentor.suspend", user, "Already suspended"))
        raise MentorProblem("Only approved mentors can be suspended. Nothing was changed.")
    # Kind to the mentees waiting: they are told the mentor isn't taking mentees, not why.
    mentor_unavailable.send(user, reason=f"{user.display_name} isn't taking mentees at the moment.")
    record(admin, "mentor.suspend", user, before, {**mentor_state(user.profile), "reason": reason})
    send_email(
        user.email,
        "mentor_suspended",
        "Your mentoring on MentorMatch is suspended",
        user=user,
        reason=reason,
    )


def reinstate(user: User, admin: User) -> None:
    """Make a suspended mentor available again."""
    before = mentor_state(user.profile)
    if _move(user, (SUSPENDED,), APPROVED) is None:
        if user.profile.mentor_status in (APPROVED, PAUSED):
            raise MentorProblem(_by_whom("mentor.reinstate", user, "Already reinstated"))
        raise MentorProblem("Only suspended mentors can be reinstated. Nothing was changed.")
    record(admin, "mentor.reinstate", user, before, mentor_state(user.profile))
    send_email(
        user.email,
        "mentor_reinstated",
        "You're mentoring on MentorMatch again",
        user=user,
        link=absolute_url("mentoring.requests"),
    )


# --- the mentor's own pause ------------------------------------------------------------------------


def pause(user: User) -> None:
    """Stop being suggested or asked for a while; current mentees stay connected, waiting requests close."""
    if _move(user, (APPROVED,), PAUSED) is None:
        raise MentorProblem("Only an approved mentor can pause.")
    mentor_unavailable.send(user, reason=f"{user.display_name} has paused mentoring for now.")


def resume(user: User) -> None:
    """Be suggested and asked again after a pause."""
    if _move(user, (PAUSED,), APPROVED) is None:
        raise MentorProblem("Your mentoring isn't paused.")


AUTO_PAUSE = "mentor.auto_pause"


def last_auto_pause(user: User) -> datetime | None:
    """When the system last paused this mentor for letting requests expire, if ever."""
    entry = last_entry(AUTO_PAUSE, user)
    return entry.created_at if entry else None


def pause_for_not_answering(user: User, expired_in_a_row: int) -> bool:
    """Pause an approved mentor who let requests expire unanswered, and tell them how to resume.

    The actor is the system (the hourly job), named in the audit entry. False when the mentor
    wasn't approved (already paused, suspended…): nothing changes then.
    """
    before = mentor_state(user.profile)
    if _move(user, (APPROVED,), PAUSED) is None:
        return False
    record(
        None,
        AUTO_PAUSE,
        user,
        before,
        {**mentor_state(user.profile), "expired_in_a_row": expired_in_a_row},
        actor="system",
    )
    mentor_unavailable.send(user, reason=f"{user.display_name} has paused mentoring for now.")
    send_email(
        user.email,
        "mentor_auto_paused",
        "We've paused your mentoring for now",
        user=user,
        expired=expired_in_a_row,
        link=absolute_url("mentors.status"),
    )
    return True


# --- mentors who are waiting without having applied ----------------------------------------------


def status_on_import(approve: bool) -> str:
    """What an import makes the file's mentors: approved, or waiting for the admins."""
    return APPROVED if approve else PENDING


def import_mentors(
    mentors: list[User], *, approve: bool, admin: User | None = None, command: str | None = None
) -> None:
    """Imported members who offer mentoring: approved at once (audited, by the admin or the
    command that imported them), or waiting for approval with an application made from their profile."""
    ids = [user.id for user in mentors]
    status = status_on_import(approve)
    for start in range(0, len(ids), CHUNK):
        db.session.execute(
            update(Profile)
            .where(Profile.user_id.in_(ids[start : start + CHUNK]))
            .values(mentor_status=status)
            .execution_options(synchronize_session=False)
        )
    if approve:
        for user in mentors:
            record(admin, "mentor.approve", user, None, {"status": APPROVED, "via": "import"}, actor=command)
    else:
        applications_for_waiting(ids)
    note_change(*ids)


# --- a career-stage change -------------------------------------------------------------------------


@stage_changing.connect
def stage_changed(profile: Profile, new_stage: str) -> None:
    """A new career stage puts a mentor's approval back to the admins, or ends it for a student.

    Approval was given for the old stage and its registration (GMC, NMC, HCPC): a consultant
    who becomes a 'medical student' must not keep the Mentor badge. A paused mentor is an approved
    one taking a break: resuming must not make them approved at a stage no admin has checked.
    """
    was = profile.mentor_status
    if not was:
        return
    if STAGE_BY_CODE[new_stage].rank == 0 or registration_problem(
        new_stage, profile.registration_number, required=True
    ):
        profile.offers_mentoring = False
        profile.mentor_status = None
    elif was in (APPROVED, PAUSED):
        profile.mentor_status = PENDING
        if profile.user_id is not None:  # at the new stage, which the account doesn't hold yet
            db.session.add(application_from(profile, new_stage))
    if was in (APPROVED, PAUSED) and profile.user is not None:
        # Their mentees' waiting requests can't be accepted until an admin approves them again.
        user = profile.user
        mentor_unavailable.send(user, reason=f"{user.display_name} isn't taking mentees at the moment.")
