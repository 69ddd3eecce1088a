"""Ids in URLs, query strings and forms: ASCII digits up to what an INTEGER column holds."""

from __future__ import annotations

from werkzeug.routing import IntegerConverter

# The largest id an INTEGER column holds (PostgreSQL's int4): a larger one is no row, not an error.
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:…>` in every route: ASCII digits up to MAX_ID, else the URL doesn't match (404)."""

    regex = r"[0-9]+"

    def __init__(
        self,
        map,
        fixed_digits: int = 0,
        min: int | None = None,
        max: int | None = MAX_ID,
        signed: bool = False,
    ) -> None:
        super().__init__(map, fixed_digits, min, max, signed)


def parse_page(text: str | None, last: int = MAX_ID) -> int:
    """A page number from a query string: ASCII digits, at most `last`; anything else is page 1.

    Every list reads its page through this (never `type=int`), so `page=10**30` can't overflow
    an OFFSET. A number past the list's end is the list's to answer (404, or an empty page).
    """
    number = parse_id(text)
    return min(number, last) if number else 1


def parse_id(text: str | None) -> int | None:
    """An id typed into a query string or a form: ASCII digits up to MAX_ID, else None."""
    text = (text or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_ID)):
        return None
    number = int(text)
    return number if number <= MAX_ID else None
