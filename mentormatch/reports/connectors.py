"""The programme's connectors: members who introduce, mentor and help others (pay it forward).

The same definitions as a member's own counts (mentoring/contributions.py): introductions made, and
those that led to a connection; different people mentored, now and before; helped = peer requests
accepted plus quick questions answered. Every listed member with any of these, most first; one query.
"""

from __future__ import annotations

from sqlalchemy import Subquery, distinct, func, select

from mentormatch.accounts.models import User
from mentormatch.core.extensions import db
from mentormatch.mentoring.introduction_models import CONNECTED, Introduction
from mentormatch.mentoring.models import ACCEPTED, MENTORING, PEER, Connection, MentoringRequest
from mentormatch.mentoring.pair_models import QuickQuestion
from mentormatch.profiles.models import Profile
from mentormatch.reports.sql import counted
from mentormatch.reports.tables import TEXT, Column, ReportTable


def connectors() -> ReportTable:
    """Members by how much they connect and help others."""
    table = ReportTable(
        "connectors",
        "Connectors",
        (
            Column("Member", TEXT),
            Column("Introductions made"),
            Column("Introductions that led to a connection"),
            Column("People mentored"),
            Column("Helped"),
        ),
        empty_message="Nobody has introduced, mentored or helped anyone yet.",
    )
    counts = _contribution_counts()
    rows = db.session.execute(
        select(counts)
        .where((counts.c.made + counts.c.mentored + counts.c.helped) > 0)
        .order_by((counts.c.led + counts.c.mentored + counts.c.helped).desc(), counts.c.name, counts.c.email)
    ).all()
    table.rows = [
        (row.name or row.email, int(row.made), int(row.led), int(row.mentored), int(row.helped))
        for row in rows
    ]
    return table


def _contribution_counts() -> Subquery:
    """Each counted member's name, email and counts (made, led, mentored, helped), as a subquery."""
    made = (
        select(func.count()).select_from(Introduction).where(Introduction.introducer_id == User.id)
    ).scalar_subquery()
    led = (
        select(func.count())
        .select_from(Introduction)
        .where(Introduction.introducer_id == User.id, Introduction.status == CONNECTED)
    ).scalar_subquery()
    mentored = (
        select(func.count(distinct(Connection.second_id))).where(
            Connection.kind == MENTORING, Connection.first_id == User.id
        )
    ).scalar_subquery()
    accepted = (
        select(func.count())
        .select_from(MentoringRequest)
        .where(
            MentoringRequest.recipient_id == User.id,
            MentoringRequest.kind == PEER,
            MentoringRequest.status == ACCEPTED,
        )
    ).scalar_subquery()
    answered = (
        select(func.count())
        .select_from(QuickQuestion)
        .where(QuickQuestion.mentor_id == User.id, QuickQuestion.answered_at.is_not(None))
    ).scalar_subquery()
    return (
        select(
            User.name.label("name"),
            User.email.label("email"),
            made.label("made"),
            led.label("led"),
            mentored.label("mentored"),
            (accepted + answered).label("helped"),
        )
        .join(Profile, Profile.user_id == User.id)
        .where(*counted())
        .subquery()
    )
