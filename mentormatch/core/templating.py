"""The templates' environment, set up once by create_app: app-wide filters and globals, the vocabulary,
and, when testing, StrictUndefined, so a variable a view forgot to pass fails a test instead of
rendering blank."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime

from flask import Flask
from jinja2 import StrictUndefined

from mentormatch.core import htmx, limits
from mentormatch.core.text import is_web_link, london, message_html
from mentormatch.core.views import absolute_url, field_attributes
from mentormatch.core.vocabulary import GOALS, REGIONS, SPECIALTIES, stage_choices


def long_date(value: datetime) -> str:
    """A date as people write it: 3 March 2025."""
    return f"{value:%-d %B %Y}"


# Titles some people type into their name: "Dr Mei Nguyễn" is greeted as "Dr Nguyễn", not "Dr".
TITLES = frozenset({"dr", "prof", "professor", "mr", "mrs", "ms", "miss", "mx", "sir", "dame"})


def first_name(name: str | None) -> str:
    """How an email greets someone: their first name ("Mei"), a title with the surname
    ("Dr Nguyễn"), or "there" when no name is known."""
    words = (name or "").split()
    if not words:
        return "there"
    if words[0].rstrip(".").lower() in TITLES and len(words) > 1:
        return f"{words[0]} {words[-1]}"
    return words[0]


def init_templating(app: Flask, **area_globals: Callable[..., object]) -> None:
    """Register every filter and global the templates use; `area_globals` are the helpers of higher
    layers (what can be done about a person, time left on a request), passed in by create_app."""
    env = app.jinja_env
    if app.testing:
        env.undefined = StrictUndefined
    env.filters["long_date"] = long_date
    env.filters["london"] = london
    env.filters["message_html"] = message_html
    env.filters["first_name"] = first_name
    env.globals.update(
        absolute_url=absolute_url,
        field_attributes=field_attributes,
        is_web_link=is_web_link,
        limits=limits,
        htmx_url=htmx.HTMX_URL,
        htmx_integrity=htmx.HTMX_INTEGRITY,
        htmx_config=json.dumps(htmx.HTMX_CONFIG, separators=(",", ":")),
        # The vocabulary, by code: every page shows labels, never codes.
        stages=stage_choices(),
        regions=REGIONS,
        specialties=SPECIALTIES,
        goals=GOALS,
        **area_globals,
    )
