"""The append-only audit log: who did what to whom or what, when, and the state before and after.

Every action an admin (or a command run on the server) takes calls `record(admin, action, subject,
before, after)` in the transaction of the action itself, so an action that rolls back leaves no
entry and one that commits always has one. Entries are never changed or deleted: `install_guards`
(called by create_app) makes the session and every connection refuse it. The admin area only
shows the log (web/admin/audit.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, String, event, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship
from sqlalchemy.sql.dml import Delete, Update

from mentormatch.core.database import UTCDateTime, utcnow
from mentormatch.core.extensions import db

if TYPE_CHECKING:
    from mentormatch.accounts.models import User

MEMBER = "member"  # an account's subject type (User.__audit_subject__); other areas name their own

# What each action is called on the page; an action not listed here shows its code.
# Each area that records actions names them here (describe_actions) when its module is loaded.
ACTION_LABELS: dict[str, str] = {}


def describe_actions(labels: dict[str, str]) -> None:
    """Name actions for the audit page: {"mentor.approve": "Approved a mentor", …}."""
    ACTION_LABELS.update(labels)


class AuditEntry(db.Model):
    """One admin action: who, what, to whom or what, when, and the state before and after it."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # None for actions with no admin behind them (a command run on the server).
    admin_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    # Who acted when no admin did: the command run on the server ("flask users import").
    actor: Mapped[str | None] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(60), index=True)
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[str | None] = mapped_column(String(40))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    admin: Mapped[User | None] = relationship("User")

    @property
    def actor_name(self) -> str:
        """Who did it, as the log shows it."""
        if self.admin is not None:
            return self.admin.display_name
        return f"Command line ({self.actor})" if self.actor else "The system"

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
    *,
    actor: str | None = None,
) -> AuditEntry:
    """Add an entry to the caller's transaction. `subject` is a User, a (type, id) pair or a model row.

    An action no admin took (a command run on the server) names its `actor` instead.
    """
    subject_type, subject_id = _subject_key(subject)
    entry = AuditEntry(
        admin_id=admin.id if admin is not None else None,
        actor=actor,
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
    if isinstance(subject, tuple):
        kind, key = subject
        return str(kind), None if key is None else str(key)
    # A model may name its own subject type (an account is a "member"), else its class name.
    named = getattr(type(subject), "__audit_subject__", None)
    mapper = db.inspect(subject).mapper
    if named:
        return named, "-".join(str(part) for part in mapper.primary_key_from_instance(subject))
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


def _refuse_changes(session: Session, flush_context, instances) -> None:
    """An entry, once written, is never changed or deleted through the ORM."""
    for entry in session.deleted:
        if isinstance(entry, AuditEntry):
            raise AuditLogIsAppendOnly("Audit entries can't be deleted.")
    for entry in session.dirty:
        if isinstance(entry, AuditEntry) and session.is_modified(entry):
            raise AuditLogIsAppendOnly("Audit entries can't be changed.")


def _refuse_statements(connection, statement, multiparams, params, execution_options) -> None:
    """Nor by an UPDATE or DELETE statement, through the session or straight on a connection."""
    if isinstance(statement, Update | Delete) and getattr(statement.table, "name", None) == "audit_entry":
        raise AuditLogIsAppendOnly("Audit entries can't be changed or deleted.")


def install_guards() -> None:
    """Make every session and connection refuse to change or delete an entry (once per process)."""
    if not event.contains(Session, "before_flush", _refuse_changes):
        event.listen(Session, "before_flush", _refuse_changes)
    if not event.contains(Engine, "before_execute", _refuse_statements):
        event.listen(Engine, "before_execute", _refuse_statements)
