"""The digest preference on /settings: weekly, daily or never."""

from __future__ import annotations

from wtforms import RadioField
from wtforms.validators import InputRequired

from mentormatch.core.forms import Form
from mentormatch.digests.periods import DAILY, NEVER, WEEKLY

FREQUENCY_CHOICES = [
    (WEEKLY, "Weekly: one email a week at most"),
    (DAILY, "Daily: one email a day at most"),
    (NEVER, "Never"),
]


class DigestPreferencesForm(Form):
    digest_frequency = RadioField(
        "Digest emails of new suggested mentors and peers, requests and connections",
        choices=FREQUENCY_CHOICES,
        validators=[InputRequired("Choose how often you'd like a digest.")],
    )


def current_frequency(user) -> str:
    """What the form shows: the frequency while opted in, else never."""
    return user.digest_frequency if user.digest_opt_in else NEVER
