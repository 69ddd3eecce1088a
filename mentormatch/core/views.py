"""Small helpers the views share: htmx detection, fragments with status, safe redirects, absolute URLs."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, render_template, request
from flask.typing import ResponseReturnValue


def is_htmx() -> bool:
    """True for an htmx request that expects a fragment (boosted requests expect a whole page)."""
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-Boosted") != "true"


def render_fragment(
    template: str,
    status: int = 200,
    *,
    status_message: str | None = None,
    headers: dict[str, str] | None = None,
    **context: object,
) -> ResponseReturnValue:
    """A fragment for htmx; flashed messages (and status_message) go to the page's status region."""
    status_region = render_template("_status.html", oob=True, status_message=status_message)
    return (
        render_template(template, **context) + status_region,
        status,
        {"Vary": "HX-Request", **(headers or {})},
    )


def safe_next(target: str | None) -> str | None:
    """The `next` path when it stays on this site, else None (no open redirects)."""
    if not target or any(ord(char) < 32 or ord(char) == 127 or char == "\\" for char in target):
        return None  # control characters (CR/LF would split the header) and backslashes
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def absolute_url(endpoint: str, **values: object) -> str:
    """A full URL on BASE_URL, for emails and anything else read outside the browser."""
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)


def field_attributes(field, given: dict, described: list[str], **defaults: object) -> dict:
    """Attributes for a form input: the template's, plus aria-describedby and aria-invalid."""
    attributes = {**defaults, **given}
    if described:
        attributes["aria-describedby"] = " ".join(described)
    if field.errors:
        attributes["aria-invalid"] = "true"
    return attributes
