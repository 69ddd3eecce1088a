"""Default settings. Deployments override them in instance/config.py or MENTORMATCH_<KEY> variables."""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import Flask

# Keys the README documents; each has the default below.
DEFAULTS: dict[str, object] = {
    "SECRET_KEY": None,
    "BASE_URL": "http://127.0.0.1:5000",
    "SQLALCHEMY_DATABASE_URI": None,  # instance/mentormatch.sqlite3 unless set
    # No ping before each checkout (a round trip per request): a connection that a database restart
    # dropped fails its first statement, SQLAlchemy then replaces every pooled connection, and a GET
    # is read once more on a fresh one (core/errors.py). A write answers 503 and is not retried.
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": False},
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
    "MAX_FORM_MEMORY_SIZE": 512 * 1024,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_DURATION": 60 * 60 * 24 * 30,
    "WTF_CSRF_TIME_LIMIT": None,  # valid for the life of the session
    "MAIL_BACKEND": "file",
    "MAIL_FILE_DIR": None,  # instance/mail unless set
    "MAIL_SERVER": "localhost",
    "MAIL_PORT": 25,
    "MAIL_USE_TLS": False,
    "MAIL_USE_SSL": False,
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,
    "MAIL_DEFAULT_SENDER": "MentorMatch <no-reply@mentormatch.example>",
    "MAIL_REPLY_TO": None,  # the programme's address: every email's Reply-To, and its footer's advice
    "MAIL_TIMEOUT": 30,
    "MAIL_MAX_ATTEMPTS": 8,
    "MAIL_DELIVER_AFTER_REQUEST": None,  # on in debug mode
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_HEADERS_ENABLED": True,
    # Redis away: count in this process's memory meanwhile (one warning), and go back to Redis
    # once it answers again. A short socket time-out, so a dead Redis doesn't hold every request.
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
    "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    "RATELIMIT_LOGIN": "10 per minute;100 per day",
    "RATELIMIT_LOGIN_ACCOUNT": "5 per minute;30 per hour",
    "RATELIMIT_SIGNUP": "10 per hour",
    "RATELIMIT_RESET": "5 per hour",
    "RATELIMIT_ASK": "20 per hour",  # requests sent (mentoring or peer) per signed-in member
    "RATELIMIT_INTRODUCE": "10 per hour;30 per day",  # introductions made per signed-in member
    "RATELIMIT_MESSAGE": "60 per hour",  # messages, meetings, goals and notes posted per signed-in member
    # Signed-in pages served again from memory while nothing has been written (core/pagecache.py):
    # for at most this many seconds (0: never), in at most this much memory per process.
    "PAGE_CACHE_SECONDS": 60,
    "PAGE_CACHE_MAX_MB": 32,
    "DATABASE_RETRY_AFTER": 30,  # seconds the 503 page asks a client to wait while the database is away
    "PROXY_FIX_X_FOR": 0,  # proxies in front of the app whose X-Forwarded-For to trust
    "PROXY_FIX_X_PROTO": 0,
    "LOG_FORMAT": "text",  # or "json": one object per line
    "METRICS_TOKEN": None,  # /metrics answers 404 unless set; then only to "Authorization: Bearer <it>"
    "MATCHING_LEARN_MIN_OUTCOMES": 200,  # `flask matches learn` keeps the defaults with fewer outcomes
    "ARGON2_TIME_COST": 3,
    "ARGON2_MEMORY_COST": 65536,
    "ARGON2_PARALLELISM": 4,
}

# Placeholders people copy from examples; none of them is a secret.
_NOT_SECRET = {None, "", "dev", "change-me", "changeme", "secret", "secret-key"}


def load_config(app: Flask, test_config: dict | None) -> None:
    """Defaults, then instance/config.py, then MENTORMATCH_* variables, then the test overrides."""
    app.config.from_mapping(DEFAULTS)
    instance = Path(app.instance_path)
    app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'mentormatch.sqlite3'}"
    app.config["MAIL_FILE_DIR"] = str(instance / "mail")
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("MENTORMATCH")
    else:
        app.config.from_mapping(test_config)

    https = str(app.config["BASE_URL"]).startswith("https://")
    # Cookies follow the public address: Secure whenever the site is served over https.
    app.config["SESSION_COOKIE_SECURE"] = https
    app.config["REMEMBER_COOKIE_SECURE"] = https
    app.config["PREFERRED_URL_SCHEME"] = "https" if https else "http"
    if app.config["MAIL_DELIVER_AFTER_REQUEST"] is None:
        app.config["MAIL_DELIVER_AFTER_REQUEST"] = app.debug
    _require_secret_key(app, instance)


def warn_about_settings(app: Flask) -> None:
    """Settings that work but are likely a mistake in production (logged once logging is set up)."""
    if app.config["MAIL_BACKEND"] == "file" and not (app.debug or app.testing):
        app.logger.warning(
            "MAIL_BACKEND is 'file': emails are written to %s, not sent. "
            "Set MENTORMATCH_MAIL_BACKEND=smtp in production.",
            app.config["MAIL_FILE_DIR"],
        )


def _require_secret_key(app: Flask, instance: Path) -> None:
    """Refuse to run a real deployment with a guessable key; make one up for local development."""
    key = app.config["SECRET_KEY"]
    if key not in _NOT_SECRET and len(str(key)) >= 16:
        return
    if app.testing:
        app.config["SECRET_KEY"] = key or "testing-only-secret-key"
        return
    if not app.debug:
        raise RuntimeError(
            "MentorMatch needs a real SECRET_KEY outside debug mode: set MENTORMATCH_SECRET_KEY "
            "or SECRET_KEY in instance/config.py to a long random string, e.g. the output of "
            "python -c 'import secrets; print(secrets.token_hex(32))'."
        )
    # Debug mode: keep one random key in the instance folder so sessions survive restarts.
    key_file = instance / "dev-secret-key"
    if not key_file.exists():
        instance.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
    app.config["SECRET_KEY"] = key_file.read_text().strip()
