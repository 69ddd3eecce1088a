"""Account forms. Every one is validated on the server; the templates mirror the limits."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, InputRequired, Length, ValidationError

from mentormatch.accounts.passwords import MAX_LENGTH, password_problem
from mentormatch.core import limits
from mentormatch.core.forms import Form
from mentormatch.core.limits import control_character
from mentormatch.core.vocabulary import stage_choices


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def _normalise_email(value: str | None) -> str | None:
    return value.strip().lower() if isinstance(value, str) else value


def no_control_characters(form: FlaskForm, field: StringField) -> None:
    """Refuse invisible control characters, line breaks included, in a one-line field."""
    if control_character(field.data or ""):
        raise ValidationError("Remove the invisible control characters from this field.")


def no_control_characters_but_line_breaks(form: FlaskForm, field: StringField) -> None:
    """Refuse invisible control characters in a multi-line field; line breaks and tabs are fine."""
    if control_character(field.data or "", multiline=True):
        raise ValidationError("Remove the invisible control characters from this field.")


def email_field(label: str = "Email address") -> EmailField:
    """An email address, trimmed and lower-cased, checked for shape (not deliverability)."""
    return EmailField(
        label,
        filters=[_normalise_email],
        validators=[
            DataRequired("Enter your email address."),
            Length(
                max=limits.EMAIL, message=f"An email address can't be longer than {limits.EMAIL} characters."
            ),
            Email("Enter an email address like name@example.nhs.uk."),
        ],
    )


def new_password_field(label: str) -> PasswordField:
    """A password being chosen; its rules are in password_problem()."""
    # Length is checked by password_problem() so the message can explain what works.
    return PasswordField(label, validators=[InputRequired("Choose a password.")])


def current_password_field(label: str = "Current password") -> PasswordField:
    """The password someone already has, to confirm a sensitive change."""
    return PasswordField(
        label,
        validators=[
            InputRequired("Enter your current password."),
            Length(max=MAX_LENGTH, message="That password is too long."),
        ],
    )


def check_new_password(field: PasswordField, email: str, name: str) -> None:
    """Raise the policy's objection to a new password as a field error."""
    problem = password_problem(field.data or "", email=email, name=name)
    if problem:
        raise ValidationError(problem)


class SignupForm(Form):
    name = StringField(
        "Full name",
        filters=[_strip],
        validators=[
            DataRequired("Enter your name."),
            Length(max=limits.NAME, message=f"Use at most {limits.NAME} characters for your name."),
            no_control_characters,
        ],
    )
    email = email_field()
    password = new_password_field("Password")
    career_stage = SelectField(
        "Career stage",
        choices=[("", "Choose your career stage"), *stage_choices()],
        validators=[InputRequired("Choose your career stage.")],
    )
    accept_terms = BooleanField(
        "I agree to the terms of use and the privacy notice",
        validators=[DataRequired("You need to agree to the terms and privacy notice to join.")],
    )
    digest_opt_in = BooleanField("Email me a digest of new suggested mentors and peers")

    def validate_password(self, field: PasswordField) -> None:
        check_new_password(field, self.email.data or "", self.name.data or "")


class LoginForm(Form):
    email = email_field()
    password = PasswordField(
        "Password",
        validators=[
            InputRequired("Enter your password."),
            Length(max=MAX_LENGTH, message="That password is too long."),
        ],
    )
    remember = BooleanField("Keep me logged in on this device")


class ResetRequestForm(Form):
    email = email_field()


class _AccountPasswordForm(Form):
    """A form that checks a new password against the account's own name and address."""

    def __init__(self, *args, account_email: str = "", account_name: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.account_email = account_email
        self.account_name = account_name


class SetPasswordForm(_AccountPasswordForm):
    """A new password chosen from an emailed link (reset or invitation)."""

    password = new_password_field("New password")

    def validate_password(self, field: PasswordField) -> None:
        check_new_password(field, self.account_email, self.account_name)


class AcceptInvitationForm(SetPasswordForm):
    """An invited person's first password; they agree to the terms themselves, here."""

    accept_terms = BooleanField(
        "I agree to the terms of use and the privacy notice",
        validators=[DataRequired("You need to agree to the terms and privacy notice to join.")],
    )


class ChangePasswordForm(_AccountPasswordForm):
    current_password = current_password_field()
    new_password = new_password_field("New password")

    def validate_new_password(self, field: PasswordField) -> None:
        check_new_password(field, self.account_email, self.account_name)
        if field.data == self.current_password.data:
            raise ValidationError("Choose a password different from your current one.")


class ChangeEmailForm(Form):
    new_email = email_field("New email address")
    current_password = current_password_field()


class PreferencesForm(Form):
    digest_opt_in = BooleanField("Email me a digest of new suggested mentors and peers")


class DeleteAccountForm(Form):
    password = current_password_field("Your password")
    confirm = BooleanField(
        "I understand my account and profile will be deleted and this can't be undone",
        validators=[DataRequired("Tick the box to confirm you want to delete your account.")],
    )
