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


def init_templating(app: Flask, **area_globals: Callable[..., object]) -> None:
    """Register every filter and global the templates use; `area_globals` are the helpers of higher
    layers (what can be done about a person, time left on a request), passed in by create_app."""
    env = app.jinja_env
    if app.testing:
        env.undefined = StrictUndefined
    env.filters["long_date"] = long_date
    env.filters["london"] = london
    env.filters["message_html"] = message_html
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
