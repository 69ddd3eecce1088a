"""Static files: URLs carry a hash of the file's bytes, and such a URL may be cached for a year."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from mentormatch import ROOT
from mentormatch.core.security import content_security_policy

STATIC_URL = re.compile(r'(?:href|src)="(/static/([^"?]+)\?v=([0-9a-f]+))"')


def test_pages_link_each_static_file_by_the_hash_of_its_bytes(client):
    html = client.get("/").get_data(as_text=True)
    found = STATIC_URL.findall(html)
    assert {name for _, name, _ in found} == {
        "css/site.css",
        "js/site.js",
        "icons/favicon.ico",
        "icons/favicon.svg",
        "icons/apple-touch-icon.png",
    }
    for _, name, version in found:
        assert hashlib.sha256(Path(ROOT, "static", name).read_bytes()).hexdigest().startswith(version)


def test_a_hashed_url_is_cached_for_a_year_and_any_other_is_revalidated(client):
    [(url, name, version), *_] = STATIC_URL.findall(client.get("/").get_data(as_text=True))
    with client.get(url) as hashed:
        assert hashed.status_code == 200
        assert hashed.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert hashed.headers["Content-Security-Policy"] == content_security_policy()
    for other in (f"/static/{name}", f"/static/{name}?v=stale"):
        with client.get(other) as response:
            assert response.status_code == 200
            assert response.headers["Cache-Control"] == "no-cache"
    with client.get(f"/static/missing.css?v={version}") as missing:
        assert missing.status_code == 404


def test_the_content_security_policy_still_allows_only_our_files_and_pinned_htmx(client):
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    [script_src] = [part for part in policy.split("; ") if part.startswith("script-src")]
    assert script_src.split()[1] == "'self'" and len(script_src.split()) == 3
    assert script_src.split()[2].startswith("https://")
