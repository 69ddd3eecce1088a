"""How much each piece of a profile may hold, and which characters text may contain.

One place for the forms, the CSV importer and the templates, so they can't drift apart.
"""

from __future__ import annotations

EMAIL = 254
NAME = 120
ORGANISATION = 120
DEPARTMENT = 120
SITE = 120  # the hospital or building someone works in ("St James's, Bexley Wing")
USUALLY_AROUND = 80  # "Friday afternoons"
HELP_TOPIC = 60  # one "ask me about" entry
MAX_HELP_TOPICS = 10
ABOUT = 2000
LOOKING_FOR = 1000
MAX_SPECIALTIES = 6
MAX_GOALS = 6
MAX_INTERESTS = 15
MAX_TAG_LENGTH = 40
MIN_CAPACITY, MAX_CAPACITY = 1, 10
MAX_AVAILABILITY_HOURS = 40
REQUEST_MESSAGE = 1000
INTRODUCTION_NOTE = 1000  # the note with a warm introduction
REASON = 500  # declining a request, ending a connection
MESSAGE = 5000  # one message in a pair's conversation
NOTE = 5000  # a person's private notes, or a pair's shared notes
GOAL_TITLE = 200
MEETING_WHERE = 500  # a place, or a video-call link
MIN_MEETING_MINUTES, MAX_MEETING_MINUTES = 10, 240


def control_character(text: str, *, multiline: bool = False) -> str | None:
    """The first invisible control character in text, if any (PostgreSQL can't even store NUL).

    Line breaks and tabs are allowed only in multi-line text (about me, what I'm looking for).
    """
    allowed = "\t\n\r" if multiline else ""
    for char in text:
        if (ord(char) < 32 and char not in allowed) or 127 <= ord(char) < 160:
            return char
    return None
