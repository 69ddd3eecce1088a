"""The forms of the events pages: an event (admins), attendees from CSV, registering, whom you met."""

from __future__ import annotations

from datetime import datetime

from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from mentormatch.accounts.forms import no_control_characters, no_control_characters_but_line_breaks
from mentormatch.core.calendar import from_london, london_time
from mentormatch.core.forms import Form
from mentormatch.events.models import KIND_LABELS
from mentormatch.events.service import EventDetails

MAX_CAPACITY = 10_000
LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def _real_london_time(form: Form, field: DateTimeLocalField) -> None:
    """A wall-clock time that exists in London: the hour skipped when the clocks go forward doesn't."""
    if field.data is None:
        return
    try:
        moment = from_london(field.data)
    except (OverflowError, ValueError):
        raise ValidationError("Enter a real date and time.") from None
    if london_time(moment).replace(tzinfo=None) != field.data:
        raise ValidationError(
            "That time doesn't exist in the UK (the clocks go forward then): choose another."
        )


class EventForm(Form):
    """An event as admins enter it: times in UK time, stored in UTC."""

    kind = SelectField("Kind", choices=list(KIND_LABELS.items()), default="workshop")
    title = StringField(
        "Title",
        filters=[_strip],
        validators=[DataRequired("Give the event a title."), Length(max=120), no_control_characters],
    )
    starts_at = DateTimeLocalField(
        "Starts (UK time)",
        format=LOCAL_FORMATS,
        validators=[DataRequired("Enter when it starts, like 14/03/2027 18:30."), _real_london_time],
    )
    ends_at = DateTimeLocalField(
        "Ends (UK time)",
        format=LOCAL_FORMATS,
        validators=[DataRequired("Enter when it ends, like 14/03/2027 20:00."), _real_london_time],
    )
    place = StringField(
        "Place, or a link to join",
        filters=[_strip],
        validators=[Length(max=300, message="Use at most 300 characters."), no_control_characters],
    )
    description = TextAreaField(
        "Description",
        filters=[_strip],
        validators=[
            Length(max=5000, message="Use at most 5,000 characters."),
            no_control_characters_but_line_breaks,
        ],
    )
    capacity = IntegerField(
        "Capacity (places)",
        default=30,
        validators=[
            InputRequired("Enter how many places there are."),
            NumberRange(0, MAX_CAPACITY, f"Enter between 0 and {MAX_CAPACITY:,} places."),
        ],
    )

    def validate_ends_at(self, field: DateTimeLocalField) -> None:
        if field.data is None or self.starts_at.data is None or self.starts_at.errors:
            return
        if from_london(field.data) <= from_london(self.starts_at.data):
            raise ValidationError("The event must end after it starts.")

    @property
    def details(self) -> EventDetails:
        return EventDetails(
            kind=self.kind.data,
            title=self.title.data,
            starts_at=from_london(self.starts_at.data),
            ends_at=from_london(self.ends_at.data),
            place=self.place.data or "",
            description=self.description.data or "",
            capacity=self.capacity.data,
        )

    def fill_from(self, starts_at: datetime, ends_at: datetime) -> None:
        """Show stored UTC times as London wall-clock times."""
        self.starts_at.data = london_time(starts_at).replace(tzinfo=None)
        self.ends_at.data = london_time(ends_at).replace(tzinfo=None)


class AttendeesForm(Form):
    """A CSV of attendees' email addresses."""

    attendees = FileField(
        "CSV file of emails",
        validators=[FileRequired("Choose a CSV file."), FileAllowed(["csv"], "Choose a .csv file.")],
    )


class RegisterForm(Form):
    """Registering: whether to be shown to other members as going (off unless ticked)."""

    listed = BooleanField("Show me to other members as going (so they can find me there)", default=False)


class CheckboxesField(SelectMultipleField):
    """Several choices as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class MetForm(Form):
    """Whom you met at the event: attendees to ask to connect, with one note for them all."""

    people = CheckboxesField("People you met", coerce=int, choices=[])
    note = TextAreaField(
        "A note with your connection requests",
        filters=[_strip],
        validators=[
            Length(max=1000, message="Use at most 1,000 characters."),
            no_control_characters_but_line_breaks,
        ],
    )
