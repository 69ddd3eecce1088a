"""The forms on a pair's page: a message, a meeting (proposed, moved or logged), a goal, notes, a report."""

from __future__ import annotations

import re
import secrets
from datetime import datetime

from wtforms import (
    DateField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from mentormatch.accounts.forms import no_control_characters_but_line_breaks
from mentormatch.core import limits
from mentormatch.core.calendar import from_london
from mentormatch.core.database import utcnow
from mentormatch.core.forms import Form, use_own_ids
from mentormatch.core.vocabulary import GOALS
from mentormatch.mentoring.pair_models import GOAL_STATUSES, MODES

# A scheme at the start of `where` ("javascript:", "ftp://"): only http(s) links are taken.
_SCHEME = re.compile(r"^\s*([a-z][a-z0-9+.\-]*):(//|[^\s\d])", re.IGNORECASE)


def one_time_token() -> str:
    return secrets.token_urlsafe(16)


def _token_field() -> HiddenField:
    """A token the form carries once: sent twice (a double click), it makes one message or meeting."""
    return HiddenField(
        default=one_time_token,
        validators=[Optional(), Regexp(r"^[A-Za-z0-9_-]{1,64}$", message="Reload the page and try again.")],
    )


def _strip(value: str | None) -> str:
    return value.strip() if isinstance(value, str) else ""


def _one_line(form: Form, field: StringField) -> None:
    if limits.control_character(field.data or ""):
        raise ValidationError("Remove the invisible control characters from this field.")


class MessageForm(Form):
    """A plain-text message: line breaks are kept, and links become clickable when shown."""

    body = TextAreaField(
        "Your message",
        filters=[_strip],
        validators=[
            DataRequired("Write a message before sending it."),
            Length(max=limits.MESSAGE, message=f"Use at most {limits.MESSAGE:,} characters."),
            no_control_characters_but_line_breaks,
        ],
    )
    token = _token_field()

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        use_own_ids(self, "message")


class ReportForm(Form):
    """Why the conversation worries the reporter (optional): the programme admins read it."""

    reason = TextAreaField(
        "What worries you? (optional)",
        filters=[_strip],
        validators=[
            Optional(),
            Length(max=limits.REASON, message=f"Use at most {limits.REASON} characters."),
            no_control_characters_but_line_breaks,
        ],
    )


def where_link_is_web(form: Form, field: StringField) -> None:
    """A place ("Costa, Leeds station") or a web link: any other kind of link is refused."""
    match = _SCHEME.match(field.data or "")
    if match and match.group(1).lower() not in ("http", "https"):
        raise ValidationError("Give a place, or a link that starts with https://.")


class MeetingForm(Form):
    """When, how long, how and where. `past` is True when a meeting is logged after it happened."""

    starts_at = DateTimeLocalField(
        "Date and time (UK time)",
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        validators=[DataRequired("Enter the date and time, like 14/03/2027 18:30.")],
    )
    minutes = IntegerField(
        "How long (minutes)",
        default=45,
        validators=[
            InputRequired("Enter how long it lasts, in minutes."),
            NumberRange(
                limits.MIN_MEETING_MINUTES,
                limits.MAX_MEETING_MINUTES,
                f"Enter between {limits.MIN_MEETING_MINUTES} and {limits.MAX_MEETING_MINUTES} minutes.",
            ),
        ],
    )
    mode = SelectField("How", choices=list(MODES.items()), validate_choice=True, default="video")
    where = StringField(
        "Where (a place, or a video-call link)",
        filters=[_strip],
        validators=[
            Length(max=limits.MEETING_WHERE, message=f"Use at most {limits.MEETING_WHERE} characters."),
            _one_line,
            where_link_is_web,
        ],
    )
    token = _token_field()

    def __init__(self, *args: object, past: bool = False, id_stem: str = "meeting", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.past = past
        self.mode.choices = list(MODES.items())
        use_own_ids(self, id_stem)

    @property
    def starts_at_utc(self) -> datetime:
        return from_london(self.starts_at.data)

    def validate_starts_at(self, field: DateTimeLocalField) -> None:
        if field.data is None:
            return
        try:
            starts = from_london(field.data)
        except (OverflowError, ValueError):
            raise ValidationError("Enter a real date and time.") from None
        if self.past and starts > utcnow():
            raise ValidationError("A meeting you log has already happened: choose a time in the past.")
        if not self.past and starts <= utcnow():
            raise ValidationError("Choose a time in the future.")


class GoalForm(Form):
    """A goal from the vocabulary, or in the pair's own words, with an optional target date."""

    goal_code = SelectField(
        "A goal from the list",
        choices=[("", "(none: in our own words)"), *GOALS.items()],
        validate_choice=False,  # left out is the same as "none"; anything else is checked below
    )
    title = StringField(
        "Or in your own words",
        filters=[_strip],
        validators=[
            Length(max=limits.GOAL_TITLE, message=f"Use at most {limits.GOAL_TITLE} characters."),
            _one_line,
        ],
    )
    target_date = DateField("Target date (optional)", validators=[Optional()])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        use_own_ids(self, "goal")

    def validate_goal_code(self, field: SelectField) -> None:
        if field.data and field.data not in GOALS:
            raise ValidationError("Choose a goal from the list.")

    def validate_title(self, field: StringField) -> None:
        if not field.data and not self.goal_code.data:
            raise ValidationError("Choose a goal from the list, or write one in your own words.")


class GoalStatusForm(Form):
    """Moving a goal on: not started, in progress, done."""

    status = SelectField("Status", choices=list(GOAL_STATUSES.items()))


class NoteForm(Form):
    """Notes: private (only you) or shared (the two of you)."""

    body = TextAreaField(
        "Notes",
        filters=[_strip],
        validators=[
            Length(max=limits.NOTE, message=f"Use at most {limits.NOTE:,} characters."),
            no_control_characters_but_line_breaks,
        ],
    )

    def __init__(self, *args: object, id_stem: str = "note", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        use_own_ids(self, id_stem)


class CheckInForm(Form):
    """A check-in's two questions: a score from 1 to 5, and one line of free text."""

    score = RadioField(
        "Is this mentorship helping you?",
        coerce=int,
        choices=[
            (1, "1 · Not at all"),
            (2, "2 · A little"),
            (3, "3 · Somewhat"),
            (4, "4 · Quite a lot"),
            (5, "5 · A great deal"),
        ],
        validators=[InputRequired(message="Choose a score from 1 to 5.")],
    )
    comment = StringField(
        "Anything to add? (optional, one line)",
        filters=[_strip],
        validators=[Optional(), Length(max=280, message="Use at most 280 characters."), _one_line],
    )

    def __init__(self, *args, id_stem: str = "check-in", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        use_own_ids(self, id_stem)
