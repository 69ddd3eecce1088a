"""The admin area's front page, and importing members from a CSV file at /admin/import (admins only)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from mentormatch.core.extensions import db
from mentormatch.core.views import is_htmx, render_fragment
from mentormatch.core.vocabulary import GOALS, REGIONS, SPECIALTIES, STAGES
from mentormatch.importing.rows import COLUMNS, MAX_CAPACITY, MAX_LENGTHS, MIN_CAPACITY
from mentormatch.importing.service import ImportReport, import_members
from mentormatch.importing.validate import UnreadableFile
from mentormatch.profiles.models import MentorStatus, Profile
from mentormatch.rounds.models import MatchingRound
from mentormatch.web.admin import admin_required, bp
from mentormatch.web.admin.forms import ImportForm

# A page listing every problem of a badly broken 8,000-row file helps nobody: the first few
# hundred show what is wrong, and the count says how much.
MAX_PROBLEMS_SHOWN = 500


@bp.get("/")
@admin_required
def index() -> ResponseReturnValue:
    """The admin area: what waits for a decision, and every admin page."""
    waiting = db.session.scalar(
        select(func.count()).select_from(Profile).where(Profile.mentor_status == MentorStatus.PENDING)
    )
    drafts = db.session.scalar(
        select(func.count()).select_from(MatchingRound).where(MatchingRound.status == "draft")
    )
    return render_template("admin/index.html", waiting=waiting, drafts=drafts)


@bp.route("/import", methods=["GET", "POST"])
@admin_required
def import_members_page() -> ResponseReturnValue:
    """Check a member CSV (a dry run) or import it; every problem is listed by line and column."""
    form = ImportForm()
    report: ImportReport | None = None
    if form.validate_on_submit():
        dry_run = not form.run_import.data
        try:
            report = import_members(
                form.file.data.read(),
                dry_run=dry_run,
                approve_mentors=form.approve_mentors.data,
                admin=current_user,
            )
            if report.imported:
                db.session.commit()
        except UnreadableFile as error:
            form.file.errors.append(str(error))
        except IntegrityError:
            db.session.rollback()
            report = None
            form.file.errors.append(
                "Nothing was imported: an account with one of these addresses, or one of the interests, "
                "was created at the same moment. Check the file again."
            )
        if report is not None and report.imported:
            flash(f"{report.summary()} Each of them is sent an invitation to set a password.", "success")
            url = url_for("admin.import_members_page")
            return ("", 204, {"HX-Redirect": url}) if is_htmx() else redirect(url, 303)
    failed = bool(form.errors) or (report is not None and not report.checked.ok)
    context = {
        "form": form,
        "report": report,
        "filename": form.file.data.filename if report else None,
        "problems": report.checked.problems[:MAX_PROBLEMS_SHOWN] if report else [],
        "columns": COLUMNS,
        "max_lengths": MAX_LENGTHS,
        "capacity_range": (MIN_CAPACITY, MAX_CAPACITY),
        "vocabulary": {
            "stage": [s.code for s in STAGES],
            "region": REGIONS,
            "specialties": SPECIALTIES,
            "goals": GOALS,
        },
    }
    status = 422 if failed else 200
    if request.headers.get("HX-Target") == "import-report":
        return render_fragment(
            "admin/_import_report.html",
            status,
            status_message=_announcement(form, report),
            headers={"Vary": "HX-Target"},
            in_fragment=True,
            **context,
        )
    return render_template("admin/import.html", **context), status, {"Vary": "HX-Target"}


def _announcement(form: ImportForm, report: ImportReport | None) -> str:
    """A short status for screen readers when the report is swapped in."""
    if report is None:
        return "The file couldn't be checked." if form.errors else ""
    problems = len(report.checked.problems)
    if problems:
        return f"{problems} problem{'s' if problems != 1 else ''} found: nothing was imported."
    return report.summary()
