"""The profile forms, one per onboarding step; the same forms edit a finished profile."""

from __future__ import annotations

from wtforms import BooleanField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from mentormatch.accounts.forms import no_control_characters, no_control_characters_but_line_breaks
from mentormatch.accounts.models import User
from mentormatch.core import limits
from mentormatch.core.forms import Form
from mentormatch.core.limits import MAX_GOALS, MAX_INTERESTS, MAX_SPECIALTIES, MAX_TAG_LENGTH
from mentormatch.core.vocabulary import GOALS, REGIONS, SPECIALTIES, STAGE_DETAILS, stage_choices
from mentormatch.profiles.helping import clean_label, topic_problem
from mentormatch.profiles.models import Profile
from mentormatch.profiles.service import parse_tags, stage_changed, tags_named


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def _blank_to_none(value: str | None) -> str | None:
    return value or None


class CheckboxesField(SelectMultipleField):
    """Several choices as a list of checkboxes (a fieldset with a legend in the template)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def text_field(label: str, max_length: int, *, required: bool = False) -> StringField:
    first = DataRequired(f"Enter your {label.lower()}.") if required else Optional()
    return StringField(
        label,
        filters=[_strip, _blank_to_none],
        validators=[
            first,
            Length(max=max_length, message=f"Use at most {max_length} characters."),
            no_control_characters,
        ],
    )


def long_text_field(label: str, max_length: int) -> TextAreaField:
    return TextAreaField(
        label,
        filters=[_strip, _blank_to_none],
        validators=[
            Optional(),
            Length(max=max_length, message=f"Use at most {max_length} characters."),
            no_control_characters_but_line_breaks,
        ],
    )


def _detail_choices() -> list[tuple[str, str]]:
    return [("", "Not applicable")] + [(d, d) for details in STAGE_DETAILS.values() for d in details]


class AboutForm(Form):
    """Step 1: who you are and where you work."""

    name = text_field("Full name", limits.NAME, required=True)
    career_stage = SelectField(
        "Career stage",
        choices=[("", "Choose your career stage"), *stage_choices()],
        validators=[InputRequired("Choose your career stage.")],
    )
    stage_detail = SelectField("Year or grade", choices=_detail_choices(), validators=[Optional()])
    organisation = text_field("Medical school, trust or hospital", limits.ORGANISATION)
    department = text_field("Department", limits.DEPARTMENT)
    region = SelectField(
        "Region", choices=[("", "Choose your region"), *REGIONS.items()], validators=[Optional()]
    )
    about = long_text_field("About me", limits.ABOUT)

    @classmethod
    def initial(cls, user: User, profile: Profile) -> dict:
        return {
            "name": user.name,
            "career_stage": user.career_stage,
            "stage_detail": profile.stage_detail,
            "organisation": profile.organisation,
            "department": profile.department,
            "region": profile.region,
            "about": profile.about,
        }

    def save(self, user: User, profile: Profile) -> None:
        if self.career_stage.data != user.career_stage:
            stage_changed(profile, self.career_stage.data)
        user.name = self.name.data
        user.career_stage = self.career_stage.data
        profile.stage_detail = self.stage_detail.data or None
        profile.organisation = self.organisation.data
        profile.department = self.department.data
        profile.region = self.region.data or None
        profile.about = self.about.data

    def validate_stage_detail(self, field: SelectField) -> None:
        allowed = STAGE_DETAILS.get(self.career_stage.data or "", ())
        if field.data and field.data not in allowed:
            raise ValidationError(
                f"{field.data} doesn't go with that career stage. Choose "
                + (", ".join(allowed) if allowed else "“Not applicable”")
                + "."
            )


class FocusForm(Form):
    """Step 2: the specialties that interest you and what you'd like help with."""

    specialties = CheckboxesField("Specialties you're interested in", choices=list(SPECIALTIES.items()))
    goals = CheckboxesField("What you'd like help with", choices=list(GOALS.items()))
    # Shown only to members who offer mentoring: matching sets these against mentees' goals.
    offers = CheckboxesField("As a mentor, what you can help with", choices=list(GOALS.items()))

    @classmethod
    def initial(cls, user: User, profile: Profile) -> dict:
        return {
            "specialties": list(profile.specialties),
            "goals": list(profile.goals),
            "offers": list(profile.offers),
        }

    def save(self, user: User, profile: Profile) -> None:
        profile.specialties = list(dict.fromkeys(self.specialties.data or []))
        profile.goals = list(dict.fromkeys(self.goals.data or []))
        if profile.offers_mentoring:
            profile.offers = list(dict.fromkeys(self.offers.data or []))

    def validate_offers(self, field: CheckboxesField) -> None:
        if len(field.data or []) > MAX_GOALS:
            raise ValidationError(f"Choose at most {MAX_GOALS} things you can help with.")

    def validate_specialties(self, field: CheckboxesField) -> None:
        if len(field.data or []) > MAX_SPECIALTIES:
            raise ValidationError(f"Choose at most {MAX_SPECIALTIES} specialties.")

    def validate_goals(self, field: CheckboxesField) -> None:
        if len(field.data or []) > MAX_GOALS:
            raise ValidationError(f"Choose at most {MAX_GOALS} goals.")


class InterestsForm(Form):
    """Step 3: what you enjoy outside work, as free tags."""

    interests = StringField(
        "Interests",
        filters=[_strip],
        validators=[
            Length(max=1000, message="That's too long: list at most 15 interests."),
            no_control_characters,
        ],
    )

    @classmethod
    def initial(cls, user: User, profile: Profile) -> dict:
        return {"interests": ", ".join(tag.name for tag in profile.interests)}

    def save(self, user: User, profile: Profile) -> None:
        profile.interests = tags_named(parse_tags(self.interests.data or ""))

    def validate_interests(self, field: StringField) -> None:
        tags = parse_tags(field.data or "")
        if len(tags) > MAX_INTERESTS:
            raise ValidationError(f"List at most {MAX_INTERESTS} interests (you have {len(tags)}).")
        too_long = [tag for tag in tags if len(tag) > MAX_TAG_LENGTH]
        if too_long:
            raise ValidationError(
                f"Keep each interest under {MAX_TAG_LENGTH} characters: “{too_long[0][:50]}…”."
            )


class LookingForForm(Form):
    """Step 4: what you hope to find, and how much time you have."""

    looking_for = long_text_field("What I'm looking for", limits.LOOKING_FOR)
    availability_hours = IntegerField(
        "Hours a month you could give to mentoring or meeting peers",
        validators=[
            Optional(),
            NumberRange(
                min=0,
                max=limits.MAX_AVAILABILITY_HOURS,
                message=f"Enter a number of hours from 0 to {limits.MAX_AVAILABILITY_HOURS}.",
            ),
        ],
    )
    meet_in_person = BooleanField("In person")
    meet_video = BooleanField("Video call")
    meet_messages = BooleanField("Messages")
    shows_contributions = BooleanField(
        "Show on my profile how many people I have introduced, mentored and helped"
    )

    @classmethod
    def initial(cls, user: User, profile: Profile) -> dict:
        return {
            "looking_for": profile.looking_for,
            "availability_hours": profile.availability_hours,
            "meet_in_person": profile.meet_in_person,
            "meet_video": profile.meet_video,
            "meet_messages": profile.meet_messages,
            "shows_contributions": profile.shows_contributions,
        }

    def save(self, user: User, profile: Profile) -> None:
        profile.looking_for = self.looking_for.data
        profile.availability_hours = self.availability_hours.data
        profile.meet_in_person = self.meet_in_person.data
        profile.meet_video = self.meet_video.data
        profile.meet_messages = self.meet_messages.data
        profile.shows_contributions = self.shows_contributions.data


class HelpTopicForm(Form):
    """Ask me about: one more practical thing you're glad to help colleagues with."""

    topic = StringField(
        "Something you can help with",
        filters=[_strip],
        # Length and content are checked by profiles/helping.py, which owns the list's rules.
        validators=[InputRequired("Enter something you can help with, like “cannulas”.")],
    )

    def __init__(self, *args: object, profile: Profile, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.profile = profile

    def validate_topic(self, field: StringField) -> None:
        problem = topic_problem(self.profile, clean_label(field.data or ""))
        if problem:
            raise ValidationError(problem)


class HelpWhereForm(Form):
    """Ask me about: where colleagues can find you, and when you're usually around."""

    department = text_field("Department", limits.DEPARTMENT)
    site = text_field("Site", limits.SITE)
    usually_around = text_field("When you're usually around", limits.USUALLY_AROUND)

    @classmethod
    def initial(cls, profile: Profile) -> dict:
        return {
            "department": profile.department,
            "site": profile.site,
            "usually_around": profile.usually_around,
        }

    def save(self, profile: Profile) -> None:
        profile.department = self.department.data
        profile.site = self.site.data
        profile.usually_around = self.usually_around.data
