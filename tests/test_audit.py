"""The audit log: append-only entries, the /admin/audit page with filters, and its CSV export."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest
from sqlalchemy import delete, select, update

from mentormatch.accounts.models import User
from mentormatch.core.audit import AuditEntry, AuditLogIsAppendOnly, record
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from tests.factories import make_member
from tests.helpers import ROLES, log_in

HTMX = {"HX-Request": "true"}


def entries(app) -> list[tuple[str, dict | None, dict | None]]:
    with app.app_context():
        rows = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        return [(row.action, row.before, row.after) for row in rows]


@pytest.fixture
def logged(app):
    """Two admins, a member, and three entries: two by Ada about the member, one by Bea, last week."""
    ada = make_member(app, "Ada Admin", email="ada@programme.org", admin=True, profile=False)
    bea = make_member(app, "Bea Admin", email="bea@programme.org", admin=True, profile=False)
    member = make_member(app, "Dr Kofi Osei", stage="consultant", mentor=True)
    with app.app_context():
        ada_user, bea_user, member_user = (db.session.get(User, i) for i in (ada, bea, member))
        record(
            ada_user,
            "mentor.approve",
            member_user,
            {"mentor_status": "pending"},
            {"mentor_status": "approved"},
        )
        record(
            ada_user,
            "mentor.suspend",
            member_user,
            {"mentor_status": "approved"},
            {"mentor_status": "suspended", "reason": '=HYPERLINK("http://evil")'},
        )
        old = record(bea_user, "example.publish", ("example", 7), None, {"pairs": 12})
        old.created_at = utcnow() - timedelta(days=7)
        db.session.commit()
    return {"ada": ada, "bea": bea, "member": member}


def test_entries_cant_be_changed_or_deleted(app, logged):
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).first()
        entry.after = {"mentor_status": "rejected"}
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.flush()
        db.session.rollback()

        entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).first()
        db.session.delete(entry)
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.flush()
        db.session.rollback()

        with pytest.raises(AuditLogIsAppendOnly):
            db.session.execute(update(AuditEntry).values(action="nothing"))
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.execute(delete(AuditEntry))
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.execute(delete(AuditEntry.__table__))
        db.session.rollback()
        with db.engine.begin() as connection, pytest.raises(AuditLogIsAppendOnly):
            connection.execute(update(AuditEntry.__table__).values(action="nothing"))
    assert [action for action, _, _ in entries(app)] == [
        "mentor.approve",
        "mentor.suspend",
        "example.publish",
    ]
    assert entries(app)[0][2] == {"mentor_status": "approved"}


def test_an_entry_is_written_with_the_action_or_not_at_all(app):
    admin = make_member(app, "Ada Admin", email="ada@programme.org", admin=True, profile=False)
    with app.app_context():
        record(db.session.get(User, admin), "mentor.approve", ("member", 1), {"a": 1}, {"a": 2})
        db.session.rollback()
    assert entries(app) == []


def admin_client(app, email="ada@programme.org"):
    client = app.test_client()
    assert log_in(client, email).status_code == 303
    return client


def test_the_log_shows_who_did_what_to_whom_with_before_and_after(app, logged):
    client = admin_client(app)
    page = client.get("/admin/audit").get_data(as_text=True).split("<tbody>")[1]
    assert page.index("Suspended a mentor") < page.index("Approved a mentor") < page.index("example.publish")
    assert "Ada Admin" in page and "Bea Admin" in page and "Dr Kofi Osei" in page
    assert "mentor status: pending → approved" in page
    assert "mentor status: approved → suspended" in page and "reason: — → =HYPERLINK" in page
    assert "example 7" in page and "pairs: — → 12" in page
    assert "<strong>3 entries</strong>" in client.get("/admin/audit").get_data(as_text=True)


def test_the_log_filters_by_action_admin_subject_and_dates(app, logged):
    client = admin_client(app)

    def actions(query: str) -> list[str]:
        response = client.get(f"/admin/audit?{query}", headers={**HTMX, "HX-Target": "audit-results"})
        assert response.status_code == 200 and "<html" not in response.get_data(as_text=True)
        text = response.get_data(as_text=True).split("<tbody>")[-1]
        found = [
            ("Approved a mentor", "approve"),
            ("Suspended a mentor", "suspend"),
            ("example.publish", "publish"),
        ]
        return [short for label, short in found if label in text]

    assert actions("") == ["approve", "suspend", "publish"]
    assert actions("action=mentor.suspend") == ["suspend"]
    assert actions(f"admin={logged['bea']}") == ["publish"]
    assert actions(f"subject=member:{logged['member']}") == ["approve", "suspend"]
    today = utcnow().date()
    assert actions(f"since={today.isoformat()}") == ["approve", "suspend"]
    assert actions(f"until={(today - timedelta(days=1)).isoformat()}") == ["publish"]
    assert actions("since=not-a-date&admin=x") == ["approve", "suspend", "publish"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("admin=\u00b2", ["approve", "suspend", "publish"]),  # "²".isdigit(), but int() refuses it
        ("admin=99999999999", ["approve", "suspend", "publish"]),  # beyond an INTEGER column
        ("until=9999-12-31", ["approve", "suspend", "publish"]),  # the last day there is: no upper bound
        ("since=0001-01-01&until=9999-12-31", ["approve", "suspend", "publish"]),
        ("action=mentor.suspend\x00", ["approve", "suspend", "publish"]),  # PostgreSQL can't take a NUL
        ("subject=member:\x00", ["approve", "suspend", "publish"]),
    ],
)
def test_a_filter_no_entry_can_match_is_ignored_not_an_error(app, logged, query, expected):
    """Odd values (hand-made URLs) are dropped like a date that isn't one; the page still answers."""
    client = admin_client(app)
    for path in ("/admin/audit", "/admin/audit.csv"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 200, path
    text = client.get(f"/admin/audit?{query}").get_data(as_text=True).split("<tbody>")[-1]
    labels = {"approve": "Approved a mentor", "suspend": "Suspended a mentor", "publish": "example.publish"}
    assert [short for short, label in labels.items() if label in text] == expected


@pytest.mark.parametrize(
    ("page", "status"), [("99999999999999999999", 200), ("\u00b2", 200), ("2147483647", 404), ("2", 404)]
)
def test_a_page_number_beyond_any_offset_is_the_first_page_or_not_found(app, logged, page, status):
    response = admin_client(app).get("/admin/audit", query_string={"page": page})
    assert response.status_code == status
    if status == 200:
        assert "<strong>3 entries</strong>" in response.get_data(as_text=True)


def test_the_csv_export_has_every_entry_of_the_filters_and_is_safe_to_open(app, logged):
    client = admin_client(app)
    response = client.get("/admin/audit.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="audit-')
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [row["action"] for row in rows] == ["example.publish", "mentor.approve", "mentor.suspend"]
    approve = rows[1]
    assert (approve["admin"], approve["subject_type"], approve["subject"]) == (
        "Ada Admin",
        "member",
        "Dr Kofi Osei",
    )
    assert json.loads(approve["before"]) == {"mentor_status": "pending"}
    assert json.loads(approve["after"]) == {"mentor_status": "approved"}
    # A spreadsheet must not run what someone typed as a formula.
    assert json.loads(rows[2]["after"])["reason"] == '=HYPERLINK("http://evil")'
    assert rows[0]["subject_id"] == "7"

    filtered = client.get(f"/admin/audit.csv?admin={logged['bea']}").get_data(as_text=True)
    assert [row["action"] for row in csv.DictReader(io.StringIO(filtered))] == ["example.publish"]


def test_a_cell_starting_like_a_formula_is_quoted(app):
    admin = make_member(app, "=cmd|' /C calc'!A0", email="ada@programme.org", admin=True, profile=False)
    with app.app_context():
        record(db.session.get(User, admin), "-danger", ("thing", "@1"), None, None)
        db.session.commit()
    text = admin_client(app).get("/admin/audit.csv").get_data(as_text=True)
    [row] = list(csv.DictReader(io.StringIO(text)))
    assert row["admin"] == "'=cmd|' /C calc'!A0"
    assert (row["action"], row["subject_id"]) == ("'-danger", "'@1")


AUDIT_PAGES = ["/admin/audit", "/admin/audit?action=mentor.approve", "/admin/audit.csv"]


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", AUDIT_PAGES)
def test_only_admins_read_the_audit_log(client, login_as, role, path, htmx):
    login_as(role)
    headers = {**HTMX, "HX-Target": "audit-results"} if htmx else {}
    response = client.get(path, headers=headers)
    if role == "anonymous":
        assert response.status_code == (401 if htmx else 302)
    else:
        assert response.status_code == {"unverified": 403, "member": 403, "admin": 200}[role]
    if htmx and response.status_code in (401, 403):
        assert "<html" not in response.get_data(as_text=True)
