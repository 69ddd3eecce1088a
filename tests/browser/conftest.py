"""Browser tests: a live server per test, driven by Debian's Chromium through Playwright (sync API).

Each test gets a fresh app on a fresh SQLite file, a real loopback SMTP server, and a new browser
context. htmx is served from node_modules in place of the CDN (the machine may be offline); every
other request that leaves 127.0.0.1 is aborted and fails the test. Console errors, page errors and
CSP violations fail the test too, unless the test says it expects them (`browser_errors.allow`).
axe-core, for the accessibility tests, is served from node_modules at AXE_PATH on the live server.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Playwright,
    Route,
    sync_playwright,
)
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from mentormatch import ROOT, create_app
from mentormatch.core.extensions import db
from mentormatch.core.htmx import HTMX_URL
from tests.browser import markup
from tests.conftest import make_test_config
from tests.helpers import outbox
from tests.smtp_server import SMTPServer, smtp_settings

BROWSER_DIR = Path(__file__).resolve().parent
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
HTMX_FILE = ROOT / "node_modules" / "htmx.org" / "dist" / "htmx.min.js"
AXE_FILE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# Where pages can load axe-core from: a path on the live server itself (see route_request).
AXE_PATH = "/__axe.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# How long to wait for something that happens just after a response (an email, a swap).
WAIT_SECONDS = 5.0


def _missing() -> list[str]:
    missing = []
    if not CHROMIUM.is_file():
        missing.append(f"Chromium at {CHROMIUM} (install it with `apt-get install -y chromium`)")
    for name, path in (("htmx", HTMX_FILE), ("axe-core", AXE_FILE)):
        if not path.is_file():
            missing.append(f"{name} at {path.relative_to(ROOT)} (install it with `npm ci`)")
    return missing


MISSING = _missing()


def _in_browser_dir(item: pytest.Item) -> bool:
    return BROWSER_DIR in Path(item.path).resolve().parents


@pytest.hookimpl(tryfirst=True)  # before -m deselects, so `-m browser` / `-m "not browser"` work
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    ours = [item for item in items if _in_browser_dir(item)]
    for item in ours:
        item.add_marker(pytest.mark.browser)
    needs_browser = [item for item in ours if "browser" in getattr(item, "fixturenames", ())]
    if not MISSING or not needs_browser:
        return
    if os.environ.get("CI", "").lower() == "true":
        raise pytest.UsageError("Browser tests can't run in CI; missing: " + "; ".join(MISSING))
    skip = pytest.mark.skip(reason="browser tests need " + "; ".join(MISSING))
    for item in needs_browser:
        item.add_marker(skip)


# --- The live server ------------------------------------------------------------------------------


@dataclass
class LiveServer:
    app: Flask
    url: str
    smtp: SMTPServer

    def emails_to(self, address: str, kind: str | None = None) -> list[EmailMessage]:
        return [
            message
            for message in self.smtp.messages_to(address)
            if kind is None or message["X-MentorMatch-Kind"] == kind
        ]

    def wait_for_email(self, address: str, kind: str, count: int = 1) -> EmailMessage:
        """The `count`-th email of this kind to the address, once the server has received it."""
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            messages = self.emails_to(address, kind)
            if len(messages) >= count:
                return messages[count - 1]
            if time.monotonic() > deadline:
                got = [(item.recipients, item.message["X-MentorMatch-Kind"]) for item in self.smtp.received]
                queued = [
                    (row.to_addr, row.kind, row.sent_at, row.attempts, row.last_error)
                    for row in outbox(self.app)
                ]
                raise AssertionError(
                    f"no {kind!r} email #{count} to {address} within {WAIT_SECONDS}s; "
                    f"the SMTP server received {got}; the outbox holds {queued}"
                )
            time.sleep(0.05)

    def link_in(self, message: EmailMessage, path_part: str) -> str:
        """The first link in the email's plain-text part containing path_part (a full URL)."""
        text = message.get_body(("plain",)).get_content()
        for url in re.findall(r"https?://\S+", text):
            if path_part in url:
                assert url.startswith(self.url + "/"), f"{url} doesn't point at the live server {self.url}"
                return url
        raise AssertionError(f"no link containing {path_part!r} in: {text}")


class _ResetMeansEndOfStream:
    """A request handler's input, where a connection reset by the client reads as the end of it."""

    def __init__(self, stream) -> None:
        self._stream = stream

    def read(self, *args: int) -> bytes:
        try:
            return self._stream.read(*args)
        except ConnectionResetError:
            return b""

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


class RequestHandler(WSGIRequestHandler):
    """Werkzeug's handler, except that the response is always closed, as PEP 3333 requires.

    After a response Werkzeug drains the socket, and when the client has reset the connection
    (Chromium does, for a redirect or a request it cancels) the read raises before the response
    is closed: send_file's open file then leaks as a ResourceWarning. Treating the reset as the
    end of the input lets the drain finish and close() run.
    """

    def setup(self) -> None:
        super().setup()
        self.rfile = _ResetMeansEndOfStream(self.rfile)


def serve(app: Flask, handler: type[WSGIRequestHandler] = RequestHandler) -> tuple[BaseWSGIServer, str]:
    """Start serving the app on a free port of 127.0.0.1 in a thread; the server and its URL."""
    # Port 0: the OS picks a free port, so there is no race with other processes.
    server: BaseWSGIServer = make_server("127.0.0.1", 0, app, threaded=True, request_handler=handler)
    threading.Thread(target=server.serve_forever, name="live-server", daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def stop(server: BaseWSGIServer) -> None:
    server.shutdown()
    server.server_close()


def make_live_app(tmp_path: Path, smtp: SMTPServer) -> Flask:
    """A fresh app on a fresh SQLite file, delivering mail to the SMTP server after each response."""
    app = create_app(
        make_test_config(
            f"sqlite:///{tmp_path / 'browser.sqlite3'}",
            tmp_path,
            **smtp_settings(smtp, MAIL_DELIVER_AFTER_REQUEST=True, MAIL_TIMEOUT=5),
        )
    )
    with app.app_context():
        db.create_all()
    return app


def dispose(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def live_server(tmp_path: Path, smtp_server: SMTPServer) -> Iterator[LiveServer]:
    """A fresh app on a fresh SQLite file, served on 127.0.0.1, sending mail to a real SMTP server."""
    app = make_live_app(tmp_path, smtp_server)
    server, url = serve(app)
    # Links in emails point here (BASE_URL is read per request; the port is known only now).
    app.config["BASE_URL"] = url
    yield LiveServer(app=app, url=url, smtp=smtp_server)
    stop(server)
    dispose(app)


# --- Chromium -------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


# Playwright's init scripts are added over the DevTools protocol, so the page's CSP doesn't apply.
REPORT_CSP = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__reportCspViolation(
    `${event.effectiveDirective} refused ${event.blockedURI || "inline"} on ${document.location.href}`
  );
});
"""


@dataclass
class BrowserErrors:
    """What went wrong in the browser during a test; checked after the test."""

    errors: list[str] = field(default_factory=list)
    allowed: list[re.Pattern[str]] = field(default_factory=list)

    def allow(self, pattern: str) -> None:
        """Expect console errors matching this regex (e.g. the 'status of 404' an error page logs)."""
        self.allowed.append(re.compile(pattern))

    def unexpected(self) -> list[str]:
        return [error for error in self.errors if not any(p.search(error) for p in self.allowed)]


@pytest.fixture
def browser_errors() -> BrowserErrors:
    return BrowserErrors()


def _script_from_node_modules(route: Route, path: Path) -> None:
    route.fulfill(
        status=200,
        body=path.read_bytes(),
        content_type="application/javascript",
        headers={"Access-Control-Allow-Origin": "*"},
    )


@pytest.fixture(scope="session")
def checked_markup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[markup.Collected]:
    """Every HTML page and fragment the session's browsers received, checked with the Nu HTML
    checker when the session ends: an error in any of them fails the session's last test."""
    collected = markup.Collected()
    yield collected
    problems = markup.missing()
    if problems:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("The markup check can't run in CI; missing: " + "; ".join(problems))
        return
    errors = collected.check(tmp_path_factory.mktemp("markup"))
    assert not errors, f"the Nu HTML checker found {len(errors)} errors:\n" + "\n".join(errors)


@pytest.fixture
def new_context(
    browser: Browser, live_server: LiveServer, browser_errors: BrowserErrors, checked_markup: markup.Collected
) -> Iterator[Callable[..., BrowserContext]]:
    """new_context(**options) makes a browser context on the live server, with htmx routed and errors
    recorded; options go to Playwright's browser.new_context (e.g. java_script_enabled=False).

    The test fails if the browser logged an error it didn't expect, in any of the contexts.
    """
    contexts: list[BrowserContext] = []

    def route_request(route: Route) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if url == HTMX_URL:
            _script_from_node_modules(route, HTMX_FILE)
        elif parts.hostname == "127.0.0.1" and parts.path == AXE_PATH:
            # Same origin as the page, so the page's CSP (script-src 'self') lets it load.
            _script_from_node_modules(route, AXE_FILE)
        elif parts.hostname == "127.0.0.1":
            route.fallback()
        else:
            browser_errors.errors.append(f"request to the network aborted: {url}")
            route.abort("blockedbyclient")

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            location = message.location.get("url", "")
            browser_errors.errors.append(f"console error: {message.text} ({location})")

    def make(**options: object) -> BrowserContext:
        context = browser.new_context(base_url=live_server.url, locale="en-GB", **options)
        context.set_default_timeout(WAIT_SECONDS * 1000)
        context.route("**/*", route_request)
        context.expose_function(
            "__reportCspViolation", lambda text: browser_errors.errors.append(f"CSP violation: {text}")
        )
        context.add_init_script(REPORT_CSP)
        context.on("console", on_console)
        context.on("weberror", lambda error: browser_errors.errors.append(f"page error: {error.error}"))
        context.on("response", checked_markup.add)
        contexts.append(context)
        return context

    yield make
    unexpected = browser_errors.unexpected()
    for context in contexts:
        context.close()
    assert not unexpected, "the browser reported:\n" + "\n".join(unexpected)


@pytest.fixture
def page(new_context: Callable[..., BrowserContext]) -> Page:
    """A page in a fresh context; the test fails if the browser logged an error it didn't expect."""
    return new_context().new_page()
