"""Headers every response carries, error pages and htmx fragments included."""

from __future__ import annotations

from flask import Flask, Response, request, session

from mentormatch.core.htmx import HTMX_URL


def content_security_policy() -> str:
    """Our own files, plus exactly one outside script: the pinned htmx build."""
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' {HTMX_URL}",
            "style-src 'self'",
            "img-src 'self' data:",
            "connect-src 'self'",
            "form-action 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ]
    )


def init_security_headers(app: Flask) -> None:
    """Register the after-request hook that sets the security headers."""
    csp = content_security_policy()
    hsts = str(app.config["BASE_URL"]).startswith("https://")

    @app.after_request
    def set_security_headers(response: Response) -> Response:
        headers = response.headers
        headers["Content-Security-Policy"] = csp
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        headers["X-Frame-Options"] = "DENY"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if hsts:
            headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if "_user_id" in session and request.endpoint != "static":
            # Signed-in pages hold personal data: never keep them in a shared cache or on disk.
            headers["Cache-Control"] = "no-store"
            response.vary.add("Cookie")
        return response
