"""One real email of each main kind, made by the code that sends it, for the tests that read them
(tests/test_email_reading.py) and render them in Chromium (tests/browser/test_emails.py)."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from sqlalchemy import select

from mentormatch.accounts.models import User
from mentormatch.accounts.service import send_verification
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.core.mail.models import OutboxMessage
from mentormatch.digests.items import DigestContent, RequestItem, SuggestedItem
from mentormatch.digests.rendering import render_digest
from mentormatch.mentoring.answering import accept
from mentormatch.mentoring.asking import send_request
from tests.factories import make_member

KINDS = ("verify_email", "request_received", "request_accepted", "digest")
REASONS = [
    "both: cardiology, research",
    "you want help with career planning; they offer it",
    "from another organisation: York and Scarborough Teaching Hospitals NHS Foundation Trust",
    "both enjoy cycling",
]


def sample_digest(user_id: int = 1) -> DigestContent:
    """A digest with news of every kind the subject leads with."""
    now = utcnow()
    people = [
        SuggestedItem(100 + n, name, stage, "Leeds Teaching Hospitals NHS Trust", 60 - n, list(REASONS))
        for n, (name, stage) in enumerate(
            [
                ("Tom Okafor", "Consultant"),
                ("Ann Lee", "Specialty trainee (ST3+)"),
                ("Sam Patel", "GP"),
                ("Bob Brown", "Medical student"),
                ("Cat Jones", "Foundation doctor (FY1–FY2)"),
                ("Dev Rao", "Medical student"),
            ]
        )
    ]

    def request(number: int, kind: str, other: str) -> RequestItem:
        return RequestItem(number, kind, 200 + number, other, now + timedelta(days=6), 6)

    return DigestContent(
        user_id=user_id,
        name="Priya Shah",
        email="priya@example.ac.uk",
        frequency="weekly",
        period_key="2026-W48",
        as_of=now,
        since=now - timedelta(days=7),
        mentors=people[:3],
        peers=people[3:],
        received=[request(1, "peer", "Eve Evans")],
        sent=[request(2, "mentoring", "Mei Nguyễn")],
    )


def make_samples(app: Flask) -> dict[str, OutboxMessage]:
    """Each kind in KINDS, queued in the app's outbox the way the app queues it; by kind."""
    priya = make_member(app, "Priya Shah", email="priya@example.ac.uk", stage="medical_student")
    mei = make_member(
        app,
        "Dr Mei Nguyễn",
        email="mei@example.org",
        stage="consultant",
        mentor=True,
        organisation="St James's",
    )
    newcomer = make_member(app, "Amira Khan", email="amira@example.ac.uk", verified=False, profile=False)
    with app.app_context():
        send_verification(db.session.get(User, newcomer))
        asked = send_request(
            db.session.get(User, priya),
            db.session.get(User, mei),
            "mentoring",
            "I'd love help choosing a research project in cardiology before finals.",
        )
        db.session.commit()
        accept(asked, db.session.get(User, mei))
        rendered = render_digest(sample_digest(priya))
        db.session.add(
            OutboxMessage(
                message_id="<sample-digest@mentormatch.example>",
                kind="digest",
                to_addr="priya@example.ac.uk",
                subject=rendered.subject,
                text_body=rendered.text,
                html_body=rendered.html,
                headers=rendered.headers,
            )
        )
        db.session.commit()
        rows = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        found = {row.kind: row for row in rows if row.kind in KINDS}
        for row in found.values():
            db.session.expunge(row)
    assert set(found) == set(KINDS), f"made {sorted(found)}"
    return found
