"""The audit log at /admin/audit, with filters and a CSV export (the log itself: core/audit.py)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import Response, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from mentormatch.accounts.models import User
from mentormatch.core.audit import ACTION_LABELS, MEMBER, AuditEntry
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.core.ids import parse_id, parse_page
from mentormatch.core.limits import control_character
from mentormatch.core.views import render_fragment
from mentormatch.web.admin import admin_required, bp

PER_PAGE = 50


# --- the page --------------------------------------------------------------------------------------


def _date_arg(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


def _text_arg(name: str, length: int) -> str:
    """A text filter; one with control characters (a NUL PostgreSQL can't even compare) is dropped,
    like any other filter that can't match."""
    value = request.args.get(name, "").strip()[:length]
    return "" if control_character(value) else value


def _filters() -> dict[str, Any]:
    return {
        "action": _text_arg("action", 60),
        "admin": parse_id(request.args.get("admin")),
        "subject": _text_arg("subject", 80),
        "since": _date_arg("since"),
        "until": _date_arg("until"),
    }


def audit_entries(filters: dict[str, Any]) -> Select:
    """Entries matching the filters, newest first."""
    query = (
        select(AuditEntry)
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
        .options(selectinload(AuditEntry.admin))
    )
    if filters["action"]:
        query = query.where(AuditEntry.action == filters["action"])
    if filters["admin"] is not None:
        query = query.where(AuditEntry.admin_id == filters["admin"])
    if filters["subject"]:  # 'member:12'
        subject_type, _, subject_id = filters["subject"].partition(":")
        query = query.where(AuditEntry.subject_type == subject_type, AuditEntry.subject_id == subject_id)
    if filters["since"]:
        query = query.where(AuditEntry.created_at >= datetime.combine(filters["since"], time(), UTC))
    if filters["until"] and filters["until"] < date.max:  # "until 9999-12-31" is no upper bound
        end = datetime.combine(filters["until"] + timedelta(days=1), time(), UTC)
        query = query.where(AuditEntry.created_at < end)
    return query


def _subjects(entries: list[AuditEntry]) -> dict[str, User]:
    """The members the entries are about, by id (a deleted member shows as 'Former member')."""
    ids = {int(e.subject_id) for e in entries if e.subject_type == MEMBER and (e.subject_id or "").isdigit()}
    if not ids:
        return {}
    return {str(user.id): user for user in db.session.scalars(select(User).where(User.id.in_(ids)))}


def _filter_choices() -> dict[str, list[tuple[str, str]]]:
    actions = db.session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action))
    admins = db.session.scalars(
        select(User).where(User.id.in_(select(AuditEntry.admin_id).distinct())).order_by(User.name)
    )
    return {
        "actions": [(action, ACTION_LABELS.get(action, action)) for action in actions],
        "admins": [(str(user.id), user.display_name) for user in admins],
    }


@bp.get("/audit")
@admin_required
def audit_log() -> ResponseReturnValue:
    """Every admin action, newest first, filtered by action, admin, subject and dates."""
    filters = _filters()
    page = db.paginate(
        audit_entries(filters),
        page=parse_page(request.args.get("page")),
        per_page=PER_PAGE,
        max_per_page=PER_PAGE,
    )
    args = {key: value for key, value in request.args.items() if key != "page" and value}
    context = {"page": page, "filters": filters, "page_args": args, "subjects": _subjects(page.items)}
    headers = {"Vary": "HX-Target"}
    if request.headers.get("HX-Target") == "audit-results":
        return render_fragment("admin/_audit_results.html", headers=headers, **context)
    return render_template("admin/audit.html", **context, **_filter_choices()), 200, headers


CSV_COLUMNS = [
    "time",
    "admin_id",
    "admin",
    "action",
    "subject_type",
    "subject_id",
    "subject",
    "before",
    "after",
]


def _cell(value: object) -> str:
    """A CSV cell a spreadsheet won't run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@bp.get("/audit.csv")
@admin_required
def audit_export() -> ResponseReturnValue:
    """The filtered log as CSV, one row per entry, oldest first (before and after as JSON)."""
    query = audit_entries(_filters()).order_by(None).order_by(AuditEntry.created_at, AuditEntry.id)
    entries = list(db.session.scalars(query))
    subjects = _subjects(entries)

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for entry in entries:
        subject = subjects.get(entry.subject_id or "") if entry.subject_type == MEMBER else None
        writer.writerow(
            _cell(value)
            for value in (
                entry.created_at.isoformat(timespec="seconds"),
                entry.admin_id,
                entry.actor_name if entry.admin or entry.actor else "",
                entry.action,
                entry.subject_type,
                entry.subject_id,
                subject.display_name if subject else "",
                json.dumps(entry.before, ensure_ascii=False, sort_keys=True) if entry.before else "",
                json.dumps(entry.after, ensure_ascii=False, sort_keys=True) if entry.after else "",
            )
        )

    filename = f"audit-{utcnow():%Y-%m-%d}.csv"
    return Response(
        buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
