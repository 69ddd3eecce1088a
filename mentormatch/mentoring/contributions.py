"""Pay it forward: how many people a member has introduced, mentored and helped.

Shown on their profile only with their consent (`Profile.shows_contributions`), and to the admins
in the connectors report. Defined simply, so a member can check the numbers themselves:
- introduced: introductions they made that led to a connection;
- mentored: different people they have mentored (mentoring connections as the mentor, current and past);
- helped: peer requests they accepted, plus quick questions they answered.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import distinct, func, select

from mentormatch.core.extensions import db
from mentormatch.mentoring.introduction_models import CONNECTED, Introduction
from mentormatch.mentoring.models import ACCEPTED, MENTORING, PEER, Connection, MentoringRequest
from mentormatch.mentoring.pair_models import QuickQuestion


@dataclass(frozen=True)
class Contributions:
    introduced: int
    mentored: int
    helped: int

    @property
    def any(self) -> bool:
        return bool(self.introduced or self.mentored or self.helped)


def contributions_of(user_id: int) -> Contributions:
    """One member's counts, in one query."""
    introduced = (
        select(func.count())
        .select_from(Introduction)
        .where(Introduction.introducer_id == user_id, Introduction.status == CONNECTED)
        .scalar_subquery()
    )
    mentored = (
        select(func.count(distinct(Connection.second_id)))
        .where(Connection.kind == MENTORING, Connection.first_id == user_id)
        .scalar_subquery()
    )
    accepted = (
        select(func.count())
        .select_from(MentoringRequest)
        .where(
            MentoringRequest.recipient_id == user_id,
            MentoringRequest.kind == PEER,
            MentoringRequest.status == ACCEPTED,
        )
        .scalar_subquery()
    )
    answered = (
        select(func.count())
        .select_from(QuickQuestion)
        .where(QuickQuestion.mentor_id == user_id, QuickQuestion.answered_at.is_not(None))
        .scalar_subquery()
    )
    row = db.session.execute(select(introduced, mentored, accepted, answered)).one()
    return Contributions(introduced=row[0], mentored=row[1], helped=row[2] + row[3])
