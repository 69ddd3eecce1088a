"""What every area's forms share."""

from __future__ import annotations

from flask import request
from flask_wtf import FlaskForm
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from wtforms import FileField


def use_own_ids(form: FlaskForm, stem: str) -> None:
    """Ids of one object's form (`decline-12-reason`), so several open on one page stay unique.

    Names don't change, so posts still work. The error summary's title takes its id from the
    form's prefix; the fields were named when the form was built, so setting it now renames nothing.
    """
    for field in form:
        field.id = f"{stem}-{field.name}"
        field.label.field_id = field.id
    form._prefix = f"{stem}-"


class Form(FlaskForm):
    """Every form of the site: a file sent where text is expected is refused with the field's message.

    Without this a file part reaches a text field's filters and validators as a FileStorage, and the
    request ends in a 500. Only file fields are given the request's files.
    """

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            formdata = super().wrap_formdata(form, formdata)
            if not isinstance(formdata, CombinedMultiDict):
                return formdata
            files, values = request.files, request.form
            wanted = {field.name for field in form._unbound_fields_files()}
            form._file_parts = {name for name in files if name not in wanted}
            kept = MultiDict(values)
            for name in wanted & set(files):
                kept.setlist(name, files.getlist(name))
            return kept

    def _unbound_fields_files(self):
        return [field for field in self if isinstance(field, FileField)]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for name in getattr(self, "_file_parts", ()):
            field = self._fields.get(name)
            if field is not None:  # its own message when it has one (a required field is empty)
                field.errors = list(field.errors) or [
                    f"{field.label.text}: type this in; a file can't go here."
                ]
                valid = False
        return valid
