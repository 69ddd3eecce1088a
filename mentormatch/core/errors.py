"""Error pages in the site's layout; htmx requests get the same message as a fragment."""

from __future__ import annotations

import contextlib
import traceback

from flask import Flask, current_app, g, has_request_context, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import AnonymousUserMixin
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, InternalServerError

from mentormatch.core.extensions import db
from mentormatch.core.logs import SECURITY, request_id
from mentormatch.core.views import is_htmx

MESSAGES: dict[int, tuple[str, str]] = {
    400: (
        "That request didn't work",
        "Something in the request was missing or malformed. Go back, check what you entered and try again.",
    ),
    403: ("You can't do that", "Your account doesn't have access to this page or action."),
    404: (
        "Page not found",
        "The page may have moved, or the link may be mistyped. "
        "Check the address, or start again from the home page.",
    ),
    405: (
        "That action isn't available here",
        "This page can't be used that way. Go back and use the buttons on the page.",
    ),
    413: (
        "That was too large",
        "What you sent is bigger than we accept. Shorten the text or choose a smaller file, then try again.",
    ),
    429: (
        "Too many attempts",
        "You've tried this too many times in a short while. Wait a minute, then try again.",
    ),
    503: (
        "We can't reach our records just now",
        "The site is back in a moment: nothing you sent was lost or half-saved. Please try again shortly.",
    ),
    500: (
        "Something went wrong on our side",
        "We couldn't finish that, and nothing was saved. Please try again in a moment.",
    ),
}


# Answers that refuse someone (not a mistyped address): each is logged as a security event.
REFUSALS = {403, 429}


# Served when even the error page can't be rendered (the database is down, say): no template,
# no database, but still behind the security headers.
FALLBACK_500 = """<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><title>Something went wrong · MentorMatch</title></head>
<body><main><h1>Something went wrong on our side</h1>
<p>We couldn't finish that, and nothing was saved. Please try again in a moment.</p>
<p><a href="/">Go to the home page</a></p></main></body></html>
"""


FALLBACK_503 = FALLBACK_500.replace("Something went wrong on our side", "We can't reach our records just now")


def render_error(
    code: int, title: str, message: str, headers: dict[str, str] | None = None
) -> ResponseReturnValue:
    """The error as a full page, or as a fragment for htmx."""
    template = "errors/_error.html" if is_htmx() else "errors/error.html"
    body = render_template(template, code=code, title=title, message=message)
    return body, code, {**(headers or {}), "Vary": "HX-Request"}


def log_exception(app: Flask, exc_info) -> None:
    """One line for each 500, with the request id the error page shows, and where it happened."""
    _, error, trace = exc_info
    where = traceback.extract_tb(trace)[-1] if trace else None
    place = f" at {where.filename}:{where.lineno}" if where else ""
    if has_request_context():
        app.logger.error(
            "500 %s %s request_id=%s: %r%s", request.method, request.path, request_id(), error, place
        )
    else:
        app.logger.error("500 outside a request: %r%s", error, place)


# What "the database is away or restarting" looks like: it refuses connections, drops them, or
# the pool has none to give.
DATABASE_AWAY = (OperationalError, InterfaceError, PoolTimeout)


def is_dropped_connection(error: BaseException) -> bool:
    """A connection that went away under a request (a restart), as opposed to a bad statement."""
    return isinstance(error, DBAPIError) and error.connection_invalidated


def retry_reads_once(app: Flask) -> None:
    """A GET or HEAD that loses its connection to a restart runs once more, on a fresh one.

    Writes are never retried: whether a dropped COMMIT took effect can't be known here.
    """
    dispatch = app.dispatch_request

    def dispatch_request():
        try:
            return dispatch()
        except DBAPIError as error:
            if request.method not in ("GET", "HEAD") or not is_dropped_connection(error):
                raise
            _forget_the_connection()
            # The signed-in member was loaded in the session just dropped: load them afresh.
            g.pop("_login_user", None)
            app.logger.warning("Database connection dropped; reading %s once more", request.path)
            return dispatch()

    app.dispatch_request = dispatch_request


def let_go_of_dropped_connections(app: Flask) -> None:
    """A connection dropped after the view was done (a restart as the request ends) must not turn
    the finished answer into a 500 when the request's session is closed. Registered after
    Flask-SQLAlchemy, so it runs before its own teardown."""

    @app.teardown_appcontext
    def close_the_session(error: BaseException | None) -> None:
        try:
            db.session.remove()
        except DATABASE_AWAY:
            # The rollback found the connection gone; it is invalidated now, so closing again
            # only hands it back to the pool.
            _forget_the_connection()


def _forget_the_connection() -> None:
    with contextlib.suppress(Exception):  # the connection is gone; the pool makes a new one
        db.session.rollback()
    db.session.remove()


def register_error_handlers(app: Flask) -> None:
    """Friendly pages for every HTTP error, CSRF failures and unexpected exceptions."""
    app.log_exception = lambda exc_info: log_exception(app, exc_info)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> ResponseReturnValue:
        SECURITY.warning("refused %s %s: %s", request.method, request.path, error.description)
        return render_error(
            400,
            "This form has expired",
            "For your security, forms expire when you log in or out. Reload the page and try again.",
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> ResponseReturnValue:
        code = error.code or 500
        if code in REFUSALS:
            SECURITY.warning("refused %s %s: %s %s", request.method, request.path, code, error.name)
        title, message = MESSAGES.get(code, (error.name, error.description or ""))
        # Keep what the error itself says in headers: Allow on a 405, Retry-After on a 429.
        headers = {name: value for name, value in error.get_headers() if name != "Content-Type"}
        return render_error(code, title, message, headers)

    def database_away(error: Exception) -> ResponseReturnValue:
        # Rendered without the database: nobody's account can be read, so the page is anonymous.
        _forget_the_connection()
        g._login_user = AnonymousUserMixin()
        g.database_unavailable = True  # counted by core/metrics.py
        app.logger.warning(
            "503 %s %s request_id=%s: the database is away (%s)",
            request.method,
            request.path,
            request_id(),
            type(error).__name__,
        )
        retry_after = str(current_app.config["DATABASE_RETRY_AFTER"])
        try:
            return render_error(503, *MESSAGES[503], {"Retry-After": retry_after})
        except Exception:
            current_app.logger.exception("The 503 page itself failed; serving the plain one")
            return FALLBACK_503, 503, {"Retry-After": retry_after}

    for error_class in DATABASE_AWAY:
        app.register_error_handler(error_class, database_away)

    @app.errorhandler(InternalServerError)
    def server_error(error: InternalServerError) -> ResponseReturnValue:
        # Whatever the failed request had written is abandoned, never half-committed.
        db.session.rollback()
        title, message = MESSAGES[500]
        try:
            return render_error(500, title, f"{message} If you tell us, quote this: {request_id()}.")
        except Exception:
            current_app.logger.exception("The error page itself failed; serving the plain one")
            return FALLBACK_500, 500
