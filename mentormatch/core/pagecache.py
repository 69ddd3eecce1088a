"""Pages kept in memory: a member who opens the same page again, with nothing written since, gets
it as it was made, for one statement instead of the page's work.

A view marked `@cached_page` keeps its answer (a 200, in this process's memory) under the page's
address, its htmx headers and the session it was made for. It is served again, to that session
only, while both hold:
- the write count (core/writes.py) is unchanged: nobody has committed a write of any kind since,
  so nothing the page shows can have changed in the database;
- it is younger than PAGE_CACHE_SECONDS (60): what depends on the clock alone ("closes in 3
  days", an event starting) is at most that old.

Only plain sessions are served: none with a message waiting to be flashed or other keys of a
flow in progress. The page carries the session's CSRF token, which is why it is kept per session,
and a signed-in session is only ever the same person (a password change, an account closing, a
confirmed address are writes). A visitor without a session (nor a remember-me cookie) sees the
pages marked `visitors=True` (the landing page), which are the same for every visitor and read
nothing.

Each worker keeps its own pages, at most PAGE_CACHE_MAX_MB of them, the least recently used
going first; a newer write count drops every page of an older one. PAGE_CACHE_SECONDS = 0 turns
it off. Pages never leave the process: responses still say `Cache-Control: no-store`.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from flask import Flask, Response, current_app, make_response, request, session
from prometheus_client import Counter

from mentormatch.core.writes import writes_so_far

EXTENSION = "mentormatch.page_cache"
# A session holding only these is plain: its pages depend on who it is and its CSRF token alone.
PLAIN_SESSION_KEYS = frozenset({"_user_id", "_fresh", "_id", "csrf_token", "_permanent"})
VISITOR = "visitor"  # the version of a visitor's page: it reads nothing, so no write outdates it

LOOKUPS = Counter("mentormatch_page_cache_lookups", "Pages asked of the page cache, by outcome.", ["outcome"])


@dataclass(frozen=True)
class KeptPage:
    version: int | str
    made: float  # time.monotonic()
    body: bytes
    headers: tuple[tuple[str, str], ...]

    def response(self) -> Response:
        return Response(self.body, 200, list(self.headers))


class PageCache:
    """One process's pages, by key; thread-safe (gunicorn's gthread workers share it)."""

    def __init__(self, seconds: float, max_bytes: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self.max_bytes = max_bytes
        self.clock = clock
        self._pages: OrderedDict[tuple, KeptPage] = OrderedDict()
        self._bytes = 0
        self._newest = -1  # the highest write count seen
        self._lock = threading.Lock()

    def get(self, key: tuple, version: int | str) -> KeptPage | None:
        with self._lock:
            self._see(version)
            page = self._pages.get(key)
            if page is None or page.version != version or self.clock() - page.made >= self.seconds:
                return None
            self._pages.move_to_end(key)
            return page

    def put(
        self,
        key: tuple,
        version: int | str,
        body: bytes,
        headers: tuple[tuple[str, str], ...],
        made: float | None = None,
    ) -> None:
        """Keep a page made at `made` (this cache's clock, read before the page's first read)."""
        if len(body) > self.max_bytes:
            return
        with self._lock:
            self._see(version)
            if isinstance(version, int) and version < self._newest:
                return  # made from a count already outdated: nobody will ask for it
            self._drop(key)
            self._pages[key] = KeptPage(version, self.clock() if made is None else made, body, headers)
            self._bytes += len(body)
            while self._bytes > self.max_bytes:
                self._drop(next(iter(self._pages)))

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._pages)

    def _see(self, version: int | str) -> None:
        """A newer write count outdates every page of an older one: let them go now."""
        if isinstance(version, int) and version > self._newest:
            self._newest = version
            for key in [key for key, page in self._pages.items() if isinstance(page.version, int)]:
                self._drop(key)

    def _drop(self, key: tuple) -> None:
        page = self._pages.pop(key, None)
        if page is not None:
            self._bytes -= len(page.body)


def init_page_cache(app: Flask) -> None:
    """Give this process its page cache, sized by the settings (none when PAGE_CACHE_SECONDS is 0)."""
    seconds = float(app.config["PAGE_CACHE_SECONDS"])
    max_bytes = int(float(app.config["PAGE_CACHE_MAX_MB"]) * 1024 * 1024)
    app.extensions[EXTENSION] = PageCache(seconds, max_bytes) if seconds > 0 and max_bytes > 0 else None


def cached_page(view: Callable | None = None, *, visitors: bool = False) -> Callable:
    """Keep this GET page's answer for its session while nothing is written (see the module).

    Put it above the view's login check: a page kept for a session passed it when it was made.
    With `visitors=True`, the answer to a visitor without a session is kept for every visitor:
    only for a page that reads nothing from the database for them.
    """

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: object, **kwargs: object):
            cache: PageCache | None = current_app.extensions.get(EXTENSION)
            key = _key(visitors) if cache is not None else None
            if key is None:
                return view(*args, **kwargs)
            version = VISITOR if key[0] is None else writes_so_far()
            if version is None:
                return view(*args, **kwargs)
            page = cache.get(key, version)
            if page is not None:
                LOOKUPS.labels("hit").inc()
                return page.response()
            LOOKUPS.labels("miss").inc()
            made = cache.clock()  # its age counts from before its reads (a refit may come first)
            response = make_response(view(*args, **kwargs))
            if _keepable(response, key):
                headers = tuple((name, value) for name, value in response.headers if name != "Set-Cookie")
                cache.put(key, version, response.get_data(), headers, made)
            return response

        return wrapped

    return decorate(view) if view is not None else decorate


def _key(visitors: bool) -> tuple | None:
    """This request's key, or None when it is not to be served from memory."""
    if request.method != "GET":
        return None
    if not session:  # nothing in it, or no cookie at all
        # A remember-me cookie is a member whose browser was closed: signed in again as the page is made.
        remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
        # Only the plain address: made-up query strings would each take a place of members' pages.
        return (None, request.path) if visitors and not remembered and not request.args else None
    if "_user_id" not in session or not PLAIN_SESSION_KEYS.issuperset(session.keys()):
        return None
    htmx = tuple(
        sorted((name, value) for name, value in request.headers.items() if name.lower().startswith("hx-"))
    )
    return (session["_user_id"], session.get("csrf_token"), request.full_path, htmx)


def _keepable(response: Response, key: tuple) -> bool:
    """A whole 200 whose making changed nothing in the session (no flash shown, no token made)."""
    if response.status_code != 200 or response.is_streamed or response.direct_passthrough:
        return False
    return not (session.modified or (key[0] is None and session))
