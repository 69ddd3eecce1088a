"""The append-only audit log of admin actions, at /admin/audit, with filters and a CSV export.

Every admin action calls `record(admin, action, subject, before, after)` in the transaction of the
action itself, so an action that rolls back leaves no entry and one that commits always has one.
Entries are never changed or deleted: the session refuses it (see `_refuse_changes`).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import Response, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy import JSON, ForeignKey, Select, String, event, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship, selectinload
from sqlalchemy.sql.dml import Delete, Update

from mentormatch.accounts.models import User
from mentormatch.core.database import UTCDateTime, utcnow
from mentormatch.core.extensions import db
from mentormatch.core.ids import parse_id
from mentormatch.core.limits import control_character
from mentormatch.core.views import render_fragment
from mentormatch.web.admin import admin_required, bp

PER_PAGE = 50
MEMBER = "member"  # the subject type for an account; other areas name their own ("round", …)

# What each action is called on the page; an action not listed here shows its code.
ACTION_LABELS: dict[str, str] = {
    "mentor.approve": "Approved a mentor",
    "mentor.reject": "Turned down a mentor application",
    "mentor.suspend": "Suspended a mentor",
    "mentor.reinstate": "Reinstated a mentor",
}


class AuditEntry(db.Model):
    """One admin action: who, what, to whom or what, when, and the state before and after it."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # None for actions with no admin behind them (a command run on the server).
    admin_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    action: Mapped[str] = mapped_column(String(60), index=True)
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[str | None] = mapped_column(String(40))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    admin: Mapped[User | None] = relationship()

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)

    def changes(self) -> list[tuple[str, Any, Any]]:
        """(field, before, after) for every field either side mentions, in a stable order."""
        before, after = self.before or {}, self.after or {}
        keys = list(dict.fromkeys([*before, *after]))
        return [(key, before.get(key), after.get(key)) for key in keys]


class AuditLogIsAppendOnly(Exception):
    """Someone tried to change or delete an audit entry."""


def record(
    admin: User | None,
    action: str,
    subject: object,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add an entry to the caller's transaction. `subject` is a User, a (type, id) pair or a model row."""
    subject_type, subject_id = _subject_key(subject)
    entry = AuditEntry(
        admin_id=admin.id if admin is not None else None,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        before=before,
        after=after,
        created_at=utcnow(),
    )
    db.session.add(entry)
    return entry


def _subject_key(subject: object) -> tuple[str, str | None]:
    if isinstance(subject, User):
        return MEMBER, str(subject.id)
    if isinstance(subject, tuple):
        kind, key = subject
        return str(kind), None if key is None else str(key)
    mapper = db.inspect(subject).mapper
    identity = mapper.primary_key_from_instance(subject)
    return mapper.class_.__name__.lower(), "-".join(str(part) for part in identity)


def last_entry(action: str, subject: object) -> AuditEntry | None:
    """The newest entry of this action about this subject (who did it, and when)."""
    subject_type, subject_id = _subject_key(subject)
    return db.session.scalar(
        select(AuditEntry)
        .where(
            AuditEntry.action == action,
            AuditEntry.subject_type == subject_type,
            AuditEntry.subject_id == subject_id,
        )
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )


@event.listens_for(Session, "before_flush")
def _refuse_changes(session: Session, flush_context, instances) -> None:
    """An entry, once written, is never changed or deleted through the ORM."""
    for entry in session.deleted:
        if isinstance(entry, AuditEntry):
            raise AuditLogIsAppendOnly("Audit entries can't be deleted.")
    for entry in session.dirty:
        if isinstance(entry, AuditEntry) and session.is_modified(entry):
            raise AuditLogIsAppendOnly("Audit entries can't be changed.")


@event.listens_for(Engine, "before_execute")
def _refuse_statements(connection, statement, multiparams, params, execution_options) -> None:
    """Nor by an UPDATE or DELETE statement, through the session or straight on a connection."""
    if isinstance(statement, Update | Delete) and getattr(statement.table, "name", None) == "audit_entry":
        raise AuditLogIsAppendOnly("Audit entries can't be changed or deleted.")


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
    number = parse_id(request.args.get("page")) or 1  # a page number past any offset the database takes is 1
    page = db.paginate(audit_entries(filters), page=number, per_page=PER_PAGE, max_per_page=PER_PAGE)
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
                entry.admin.display_name if entry.admin else "",
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
