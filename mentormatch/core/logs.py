"""Log lines that say which request they belong to, as text or one JSON object per line."""

from __future__ import annotations

import json
import logging
import re
import uuid
from datetime import UTC, datetime

from flask import Flask, Response, g, has_request_context, request
from flask.logging import default_handler, wsgi_errors_stream

LOG_FORMATS = ("text", "json")

# Security events (sign-ins, refusals, password changes): ids only, never an email or a password.
SECURITY = logging.getLogger("mentormatch.security")

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s request_id=%(request_id)s: %(message)s"

_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}", re.ASCII)

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def one_line(text: str) -> str:
    """Control characters shown as escapes: what a visitor typed (a path with %0a in it, say)
    can't start a line of its own that looks like ours."""
    return _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def request_id() -> str:
    """This request's id: the proxy's X-Request-ID when it is a sane one, else one made here."""
    if "request_id" not in g:
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if _SANE_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
    return g.request_id


class RequestIdFilter(logging.Filter):
    """Stamps every record with the request id (`-` outside a request: commands, start-up)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id() if has_request_context() else "-"
        return True


def _utc(record: logging.LogRecord) -> str:
    """When, in UTC with its offset: every process and server agrees, whatever its time zone."""
    return datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")


class TextFormatter(logging.Formatter):
    """`time LEVEL logger request_id=…: message`, the message on one line (a traceback follows it)."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return _utc(record)

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = one_line(record.message)
        return super().formatMessage(record)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, request_id, message (and the traceback)."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": _utc(record),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


class RequestLogHandler(logging.StreamHandler):
    """The handler `init_logging` installs on the root logger (one per process, the newest app's)."""


def init_logging(app: Flask) -> None:
    """Every log line, the app's and its libraries' (the rate limiter's, SQLAlchemy's), goes through
    one handler on the root logger that adds the request id, in LOG_FORMAT; every response says
    its id in X-Request-ID."""
    log_format = app.config["LOG_FORMAT"]
    if log_format not in LOG_FORMATS:
        raise RuntimeError(f"LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}, not {log_format!r}")
    # wsgi.errors during a request (gunicorn's error log), standard error otherwise.
    handler = RequestLogHandler(wsgi_errors_stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, RequestLogHandler)]:
        root.removeHandler(old)
    root.addHandler(handler)
    app.logger.removeHandler(default_handler)  # the app's lines reach the root's handler instead

    @app.after_request
    def send_request_id(response: Response) -> Response:
        response.headers["X-Request-ID"] = request_id()
        return response
