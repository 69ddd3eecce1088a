"""Security headers, cookies, body limits, rate limits and the error pages."""

from __future__ import annotations

import os
import uuid

import pytest
from flask import abort

from mentormatch.core.htmx import HTMX_URL
from mentormatch.core.security import content_security_policy
from tests.conftest import REDIS_URL
from tests.factories import make_member
from tests.helpers import PASSWORD, csrf_from, log_in, submit

HTMX = {"HX-Request": "true"}


def assert_security_headers(response) -> None:
    csp = response.headers["Content-Security-Policy"]
    assert csp == content_security_policy()
    directives = dict(part.split(" ", 1) for part in csp.split("; "))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == f"'self' {HTMX_URL}"  # the only outside script
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


@pytest.mark.parametrize(
    ("method", "path", "headers", "status"),
    [
        ("get", "/", {}, 200),
        ("get", "/auth/login", {}, 200),
        ("get", "/healthz", {}, 200),
        ("get", "/static/css/site.css", {}, 200),
        ("get", "/no-such-page", {}, 404),
        ("get", "/no-such-page", HTMX, 404),
        ("post", "/auth/login", {}, 400),  # no CSRF token
        ("post", "/auth/login", HTMX, 400),
        ("put", "/auth/login", {}, 405),
    ],
)
def test_every_response_carries_the_security_headers(client, method, path, headers, status):
    response = getattr(client, method)(path, headers=headers)
    response.close()  # static files are streamed from disk
    assert response.status_code == status
    assert_security_headers(response)
    assert "Strict-Transport-Security" not in response.headers  # BASE_URL is http in tests


def test_signed_in_pages_are_not_stored_and_public_ones_may_be(client, login_as):
    assert "Cache-Control" not in client.get("/").headers
    login_as("member")
    for path in ("/", "/settings"):
        response = client.get(path)
        assert response.headers["Cache-Control"] == "no-store"
        assert "Cookie" in response.headers["Vary"]


def test_session_cookie_flags(client, app):
    make_member(app, "Amira Khan", email="amira@example.ac.uk", profile=False)
    log_in(client, "amira@example.ac.uk", remember="y")
    cookies = {cookie.key: cookie for cookie in client._cookies.values()}
    for name in ("session", "remember_token"):
        assert cookies[name].http_only
        assert cookies[name].same_site == "Lax"
        assert not cookies[name].secure  # plain http in tests; see the https test below


@pytest.fixture
def https_app(make_app):
    return make_app(BASE_URL="https://mentormatch.example")


def test_https_deployments_get_hsts_and_secure_cookies(https_app):
    response = https_app.test_client().get("/")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert https_app.config["SESSION_COOKIE_SECURE"] is True
    assert https_app.config["REMEMBER_COOKIE_SECURE"] is True


def test_an_oversized_body_is_refused_with_413(client):
    response = client.post("/auth/login", data={"email": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413
    assert "That was too large" in response.get_data(as_text=True)
    assert_security_headers(response)


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "fragment"])
def test_error_pages_use_the_layout_and_htmx_gets_a_fragment(app, client, htmx):
    @app.get("/test-errors/<int:code>")
    def raise_error(code: int):
        abort(code)

    @app.get("/test-errors/crash")
    def crash():
        raise RuntimeError("boom")

    app.config["PROPAGATE_EXCEPTIONS"] = False  # behave as in production, not as under test
    headers = HTMX if htmx else {}
    expected = {
        "/test-errors/400": (400, "That request didn&#39;t work"),
        "/test-errors/403": (403, "You can&#39;t do that"),
        "/no-such-page": (404, "Page not found"),
        "/test-errors/crash": (500, "Something went wrong on our side"),
    }
    for path, (status, title) in expected.items():
        response = client.get(path, headers=headers)
        page = response.get_data(as_text=True)
        assert response.status_code == status
        assert title in page
        assert "RuntimeError" not in page and "Traceback" not in page
        assert ("<html" in page) is not htmx  # a fragment for htmx, a whole page otherwise
        assert_security_headers(response)
    assert client.put("/auth/login", headers=headers).status_code == 405


def test_htmx_requests_for_signed_in_pages_get_a_redirect_header(client):
    response = client.get("/settings", headers=HTMX)
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/auth/login?next=/settings")


@pytest.fixture
def app_config(request):
    return getattr(request, "param", {})


@pytest.mark.parametrize(
    "app_config",
    [{"RATELIMIT_LOGIN": "3 per minute", "RATELIMIT_LOGIN_ACCOUNT": "100 per minute"}],
    indirect=True,
)
def test_login_is_rate_limited_per_address(app, client):
    make_member(app, "Amira Khan", email="amira@example.ac.uk", profile=False)
    statuses = [log_in(client, f"person{i}@example.ac.uk", "wrong password!").status_code for i in range(4)]
    assert statuses == [422, 422, 422, 429]
    response = log_in(client, "amira@example.ac.uk")  # even the right password waits
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)
    assert "Retry-After" in response.headers
    assert_security_headers(response)


@pytest.mark.parametrize(
    "app_config",
    [{"RATELIMIT_LOGIN": "100 per minute", "RATELIMIT_LOGIN_ACCOUNT": "2 per minute"}],
    indirect=True,
)
def test_login_is_rate_limited_per_account_from_any_address(app):
    make_member(app, "Amira Khan", email="amira@example.ac.uk", profile=False)
    statuses = []
    for i in range(3):
        # Each attempt from a different address: the per-account limit still applies.
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.0.0.{i + 1}"
        statuses.append(log_in(client, "amira@example.ac.uk", "wrong password!").status_code)
    assert statuses == [422, 422, 429]
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.0.0.9"
    assert log_in(other, "someone.else@example.ac.uk", "wrong password!").status_code == 422


@pytest.mark.parametrize("app_config", [{"RATELIMIT_SIGNUP": "2 per hour"}], indirect=True)
def test_signup_is_rate_limited(app, client):
    data = {"name": "A", "password": PASSWORD, "career_stage": "gp", "accept_terms": "y"}
    statuses = [
        submit(client, "/auth/signup", {**data, "email": f"p{i}@example.com"}).status_code for i in range(3)
    ]
    assert statuses == [303, 303, 429]


@pytest.mark.parametrize("app_config", [{"RATELIMIT_RESET": "2 per hour"}], indirect=True)
def test_password_reset_is_rate_limited(app, client):
    statuses = [submit(client, "/auth/reset", {"email": f"p{i}@example.com"}).status_code for i in range(3)]
    assert statuses == [200, 200, 429]


@pytest.fixture
def redis_app(make_app):
    if not REDIS_URL:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but TEST_REDIS_URL is not set: the Redis rate-limit test must run in CI.")
        pytest.skip("set TEST_REDIS_URL (e.g. redis://127.0.0.1:6379/15) to test Redis rate-limit storage")
    return make_app(RATELIMIT_STORAGE_URI=REDIS_URL, RATELIMIT_RESET="2 per hour")


def test_rate_limits_can_live_in_redis(redis_app):
    import redis

    client = redis_app.test_client()
    # Counters outlive the test in Redis, so this run uses an address and emails of its own.
    run = uuid.uuid4()
    address = f"10.{run.bytes[0]}.{run.bytes[1]}.{run.bytes[2]}"
    client.environ_base["REMOTE_ADDR"] = address
    emails = [f"{run.hex}-{i}@example.com" for i in range(3)]
    connection = redis.Redis.from_url(REDIS_URL)
    try:
        statuses = [submit(client, "/auth/reset", {"email": email}).status_code for email in emails]
        assert statuses == [200, 200, 429]
        assert connection.keys(f"*/{address}/auth.request_reset/*"), "no per-address counter in Redis"
        assert connection.keys(f"*{run.hex}-0@*"), "no per-account counter in Redis"
    finally:
        keys = connection.keys(f"*{run.hex}*") + connection.keys(f"*/{address}/*")
        if keys:
            connection.delete(*keys)
        connection.close()


def test_405_says_which_methods_are_allowed(client):
    response = client.put("/auth/login")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}


def test_the_500_page_survives_a_database_that_is_gone(tmp_path):
    """The layout needs the signed-in user from the database; without it a plain page is served."""
    from mentormatch import create_app
    from mentormatch.core.extensions import db
    from tests.conftest import make_test_config

    database = tmp_path / "soon-gone.sqlite3"
    app = create_app(make_test_config(f"sqlite:///{database}", tmp_path, PROPAGATE_EXCEPTIONS=False))

    @app.get("/test-errors/crash")
    def crash():
        raise RuntimeError("boom")

    with app.app_context():
        db.create_all()
    make_member(app, "Amira Khan", email="amira@example.ac.uk", profile=False)
    client = app.test_client()
    assert log_in(client, "amira@example.ac.uk").status_code == 303
    with app.app_context():
        db.engine.dispose()
    for path in tmp_path.glob("soon-gone.sqlite3*"):
        path.unlink()  # the next connection finds an empty database: no tables at all

    response = client.get("/test-errors/crash")

    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Something went wrong on our side" in page and "Traceback" not in page
    assert_security_headers(response)
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize(
    "app_config",
    [{"RATELIMIT_RESET": "1 per hour", "PROXY_FIX_X_FOR": 1, "PROXY_FIX_X_PROTO": 1}],
    indirect=True,
)
def test_behind_a_trusted_proxy_limits_apply_per_client(app):
    """Every request reaches the app from the proxy's address; X-Forwarded-For tells them apart."""

    def ask_reset(client_address: str, email: str) -> int:
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = "127.0.0.1"  # the proxy
        headers = {"X-Forwarded-For": client_address, "X-Forwarded-Proto": "https"}
        headers["Referer"] = "https://localhost/auth/reset"  # checked by the CSRF protection over https
        page = client.get("/auth/reset", headers=headers).get_data(as_text=True)
        data = {"email": email, "csrf_token": csrf_from(page)}
        return client.post("/auth/reset", data=data, headers=headers).status_code

    assert ask_reset("203.0.113.7", "a@example.com") == 200
    assert ask_reset("203.0.113.7", "b@example.com") == 429
    assert ask_reset("198.51.100.9", "c@example.com") == 200  # someone else isn't blocked


@pytest.mark.parametrize("app_config", [{"RATELIMIT_RESET": "1 per hour"}], indirect=True)
def test_without_a_configured_proxy_x_forwarded_for_is_ignored(app, client):
    """Otherwise anyone could dodge the limits by making up the header."""
    statuses = []
    for address in ("203.0.113.7", "198.51.100.9"):
        headers = {"X-Forwarded-For": address}
        page = client.get("/auth/reset", headers=headers).get_data(as_text=True)
        data = {"email": f"{address}@example.com", "csrf_token": csrf_from(page)}
        statuses.append(client.post("/auth/reset", data=data, headers=headers).status_code)
    assert statuses == [200, 429]
