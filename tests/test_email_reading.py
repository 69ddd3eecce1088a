"""Emails people read on a phone: subjects that lead with the news, first names, reasons on their own
lines, the wording of who asked whom, dark-mode contrast, Reply-To and the footer that goes with it,
Message-IDs on the sender's domain, and SpamAssassin's local score for each main kind of email."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from email import message_from_bytes, policy

import pytest

from mentormatch import ROOT
from mentormatch.core.mail.message import build_message
from mentormatch.core.templating import first_name
from mentormatch.digests.rendering import render_digest
from tests.email_samples import KINDS, make_samples, sample_digest

SPAM_LIMIT = 1.0
SPAMASSASSIN = shutil.which("spamassassin")


def parsed(app, row):
    with app.app_context():
        return message_from_bytes(build_message(row).as_bytes(eight_bit=True), policy=policy.default)


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


@pytest.mark.parametrize(
    ("name", "greeting"),
    [
        ("Mei Nguyễn", "Mei"),
        ("Dr Mei Nguyễn", "Dr Nguyễn"),
        ("prof. Ann Lee", "prof. Lee"),
        ("", "there"),
        (None, "there"),
    ],
)
def test_greetings_use_the_first_name(name, greeting):
    assert first_name(name) == greeting


def test_the_digest_leads_with_the_news_and_reads_in_short_lines(app):
    with app.app_context():
        rendered = render_digest(sample_digest())
    assert rendered.subject == "1 request to answer · 6 new people to meet"
    text = rendered.text
    assert text.startswith("Hello Priya,\n\nHere's what's new for you since ")
    assert "- Eve Evans would like to connect as peers (6 days left to answer)" in text
    # Who asked whom: Priya asked Mei to be *her* mentor.
    assert "- You asked Mei Nguyễn to mentor you (6 days left)" in text
    assert "their mentor" not in text
    # The three best reasons, each a line of its own; never joined into one.
    tom = text[text.index("Tom Okafor, a top 60% match for you") :].split("\n\n")[0].splitlines()
    assert tom[2:5] == [
        "  - Both: cardiology, research",
        "  - You want help with career planning; they offer it",
        "  - From another organisation: York and Scarborough Teaching Hospitals NHS Foundation Trust",
    ]
    assert "Both enjoy cycling" not in text and " · " not in text
    assert "Hello Priya," in rendered.html and "✓ Both: cardiology, research</span>" in rendered.html


def test_the_main_emails_greet_by_first_name_and_say_who_asked(app):
    samples = make_samples(app)
    assert samples["verify_email"].subject == "Confirm your email address for MentorMatch"
    assert text_of(parsed(app, samples["verify_email"])).startswith("Hello Amira,\n")
    received = parsed(app, samples["request_received"])
    assert received["Subject"] == "Priya Shah asked you for mentoring"
    assert text_of(received).startswith("Hello Dr Nguyễn,\n")
    assert (
        "Priya Shah has asked you to be their mentor.\n\nAbout them: Medical student (year 1–6)."
        in text_of(received)
    )
    accepted = parsed(app, samples["request_accepted"])
    assert text_of(accepted).startswith("Hello Priya,\n")
    for message in map(lambda row: parsed(app, row), samples.values()):
        assert message["Reply-To"] is None  # no MAIL_REPLY_TO: no promise that replies are read
        assert message["Message-ID"].endswith("@mentormatch.example>")
    verify = text_of(parsed(app, samples["verify_email"]))
    assert "Replies to this address aren't read" in verify and "Reply to this email" not in verify


@pytest.fixture
def programme_app(make_app):
    return make_app(
        MAIL_DEFAULT_SENDER="Leeds Mentoring <no-reply@mentoring.leeds.example.ac.uk>",
        MAIL_REPLY_TO="Leeds Mentoring team <mentoring@leeds.example.ac.uk>",
    )


def test_reply_to_and_the_message_id_follow_the_programmes_addresses(programme_app):
    samples = make_samples(programme_app)
    for kind, row in samples.items():
        message = parsed(programme_app, row)
        assert message["Reply-To"] == "Leeds Mentoring team <mentoring@leeds.example.ac.uk>", kind
        if kind != "digest":  # the sample digest is stored with a fixed id
            assert message["Message-ID"].endswith("@mentoring.leeds.example.ac.uk>"), kind
        text = text_of(message)
        assert "Questions? Reply to this email: it reaches your programme's team." in text, kind
        html = message.get_body(("html",)).get_content()
        assert "Reply to this email" in html, kind


# --- Dark mode ----------------------------------------------------------------------------------


def luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: str, two: str) -> float:
    light, dark = sorted((luminance(one), luminance(two)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_dark_mode_colours_reach_4_5_to_1():
    css = (ROOT / "templates" / "email" / "_dark.html").read_text()
    dark = css[css.index("prefers-color-scheme: dark") :].split("\n  }\n")[0]

    def colour(selector: str, prop: str) -> str:
        match = re.search(rf"{re.escape(selector)}[^{{]*\{{ {prop}: (#[0-9a-f]{{6}})", dark)
        assert match, f"no {prop} for {selector}"
        return match.group(1)

    body, card = colour(".mm-body", "background"), colour(".mm-card", "background")
    button = colour(".mm-button", "background")
    for background in (body, card):
        assert contrast(colour(".mm-text, .mm-text p", "color"), background) >= 4.5
        assert contrast(colour(".mm-muted", "color"), background) >= 4.5
        assert contrast(colour(".mm-brand", "color"), background) >= 4.5
        assert contrast(button, background) >= 4.5  # the button against what it sits on
    assert contrast(colour(".mm-button a", "color"), button) >= 4.5


# --- SpamAssassin -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def spamassassin() -> str:
    if SPAMASSASSIN is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("spamassassin is missing: apt-get install -y spamassassin")
        pytest.skip("spamassassin is not installed (apt-get install -y spamassassin)")
    return SPAMASSASSIN


def spam_score(spamassassin: str, message: bytes) -> tuple[float, str]:
    """SpamAssassin's score with its local tests only (-L: no DNS, no network), and the rules hit."""
    result = subprocess.run(
        [spamassassin, "-L", "-t", "--cf=use_bayes 0"],
        input=message,
        capture_output=True,
        timeout=120,
        check=True,
    )
    checked = message_from_bytes(result.stdout, policy=policy.default)
    status = str(checked["X-Spam-Status"])
    score = float(re.search(r"score=(-?[\d.]+)", status).group(1))
    return score, re.sub(r"\s+", " ", status)


@pytest.mark.parametrize("kind", KINDS)
def test_spamassassin_scores_each_kind_at_most_1(app, spamassassin, kind):
    row = make_samples(app)[kind]
    with app.app_context():
        message = build_message(row).as_bytes(eight_bit=True)
    score, status = spam_score(spamassassin, message)
    assert score <= SPAM_LIMIT, f"{kind}: {status}"
