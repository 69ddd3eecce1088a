"""The app as a whole: configuration, database settings, health check, migrations, layout, access."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import os
import re
import uuid
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from mentormatch import create_app
from mentormatch.accounts.models import User
from mentormatch.core.database import alembic_include_object
from mentormatch.core.extensions import db
from mentormatch.core.htmx import HTMX_INTEGRITY, HTMX_URL, HTMX_VERSION
from mentormatch.core.writes import WriteCount
from mentormatch.mentors.models import MentorApplication
from mentormatch.profiles.models import Profile, ProfileSpecialty
from tests.conftest import POSTGRES_URL, make_test_config
from tests.helpers import ROLES, token_for

ROOT = Path(__file__).resolve().parent.parent
HTMX_FILE = ROOT / "node_modules" / "htmx.org" / "dist" / "htmx.min.js"


# --- configuration ----------------------------------------------------------------------------


@pytest.mark.parametrize("key", [None, "", "dev", "change-me", "short"])
def test_refuses_to_start_without_a_real_secret_key(tmp_path, key):
    config = {
        **make_test_config(f"sqlite:///{tmp_path / 'x.db'}", tmp_path),
        "TESTING": False,
        "SECRET_KEY": key,
    }
    with pytest.raises(RuntimeError, match="needs a real SECRET_KEY"):
        create_app(config)


def test_starts_with_a_real_secret_key(tmp_path):
    config = {**make_test_config(f"sqlite:///{tmp_path / 'x.db'}", tmp_path), "TESTING": False}
    assert create_app(config).config["SECRET_KEY"] == "test-secret-key-0123456789abcdef"


def test_settings_come_from_prefixed_environment_variables(monkeypatch, tmp_path):
    monkeypatch.setenv("MENTORMATCH_SECRET_KEY", "x" * 40)
    monkeypatch.setenv("MENTORMATCH_SQLALCHEMY_DATABASE_URI", f"sqlite:///{tmp_path / 'env.db'}")
    monkeypatch.setenv("MENTORMATCH_MAIL_PORT", "2525")
    monkeypatch.setenv("MENTORMATCH_MAIL_USE_TLS", "true")
    monkeypatch.setenv("MENTORMATCH_BASE_URL", "https://mentors.example.org")

    app = create_app()

    assert app.config["SECRET_KEY"] == "x" * 40
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("env.db")
    assert app.config["MAIL_PORT"] == 2525 and app.config["MAIL_USE_TLS"] is True
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["MAIL_BACKEND"] == "file"
    assert app.config["MAIL_FILE_DIR"] == str(Path(app.instance_path) / "mail")


def test_defaults_then_instance_config_then_environment(monkeypatch, tmp_path):
    """Settings load in order: defaults, instance/config.py, MENTORMATCH_* variables."""
    from flask import Flask

    from mentormatch.core.config import load_config

    (tmp_path / "config.py").write_text('SECRET_KEY = "k" * 40\nMAIL_PORT = 587\nMAIL_SERVER = "smtp.file"\n')
    monkeypatch.setenv("MENTORMATCH_MAIL_SERVER", "smtp.env")
    for name in [
        name for name in os.environ if name.startswith("MENTORMATCH_") and name != "MENTORMATCH_MAIL_SERVER"
    ]:
        monkeypatch.delenv(name)
    app = Flask("mentormatch", instance_path=str(tmp_path), instance_relative_config=True)

    load_config(app, None)

    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/mentormatch.sqlite3"
    assert app.config["MAIL_FILE_DIR"] == str(tmp_path / "mail")
    assert app.config["MAIL_BACKEND"] == "file" and app.config["BASE_URL"] == "http://127.0.0.1:5000"
    assert app.config["MAIL_PORT"] == 587  # from the file
    assert app.config["MAIL_SERVER"] == "smtp.env"  # the variable wins over the file
    assert app.config["SECRET_KEY"] == "k" * 40


def test_the_app_lives_beside_its_instance_folder(tmp_path):
    assert Path(create_app(make_test_config("sqlite://", tmp_path)).instance_path) == ROOT / "instance"


def test_sqlite_runs_with_foreign_keys_wal_and_a_busy_timeout(make_app, database_url_kind):
    if database_url_kind != "sqlite":
        return  # the pragmas are SQLite's; PostgreSQL has these behaviours natively
    app = make_app()
    with app.app_context():
        pragma = {
            name: db.session.execute(text(f"PRAGMA {name}")).scalar()
            for name in ("foreign_keys", "journal_mode", "busy_timeout")
        }
    assert pragma == {"foreign_keys": 1, "journal_mode": "wal", "busy_timeout": 5000}


# --- health check -----------------------------------------------------------------------------


def test_healthz_answers_when_the_database_does(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:////nonexistent-folder/mentormatch.sqlite3",
        "postgresql+psycopg://postgres@127.0.0.1:9/none?connect_timeout=2",
    ],
    ids=["sqlite", "postgresql"],
)
def test_healthz_is_503_when_the_database_is_unreachable(tmp_path, url):
    app = create_app(make_test_config(url, tmp_path))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "unreachable"}


# --- migrations -------------------------------------------------------------------------------


def _assert_migrations_match_models(url: str, tmp_path, **engine_options) -> None:
    app = create_app(make_test_config(url, tmp_path, SQLALCHEMY_ENGINE_OPTIONS=engine_options))
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": alembic_include_object})
        differences = compare_metadata(context, db.metadata)
        version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        inspector = inspect(connection)
        if connection.dialect.name == "sqlite":
            assert "profile_fts" in inspector.get_table_names()
        else:
            assert "search_vector" in {column["name"] for column in inspector.get_columns("profile")}
    assert differences == [], "the models and the migrations disagree; run flask db migrate"
    assert version is not None
    downgrade = app.test_cli_runner().invoke(args=["db", "downgrade", "base"])
    assert downgrade.exit_code == 0, downgrade.output
    with app.app_context():
        db.engine.dispose()


def test_migration_0005_gives_each_waiting_mentor_an_application_once(tmp_path):
    """The queue no longer makes missing applications when it is loaded: the migration makes them."""
    app = create_app(make_test_config(f"sqlite:///{tmp_path / 'old.db'}", tmp_path))
    cli = app.test_cli_runner()
    assert cli.invoke(args=["db", "upgrade", "0004"]).exit_code == 0
    # Profiles go in as rows of the columns they had then (later migrations add some). Today's code
    # counts every commit in the write count's table (0013), which stands in until the upgrade.
    with app.app_context():
        WriteCount.__table__.create(db.engine)
        people = [
            User(email=f"old{number}@example.org", name="Dr Old", career_stage="consultant")
            for number in range(3)
        ]
        db.session.add_all(people)
        db.session.flush()
        db.session.execute(
            Profile.__table__.insert(),
            [
                {
                    "user_id": person.id,
                    "offers_mentoring": True,
                    "mentor_status": status,
                    "mentor_capacity": 3,
                    "registration_number": "1234567",
                }
                for person, status in zip(people, ("pending", "approved", "pending"), strict=True)
            ],
        )
        db.session.execute(
            ProfileSpecialty.__table__.insert().values(user_id=people[0].id, code="cardiology")
        )
        db.session.add(
            MentorApplication(
                applicant_id=people[2].id,
                career_stage="consultant",
                registration_body="GMC",
                registration_number="1234567",
                specialties=[],
                offers=[],
                capacity=3,
                hours_a_month=2,
                statement="Hello",
            )
        )
        db.session.commit()
        first, third = people[0].id, people[2].id
        WriteCount.__table__.drop(db.engine)
        db.engine.dispose()
    assert cli.invoke(args=["db", "upgrade"]).exit_code == 0
    with app.app_context(), db.engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT applicant_id, source, specialties, capacity, registration_body"
                " FROM mentor_application"
            )
        ).all()
        db.engine.dispose()
    assert sorted(tuple(row) for row in rows) == sorted(
        [(third, "form", "[]", 3, "GMC"), (first, "profile", '["cardiology"]', 3, "GMC")]
    )


def test_migrations_build_the_same_schema_as_the_models_on_sqlite(tmp_path):
    _assert_migrations_match_models(f"sqlite:///{tmp_path / 'migrated.db'}", tmp_path)


@pytest.mark.skipif(not POSTGRES_URL, reason="set TEST_DATABASE_URL to check migrations on PostgreSQL")
def test_migrations_build_the_same_schema_as_the_models_on_postgresql(tmp_path):
    schema = f"migration_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        _assert_migrations_match_models(
            POSTGRES_URL, tmp_path, connect_args={"options": f"-csearch_path={schema}"}
        )
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


# --- htmx and the layout ----------------------------------------------------------------------


def test_htmx_is_pinned_in_one_place_and_matches_the_npm_package():
    package = json.loads((ROOT / "package.json").read_text())
    lock = json.loads((ROOT / "package-lock.json").read_text())
    assert package["devDependencies"]["htmx.org"] == HTMX_VERSION
    assert lock["packages"]["node_modules/htmx.org"]["version"] == HTMX_VERSION
    assert HTMX_URL.endswith(f"htmx.org@{HTMX_VERSION}/dist/htmx.min.js")
    assert HTMX_VERSION.startswith("2.0.")
    if not HTMX_FILE.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("node_modules/htmx.org is missing: run npm ci")
        pytest.skip("run npm ci to check the SRI hash against the npm package")
    digest = base64.b64encode(hashlib.sha384(HTMX_FILE.read_bytes()).digest()).decode()
    assert f"sha384-{digest}" == HTMX_INTEGRITY


def test_the_layout_is_accessible_and_loads_htmx_safely(client):
    page = client.get("/").get_data(as_text=True)

    htmx_tag = f'<script src="{HTMX_URL}" integrity="{HTMX_INTEGRITY}" crossorigin="anonymous"'
    assert htmx_tag in page
    config = json.loads(
        html.unescape(re.search(r"<meta name=\"htmx-config\" content='([^']+)'>", page).group(1))
    )
    assert config["allowEval"] is False and config["includeIndicatorStyles"] is False
    assert page.index('class="skip-link" href="#main"') < page.index("<header")
    for landmark in ("<header", '<nav aria-label="Main"', '<main id="main"', "<footer"):
        assert landmark in page
    assert page.count('aria-live="polite"') == 1
    assert "style=" not in page and "<style" not in page  # the CSP allows no inline styles
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, flags=re.S)
    assert len(scripts) == 2
    assert all(" src=" in attributes and not body.strip() for attributes, body in scripts)  # nothing inline
    assert '<html lang="en-GB">' in page


def test_every_form_field_has_a_label(client, login_as):
    pages = [
        client.get(path).get_data(as_text=True) for path in ("/auth/signup", "/auth/login", "/auth/reset")
    ]
    login_as("member")
    pages.append(client.get("/settings").get_data(as_text=True))
    for path, page in zip(("/auth/signup", "/auth/login", "/auth/reset", "/settings"), pages, strict=True):
        ids = re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', page)
        assert ids, path
        for field_id in ids:
            if field_id.endswith("csrf_token"):
                continue
            assert f'for="{field_id}"' in page, f"{path}: #{field_id} has no label"


def test_the_landing_page_says_who_it_is_for(client):
    page = client.get("/").get_data(as_text=True)
    for audience in ("Medical students", "Junior doctors", "Senior clinicians", "Programme admins"):
        assert audience in page
    assert 'href="/auth/signup"' in page and 'href="/auth/login"' in page


# --- access matrix ----------------------------------------------------------------------------
# Every page × every role. Later features add their rows here. "login" means: sent to log in
# (302 for a page, 401 with HX-Redirect for an htmx request).

ACCESS = {
    ("GET", "/"): dict.fromkeys(ROLES, 200),
    ("GET", "/privacy"): dict.fromkeys(ROLES, 200),
    ("GET", "/terms"): dict.fromkeys(ROLES, 200),
    ("GET", "/healthz"): dict.fromkeys(ROLES, 200),
    ("GET", "/auth/signup"): {"anonymous": 200, "unverified": 303, "member": 303, "admin": 303},
    ("GET", "/auth/login"): {"anonymous": 200, "unverified": 303, "member": 303, "admin": 303},
    ("GET", "/settings"): {"anonymous": "login", "unverified": 200, "member": 200, "admin": 200},
    ("GET", "/settings/export"): {"anonymous": "login", "unverified": 200, "member": 200, "admin": 200},
    ("POST", "/settings/password"): {"anonymous": "login", "unverified": 422, "member": 422, "admin": 422},
    ("POST", "/settings/email"): {"anonymous": "login", "unverified": 422, "member": 422, "admin": 422},
    ("POST", "/settings/delete"): {"anonymous": "login", "unverified": 422, "member": 422, "admin": 422},
    ("POST", "/auth/verify/resend"): {"anonymous": "login", "unverified": 303, "member": 303, "admin": 303},
    ("GET", "/people"): {"anonymous": "login", "unverified": 403, "member": 200, "admin": 200},
    ("GET", "/profile/about"): {"anonymous": "login", "unverified": 200, "member": 200, "admin": 200},
    ("POST", "/profile/about"): {"anonymous": "login", "unverified": 422, "member": 422, "admin": 422},
    ("GET", "/admin/"): {"anonymous": "login", "unverified": 403, "member": 403, "admin": 200},
    ("GET", "/admin/import"): {"anonymous": "login", "unverified": 403, "member": 403, "admin": 200},
    ("POST", "/admin/import"): {"anonymous": "login", "unverified": 403, "member": 403, "admin": 422},
    ("GET", "/mentoring/record"): {"anonymous": "login", "unverified": 403, "member": 200, "admin": 200},
    ("GET", "/mentoring/record.pdf"): {"anonymous": "login", "unverified": 403, "member": 200, "admin": 200},
    ("GET", "/mentoring/record?end=not-a-date"): {
        "anonymous": "login",
        "unverified": 403,
        "member": 422,
        "admin": 422,
    },
    ("GET", "/profile/tags?interests=cy"): {
        "anonymous": "login",
        "unverified": 200,
        "member": 200,
        "admin": 200,
    },
}


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "path"), list(ACCESS))
def test_access_matrix(client, login_as, role, method, path, htmx):
    login_as(role)
    headers = {"HX-Request": "true"} if htmx else {}
    data = {"csrf_token": token_for(client)} if method == "POST" else None
    response = client.open(path, method=method, headers=headers, data=data)
    response.close()
    expected = ACCESS[(method, path)][role]
    if expected == "login":
        if htmx:
            assert response.status_code == 401
            assert response.headers["HX-Redirect"].startswith("/auth/login")
        else:
            assert response.status_code == 302
            assert response.headers["Location"].startswith("/auth/login")
    else:
        assert response.status_code == expected


HUGE = 99_999_999_999  # beyond an INTEGER column: SQLite overflows, PostgreSQL's int4 is out of range


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", f"/people/{HUGE}"),
        ("GET", f"/people/{2**31}"),
        ("GET", "/people/\u0663"),  # an Arabic-Indic digit: \d matches it, int() reads it
        ("POST", f"/matches/dismiss/{HUGE}"),
        ("GET", f"/requests/new/{HUGE}"),
        ("POST", f"/requests/{HUGE}/accept"),
        ("POST", f"/requests/{HUGE}/decline"),
        ("GET", f"/connections/{HUGE}/end"),
        ("GET", f"/admin/digests/{HUGE}"),
        ("POST", f"/admin/mentors/applications/{HUGE}/approve"),
        ("POST", f"/admin/mentors/{HUGE}/suspend"),
        ("GET", f"/admin/rounds/{HUGE}"),
        ("GET", f"/admin/rounds/1/pairs/{HUGE}"),
        ("POST", f"/admin/rounds/{HUGE}/run"),
        ("POST", f"/admin/rounds/{HUGE}/publish"),
    ],
)
def test_an_id_no_row_can_have_is_not_found(client, login_as, method, path):
    login_as("admin")
    data = {"csrf_token": token_for(client)} if method == "POST" else None
    assert client.open(path, method=method, data=data).status_code == 404


@pytest.mark.parametrize("undo", [str(HUGE), "\u00b2", "-1", " 7"])
def test_an_undo_id_that_is_no_id_is_ignored(client, login_as, undo):
    login_as("member")
    assert client.get("/matches", query_string={"undo": undo}).status_code == 200


def test_logging_in_returns_to_the_page_but_not_to_a_form_address(client):
    assert client.get("/settings").headers["Location"] == "/auth/login?next=/settings"
    token = token_for(client)
    response = client.post("/settings/password", data={"csrf_token": token})
    assert response.headers["Location"] == "/auth/login"


# Fragments that htmx asks for by HX-Target get the same protection as their pages.
FRAGMENTS = [
    ("GET", "/people?q=a", "results", {"anonymous": 401, "unverified": 403, "member": 200, "admin": 200}),
    (
        "GET",
        "/profile/focus",
        "profile-step",
        {"anonymous": 401, "unverified": 200, "member": 200, "admin": 200},
    ),
    (
        "POST",
        "/admin/import",
        "import-report",
        {"anonymous": 401, "unverified": 403, "member": 403, "admin": 422},
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "path", "target", "expected"), FRAGMENTS)
def test_fragment_access(client, login_as, role, method, path, target, expected):
    login_as(role)
    headers = {"HX-Request": "true", "HX-Target": target}
    data = {"csrf_token": token_for(client)} if method == "POST" else None
    response = client.open(path, method=method, headers=headers, data=data)
    assert response.status_code == expected[role]
    if response.status_code in (401, 403):
        assert "<html" not in response.get_data(as_text=True)  # a fragment, never a whole page
