"""Make docs/matches.png, the README's picture of /matches, from the demo data.

    .venv/bin/python docs/screenshot.py [--out docs/matches.png]

It uses the browser tests' own setup (tests/browser/conftest.py): a fresh app on a temporary
SQLite file seeded with `seed-demo --users 300`, served on 127.0.0.1, and Debian's Chromium
through Playwright with htmx served from node_modules in place of the CDN. It logs in as the demo
student and photographs her Mentors tab, so the picture always shows what the code does now.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Route, sync_playwright  # noqa: E402

from mentormatch import create_app  # noqa: E402
from mentormatch.core.extensions import db  # noqa: E402
from mentormatch.core.htmx import HTMX_URL  # noqa: E402
from mentormatch.demo.logins import DEMO_LOGINS, DEMO_PASSWORD  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, HTMX_FILE, MISSING, serve, stop  # noqa: E402
from tests.conftest import make_test_config  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "matches.png")
    parser.add_argument("--width", type=int, default=1200)
    args = parser.parse_args()
    if MISSING:
        sys.exit("Can't take the screenshot; missing: " + "; ".join(MISSING))
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(make_test_config(f"sqlite:///{Path(tmp) / 'demo.sqlite3'}", Path(tmp)))
        with app.app_context():
            db.create_all()
        result = app.test_cli_runner().invoke(args=["seed-demo", "--users", "300"])
        if result.exit_code:
            sys.exit(result.output)
        server, url = serve(app)
        try:
            shoot(url, args.out, args.width)
        finally:
            stop(server)
    print(f"Wrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")


def shoot(url: str, out: Path, width: int) -> None:
    def route(route: Route) -> None:
        if route.request.url == HTMX_URL:
            route.fulfill(
                body=HTMX_FILE.read_bytes(),
                content_type="application/javascript",
                headers={"Access-Control-Allow-Origin": "*"},
            )
        elif urlsplit(route.request.url).hostname == "127.0.0.1":
            route.fallback()
        else:
            route.abort("blockedbyclient")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=url, locale="en-GB", viewport={"width": width, "height": 900})
        context.route("**/*", route)
        page = context.new_page()
        page.goto("/auth/login")
        page.get_by_label("Email address").fill(DEMO_LOGINS["student"].email)
        page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.get_by_role("button", name="Log out").wait_for()
        page.goto("/matches")
        page.wait_for_load_state("networkidle")
        out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out), full_page=False)
        browser.close()


if __name__ == "__main__":
    main()
