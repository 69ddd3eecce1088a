"""Each main kind of email as a phone's mail app shows it: rendered by Chromium at 375 and 600 px,
in light and dark mode, with nothing wider than the screen and every colour pair readable.

The screenshots go to $MENTORMATCH_SCREENSHOTS when it is set (a CI artifact folder, say), else to
the test's temporary folder; look at them after a change to an email's layout.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import LiveServer
from tests.email_samples import KINDS, make_samples
from tests.test_email_reading import contrast

WIDTHS = (375, 600)

# The colours a pair of elements shows, as #rrggbb: the text's colour and its box's background.
COLOURS = """
([text, box]) => {
  const hex = (value) =>
    "#" + value.match(/\\d+/g).slice(0, 3).map((n) => (+n).toString(16).padStart(2, "0")).join("");
  const background = (element) => {
    for (let node = element; node; node = node.parentElement) {
      const colour = getComputedStyle(node).backgroundColor;
      if (colour !== "rgba(0, 0, 0, 0)" && colour !== "transparent") return hex(colour);
    }
    return "#ffffff";
  };
  return [hex(getComputedStyle(text).color), background(box)];
}
"""


@pytest.fixture
def screenshots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("MENTORMATCH_SCREENSHOTS") or tmp_path) / "emails"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def pair(page: Page, text_selector: str, box_selector: str | None = None) -> tuple[str, str]:
    text = page.locator(text_selector).first
    box = page.locator(box_selector).first if box_selector else text
    return tuple(page.evaluate(COLOURS, [text.element_handle(), box.element_handle()]))


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_each_email_reads_on_a_phone_in_light_and_dark_mode(
    new_context, live_server: LiveServer, screenshots: Path, scheme: str
) -> None:
    samples = make_samples(live_server.app)
    for width in WIDTHS:
        page = new_context(viewport={"width": width, "height": 900}, color_scheme=scheme).new_page()
        for kind in KINDS:
            page.set_content(samples[kind].html_body)
            what = f"{kind} at {width}px, {scheme}"
            assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{what} scrolls sideways"
            page.screenshot(path=screenshots / f"{kind}-{width}-{scheme}.png", full_page=True)
            checks = {
                "text": pair(page, "td.mm-text"),
                "footer": pair(page, "td.mm-muted"),
                "button label": pair(page, ".mm-button a"),
                "link": pair(page, "a.mm-link"),
            }
            # The button's own colour against the card it sits on.
            card = pair(page, "td.mm-brand", "table.mm-body")[1]
            checks["button on the card"] = (pair(page, ".mm-button a", ".mm-button")[1], card)
            for name, (foreground, background) in checks.items():
                ratio = contrast(foreground, background)
                assert ratio >= 4.5, f"{what}: {name} {foreground} on {background} is {ratio:.1f}:1"
        if scheme == "dark":
            assert pair(page, ".mm-button a", ".mm-button") == ("#07262d", "#8fd6e3")
