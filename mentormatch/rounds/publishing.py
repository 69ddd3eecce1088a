"""Publishing a round (connections and emails, once) and exporting its pairs as CSV."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from mentormatch.accounts.models import User
from mentormatch.core.audit import record
from mentormatch.core.changes import note_change
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.core.mail import send_email
from mentormatch.core.views import absolute_url
from mentormatch.core.vocabulary import STAGE_BY_CODE
from mentormatch.mentoring.answering import withdraw_pending_mentoring
from mentormatch.mentoring.connections import take_place
from mentormatch.mentoring.models import ACCEPTED, MENTORING, PENDING, Connection, MentoringRequest
from mentormatch.rounds.cohorts import members
from mentormatch.rounds.models import DRAFT, PUBLISHED, MatchingRound, RoundPair
from mentormatch.rounds.scores import forbidden_pairs
from mentormatch.rounds.service import RoundProblem, name_of

CSV_COLUMNS = [
    "mentee_email",
    "mentee_name",
    "mentor_email",
    "mentor_name",
    "score",
    "reasons",
    "unmatched_reason",
    "changed_by_admin",
]


def publish_round(matching_round: MatchingRound, admin: User) -> int:
    """Make every pair a mentoring connection and email everyone, once. Returns the connections made.

    Raises RoundProblem (and the caller rolls back) when a pair can't be made any more (someone
    left matching, a mentee caught up with their mentor, an exclusion, a mentor has no place left,
    they are already connected): nothing of the round is published then.
    """
    claimed = db.session.execute(
        update(MatchingRound)
        .where(MatchingRound.id == matching_round.id, MatchingRound.status == DRAFT)
        .values(status=PUBLISHED, published_at=utcnow(), published_by_id=admin.id)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise RoundProblem("This round has already been published.")
    db.session.refresh(matching_round)
    pairs = list(matching_round.pairs)
    if not pairs:
        raise RoundProblem("Run the round before publishing it.", 422)
    # An exclusion declared (or a connection made) since the run still holds.
    matched = [pair for pair in pairs if pair.mentor_id is not None]
    forbidden = forbidden_pairs(
        [pair.mentee_id for pair in matched],
        [pair.mentor_id for pair in matched],
        matching_round.avoid_same_organisation,
    )
    for pair in matched:
        if (pair.mentee_id, pair.mentor_id) in forbidden:
            raise RoundProblem(
                f"{name_of(pair.mentor_id)} and {name_of(pair.mentee_id)} are excluded from each other now: "
                "run the round again, then publish."
            )
    _check_still_eligible(matched)
    made = 0
    by_mentor: dict[int, list[RoundPair]] = {}
    for pair in pairs:
        if pair.mentor_id is None:
            continue
        if not take_place(pair.mentor_id):
            raise RoundProblem(
                f"{name_of(pair.mentor_id)} has no free place any more: run the round again, then publish."
            )
        asked = _accept_request_between(pair.mentee_id, pair.mentor_id)
        connection = Connection(
            kind=MENTORING, first_id=pair.mentor_id, second_id=pair.mentee_id, request_id=asked
        )
        try:
            with db.session.begin_nested():
                db.session.add(connection)
        except IntegrityError:
            raise RoundProblem(
                f"{name_of(pair.mentor_id)} and {name_of(pair.mentee_id)} are already connected: "
                "run the round again, then publish."
            ) from None
        pair.connection_id = connection.id
        # As when a mentor accepts: the others are told; the request to this mentor was accepted.
        withdraw_pending_mentoring(pair.mentee_id, keep=asked)
        note_change(pair.mentee_id)
        by_mentor.setdefault(pair.mentor_id, []).append(pair)
        made += 1
    _tell_everyone(matching_round, pairs, by_mentor)
    record(
        admin,
        "round.publish",
        matching_round,
        before={"status": DRAFT},
        after={"status": PUBLISHED, "connections": made},
    )
    return made


def _check_still_eligible(matched: list[RoundPair]) -> None:
    """Each pair as the run saw it: both people can still be matched (confirmed, not deleted,
    onboarded, with a known stage) and the mentor is still further along than the mentee."""
    people = {pair.mentee_id for pair in matched} | {pair.mentor_id for pair in matched}
    stages = dict(
        db.session.execute(
            members().with_only_columns(User.id, User.career_stage).where(User.id.in_(people))
        ).all()
    )
    for pair in matched:
        for user_id in (pair.mentee_id, pair.mentor_id):
            if user_id not in stages:
                raise RoundProblem(
                    f"{name_of(user_id)} can't be matched any more (their account was closed or "
                    "unconfirmed, or they left matching): run the round again, then publish."
                )
        if STAGE_BY_CODE[stages[pair.mentor_id]].rank <= STAGE_BY_CODE[stages[pair.mentee_id]].rank:
            raise RoundProblem(
                f"{name_of(pair.mentor_id)} is no longer further along in their career than "
                f"{name_of(pair.mentee_id)}: run the round again, then publish."
            )


def _accept_request_between(mentee_id: int, mentor_id: int) -> int | None:
    """The mentee's pending request to the mentor the round gives them, now accepted: its id, or None.

    The round answers it, so it isn't withdrawn (nor the mentor told that the mentee withdrew).
    """
    request_id = db.session.scalar(
        select(MentoringRequest.id).where(
            MentoringRequest.kind == MENTORING,
            MentoringRequest.sender_id == mentee_id,
            MentoringRequest.recipient_id == mentor_id,
            MentoringRequest.status == PENDING,
        )
    )
    if request_id is None:
        return None
    accepted = db.session.execute(
        update(MentoringRequest)
        .where(MentoringRequest.id == request_id, MentoringRequest.status == PENDING)
        .values(status=ACCEPTED, decided_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    # Withdrawn or declined a moment ago: the round still connects them, with no request behind it.
    return request_id if accepted.rowcount == 1 else None


def _tell_everyone(matching_round: MatchingRound, pairs: list[RoundPair], by_mentor: dict) -> None:
    link = absolute_url("mentoring.connections")
    for pair in pairs:
        mentee = pair.mentee
        if not mentee.email:
            continue
        if pair.mentor_id is None:
            send_email(
                mentee.email,
                "round_unmatched",
                "About this mentoring round",
                user=mentee,
                round=matching_round,
                link=absolute_url("matching.matches"),
            )
        else:
            send_email(
                mentee.email,
                "round_mentee",
                f"Your mentor: {pair.mentor.display_name}",
                user=mentee,
                pair=pair,
                round=matching_round,
                link=link,
            )
    for mentor_pairs in by_mentor.values():
        mentor = mentor_pairs[0].mentor
        if mentor.email:
            count = len(mentor_pairs)
            send_email(
                mentor.email,
                "round_mentor",
                f"Your new mentee{'s' if count != 1 else ''} from {matching_round.name}",
                user=mentor,
                pairs=mentor_pairs,
                round=matching_round,
                link=link,
            )


# --- export ------------------------------------------------------------------------------------


def _cell(value: object) -> str:
    """A CSV cell a spreadsheet won't run as a formula (OWASP: CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def round_csv(matching_round: MatchingRound) -> str:
    """The draft or published pairs, one mentee per row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for pair in sorted(matching_round.pairs, key=lambda p: (p.mentee.name or "", p.mentee_id)):
        writer.writerow(
            _cell(value)
            for value in (
                pair.mentee.email,
                pair.mentee.display_name,
                pair.mentor.email if pair.mentor else "",
                pair.mentor.display_name if pair.mentor else "",
                "" if pair.score is None else f"{pair.score:.3f}",
                " · ".join(pair.reasons or []),
                pair.unmatched_reason or "",
                "yes" if pair.locked else "no",
            )
        )
    return out.getvalue()
