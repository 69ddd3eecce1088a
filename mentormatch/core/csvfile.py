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
