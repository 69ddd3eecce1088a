"""What every area's forms share."""

from __future__ import annotations

from flask_wtf import FlaskForm


def use_own_ids(form: FlaskForm, stem: str) -> None:
    """Ids of one object's form (`decline-12-reason`), so several open on one page stay unique.

    Names don't change, so posts still work. The error summary's title takes its id from the
    form's prefix; the fields were named when the form was built, so setting it now renames nothing.
    """
    for field in form:
        field.id = f"{stem}-{field.name}"
        field.label.field_id = field.id
    form._prefix = f"{stem}-"
