"""The one CSV reader for every upload: records with the line each starts on, or what is wrong.

A malformed line (a stray quote, a line break in an unquoted value, a value longer than the csv
module takes) is a problem reported on its line, never an exception: the caller reports every
problem and changes nothing. Control characters inside values (a NUL byte) are the caller's to
refuse, by field, with the field's own message.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field

from mentormatch.core.limits import control_character

# The csv module's own limit on one value (131,072 characters): a longer one is a problem, by line.
MAX_FIELD = csv.field_size_limit()


def csv_records(text: str) -> Iterator[tuple[int, list[str] | str]]:
    """(line where the record starts, its values) or (line, what is wrong with it, in words)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    next_line = 1
    while True:
        line = next_line
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield line, _problem(str(error))
        else:
            yield line, values
        next_line = reader.line_num + 1


def _problem(error: str) -> str:
    if "unexpected end of data" in error:
        return "a quoted value starts on this line but its closing quote is missing"
    if "expected after" in error:
        return 'a closing quote must be followed by a comma (inside a quoted value, write a quote as "")'
    if "field larger than field limit" in error:
        return f"a value on this line is longer than {MAX_FIELD:,} characters"
    if "new-line character seen in unquoted field" in error:
        return "a value on this line has a line break in it: put the value in double quotes"
    return f"this line isn't valid CSV ({error})"


@dataclass
class EmailList:
    """A CSV of email addresses read: each address with the line it is first on, and every problem
    by line (0: the whole file). Whose addresses they are is the caller's to look up (`named`)."""

    lines: dict[str, int] = field(default_factory=dict)
    problems: list[tuple[int, str]] = field(default_factory=list)

    def named(self, found: dict[str, int], unknown: str) -> tuple[list[int], list[tuple[int, str]]]:
        """The ids of the addresses `found` knows, in file order, and every problem, with
        "<address>: <unknown>" for each address it doesn't."""
        problems = self.problems + [
            (line, f"{email}: {unknown}") for email, line in self.lines.items() if email not in found
        ]
        if not self.lines and not problems:
            problems.append((0, "The file has no email addresses."))
        return [found[email] for email in self.lines if email in found], sorted(problems)


def read_email_list(data: bytes) -> EmailList:
    """A CSV of email addresses (a cohort, an event's attendees): an `email` column, or the first
    column when there is no such header."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return EmailList(problems=[(0, "The file isn't UTF-8 text: save it as 'CSV UTF-8' and try again.")])
    records = list(csv_records(text))
    listing = EmailList(problems=[(line, record) for line, record in records if isinstance(record, str)])
    rows = [(line, record) for line, record in records if not isinstance(record, str)]
    header = [cell.strip().casefold() for cell in rows[0][1]] if rows else []
    column, first = (header.index("email"), 1) if "email" in header else (0, 0)
    for line, row in rows[first:]:
        email = row[column].strip().lower() if len(row) > column else ""
        if not email:
            if any(cell.strip() for cell in row):
                listing.problems.append((line, "no email address"))
        elif control_character(email):
            listing.problems.append((line, "the email address has invisible control characters in it"))
        else:
            listing.lines.setdefault(email, line)
    return listing
