"""The forms of the rounds pages: a new round, a changed pair, and the confirmations."""

from __future__ import annotations

from flask_wtf.file import FileAllowed, FileField
from wtforms import BooleanField, IntegerField, RadioField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange
from wtforms.widgets import CheckboxInput, ListWidget

from mentormatch.accounts.forms import no_control_characters
from mentormatch.core.forms import Form
from mentormatch.core.vocabulary import REGIONS, SPECIALTIES, STAGES
from mentormatch.rounds.models import OBJECTIVE_LABELS


class CheckboxesField(SelectMultipleField):
    """Several choices as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class RoundForm(Form):
    """A new round: its name, where the mentees come from, the mentor pool and the options."""

    name = StringField(
        "Name",
        validators=[DataRequired("Give the round a name."), Length(max=120), no_control_characters],
    )
    mentees_from = RadioField(
        "Mentees",
        choices=[
            ("filters", "Members chosen by stage, region and specialty"),
            ("file", "A CSV file of emails"),
        ],
        default="filters",
    )
    stage = SelectField("Career stage", choices=[("", "Any stage"), *((s.code, s.label) for s in STAGES)])
    region = SelectField("Region", choices=[("", "Any region"), *REGIONS.items()])
    specialty = SelectField("Specialty", choices=[("", "Any specialty"), *SPECIALTIES.items()])
    cohort = FileField("CSV file of emails", validators=[FileAllowed(["csv"], "Choose a .csv file.")])
    mentor_pool = RadioField(
        "Mentor pool",
        choices=[("all", "Every approved mentor with a free place"), ("chosen", "The mentors chosen below")],
        default="all",
    )
    mentors = CheckboxesField("Mentors", coerce=int, choices=[])
    objective = RadioField("Aim", choices=list(OBJECTIVE_LABELS.items()), default="total")
    min_score = IntegerField(
        "Minimum score (%)",
        default=0,
        validators=[InputRequired("Give a minimum score from 0 to 100."), NumberRange(0, 100)],
    )
    avoid_same_organisation = BooleanField("Keep mentees away from mentors in their own organisation")

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.mentees_from.data == "file" and not self.cohort.data:
            self.cohort.errors.append("Choose a CSV file of email addresses.")
            ok = False
        if self.mentor_pool.data == "chosen" and not self.mentors.data:
            self.mentors.errors.append("Choose at least one mentor, or use every approved mentor.")
            ok = False
        return ok


class PairForm(Form):
    """Another mentor for a mentee (the service checks the pool, exclusions and capacity)."""

    mentor = StringField("Mentor")


class ConfirmForm(Form):
    """A button behind a CSRF token (run, publish)."""
