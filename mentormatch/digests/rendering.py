"""A digest as an email: its links, subject, text and HTML."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app
from werkzeug.routing import BuildError, MapAdapter

from mentormatch.digests.items import DigestContent
from mentormatch.digests.periods import local_time
from mentormatch.digests.tokens import make_unsubscribe_token

REASONS_SHOWN = 3  # a suggestion's best reasons, one short line each; the rest are on /matches


@dataclass(frozen=True)
class RenderedDigest:
    subject: str
    text: str
    html: str
    headers: dict[str, str]


class Links:
    """Absolute links on BASE_URL, built with one URL adapter for a whole run."""

    def __init__(self) -> None:
        base = urlsplit(current_app.config["BASE_URL"])
        self.base = base
        self.adapter: MapAdapter = current_app.url_map.bind(
            base.netloc, script_name=base.path or "/", url_scheme=base.scheme
        )
        self._admin_queue: str | None = None

    def __call__(self, endpoint: str, _anchor: str | None = None, **values: object) -> str:
        url = self.adapter.build(endpoint, values, force_external=True)
        return f"{url}#{_anchor}" if _anchor else url

    @property
    def is_https(self) -> bool:
        return self.base.scheme == "https"

    def admin_mentor_queue(self) -> str:
        """The mentor approval queue, /admin/mentors in DESIGN.md, whatever its view is called."""
        if self._admin_queue is None:
            endpoint = next(
                (rule.endpoint for rule in current_app.url_map.iter_rules() if rule.rule == "/admin/mentors"),
                None,
            )
            try:
                self._admin_queue = self(endpoint) if endpoint else None
            except BuildError:
                self._admin_queue = None
            if self._admin_queue is None:  # the page not yet there: its contract address
                self._admin_queue = (
                    f"{self.base.scheme}://{self.base.netloc}{self.base.path.rstrip('/')}/admin/mentors"
                )
        return self._admin_queue


def render_digest(content: DigestContent, links: Links | None = None) -> RenderedDigest:
    """The email for one digest: subject, plain text, HTML and the unsubscribe headers."""
    links = links or Links()
    env = current_app.jinja_env
    token = make_unsubscribe_token(content.user_id)
    unsubscribe = links("digests.unsubscribe", token=token)
    context = {
        "digest": content,
        "link": links,
        "unsubscribe_link": unsubscribe,
        "preferences_link": links("settings.index", _anchor="preferences-section"),
        "admin_queue_link": links.admin_mentor_queue() if content.applications_waiting else None,
        "since": f"{local_time(content.since):%A %-d %B}",  # "Monday 16 November"
        "subject": "",
        "reasons_shown": REASONS_SHOWN,
    }
    subject = content.summary()  # the sender is MentorMatch; the subject is the news
    if len(subject) > 200:
        subject = subject[:199] + "…"
    context["subject"] = subject
    headers = {"List-Unsubscribe": f"<{unsubscribe}>", "Auto-Submitted": "auto-generated"}
    if links.is_https:
        # RFC 8058: mail providers POST "List-Unsubscribe=One-Click" to the https link.
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return RenderedDigest(
        subject=subject,
        text=env.get_template("email/digest.txt").render(context),
        html=env.get_template("email/digest.html").render(context),
        headers=headers,
    )
