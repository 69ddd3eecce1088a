"""Valid markup: every HTML page and htmx fragment the browser tests receive, checked with the Nu
HTML checker (npm vnu-jar, run by Java) once, at the end of the browser session.

conftest.py gives each browser context's responses to `Collected.add`; the session fixture
`checked_markup` writes what was collected to a folder and runs vnu on it all at once (one JVM).
A fragment is checked inside a minimal document, as htmx puts it into one: the <title> htmx takes
for the page's title is left out, table rows go in a table (under a header row of as many
columns) and list items in a list, the out-of-band status region after them, and a form that
inputs name with form="…" but the fragment doesn't hold is added, empty.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Response

from mentormatch import ROOT

VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
JAVA = shutil.which("java")
WRAPPER = (
    '<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>Fragment</title></head>'
    "<body>{}</body></html>"
)
LEADING_TITLE = re.compile(r"^\s*<title>.*?</title>", re.S)


def missing() -> list[str]:
    """What the markup check needs and doesn't have."""
    found = []
    if JAVA is None:
        found.append("Java (apt-get install -y default-jre-headless)")
    if not VNU_JAR.is_file():
        found.append(f"the Nu HTML checker at {VNU_JAR.relative_to(ROOT)} (npm ci)")
    return found


def as_document(html: str) -> str:
    """A whole page as it is; a fragment inside a minimal document."""
    if html.lstrip()[:15].lower().startswith("<!doctype html"):
        return html
    body = LEADING_TITLE.sub("", html, count=1)
    # The status region comes last, out of band: htmx puts it elsewhere in the page.
    oob = body.find('<div id="status"')
    body, out_of_band = (body[:oob], body[oob:]) if oob >= 0 else (body, "")
    if body.lstrip().startswith("<tr"):
        # A header row gives the table its columns, as the page's table does.
        cells = re.findall(r"<t[hd]\b[^>]*>", body.split("</tr>")[0])
        spans = [re.search(r'colspan="?(\d+)', cell) for cell in cells]
        header = "<th>Column</th>" * sum(int(span.group(1)) if span else 1 for span in spans)
        body = f"<table><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>"
    elif body.lstrip().startswith("<li"):
        body = f"<ul>{body}</ul>"
    # Inputs that belong to a form elsewhere on the page (form="…"): that form, empty.
    for form_id in set(re.findall(r'\bform="([^"]+)"', body)) - set(re.findall(r'\bid="([^"]+)"', body)):
        body += f'<form id="{form_id}"></form>'
    return WRAPPER.format(body + out_of_band)


@dataclass
class Collected:
    """The distinct HTML documents received, each with the first URL it came from."""

    documents: dict[str, tuple[str, str]] = field(default_factory=dict)

    def add(self, response: Response) -> None:
        if not response.url.startswith("http://127.0.0.1") or response.status in (204, 304):
            return
        if not response.headers.get("content-type", "").startswith("text/html"):
            return
        try:
            html = response.text()
        except Exception:  # the page navigated away before its body was read
            return
        digest = hashlib.sha256(html.encode()).hexdigest()
        self.documents.setdefault(digest, (response.url, as_document(html)))

    def check(self, folder: Path) -> list[str]:
        """vnu's errors, each with the URL of the page or fragment it is in."""
        if not self.documents:
            return []
        folder.mkdir(parents=True, exist_ok=True)
        where = {}
        for number, (url, html) in enumerate(self.documents.values()):
            path = folder / f"{number:04d}.html"
            path.write_text(html, encoding="utf-8")
            where[path.name] = url
        command = [JAVA, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--exit-zero-always"]
        result = subprocess.run(
            [*command, str(folder)],
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
        messages = json.loads(result.stderr or result.stdout)["messages"]
        return [
            f"{where.get(item.get('url', '').rsplit('/', 1)[-1])} line {item.get('lastLine')}: "
            f"{item['message']}\n    {item.get('extract', '').strip()}"
            for item in messages
            if item.get("type") == "error"
        ]
