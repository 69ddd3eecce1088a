"""Digest content (only what is new), periods in London time, the preference and the admin preview."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from mentormatch.accounts.models import User
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.digests.content import build_digests
from mentormatch.digests.items import days_left
from mentormatch.digests.models import NOTHING_NEW, QUEUED, Digest
from mentormatch.digests.periods import DAILY, WEEKLY, period_key, utc
from mentormatch.digests.rendering import render_digest
from mentormatch.digests.sending import queue_due_digests
from mentormatch.mentoring.models import MENTORING, PEER, Connection, MentoringRequest
from tests.factories import make_member
from tests.helpers import outbox, submit

CARDIOLOGY_RESEARCH = {"specialties": ["cardiology"], "offers": ["research"]}


def opt_in(app, *user_ids: int, frequency: str = WEEKLY) -> None:
    with app.app_context():
        for user_id in user_ids:
            user = db.session.get(User, user_id)
            user.digest_opt_in, user.digest_frequency, user.digest_consent_at = True, frequency, utcnow()
        db.session.commit()


def next_digest(app, user_id: int, now=None):
    with app.app_context():
        [content] = build_digests([db.session.get(User, user_id)], now or utcnow())
        return content


def add_request(app, sender: int, recipient: int, kind: str = PEER, *, created=None, days: int = 14) -> int:
    with app.app_context():
        created = created or utcnow()
        request = MentoringRequest(
            kind=kind,
            sender_id=sender,
            recipient_id=recipient,
            created_at=created,
            expires_at=created + timedelta(days=days),
        )
        db.session.add(request)
        db.session.commit()
        return request.id


# --- periods ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "daily", "weekly"),
    [
        # Spring forward (Sunday 29 March 2026, 01:00 UTC): London days, not UTC days.
        (utc(2026, 3, 28, 23, 30), "2026-03-28", "2026-W13"),  # 23:30 GMT Saturday
        (utc(2026, 3, 29, 0, 30), "2026-03-29", "2026-W13"),  # 00:30 GMT Sunday
        (utc(2026, 3, 29, 22, 30), "2026-03-29", "2026-W13"),  # 23:30 BST Sunday
        (utc(2026, 3, 29, 23, 30), "2026-03-30", "2026-W14"),  # 00:30 BST Monday, still Sunday in UTC
        # Fall back (Sunday 25 October 2026, 01:00 UTC): a 25-hour day is one period.
        (utc(2026, 10, 24, 23, 30), "2026-10-25", "2026-W43"),  # 00:30 BST Sunday
        (utc(2026, 10, 25, 23, 30), "2026-10-25", "2026-W43"),  # 23:30 GMT Sunday
        (utc(2026, 10, 26, 0, 30), "2026-10-26", "2026-W44"),  # 00:30 GMT Monday
        (utc(2026, 12, 31, 23, 0), "2026-12-31", "2026-W53"),  # ISO week-numbering year
        (utc(2027, 1, 4, 9, 0), "2027-01-04", "2027-W01"),
    ],
)
def test_periods_follow_the_london_calendar(moment, daily, weekly):
    assert period_key(DAILY, moment) == daily
    assert period_key(WEEKLY, moment) == weekly


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError):
        period_key(DAILY, utc(2026, 1, 1).replace(tzinfo=None))


def test_days_left_counts_whole_days():
    now = utc(2026, 11, 22, 9)
    assert days_left(now + timedelta(days=13, hours=23), now) == 13
    assert days_left(now + timedelta(hours=5), now) == 0
    assert days_left(now - timedelta(hours=1), now) == 0


# --- content ----------------------------------------------------------------------------------


def test_first_digest_has_suggestions_requests_and_connections_with_reasons(app):
    mentee = make_member(
        app, "Priya Shah", specialties=["cardiology"], goals=["research"], interests=["cycling"]
    )
    mentors = [
        make_member(app, f"Dr Mentor {n}", stage="consultant", mentor=True, **CARDIOLOGY_RESEARCH)
        for n in range(4)
    ]
    peer = make_member(app, "Sam Peer", specialties=["cardiology"], interests=["cycling"])
    asker = make_member(app, "Ola Asker")
    friend = make_member(app, "Fran Friend")
    opt_in(app, mentee)
    received = add_request(app, asker, mentee, PEER)
    sent = add_request(app, mentee, mentors[3], MENTORING, days=3)
    with app.app_context():
        db.session.add(Connection(kind=PEER, first_id=min(mentee, friend), second_id=max(mentee, friend)))
        db.session.commit()

    content = next_digest(app, mentee)

    assert len(content.mentors) == 3  # at most three, and never someone with a pending request
    assert {item.user_id for item in content.mentors} <= set(mentors[:3])
    assert all(item.reasons and 0 < item.percent <= 100 for item in content.mentors)
    assert any("cardiology" in " ".join(item.reasons) for item in content.mentors)
    assert [item.user_id for item in content.peers][:1] == [peer]
    assert [(r.id, r.other_name, r.days_left) for r in content.received] == [(received, "Ola Asker", 13)]
    assert [(r.id, r.other_id, r.days_left) for r in content.sent] == [(sent, mentors[3], 2)]
    assert [(c.other_name, c.role) for c in content.connections] == [("Fran Friend", "peer")]
    assert not content.is_empty
    assert "1 request to answer" in content.summary()


def test_only_what_is_new_since_the_last_digest(app):
    mentee = make_member(app, "Priya Shah", specialties=["cardiology"], goals=["research"])
    mentors = [
        make_member(app, stage="consultant", mentor=True, specialties=["cardiology"], offers=["research"])
        for _ in range(5)
    ]
    old_asker, new_asker = make_member(app), make_member(app)
    opt_in(app, mentee)
    start = utcnow()
    add_request(app, old_asker, mentee, created=start - timedelta(hours=2))

    with app.app_context():
        assert queue_due_digests(start).queued == 1
        first = db.session.scalar(select(Digest).where(Digest.user_id == mentee))
        shown = first.included["mentors"]
    assert len(shown) == 3 and first.outcome == QUEUED

    # A week later: the two mentors not shown before, and the request sent since; not the old ones.
    later = start + timedelta(days=7)
    add_request(app, new_asker, mentee, created=start + timedelta(days=1))
    content = next_digest(app, mentee, later)
    assert sorted(item.user_id for item in content.mentors) == sorted(set(mentors) - set(shown))
    assert [r.other_id for r in content.received] == [new_asker]
    assert content.since == first.as_of

    with app.app_context():
        assert queue_due_digests(later).queued == 1
    # Another week: every mentor has been shown, nothing else happened: no email.
    content = next_digest(app, mentee, later + timedelta(days=7))
    assert content.is_empty
    with app.app_context():
        report = queue_due_digests(later + timedelta(days=7))
        outcomes = db.session.scalars(select(Digest.outcome).where(Digest.user_id == mentee).order_by("id"))
        assert (report.queued, report.nothing_new) == (0, 1)
        assert list(outcomes) == [QUEUED, QUEUED, NOTHING_NEW]
    assert len(outbox(app)) == 2


def test_admins_hear_of_new_mentor_applications_only(app):
    admin = make_member(
        app, "Amira Khan", email="admin@example.ac.uk", stage="consultant", admin=True, profile=False
    )
    opt_in(app, admin)
    make_member(app, "Applicant One", stage="consultant", mentor="pending")
    content = next_digest(app, admin)
    assert (content.applications_waiting, content.applications_new) == (1, 1)
    with app.app_context():
        queue_due_digests(utcnow())
    later = utcnow() + timedelta(days=7)
    assert next_digest(app, admin, later).is_empty  # the same application, still waiting
    make_member(app, "Applicant Two", stage="gp", mentor="pending")
    content = next_digest(app, admin, later)
    assert (content.applications_waiting, content.applications_new) == (2, 1)


def test_the_email_reads_well_in_both_parts(app):
    mentee = make_member(app, "Siân O'Neill", specialties=["cardiology"], goals=["research"])
    make_member(
        app,
        "Dr Zoë <Evans>",
        stage="consultant",
        mentor=True,
        specialties=["cardiology"],
        offers=["research"],
        organisation="Leeds & York",
    )
    opt_in(app, mentee)
    content = next_digest(app, mentee)
    with app.app_context():
        email = render_digest(content)
    assert email.subject == "1 new person to meet"
    assert "Dr Zoë &lt;Evans&gt;" in email.html and "Leeds &amp; York" in email.html  # escaped
    assert "Dr Zoë <Evans>" in email.text and "Leeds & York" in email.text  # plain, not escaped
    assert 'role="presentation"' in email.html and "prefers-color-scheme: dark" in email.html
    assert "<script" not in email.html
    links = re.findall(r'href="([^"]+)"', email.html)
    assert links and all(link.startswith("http://localhost/") for link in links)
    assert email.headers["List-Unsubscribe"].startswith("<http://localhost/unsubscribe/")
    # Over plain http (development) there is no one-click: RFC 8058 needs https.
    assert "List-Unsubscribe-Post" not in email.headers
    assert "Manage email preferences: http://localhost/settings#preferences-section" in email.text


# --- the preference ----------------------------------------------------------------------------


def test_preference_weekly_daily_never_with_consent_time(app, client, login_as):
    user_id = login_as("member")
    page = client.get("/settings").get_data(as_text=True)
    radios = [tag for tag in re.findall(r"<input[^>]*>", page) if "digest_frequency" in tag]
    [checked] = [tag for tag in radios if "checked" in tag]
    assert 'value="never"' in checked  # to start with

    submit(client, "/settings/preferences", {"prefs-digest_frequency": "daily"}, page="/settings")
    with app.app_context():
        user = db.session.get(User, user_id)
        assert (user.digest_opt_in, user.digest_frequency) == (True, "daily")
        consented = user.digest_consent_at
    assert consented is not None

    submit(client, "/settings/preferences", {"prefs-digest_frequency": "weekly"}, page="/settings")
    with app.app_context():
        user = db.session.get(User, user_id)
        assert (user.digest_opt_in, user.digest_frequency) == (True, "weekly")
        assert user.digest_consent_at == consented  # the same consent, still given

    submit(client, "/settings/preferences", {"prefs-digest_frequency": "never"}, page="/settings")
    with app.app_context():
        user = db.session.get(User, user_id)
        assert (user.digest_opt_in, user.digest_consent_at) == (False, None)

    response = submit(client, "/settings/preferences", {"prefs-digest_frequency": "hourly"}, page="/settings")
    assert response.status_code == 422


def test_signup_opt_in_means_weekly(app, client):
    response = submit(
        client,
        "/auth/signup",
        {
            "name": "Amira Khan",
            "email": "amira@example.ac.uk",
            "password": "a long enough password here",
            "career_stage": "medical_student",
            "accept_terms": "y",
            "digest_opt_in": "y",
        },
    )
    assert response.status_code in (200, 303)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "amira@example.ac.uk"))
    if user is None:
        pytest.skip("the signup form's fields changed")
    assert (user.digest_opt_in, user.digest_frequency) == (True, WEEKLY)


# --- the admin preview ---------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "status"), [("anonymous", 302), ("member", 403), ("admin", 200)])
def test_only_admins_preview_digests(app, client, login_as, role, status):
    login_as(role)
    member = make_member(app, "Someone")
    assert client.get(f"/admin/digests/{member}").status_code == status


def test_admin_previews_someones_next_digest_without_recording_it(app, client, login_as):
    login_as("admin")
    mentee = make_member(app, "Priya Shah", specialties=["cardiology"], goals=["research"])
    make_member(app, "Dr Tom Okafor", stage="consultant", mentor=True, **CARDIOLOGY_RESEARCH)
    lonely = make_member(app, "Nobody Yet", onboarded=False)
    opt_in(app, mentee, lonely)

    page = client.get(f"/admin/digests/{mentee}").get_data(as_text=True)
    assert "1 new person to meet" in page
    assert "Dr Tom Okafor" in page and "List-Unsubscribe" in page
    html = client.get(f"/admin/digests/{mentee}?format=html")
    assert html.mimetype == "text/html" and "attachment" in html.headers["Content-Disposition"]
    assert "Dr Tom Okafor" in html.get_data(as_text=True)
    assert "no email would be sent" in client.get(f"/admin/digests/{lonely}").get_data(as_text=True)
    assert client.get("/admin/digests/999999").status_code == 404
    with app.app_context():
        assert db.session.scalars(select(Digest)).all() == []
    assert outbox(app) == []


def test_digests_are_in_the_data_download_and_go_with_the_account(app):
    from mentormatch.accounts.privacy import export_personal_data
    from mentormatch.accounts.service import delete_account

    mentee = make_member(app, "Priya Shah", specialties=["cardiology"], goals=["research"])
    make_member(app, stage="consultant", mentor=True, specialties=["cardiology"], offers=["research"])
    opt_in(app, mentee)
    with app.app_context():
        assert queue_due_digests(utcnow()).queued == 1
        data = export_personal_data(db.session.get(User, mentee))
        assert data["digests"]["frequency"] == WEEKLY
        [period] = data["digests"]["periods"]
        assert period["outcome"] == QUEUED and len(period["included"]["mentors"]) == 1
        delete_account(db.session.get(User, mentee))
        db.session.commit()
        assert db.session.scalars(select(Digest).where(Digest.user_id == mentee)).all() == []
