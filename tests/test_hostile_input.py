"""Every route, as every role, with hostile input: no 500, no traceback, and a refused write
changes nothing.

The routes come from `app.url_map` when the test runs, so a new route is walked without anyone
adding it here. Each endpoint and method is tried as an anonymous visitor, a member and an admin,
with hostile values in every path argument, in the query parameters views read, and in every
form field the app's forms declare: huge and negative numbers, `1e9`, unicode digits, control
characters and CR/LF, NUL, 100 KB strings, repeated fields, file parts, and a missing CSRF token.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict
from werkzeug.routing import IntegerConverter

from mentormatch.core.extensions import db
from mentormatch.core.forms import Form
from mentormatch.demo.logins import DEMO_LOGINS, DEMO_PASSWORD
from tests.helpers import csrf_from, token_for

ROLES = ("anonymous", "student", "admin")
HOSTILE = [
    "99999999999999999999999999",
    "-1",
    "1e9",
    "²",
    "٣",
    "a\r\nX-Injected: 1",
    "nul\x00byte",
    "x" * 100_000,
    "<script>alert(1)</script>",
    "",
]
INT_ARGS = ["1", "0", "2147483648", "99999999999999999999", "²"]
STRING_ARGS = ["x", "a%0D%0Ab", "%00", "A" * 5_000, "..%2F..%2Fetc"]
# Query parameters the views read (beside every form field's name, which a GET may also read).
QUERY_NAMES = (
    "page",
    "q",
    "status",
    "next",
    "tab",
    "kind",
    "stage",
    "region",
    "specialty",
    "mentors",
    "undo",
    "admin",
    "subject",
    "action",
    "since",
    "until",
    "email",
    "token",
)


def spread(names, index: int, *, in_url: bool = False) -> dict[str, str]:
    """Attempt `index` of len(HOSTILE): each name gets another value, so over the attempts every
    name gets every value (and a request never carries 100 KB in every field at once). In a URL
    the long value is 8 KB, the most a server in front of the app accepts in a request line."""
    values = [value[:8_000] if in_url else value for value in HOSTILE]
    return {name: values[(index + offset) % len(values)] for offset, name in enumerate(names)}


def form_field_names() -> list[str]:
    """Every field name any of the app's forms declares."""
    names: set[str] = set()
    pending = list(Form.__subclasses__())
    while pending:
        form = pending.pop()
        pending.extend(form.__subclasses__())
        names.update(name for name, value in vars(form).items() if hasattr(value, "field_class"))
    return sorted(names - {"csrf_token"})


def routes(app: Flask) -> list[tuple[str, str, object]]:
    """(endpoint, method, rule) for every route but the static files."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, method, rule))
    return sorted(found, key=lambda item: (item[0] in ("auth.logout", "settings.delete_account"), item[:2]))


def paths(rule) -> Iterator[str]:
    """The rule's URL with hostile values in its arguments (each value of each argument at least once)."""
    arguments = sorted(rule.arguments)
    if not arguments:
        yield rule.rule
        return
    choices = {
        name: INT_ARGS if isinstance(rule._converters[name], IntegerConverter) else STRING_ARGS
        for name in arguments
    }
    for index in range(max(len(values) for values in choices.values())):
        chosen = {name: values[index % len(values)] for name, values in choices.items()}
        # The rule's parts, static text and variables in order (after the subdomain and its "|").
        path = "".join(chosen[data] if dynamic else data for dynamic, data in rule._trace)
        yield path.split("|", 1)[-1]


def row_counts() -> tuple[int, ...]:
    """How many rows each table holds, in one statement."""
    counts = [
        select(func.count()).select_from(table).scalar_subquery() for table in db.metadata.sorted_tables
    ]
    return tuple(db.session.execute(select(*counts)).one())


def log_in(app: Flask, role: str) -> FlaskClient:
    client = app.test_client()
    if role != "anonymous":
        page = client.get("/auth/login").get_data(as_text=True)
        response = client.post(
            "/auth/login",
            data={"email": DEMO_LOGINS[role].email, "password": DEMO_PASSWORD, "csrf_token": csrf_from(page)},
        )
        assert response.status_code == 303, f"the demo {role} can't log in"
    return client


@pytest.fixture
def app_config() -> dict:
    # Hundreds of requests from one address: limits this high keep them from answering 429 to most
    # (the limiter itself stays on: it is one object shared by every app in the process).
    generous = "100000 per hour"
    return {
        name: generous
        for name in (
            "RATELIMIT_LOGIN",
            "RATELIMIT_LOGIN_ACCOUNT",
            "RATELIMIT_SIGNUP",
            "RATELIMIT_RESET",
            "RATELIMIT_ASK",
            "RATELIMIT_MESSAGE",
            "RATELIMIT_INTRODUCE",
        )
    }


@pytest.fixture
def seeded(app: Flask) -> Flask:
    result = app.test_cli_runner().invoke(args=["seed-demo", "--users", "40"])
    assert result.exit_code == 0, result.output
    return app


@pytest.mark.parametrize("role", ROLES)
def test_no_route_answers_500_to_hostile_input(seeded: Flask, role: str):
    app = seeded
    fields = form_field_names()
    problems: list[str] = []
    tried = 0
    for _endpoint, method, rule in routes(app):
        client = log_in(app, role)
        token = token_for(client) if role != "anonymous" else None
        for path in paths(rule):
            attempts: list[dict] = []
            if method == "GET":
                names = (*QUERY_NAMES, *fields)
                attempts += [
                    {"query_string": spread(names, index, in_url=True)} for index in range(len(HOSTILE))
                ]
                attempts.append(
                    {"query_string": MultiDict([("page", "1"), ("page", "2"), ("q", "a"), ("q", "b")])}
                )
            else:
                csrf = {"csrf_token": token or ""}
                attempts += [
                    {"data": {**spread(fields, index), **csrf}, "query_string": {"next": value[:8_000]}}
                    for index, value in enumerate(HOSTILE)
                ]
                attempts.append({"data": dict.fromkeys(fields, "1")})  # no CSRF token
                with_file = {
                    **dict.fromkeys(fields, "1"),
                    **csrf,
                    fields[0]: (io.BytesIO(b"\x00\xff"), "x.bin"),
                }
                attempts.append({"data": with_file, "content_type": "multipart/form-data"})
                repeated = [(name, value) for name in fields for value in ("1", "2")]
                attempts.append({"data": MultiDict([*repeated, ("csrf_token", token or "")])})
            for attempt in attempts:
                tried += 1
                with app.app_context():
                    before = row_counts() if method != "GET" else None
                response = client.open(path, method=method, **attempt)
                # A PDF (the appraisal record) is bytes, not text: it can't hold a Python traceback;
                # /favicon.ico is bytes too, read leniently.
                binary = response.mimetype == "application/pdf"
                body = "" if binary else response.get_data().decode("utf-8", "replace")
                label = f"{method} {path[:80]!r} as {role}"
                if response.status_code >= 500 or "Traceback" in body:
                    problems.append(f"{label}: {response.status_code}")
                if before is not None and response.status_code >= 400:
                    with app.app_context():
                        after = row_counts()
                    tables = db.metadata.sorted_tables
                    changed = {
                        table.name for table, b, a in zip(tables, before, after, strict=True) if b != a
                    }
                    if changed:
                        problems.append(f"{label}: refused with {response.status_code} but changed {changed}")
                if response.status_code in (301, 302, 303) and "\r" in response.headers.get("Location", ""):
                    problems.append(f"{label}: a redirect with CR in it")
    print(f"{role}: {tried} route × input combinations")
    assert tried > 100
    assert problems == []
