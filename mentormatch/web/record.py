"""A member's mentoring record for appraisal, /mentoring/record, as a printable page and as a PDF."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from mentormatch.accounts.sessions import verified_required
from mentormatch.mentoring.forms import RecordPeriodForm
from mentormatch.mentoring.record import Period, format_hours, mentoring_record
from mentormatch.mentoring.record_pdf import record_pdf

bp = Blueprint("record", __name__, url_prefix="/mentoring")


def _period_form() -> tuple[RecordPeriodForm, Period | None]:
    """The form as sent and its period (None if invalid). Without a start: the 12 months to the end;
    without an end: to today (or to the start, if that is later)."""
    default = Period.default()
    form = RecordPeriodForm(formdata=request.args)
    if not request.args:
        form.start.data, form.end.data = default.start, default.end
        return form, default
    if not form.validate():
        return form, None
    start, end = form.start.data, form.end.data
    if start is None:
        start = Period.default(end).start if end else default.start
    if end is None:
        end = max(start, default.end)
    form.start.data, form.end.data = start, end
    return form, Period(start, end)


def _page(form: RecordPeriodForm, period: Period | None, status: int = 200) -> ResponseReturnValue:
    record = mentoring_record(current_user._get_current_object(), period) if period else None
    return (
        render_template("mentoring/record.html", form=form, record=record, format_hours=format_hours),
        status,
    )


@bp.get("/record")
@verified_required
def show() -> ResponseReturnValue:
    """Your mentoring over a period, as a page to print for your appraisal."""
    form, period = _period_form()
    return _page(form, period, 200 if period else 422)


@bp.get("/record.pdf")
@verified_required
def pdf() -> ResponseReturnValue:
    """The same record as a PDF download; bad dates show the page with the form's message."""
    form, period = _period_form()
    if period is None:
        return _page(form, None, 422)
    record = mentoring_record(current_user._get_current_object(), period)
    filename = f"mentoring-record-{period.start.isoformat()}-to-{period.end.isoformat()}.pdf"
    return Response(
        record_pdf(record),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )
