"""A member's mentoring record for a period: the facts and reflections behind /mentoring/record.

Shaped as supporting information for a UK doctor's appraisal and revalidation: for each mentee
(or mentor) a reflective note in three parts, what I did, what I learnt and what I will do
differently, in the member's own words (their private notes) where they exist and prompts where
not. Built in a fixed number of queries whatever the number of connections; the HTML page and
the PDF both render the one `MentoringRecord`.

Sections beyond the connections go in `RECORD_SECTIONS` (check-in scores are the first): each
is called with the member, the period and the connections in it, and returns a `RecordSection`,
or None to leave it out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload

from mentormatch.accounts.models import User
from mentormatch.core.calendar import LONDON, london_time
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.mentoring.models import MENTORING, Connection
from mentormatch.mentoring.pair_models import ACCEPTED, HELD, CheckIn, Goal, Meeting, PairNote, Reflection

# The period a record covers unless the member chooses another: the last 12 months.
DEFAULT_MONTHS = 12

LEARNT_PROMPT = (
    "What did this mentoring teach you, about the other person's situation, about supporting a "
    "colleague, or about your own practice?"
)
DIFFERENTLY_PROMPT = (
    "What will you do differently, or keep doing, as a result? Is there anything to take to your "
    "personal development plan?"
)


@dataclass(frozen=True)
class Period:
    """From `start` to `end`, both days included, as the calendar in London has them."""

    start: date
    end: date

    @classmethod
    def default(cls, today: date | None = None) -> Period:
        """The last 12 months, to today."""
        today = today or london_time(utcnow()).date()
        try:
            start = today.replace(year=today.year - 1) + timedelta(days=1)
        except ValueError:  # 29 February
            start = today.replace(year=today.year - 1, day=28) + timedelta(days=1)
        return cls(start, today)

    @property
    def starts_at(self) -> datetime:
        return datetime.combine(self.start, time(), LONDON)

    @property
    def ends_before(self) -> datetime:
        return datetime.combine(self.end + timedelta(days=1), time(), LONDON)

    @property
    def label(self) -> str:
        return f"{self.start:%-d %B %Y} to {self.end:%-d %B %Y}"


@dataclass
class ReflectiveNote:
    """The three parts of a reflection; None where the member has not written that part yet."""

    did: str
    learnt: str | None
    differently: str | None = None
    learnt_prompt: str = LEARNT_PROMPT
    differently_prompt: str = DIFFERENTLY_PROMPT


@dataclass
class RecordEntry:
    """One mentoring connection in the period, seen from the member's side."""

    connection: Connection
    other: User
    other_role: str  # what the other person is to the member: "mentee" or "mentor"
    meetings: list[Meeting] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    note: str = ""
    closing: str = ""  # the member's own reflection written when the mentorship ended

    @property
    def minutes(self) -> int:
        return sum(meeting.minutes for meeting in self.meetings)

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)

    @property
    def started(self) -> date:
        return london_time(self.connection.started_at).date()

    @property
    def ended(self) -> date | None:
        ended_at = self.connection.ended_at
        return london_time(ended_at).date() if ended_at else None

    @property
    def reflection(self) -> ReflectiveNote:
        meetings = len(self.meetings)
        did = (
            f"I {'mentored' if self.other_role == 'mentee' else 'was mentored by'} "
            f"{self.other.display_name}"
            f"{f' ({self.other.stage_label})' if self.other.stage_label else ''}: "
            f"{meetings} meeting{'' if meetings == 1 else 's'}, {format_hours(self.minutes)} in all"
        )
        if self.goals:
            did += f", working on {len(self.goals)} goal{'' if len(self.goals) == 1 else 's'}"
        return ReflectiveNote(
            did=did + ".", learnt=self.note.strip() or None, differently=self.closing or None
        )


@dataclass
class RecordSection:
    """A part of the record another area adds: a title, a sentence or two, and rows of figures."""

    title: str
    paragraphs: list[str] = field(default_factory=list)
    rows: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class MentoringRecord:
    """Everything the record shows: the member's mentoring as a mentor and as a mentee."""

    member: User
    period: Period
    generated_at: datetime
    as_mentor: list[RecordEntry] = field(default_factory=list)
    as_mentee: list[RecordEntry] = field(default_factory=list)
    sections: list[RecordSection] = field(default_factory=list)

    @property
    def entries(self) -> list[RecordEntry]:
        return [*self.as_mentor, *self.as_mentee]

    def meetings_count(self, entries: list[RecordEntry]) -> int:
        return sum(len(entry.meetings) for entry in entries)

    def minutes(self, entries: list[RecordEntry]) -> int:
        return sum(entry.minutes for entry in entries)


# Functions that add a section (check-in scores in aggregate, defined below), each called as
# build(member, period, connections).
RECORD_SECTIONS: list[Callable[[User, Period, list[Connection]], RecordSection | None]] = []


def format_hours(minutes: int) -> str:
    """90 → '1.5 hours', 60 → '1 hour'."""
    hours = round(minutes / 60, 1)
    shown = f"{hours:g}"
    return f"{shown} hour{'' if hours == 1 else 's'}"


def mentoring_record(member: User, period: Period, now: datetime | None = None) -> MentoringRecord:
    """The member's record for `period`: a fixed number of queries (connections, meetings, goals,
    notes, reflections, check-ins), however many connections there are."""
    now = now or utcnow()
    record = MentoringRecord(member=member, period=period, generated_at=now)
    connections = db.session.scalars(
        select(Connection)
        .options(joinedload(Connection.first), joinedload(Connection.second))
        .where(
            Connection.kind == MENTORING,
            or_(Connection.first_id == member.id, Connection.second_id == member.id),
            Connection.started_at < period.ends_before,
            or_(Connection.ended_at.is_(None), Connection.ended_at >= period.starts_at),
        )
        .order_by(Connection.started_at, Connection.id)
    ).all()
    if connections:
        ids = [connection.id for connection in connections]
        entries = {
            connection.id: RecordEntry(connection, connection.other(member), connection.role_of(member))
            for connection in connections
        }
        _add_rows(entries, ids, member, period, now)
        for entry in entries.values():
            (record.as_mentor if entry.other_role == "mentee" else record.as_mentee).append(entry)
    for build in RECORD_SECTIONS:
        section = build(member, period, list(connections))
        if section is not None:
            record.sections.append(section)
    return record


def _add_rows(
    entries: dict[int, RecordEntry], ids: list[int], member: User, period: Period, now: datetime
) -> None:
    """Meetings that took place in the period, goals set by its end, the member's private notes and
    the reflections they wrote on ending a mentorship."""
    took_place = or_(Meeting.status == HELD, and_(Meeting.status == ACCEPTED, Meeting.starts_at < now))
    for meeting in db.session.scalars(
        select(Meeting)
        .where(
            Meeting.connection_id.in_(ids),
            took_place,
            Meeting.starts_at >= period.starts_at,
            Meeting.starts_at < period.ends_before,
        )
        .order_by(Meeting.starts_at, Meeting.id)
    ):
        entries[meeting.connection_id].meetings.append(meeting)
    for goal in db.session.scalars(
        select(Goal)
        .where(Goal.connection_id.in_(ids), Goal.created_at < period.ends_before)
        .order_by(Goal.created_at, Goal.id)
    ):
        entries[goal.connection_id].goals.append(goal)
    for note in db.session.scalars(
        select(PairNote).where(PairNote.connection_id.in_(ids), PairNote.owner_id == member.id)
    ):
        entries[note.connection_id].note = note.body or ""
    for reflection in db.session.scalars(
        select(Reflection)
        .where(Reflection.connection_id.in_(ids), Reflection.member_id == member.id)
        .order_by(Reflection.created_at, Reflection.id)
    ):
        entry = entries[reflection.connection_id]
        entry.closing = "\n\n".join(part for part in (entry.closing, reflection.body.strip()) if part)


# Others' check-in answers are shown only as a mean over at least this many people, so that no one
# person's answer can be read off the record (check-ins are never shown to the other person).
CHECK_IN_CROWD = 3


def check_in_section(member: User, period: Period, connections: list[Connection]) -> RecordSection | None:
    """Check-ins answered in the period on these mentorships: the member's own, and the others' in
    aggregate only (as a mean over CHECK_IN_CROWD people or more). One query."""
    if not connections:
        return None
    answers = db.session.execute(
        select(CheckIn.member_id, CheckIn.score).where(
            CheckIn.connection_id.in_([connection.id for connection in connections]),
            CheckIn.score.is_not(None),
            CheckIn.answered_at >= period.starts_at,
            CheckIn.answered_at < period.ends_before,
        )
    ).all()
    if not answers:
        return None
    own = [score for member_id, score in answers if member_id == member.id]
    others = [score for member_id, score in answers if member_id != member.id]
    people = len({member_id for member_id, _ in answers if member_id != member.id})
    rows = []
    if own:
        rows.append(("Your own answers", f"{len(own)}, on average {sum(own) / len(own):.1f} out of 5"))
    if people >= CHECK_IN_CROWD:
        rows.append(
            (
                f"The other people's answers ({people} people)",
                f"on average {sum(others) / len(others):.1f} out of 5",
            )
        )
    elif others:
        rows.append(
            (
                "The other people's answers",
                f"not shown: fewer than {CHECK_IN_CROWD} people answered, so one "
                "person's answer could be told apart",
            )
        )
    return RecordSection(
        title="Check-ins",
        paragraphs=['Answers to "Is this mentorship helping you?", from 1 (not at all) to 5 (very much).'],
        rows=rows,
    )


RECORD_SECTIONS.append(check_in_section)
