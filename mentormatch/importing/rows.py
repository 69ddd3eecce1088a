"""One CSV row: each value checked against the vocabulary and the profile forms' limits."""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email

from mentormatch.core import limits
from mentormatch.core.limits import (
    MAX_GOALS,
    MAX_INTERESTS,
    MAX_SPECIALTIES,
    MAX_TAG_LENGTH,
    control_character,
)
from mentormatch.core.registration import (
    normalise_registration_number,
    registration_body,
    registration_problem,
)
from mentormatch.core.vocabulary import GOALS, REGIONS, SPECIALTIES, STAGE_BY_CODE
from mentormatch.profiles.service import parse_tags

COLUMNS = (
    "email",
    "name",
    "stage",
    "organisation",
    "region",
    "specialties",
    "goals",
    "interests",
    "bio",
    "looking_for",
    "offers_mentoring",
    "capacity",
    "registration_number",
)
OPTIONAL = ("offers",)  # goal codes a mentor helps with; without it, matching reads their text
# The same limits as the profile forms (and the database columns).
MAX_LENGTHS = {
    "email": limits.EMAIL,
    "name": limits.NAME,
    "organisation": limits.ORGANISATION,
    "bio": limits.ABOUT,
    "looking_for": limits.LOOKING_FOR,
}
MULTILINE = {"bio", "looking_for"}
REQUIRED = {"email": "an email address", "name": "a name", "stage": "a career stage"}
MIN_CAPACITY, MAX_CAPACITY = limits.MIN_CAPACITY, limits.MAX_CAPACITY
YES, NO = {"yes", "y", "true", "1"}, {"no", "n", "false", "0", ""}


@dataclass
class Person:
    """A row's values, cleaned: codes lower-cased, interests normalised, blanks as None."""

    line: int
    email: str = ""
    name: str = ""
    stage: str = ""
    organisation: str | None = None
    region: str | None = None
    specialties: list[str] = field(default_factory=list)
    goals: list[str] = field(default_factory=list)
    interests: list[str] = field(default_factory=list)
    bio: str | None = None
    looking_for: str | None = None
    offers_mentoring: bool = False
    offers: list[str] = field(default_factory=list)
    capacity: int | None = None
    registration_number: str | None = None


class _Row:
    """Reads one row's values, noting each problem against its column."""

    def __init__(self, values: dict[str, str]) -> None:
        self.values = values
        self.problems: list[tuple[str | None, str]] = []

    def problem(self, column: str, message: str) -> None:
        self.problems.append((column, message))

    def text(self, column: str) -> str | None:
        """The value trimmed and NFC-normalised, or None if blank or unusable (a problem is noted)."""
        value = unicodedata.normalize("NFC", self.values[column].strip())
        if column in MULTILINE:
            value = value.replace("\r\n", "\n").replace("\r", "\n")
        control = control_character(value, multiline=column in MULTILINE)
        if control is not None:
            self.problem(column, f"contains an invisible control character (U+{ord(control):04X}): remove it")
            return None
        limit = MAX_LENGTHS.get(column)
        if limit and len(value) > limit:
            self.problem(column, f"too long: {len(value)} characters (at most {limit})")
            return None
        if not value and column in REQUIRED:
            self.problem(column, f"missing: every person needs {REQUIRED[column]}")
        return value or None

    def code(self, column: str, raw: str, codes: Collection[str], what: str) -> str | None:
        code = raw.strip().lower()
        if code in codes:
            return code
        self.problem(column, f'"{_clip(raw.strip())}" is not {what} ({_suggest(code, codes)})')
        return None

    def codes(self, column: str, codes: Collection[str], what: str, plural: str, most: int) -> list[str]:
        raw = self.text(column) or ""
        found = [self.code(column, part, codes, what) for part in raw.split(";") if part.strip()]
        chosen = list(dict.fromkeys(code for code in found if code))
        if len(chosen) > most:
            self.problem(column, f"too many {plural}: {len(chosen)} (at most {most})")
        return chosen


def check_row(line: int, values: dict[str, str]) -> tuple[Person, list[tuple[str | None, str]]]:
    """The person on this line, and each problem as (column, message)."""
    row = _Row(values)
    person = Person(line=line)
    email = (row.text("email") or "").lower()
    if email:
        try:
            validate_email(email, check_deliverability=False)
            person.email = email
        except EmailNotValidError as error:
            reason = str(error).rstrip(".")
            row.problem(
                "email", f'"{_clip(email)}" is not an email address: {reason[:1].lower()}{reason[1:]}'
            )
    person.name = row.text("name") or ""
    stage = row.text("stage")
    person.stage = (row.code("stage", stage, STAGE_BY_CODE, "a career stage") if stage else None) or ""
    person.organisation = row.text("organisation")
    region = row.text("region")
    person.region = row.code("region", region, REGIONS, "a region") if region else None
    person.specialties = row.codes("specialties", SPECIALTIES, "a specialty", "specialties", MAX_SPECIALTIES)
    person.goals = row.codes("goals", GOALS, "a goal", "goals", MAX_GOALS)
    person.interests = _interests(row)
    person.bio = row.text("bio")
    person.looking_for = row.text("looking_for")
    _mentoring(row, person)
    if "offers" in values:
        person.offers = row.codes("offers", GOALS, "a goal", "offers", MAX_GOALS)
        if person.offers and not person.offers_mentoring:
            row.problem("offers", 'only for mentors, but offers_mentoring is not "yes": leave it empty')
    return person, row.problems


def _interests(row: _Row) -> list[str]:
    tags = parse_tags(row.text("interests") or "")
    if len(tags) > MAX_INTERESTS:
        row.problem("interests", f"too many interests: {len(tags)} (at most {MAX_INTERESTS})")
    for tag in tags:
        if len(tag) > MAX_TAG_LENGTH:
            row.problem("interests", f'"{_clip(tag)}" is too long for an interest (at most {MAX_TAG_LENGTH})')
    return tags


def _mentoring(row: _Row, person: Person) -> None:
    """offers_mentoring, capacity and registration_number, which depend on each other and the stage."""
    offers = (row.text("offers_mentoring") or "").lower()
    if offers not in YES | NO:
        row.problem("offers_mentoring", f'"{_clip(offers)}" is not yes or no')
    person.offers_mentoring = offers in YES
    if person.offers_mentoring and person.stage and registration_body(person.stage) is None:
        row.problem(
            "offers_mentoring", "medical students can't be mentors (mentors are registered clinicians)"
        )

    capacity = row.text("capacity")
    if capacity is not None:
        if not capacity.isascii() or not capacity.isdigit():
            row.problem("capacity", f'"{_clip(capacity)}" is not a whole number from 1 to 10')
        elif not MIN_CAPACITY <= int(capacity) <= MAX_CAPACITY:
            row.problem("capacity", f"{int(capacity)} is out of range: a mentor takes 1 to 10 mentees")
        elif not person.offers_mentoring:
            row.problem("capacity", 'only for mentors, but offers_mentoring is not "yes": leave it empty')
        else:
            person.capacity = int(capacity)
    elif person.offers_mentoring:
        row.problem("capacity", "missing: a mentor needs a capacity, how many mentees they take (1 to 10)")

    number = row.text("registration_number")
    if person.stage and not (person.offers_mentoring and registration_body(person.stage) is None):
        problem = registration_problem(person.stage, number, required=person.offers_mentoring)
        if problem:
            row.problem("registration_number", problem)
    person.registration_number = normalise_registration_number(number) or None


def _suggest(code: str, codes: Collection[str]) -> str:
    """'did you mean X?' when a code is nearly right, else the whole list."""
    spaced = code.replace(" ", "_").replace("-", "_")
    close = [spaced] if spaced in codes else difflib.get_close_matches(code, list(codes), n=1, cutoff=0.75)
    return f"did you mean {close[0]}?" if close else f"use one of: {', '.join(codes)}"


def _clip(value: str, length: int = 60) -> str:
    return value if len(value) <= length else value[: length - 1] + "…"
