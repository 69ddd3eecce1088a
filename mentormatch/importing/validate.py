"""Checking a member CSV before anything is imported: every problem, with its line and column.

Pure: bytes in, people and problems out. The one thing it can't know, which addresses already
have accounts, comes from a function the caller passes in.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from mentormatch.core.csvfile import csv_records
from mentormatch.importing.rows import COLUMNS, OPTIONAL, Person, check_row

# The one piece of the database validation needs: which of these addresses have accounts.
ExistingEmails = Callable[[list[str]], set[str]]

SAVE_AS_CSV = "In Excel choose File › Save As › “CSV UTF-8 (Comma delimited) (*.csv)” and use that file."


class UnreadableFile(Exception):
    """The file isn't UTF-8 CSV text at all; the message says why and what to do."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file: where (line, column) and what."""

    line: int
    column: str | None
    message: str

    def __str__(self) -> str:
        where = f'line {self.line}, column "{self.column}"' if self.column else f"line {self.line}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class CheckedFile:
    """The people a file describes, and everything wrong with it (nothing imports unless empty)."""

    people: list[Person]
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def mentor_count(self) -> int:
        return sum(person.offers_mentoring for person in self.people)

    @property
    def mentee_count(self) -> int:
        return len(self.people) - self.mentor_count


def decode(data: bytes) -> str:
    """The file's text, without a byte-order mark; UnreadableFile if it isn't UTF-8 text."""
    if not data.strip():
        raise UnreadableFile("The file is empty.")
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise UnreadableFile(f"This is an Excel workbook, not a CSV file. {SAVE_AS_CSV}")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnreadableFile(f"This file is UTF-16 (“Unicode Text”), not UTF-8. {SAVE_AS_CSV}")
    if b"\x00" in data:
        raise UnreadableFile(f"This is not a text file: it contains binary data. {SAVE_AS_CSV}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise UnreadableFile(
            f"This file is not UTF-8 text: byte 0x{data[error.start]:02X} on line {line} isn't UTF-8 "
            f"(the file was probably saved as Latin-1 or Windows-1252). {SAVE_AS_CSV}"
        ) from None


def check_file(data: bytes, existing_emails: ExistingEmails) -> CheckedFile:
    """Every person in the file and every problem in it; UnreadableFile if it isn't CSV text."""
    records = _records(decode(data))
    header_line, header = next(records, (1, []))
    if isinstance(header, Problem):
        return CheckedFile([], [header])
    columns, problems = _check_header(header)
    if problems:
        return CheckedFile([], problems)
    people: list[Person] = []
    for line, values in records:
        if isinstance(values, Problem):
            problems.append(values)
        elif any(value.strip() for value in values):  # skip blank lines, and Excel's ",,,,"
            person, row_problems = _check_record(line, columns, values)
            problems.extend(Problem(line, column, message) for column, message in row_problems)
            if person is not None:
                people.append(person)
    if not people and not problems:
        problems.append(Problem(header_line + 1, None, "there are no people below the header row"))
    problems.extend(_duplicate_emails(people))
    problems.extend(_existing_emails(people, existing_emails))
    order = {name: index for index, name in enumerate(COLUMNS + OPTIONAL)}
    problems.sort(key=lambda problem: (problem.line, order.get(problem.column or "", -1)))
    return CheckedFile(people, problems)


def _records(text: str) -> Iterator[tuple[int, list[str] | Problem]]:
    """(line where the record starts, its values or what is wrong with it)."""
    for line, record in csv_records(text):
        yield line, (Problem(line, None, record) if isinstance(record, str) else record)


def _check_header(header: list[str]) -> tuple[list[str | None], list[Problem]]:
    """The column name at each position (None for an empty trailing column), or what's wrong."""
    names = [name.strip().lower() for name in header]
    for separator, called in ((";", "semicolons"), ("\t", "tabs")):
        if len(names) == 1 and separator in names[0]:
            message = f"the columns are separated by {called}, not commas. {SAVE_AS_CSV}"
            return [], [Problem(1, None, message)]
    problems = []
    seen: set[str] = set()
    for name in names:
        if not name:
            continue
        if name in seen:
            problems.append(Problem(1, name, "appears twice in the header"))
        elif name not in COLUMNS + OPTIONAL:
            known = f"{', '.join(COLUMNS)}, and optionally {', '.join(OPTIONAL)}"
            problems.append(Problem(1, name, f"unknown column (the columns are: {known})"))
        seen.add(name)
    problems.extend(Problem(1, name, "missing from the header") for name in COLUMNS if name not in seen)
    return [name or None for name in names], problems


def _check_record(
    line: int, columns: list[str | None], values: list[str]
) -> tuple[Person | None, list[tuple[str | None, str]]]:
    if len(values) < len(columns) or any(value.strip() for value in values[len(columns) :]):
        return None, [
            (
                None,
                f"{len(values)} values, but the header has {len(columns)} columns "
                "(a value containing a comma must be in double quotes)",
            )
        ]
    unnamed = [
        position
        for position, (name, value) in enumerate(zip(columns, values, strict=False), start=1)
        if name is None and value.strip()
    ]
    if unnamed:
        return None, [(None, f"there is a value in column {unnamed[0]}, which has no name in the header")]
    row = {name: value for name, value in zip(columns, values, strict=False) if name is not None}
    return check_row(line, row)


def _duplicate_emails(people: list[Person]) -> Iterator[Problem]:
    lines_by_email: dict[str, list[int]] = defaultdict(list)
    for person in people:
        if person.email:  # blank when the address itself was the problem
            lines_by_email[person.email].append(person.line)
    for email, lines in lines_by_email.items():
        for line in lines if len(lines) > 1 else ():
            others = [str(other) for other in lines if other != line]
            where = f"line {others[0]}" if len(others) == 1 else f"lines {', '.join(others)}"
            yield Problem(line, "email", f'"{email}" is also on {where}: each person can appear only once')


def _existing_emails(people: list[Person], existing_emails: ExistingEmails) -> Iterator[Problem]:
    taken = existing_emails(sorted({person.email for person in people if person.email}))
    for person in people:
        if person.email in taken:
            yield Problem(
                person.line,
                "email",
                f'"{person.email}" already has an account (an import never changes existing accounts)',
            )
