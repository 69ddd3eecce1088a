"""A property-based fuzz (hypothesis) of every form and query string, beside test_hostile_input.py's
fixed hostile values: any route from `app.url_map`, as any role, with fields drawn from every name
the app's forms declare and the query parameters views read, each missing, repeated or holding
arbitrary unicode, control characters, numbers of any size or 100 KB of text, with or without a
valid CSRF token. Whatever comes: never a 500 or a traceback, and a refused write changes nothing.

The example count is modest (a few seconds a run); each run draws new examples.
"""

from __future__ import annotations

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from mentormatch.core.extensions import db
from tests.test_hostile_input import (
    HOSTILE,
    QUERY_NAMES,
    ROLES,
    app_config,  # noqa: F401  (the same generous rate limits)
    form_field_names,
    log_in,
    paths,
    routes,
    row_counts,
    seeded,  # noqa: F401  (the same seeded demo database)
    token_for,
)

# Ending the session would leave the rest of the run anonymous: test_hostile_input walks these.
SESSION_ENDERS = {"auth.logout", "settings.delete_account"}

values = st.one_of(
    st.text(max_size=40),
    st.text(st.characters(codec="utf-8", categories=["Cc", "Cf", "Zl", "Zp", "Mn", "Nd", "No"]), max_size=40),
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(HOSTILE),
    st.just(""),
)


@pytest.mark.parametrize("method_kind", ["GET", "POST"])
def test_any_form_or_query_string_never_answers_500(seeded: Flask, method_kind: str):  # noqa: F811
    app = seeded
    fields = form_field_names()
    names = sorted({*QUERY_NAMES, *fields}) if method_kind == "GET" else fields
    targets = [
        (method, path)
        for endpoint, method, rule in routes(app)
        if endpoint not in SESSION_ENDERS and (method == "GET") == (method_kind == "GET")
        for path in paths(rule)
    ]
    clients = {role: log_in(app, role) for role in ROLES}
    tokens = {role: token_for(client) if role != "anonymous" else "" for role, client in clients.items()}

    @settings(
        max_examples=120,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(
        target=st.sampled_from(targets),
        role=st.sampled_from(ROLES),
        pairs=st.lists(st.tuples(st.sampled_from(names), values), max_size=12),
        with_token=st.booleans(),
    )
    def attempt(target, role, pairs, with_token) -> None:
        method, path = target
        pairs = [(name, value[:8_000] if method == "GET" else value) for name, value in pairs]
        if with_token:
            pairs.append(("csrf_token", tokens[role]))
        sent = {"query_string": MultiDict(pairs)} if method == "GET" else {"data": MultiDict(pairs)}
        before = None
        if method != "GET":
            with app.app_context():
                before = row_counts()
        response = clients[role].open(path, method=method, **sent)
        label = f"{method} {path[:60]!r} as {role} with {[(n, v[:20]) for n, v in pairs]}"
        assert response.status_code < 500, label
        # The icon and the appraisal record's PDF are bytes: read leniently, they hold no traceback.
        assert "Traceback" not in response.get_data().decode("utf-8", "replace"), label
        if before is not None and response.status_code >= 400:
            with app.app_context():
                after = row_counts()
            tables = db.metadata.sorted_tables
            changed = [t.name for t, b, a in zip(tables, before, after, strict=True) if b != a]
            assert not changed, f"{label}: refused with {response.status_code} but changed {changed}"

    attempt()
