"""Members' plain text shown as HTML: escaped first, then line breaks kept and web links made clickable."""

from __future__ import annotations

import re
from datetime import datetime

from markupsafe import Markup, escape

from mentormatch.core.calendar import london_time

# Run on text already escaped, so a link can hold no <, > or quote; & arrives as &amp; and stays so.
_LINK = re.compile(r"\bhttps?://[^\s<>]+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}'"


def _link(match: re.Match[str]) -> str:
    url = match.group(0)
    kept = url.rstrip(_TRAILING)
    while kept.endswith(("&#34", "&#39")):  # a quote escaped just after the link (its ; stripped above)
        kept = kept[:-4]
    rest = url[len(kept) :]
    return f'<a href="{kept}" rel="nofollow noopener" target="_blank">{kept}</a>{rest}'


def message_html(text: str) -> Markup:
    """Plain text as safe HTML: every character escaped, then http(s) links clickable
    (rel="nofollow noopener") and line breaks kept as <br>."""
    escaped = str(escape(text))
    linked = _LINK.sub(_link, escaped)
    return Markup(linked.replace("\r\n", "\n").replace("\n", "<br>\n"))  # noqa: S704 (escaped above)


def london(moment: datetime, pattern: str = "%a %-d %b %Y, %H:%M") -> str:
    """A moment as the clock in London shows it: Thu 4 Mar 2027, 18:30."""
    return london_time(moment).strftime(pattern)


def is_web_link(text: str) -> bool:
    """True for an http(s) link with a host: the only kind a meeting's "where" is shown as a link."""
    return (
        bool(re.fullmatch(r"https?://[^\s<>\"']+", text or "", re.IGNORECASE)) and "." in text.split("/")[2]
    )
