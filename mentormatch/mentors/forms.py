"""The application to mentor, and the reason an admin gives for a decision."""

from __future__ import annotations

import re

from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, ValidationError

from mentormatch.accounts.forms import no_control_characters_but_line_breaks
from mentormatch.accounts.models import User
from mentormatch.core import limits
from mentormatch.core.forms import Form, use_own_ids
from mentormatch.core.registration import BODY_BY_STAGE, normalise_registration_number, registration_problem
from mentormatch.core.vocabulary import GOALS, SPECIALTIES
from mentormatch.mentors.service import Application, exclusions_for, latest_application
from mentormatch.profiles.forms import CheckboxesField

STATEMENT = 1000
MAX_EXCLUSIONS = 30
WHY = 120
EMAIL_SHAPE = re.compile(r"[^@\s,]+@[^@\s,]+\.[^@\s,]+")


def _strip(value: str | None) -> str:
    return value.strip() if isinstance(value, str) else ""


class WholeNumberField(IntegerField):
    """An IntegerField whose 'not a number' message says what to enter."""

    def __init__(self, label: str | None = None, validators=None, *, message: str = "", **kwargs) -> None:
        super().__init__(label, validators, **kwargs)
        self.not_a_number = message or "Enter a whole number."

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(self.not_a_number) from None


def whole_number(label: str, minimum: int, maximum: int, what: str) -> WholeNumberField:
    message = f"Enter {what} from {minimum} to {maximum}."
    return WholeNumberField(
        label,
        [InputRequired(message), NumberRange(min=minimum, max=maximum, message=message)],
        message=message,
    )


def parse_exclusions(text: str) -> tuple[list[tuple[str, str]], list[str]]:
    """Lines of 'address' or 'address, why' as (address, why) pairs, and what is wrong with them."""
    pairs: list[tuple[str, str]] = []
    problems: list[str] = []
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for number, line in enumerate(lines, start=1):
        address, _, why = line.partition(",")
        address, why = address.strip().lower(), why.strip()
        if not EMAIL_SHAPE.fullmatch(address) or len(address) > limits.EMAIL:
            problems.append(f"Line {number}: “{line[:60]}” doesn't start with an email address.")
        elif len(why) > WHY:
            problems.append(f"Line {number}: keep the note after the address under {WHY} characters.")
        else:
            pairs.append((address, why))
    if len(lines) > MAX_EXCLUSIONS:
        problems.insert(0, f"List at most {MAX_EXCLUSIONS} people (you have {len(lines)}).")
    return pairs, problems


class MentorApplicationForm(Form):
    """Applying to mentor: registration, what you can help with, how much time, and who to avoid."""

    registration_number = StringField(
        "Registration number",
        filters=[normalise_registration_number],
        validators=[Length(max=20, message="That is too long for a registration number.")],
    )
    specialties = CheckboxesField("Specialties you can mentor in", choices=list(SPECIALTIES.items()))
    offers = CheckboxesField("What you can help with", choices=list(GOALS.items()))
    capacity = whole_number(
        "How many mentees at a time", limits.MIN_CAPACITY, limits.MAX_CAPACITY, "a number of mentees"
    )
    hours_a_month = whole_number(
        "Hours a month you can give to mentoring", 1, limits.MAX_AVAILABILITY_HOURS, "a number of hours"
    )
    statement = TextAreaField(
        "A short statement",
        filters=[_strip],
        validators=[
            DataRequired("Write a few sentences about why you'd like to mentor, and how."),
            Length(max=STATEMENT, message=f"Use at most {STATEMENT} characters."),
            no_control_characters_but_line_breaks,
        ],
    )
    exclusions = TextAreaField(
        "People you must not be matched with (optional)",
        filters=[_strip],
        validators=[
            Length(max=10_000, message="That list is too long."),
            no_control_characters_but_line_breaks,
        ],
    )

    def __init__(self, user: User, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        body = BODY_BY_STAGE.get(user.career_stage or "")
        if body is not None:
            # 'an NMC PIN' → 'Your NMC PIN'
            self.registration_number.label.text = "Your " + body.number_name.split(" ", 1)[1]
            self.registration_shape = body.shape
        else:
            self.registration_shape = ""

    @classmethod
    def initial(cls, user: User) -> dict:
        """Start from the profile, and from the last application's answers when there is one."""
        profile = user.profile
        last = latest_application(user)
        exclusions = exclusions_for(user)
        return {
            "registration_number": last.registration_number if last else profile.registration_number,
            "specialties": list(last.specialties if last else profile.specialties),
            "offers": list(last.offers if last else profile.offers),
            "capacity": (last.capacity if last else None) or profile.mentor_capacity,
            "hours_a_month": (last.hours_a_month if last else None) or profile.availability_hours or None,
            "statement": last.statement if last else "",
            "exclusions": "\n".join(
                f"{e.excluded_email}, {e.why}" if e.why else e.excluded_email for e in exclusions
            ),
        }

    def application(self) -> Application:
        return Application(
            registration_number=self.registration_number.data,
            specialties=list(dict.fromkeys(self.specialties.data or [])),
            offers=list(dict.fromkeys(self.offers.data or [])),
            capacity=self.capacity.data,
            hours_a_month=self.hours_a_month.data,
            statement=self.statement.data,
            exclusions=parse_exclusions(self.exclusions.data or "")[0],
        )

    def validate_registration_number(self, field: StringField) -> None:
        problem = registration_problem(self.user.career_stage or "", field.data, required=True)
        if problem:
            raise ValidationError(problem[0].upper() + problem[1:] + ".")

    def validate_specialties(self, field: CheckboxesField) -> None:
        if not field.data:
            raise ValidationError("Choose at least one specialty you can mentor in.")
        if len(field.data) > limits.MAX_SPECIALTIES:
            raise ValidationError(f"Choose at most {limits.MAX_SPECIALTIES} specialties.")

    def validate_offers(self, field: CheckboxesField) -> None:
        if not field.data:
            raise ValidationError("Choose at least one thing you can help with.")
        if len(field.data) > limits.MAX_GOALS:
            raise ValidationError(f"Choose at most {limits.MAX_GOALS} things you can help with.")

    def validate_exclusions(self, field: TextAreaField) -> None:
        problems = parse_exclusions(field.data or "")[1]
        if problems:
            raise ValidationError(problems[0])


class ReasonForm(Form):
    """The reason an admin gives for turning down or suspending a mentor: the mentor is shown it.

    The queue may hold several open at once: `id_stem` ("reject-<application id>", "suspend-<user id>")
    keeps each one's ids its own.
    """

    reason = TextAreaField(
        "Reason",
        filters=[_strip],
        validators=[
            DataRequired("Give a reason: the applicant is shown it."),
            Length(max=limits.REASON, message=f"Use at most {limits.REASON} characters."),
            no_control_characters_but_line_breaks,
        ],
    )

    def __init__(self, *args: object, id_stem: str | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if id_stem is not None:
            use_own_ids(self, id_stem)


# Not a form field: kept here so the template and the form agree on the words.
EXCLUSIONS_HINT = (
    "Your own trainees or supervisees, one per line: their email address, then, if you like, a comma "
    "and a note (sam.jones@nhs.net, my FY1 trainee). They will never be suggested to you, or you to them."
)
