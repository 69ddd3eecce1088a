"""The forms of the request lifecycle: asking, declining with a reason, ending a connection."""

from __future__ import annotations

from datetime import date

from wtforms import BooleanField, DateField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from mentormatch.accounts.forms import no_control_characters_but_line_breaks
from mentormatch.core import limits
from mentormatch.core.forms import Form, use_own_ids
from mentormatch.mentoring.models import MENTORING


def _strip(value: str | None) -> str:
    return value.strip() if isinstance(value, str) else ""


class AskForm(Form):
    """Asking someone for mentoring (a message is needed) or to connect as peers (a note is optional)."""

    message = TextAreaField(
        "Add a note (optional)",
        filters=[_strip],
        validators=[
            Length(max=limits.REQUEST_MESSAGE, message=f"Use at most {limits.REQUEST_MESSAGE} characters."),
            no_control_characters_but_line_breaks,
        ],
    )

    def __init__(self, kind: str, *args: object, person_id: int | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        if person_id is not None:
            # Several cards on /matches may hold an open form at once: ids stay unique, names don't change.
            use_own_ids(self, f"ask-{person_id}")
        if kind == MENTORING:
            self.message.label.text = "What do you hope to get from mentoring?"
            self.message.validators = [
                DataRequired("Tell them what you hope to get from mentoring, so they can say yes."),
                *self.message.validators,
            ]


class ReasonForm(Form):
    """An optional reason: declining a request (`id_stem` "decline-<id>"), or ending a connection
    ("end-<id>"). Several rows on one page may hold an open form, so each has its own ids."""

    reason = TextAreaField(
        "Reason (optional)",
        filters=[_strip],
        validators=[
            Optional(),
            Length(max=limits.REASON, message=f"Use at most {limits.REASON} characters."),
            no_control_characters_but_line_breaks,
        ],
    )

    def __init__(self, *args: object, id_stem: str | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if id_stem is not None:
            use_own_ids(self, id_stem)


class DayField(DateField):
    """A date typed as year-month-day (what a date input sends), with a message that says so."""

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("Enter the date as year-month-day, for example 2026-03-31.") from None


class RecordPeriodForm(Form):
    """The period of an appraisal record, sent by GET (so no CSRF token): either date may be left out."""

    class Meta:
        csrf = False

    EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)

    start = DayField("From", validators=[Optional()], format="%Y-%m-%d")
    end = DayField("To", validators=[Optional()], format="%Y-%m-%d")

    def validate_start(self, field: DateField) -> None:
        self._in_range(field)

    def validate_end(self, field: DateField) -> None:
        self._in_range(field)
        if field.data and self.start.data and self.start.data > field.data:
            raise ValidationError("The end of the period must be on or after its start.")

    def _in_range(self, field: DateField) -> None:
        if field.data and not (self.EARLIEST <= field.data <= self.LATEST):
            raise ValidationError("Choose a date between 1 January 2000 and 31 December 2099.")


class EndForm(ReasonForm):
    """Ending a connection: the reason the other person is told, and for a mentorship, a reflection
    kept for yourself and the offer to stay connected as peers."""

    reflection = TextAreaField(
        "A reflection, for yourself (optional)",
        filters=[_strip],
        validators=[
            Optional(),
            Length(max=limits.MESSAGE, message=f"Use at most {limits.MESSAGE} characters."),
            no_control_characters_but_line_breaks,
        ],
    )
    stay_as_peers = BooleanField("Stay connected as peers")


class QuestionForm(Form):
    """A quick question before any request, or its answer (one text field each)."""

    body = TextAreaField(
        "Your question",
        filters=[_strip],
        validators=[
            DataRequired(message="Write your question."),
            Length(max=1000, message="Use at most 1000 characters."),
            no_control_characters_but_line_breaks,
        ],
    )


class AnswerForm(Form):
    """The mentor's answer to a quick question."""

    answer = TextAreaField(
        "Your answer",
        filters=[_strip],
        validators=[
            DataRequired(message="Write your answer."),
            Length(max=limits.MESSAGE, message=f"Use at most {limits.MESSAGE} characters."),
            no_control_characters_but_line_breaks,
        ],
    )

    def __init__(self, *args: object, id_stem: str | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if id_stem is not None:
            use_own_ids(self, id_stem)


class IntroduceForm(Form):
    """Introducing two of your connections to each other, with a note to both."""

    first = SelectField("Introduce", coerce=int, validate_choice=False)
    second = SelectField("To", coerce=int, validate_choice=False)
    note = TextAreaField(
        "A note to both of them",
        filters=[_strip],
        validators=[
            DataRequired("Say why they should meet, for example: you're both applying for cardiology."),
            Length(
                max=limits.INTRODUCTION_NOTE, message=f"Use at most {limits.INTRODUCTION_NOTE} characters."
            ),
            no_control_characters_but_line_breaks,
        ],
    )

    def __init__(self, people: list, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        choices = [(0, "Choose someone")] + [(person.id, person.display_name) for person in people]
        self.first.choices = self.second.choices = choices
