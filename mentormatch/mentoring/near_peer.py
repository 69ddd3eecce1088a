"""Near-peer mentoring: a mentee who moves up a career stage is invited to mentor the stage they left.

Profiles announce a career-stage change (`profiles.signals.stage_changing`, sent before the account
holds the new stage); this listener, a layer above, decides. Someone who is or was a mentee (a
mentoring connection, current or ended, on the mentee's side), moving to a higher rank, and not
already offering mentoring, gets an email and a dashboard next step pointing to the usual
/mentor/apply. Once per stage left: `Profile.near_peer_invited_for` remembers it.
"""

from __future__ import annotations

from sqlalchemy import select

from mentormatch.core.extensions import db
from mentormatch.core.mail import send_email
from mentormatch.core.views import absolute_url
from mentormatch.core.vocabulary import STAGE_BY_CODE
from mentormatch.mentoring.models import MENTORING, Connection
from mentormatch.profiles.models import Profile
from mentormatch.profiles.signals import stage_changing


def was_mentored(user_id: int) -> bool:
    """Whether this member has had a mentor here, now or before."""
    found = db.session.scalar(
        select(Connection.id).where(Connection.kind == MENTORING, Connection.second_id == user_id).limit(1)
    )
    return found is not None


# Who a member who has left a stage would mentor, in the email's words.
PEOPLE_AT = {
    "medical_student": "medical students",
    "foundation_doctor": "foundation doctors",
    "core_trainee": "core trainees",
    "nurse_midwife": "nurses and midwives",
    "allied_health": "allied health professionals",
    "specialty_trainee": "specialty trainees",
    "sas_doctor": "SAS doctors",
}


@stage_changing.connect
def invite_to_mentor_the_stage_left(profile: Profile, new_stage: str) -> None:
    """A mentee moved up: invite them, once for the stage they left, to mentor it."""
    user = profile.user
    if user is None or user.deleted_at or not user.email:
        return
    left = STAGE_BY_CODE.get(user.career_stage or "")
    new = STAGE_BY_CODE.get(new_stage)
    if left is None or new is None or new.rank <= left.rank:
        return
    if profile.offers_mentoring or profile.near_peer_invited_for == left.code:
        return
    if not was_mentored(user.id):
        return
    profile.near_peer_invited_for = left.code
    send_email(
        user.email,
        "near_peer_invitation",
        f"Would you mentor {PEOPLE_AT.get(left.code, 'people at the stage you left')}?",
        user=user,
        people=PEOPLE_AT.get(left.code, "people at the stage you left"),
        left=left,
        new=new,
        link=absolute_url("mentors.apply"),
    )


def invited_to_mentor(profile: Profile | None) -> str | None:
    """The stage a member was invited to mentor and hasn't offered to yet (a dashboard next step)."""
    if profile is None or profile.offers_mentoring or not profile.near_peer_invited_for:
        return None
    return profile.near_peer_invited_for
