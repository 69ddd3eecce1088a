"""Admin forms."""

from __future__ import annotations

from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, SubmitField

from mentormatch.core.forms import Form


class ImportForm(Form):
    """A member CSV, checked first (a dry run), then imported."""

    file = FileField(
        "CSV file",
        validators=[
            FileRequired("Choose a CSV file of members."),
            FileAllowed(
                ["csv"], "Choose a .csv file: in Excel, save the sheet as “CSV UTF-8 (Comma delimited)”."
            ),
        ],
    )
    approve_mentors = BooleanField("Approve the mentors in this file")
    check = SubmitField("Check file")
    run_import = SubmitField("Import")
