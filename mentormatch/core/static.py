"""Static files with content-hashed URLs and long-lived cache headers.

`url_for('static', filename='css/site.css')` gives `/static/css/site.css?v=<hash of its bytes>`,
hashed once at start-up, so a changed file gets a new URL and browsers and proxies may keep each
URL for a year. A request without the current hash (an old page, a hand-typed URL) is served
with `no-cache`: revalidated every time (ETag), never stale. Compression is the proxy's job
(docs/deployment.md).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, Response, request

YEAR = 365 * 24 * 60 * 60
IMMUTABLE = f"public, max-age={YEAR}, immutable"
HASH_LENGTH = 12  # hex digits: plenty to tell two versions of one file apart


def file_hashes(folder: Path) -> dict[str, str]:
    """Each file under `folder`, by its path relative to it (with /), to a short hash of its bytes."""
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()[:HASH_LENGTH]
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def init_static(app: Flask) -> None:
    """Hash the static files now, add the hash to their URLs, and set their cache headers."""
    hashes = file_hashes(Path(app.static_folder)) if app.static_folder else {}

    @app.url_defaults
    def add_content_hash(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "v" not in values:
            found = hashes.get(values.get("filename", ""))
            if found:
                values["v"] = found

    @app.after_request
    def cache_static(response: Response) -> Response:
        if request.endpoint != "static":
            return response
        filename = (request.view_args or {}).get("filename", "")
        current = hashes.get(filename)
        if current is not None and request.args.get("v") == current and response.status_code == 200:
            response.headers["Cache-Control"] = IMMUTABLE
        else:
            response.headers["Cache-Control"] = "no-cache"
        return response
