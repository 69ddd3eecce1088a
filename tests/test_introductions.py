"""Warm introductions: a member introduces two of their connections; each answers privately; both
yes makes them peers and tells all three; nobody learns who declined; one open per pair; expiry."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from mentormatch.accounts.models import User
from mentormatch.accounts.privacy import export_personal_data
from mentormatch.accounts.service import delete_account
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.digests.content import build_digests
from mentormatch.digests.rendering import render_digest
from mentormatch.digests.sending import queue_due_digests
from mentormatch.mentoring.introduction_models import Introduction
from mentormatch.mentoring.models import Connection
from tests.factories import make_member
from tests.helpers import csrf_from, outbox, submit
from tests.test_mentoring_pages import signed_in

TOM, PRIYA, SAM, ALEX, ADMIN = (
    "tom@example.nhs.uk",
    "priya@example.ac.uk",
    "sam@example.ac.uk",
    "alex@example.ac.uk",
    "helen@example.org",
)
NOTE = "Priya, meet Sam: you're both applying for cardiology."
HTMX = {"HX-Request": "true"}


def people(app: Flask) -> dict[str, int]:
    """Tom mentors Priya and Sam (so can introduce them); Alex is connected to nobody."""
    ids = {
        "tom": make_member(app, "Tom Okafor", email=TOM, stage="consultant", mentor=True, capacity=3),
        "priya": make_member(app, "Priya Shah", email=PRIYA),
        "sam": make_member(app, "Sam Lee", email=SAM),
        "alex": make_member(app, "Alex Kim", email=ALEX),
        "admin": make_member(app, "Helen Carter", email=ADMIN, admin=True),
    }
    with app.app_context():
        for mentee in ("priya", "sam"):
            db.session.add(Connection(kind="mentoring", first_id=ids["tom"], second_id=ids[mentee]))
        db.session.commit()
    return ids


def introduce(client, first: int, second: int, note: str = NOTE):
    return submit(client, "/introductions/new", {"first": first, "second": second, "note": note})


def rows(app: Flask) -> list[tuple[str, str | None, str | None]]:
    with app.app_context():
        return [
            (i.status, i.first_answer, i.second_answer)
            for i in db.session.scalars(select(Introduction).order_by(Introduction.id))
        ]


def peer_connections(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count())
            .select_from(Connection)
            .where(Connection.kind == "peer", Connection.ended_at.is_(None))
        )


def answer(client, introduction_id: int, yes: bool, **kwargs):
    token = csrf_from(client.get("/introductions").get_data(as_text=True))
    action = "accept" if yes else "decline"
    return client.post(f"/introductions/{introduction_id}/{action}", data={"csrf_token": token}, **kwargs)


def test_both_say_yes_and_become_peers_and_all_three_are_told(app):
    ids = people(app)
    tom, priya, sam = signed_in(app, TOM), signed_in(app, PRIYA), signed_in(app, SAM)
    connections_page = tom.get("/connections").get_data(as_text=True)
    assert f'href="/introductions/new?with={ids["priya"]}"' in connections_page

    made = introduce(tom, ids["priya"], ids["sam"])
    assert made.status_code == 303
    assert rows(app) == [("open", None, None)]
    assert [m.kind for m in outbox(app, PRIYA)] == ["introduction_made"]
    assert [m.kind for m in outbox(app, SAM)] == ["introduction_made"]

    waiting = priya.get("/introductions").get_data(as_text=True)
    assert "Tom Okafor introduced you to" in waiting and "you&#39;re both applying" in waiting
    assert "Yes, connect us" in waiting

    first = answer(priya, 1, True, headers=HTMX)
    assert first.status_code == 200 and "You accepted: waiting" in first.get_data(as_text=True)
    assert peer_connections(app) == 0
    assert answer(sam, 1, True).status_code == 303
    assert rows(app) == [("connected", "accepted", "accepted")]
    assert peer_connections(app) == 1
    assert "introduction_connected" in [m.kind for m in outbox(app, PRIYA)]
    assert "introduction_connected" in [m.kind for m in outbox(app, SAM)]
    assert [m.kind for m in outbox(app, TOM)] == ["introduction_worked"]
    assert "Led to a connection" in tom.get("/introductions").get_data(as_text=True)
    # A second click changes nothing and says so.
    again = answer(sam, 1, True)
    assert again.status_code == 303 and peer_connections(app) == 1


@pytest.mark.parametrize("decliner", ["priya", "sam"])
def test_nobody_learns_who_declined(app, decliner):
    """The introducer and the other person see the same words as for an expiry; no email is sent."""
    ids = people(app)
    clients = {"tom": signed_in(app, TOM), "priya": signed_in(app, PRIYA), "sam": signed_in(app, SAM)}
    assert introduce(clients["tom"], ids["priya"], ids["sam"]).status_code == 303
    other = "sam" if decliner == "priya" else "priya"
    assert answer(clients[other], 1, True).status_code == 303
    before = len(outbox(app))

    assert answer(clients[decliner], 1, False).status_code == 303

    assert rows(app)[0][0] == "declined" and peer_connections(app) == 0
    assert len(outbox(app)) == before  # nobody is emailed about a no
    assert "You declined" in clients[decliner].get("/introductions").get_data(as_text=True)
    for who in ("tom", other):
        page = clients[who].get("/introductions").get_data(as_text=True)
        assert "Didn't lead to a connection" in page or "Didn&#39;t lead to a connection" in page
        assert not re.search(r"declin", page, re.IGNORECASE), who
        assert not re.search(r"declin", clients[who].get("/").get_data(as_text=True), re.IGNORECASE)
    for email in outbox(app):
        assert "declin" not in (email.text_body + email.html_body).lower()
    # The other person's row, as htmx swaps it in when they answer again, says no more.
    fragment = answer(clients[other], 1, True, headers=HTMX)
    assert fragment.status_code == 409
    assert "lead to a connection" in fragment.get_data(as_text=True)
    assert "declin" not in fragment.get_data(as_text=True).lower()


@pytest.mark.parametrize(
    ("first", "second", "note", "message"),
    [
        ("priya", "alex", NOTE, "both connected with now"),
        ("priya", "priya", NOTE, "two different people"),
        ("tom", "priya", NOTE, "introduce yourself"),
        ("priya", "sam", "", "Say why they should meet"),
        ("priya", "sam", "x" * 1001, "at most 1000"),
        ("priya", "sam", "bell\x07", "control characters"),
    ],
)
def test_bad_introductions_re_render_with_a_message_and_change_nothing(app, first, second, note, message):
    ids = people(app)
    response = introduce(signed_in(app, TOM), ids[first], ids[second], note)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True).replace("&#39;", "'")
    assert rows(app) == [] and outbox(app) == []


def test_already_connected_and_already_waiting_are_refused(app):
    ids = people(app)
    tom = signed_in(app, TOM)
    assert introduce(tom, ids["priya"], ids["sam"]).status_code == 303
    again = introduce(tom, ids["sam"], ids["priya"])  # either way round is the same pair
    assert again.status_code == 422 and "already waiting" in again.get_data(as_text=True)
    with app.app_context():
        db.session.add(Connection(kind="peer", first_id=ids["priya"], second_id=ids["sam"]))
        db.session.commit()
    # Connected some other way meanwhile: the second yes closes it, with no second connection.
    assert answer(signed_in(app, PRIYA), 1, True).status_code == 303
    assert answer(signed_in(app, SAM), 1, True).status_code == 303
    assert rows(app)[0][0] == "already_connected" and peer_connections(app) == 1
    connected = introduce(tom, ids["priya"], ids["sam"])
    assert connected.status_code == 422 and "already connected" in connected.get_data(as_text=True)


def test_expiry_closes_open_introductions_after_30_days(app):
    ids = people(app)
    assert introduce(signed_in(app, TOM), ids["priya"], ids["sam"]).status_code == 303
    with app.app_context():
        db.session.execute(db.update(Introduction).values(expires_at=utcnow() - timedelta(minutes=1)))
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["requests", "expire"])
    assert result.exit_code == 0 and "Introductions: 1 expired" in result.output
    assert rows(app)[0][0] == "expired"
    page = signed_in(app, PRIYA).get("/introductions").get_data(as_text=True)
    assert "Yes, connect us" not in page and "lead to a connection" in page


ROLES = ("anonymous", "tom", "priya", "sam", "alex", "admin")


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(app, role):
    """Only the two introduced answer; the introducer, outsiders and admins get 404; anonymous logs in."""
    ids = people(app)
    assert introduce(signed_in(app, TOM), ids["priya"], ids["sam"]).status_code == 303
    emails = {"tom": TOM, "priya": PRIYA, "sam": SAM, "alex": ALEX, "admin": ADMIN}
    client = signed_in(app, emails[role]) if role != "anonymous" else app.test_client()
    token = csrf_from(client.get("/auth/login" if role == "anonymous" else "/").get_data(as_text=True))
    index, form = client.get("/introductions"), client.get("/introductions/new")
    accepted = client.post("/introductions/1/accept", data={"csrf_token": token})
    declined = client.post("/introductions/1/decline", data={"csrf_token": token})
    missing = client.post("/introductions/999/accept", data={"csrf_token": token})
    if role == "anonymous":
        assert {r.status_code for r in (index, form, accepted, declined, missing)} <= {302, 401}
        assert rows(app) == [("open", None, None)]
        return
    assert index.status_code == 200 and form.status_code == 200 and missing.status_code == 404
    if role in ("priya", "sam"):
        assert accepted.status_code == 303 and declined.status_code == 303  # the second: already answered
        assert rows(app)[0][0] == "open" and "accepted" in rows(app)[0]
    else:
        assert accepted.status_code == 404 and declined.status_code == 404
        assert rows(app) == [("open", None, None)]
        assert "Sam Lee" not in index.get_data(as_text=True) or role == "tom"


def test_the_introductions_rate_limit(make_app):
    app = make_app(RATELIMIT_INTRODUCE="1 per hour")
    ids = people(app)
    tom = signed_in(app, TOM)
    assert introduce(tom, ids["priya"], ids["sam"], "x" * 1001).status_code == 422
    assert introduce(tom, ids["priya"], ids["sam"]).status_code == 429
    assert rows(app) == []


def test_two_tabs_introducing_at_once_make_one_introduction_on_postgresql(pg_app):
    app = pg_app
    ids = people(app)
    clients = [signed_in(app, TOM) for _ in range(2)]
    tokens = [csrf_from(c.get("/introductions/new").get_data(as_text=True)) for c in clients]
    results: list[int] = []

    def post(client, token, pair) -> None:
        data = {"csrf_token": token, "first": pair[0], "second": pair[1], "note": NOTE}
        results.append(client.post("/introductions/new", data=data).status_code)

    pairs = [(ids["priya"], ids["sam"]), (ids["sam"], ids["priya"])]
    threads = [threading.Thread(target=post, args=args) for args in zip(clients, tokens, pairs, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [303, 422] and len(rows(app)) == 1
    assert len(outbox(app, PRIYA)) == 1


def test_both_accepting_at_once_make_exactly_one_connection_on_postgresql(pg_app):
    app = pg_app
    ids = people(app)
    assert introduce(signed_in(app, TOM), ids["priya"], ids["sam"]).status_code == 303
    clients = [signed_in(app, PRIYA), signed_in(app, SAM)]
    tokens = [csrf_from(c.get("/introductions").get_data(as_text=True)) for c in clients]
    barrier = threading.Barrier(2)
    results: list[int] = []

    def post(client, token) -> None:
        barrier.wait()
        results.append(client.post("/introductions/1/accept", data={"csrf_token": token}).status_code)

    for _ in range(1):
        threads = [threading.Thread(target=post, args=args) for args in zip(clients, tokens, strict=True)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert results == [303, 303]
    assert rows(app) == [("connected", "accepted", "accepted")]
    assert peer_connections(app) == 1
    assert [m.kind for m in outbox(app, TOM)] == ["introduction_worked"]


def _digest(app, user_id: int, now=None):
    with app.app_context():
        [content] = build_digests([db.session.get(User, user_id)], now or utcnow())
        return content, render_digest(content)


def test_the_digest_lists_introductions_waiting_for_your_answer_once(app):
    ids = people(app)
    assert introduce(signed_in(app, TOM), ids["priya"], ids["sam"]).status_code == 303
    content, email = _digest(app, ids["priya"])
    assert [(i.introducer_name, i.other_name) for i in content.introductions] == [("Tom Okafor", "Sam Lee")]
    assert email.subject.startswith("1 introduction to answer")
    assert "INTRODUCTIONS WAITING FOR YOUR ANSWER" in email.text
    assert "Tom Okafor would like you to meet Sam Lee (29 days left to answer)" in email.text
    assert "http://localhost/introductions" in email.text and "Answer your introductions" in email.html
    # The introducer has nothing to answer; once Priya has answered, hers goes too.
    assert _digest(app, ids["tom"])[0].introductions == []
    assert answer(signed_in(app, PRIYA), 1, True).status_code == 303
    assert _digest(app, ids["priya"])[0].introductions == []
    assert [i.other_name for i in _digest(app, ids["sam"])[0].introductions] == ["Priya Shah"]
    # Only what is new since the last digest: a digest sent after it was made no longer lists it.
    with app.app_context():
        user = db.session.get(User, ids["sam"])
        user.digest_opt_in, user.digest_frequency, user.digest_consent_at = True, "daily", utcnow()
        db.session.commit()
        assert queue_due_digests(utcnow()).queued >= 1
    assert _digest(app, ids["sam"], utcnow() + timedelta(days=1))[0].introductions == []


def test_a_decline_is_in_no_digest(app):
    ids = people(app)
    assert introduce(signed_in(app, TOM), ids["priya"], ids["sam"]).status_code == 303
    assert answer(signed_in(app, SAM), 1, False).status_code == 303
    for who in ("tom", "priya", "sam"):
        content, email = _digest(app, ids[who])
        assert content.introductions == []
        assert "declin" not in (email.text + email.html).lower()


def test_the_introduction_emails_read_well(app):
    ids = people(app)
    tom = signed_in(app, TOM)
    assert (
        introduce(
            tom, ids["priya"], ids["sam"], "Priya, meet Sam <3: both applying for cardiology & IMT."
        ).status_code
        == 303
    )
    [made] = outbox(app, PRIYA)
    assert made.subject == "Tom Okafor would like you to meet Sam Lee"
    assert "meet Sam Lee (Medical student). Tom wrote to you both:" in made.text_body
    assert "Priya, meet Sam <3: both applying for cardiology & IMT." in made.text_body
    assert "Sam &lt;3" in made.html_body and "cardiology &amp; IMT" in made.html_body
    assert "http://localhost/introductions" in made.text_body and "nobody is told who" in made.text_body
    assert answer(signed_in(app, PRIYA), 1, True).status_code == 303
    assert answer(signed_in(app, SAM), 1, True).status_code == 303
    [worked] = outbox(app, TOM)
    assert worked.subject == "Your introduction connected Priya Shah and Sam Lee"
    assert "Hello Tom," in worked.text_body and "http://localhost/introductions" in worked.text_body
    connected = next(m for m in outbox(app, SAM) if m.kind == "introduction_connected")
    assert connected.subject == "You and Priya Shah are now connected"
    assert "http://localhost/connections" in connected.text_body


def test_the_demo_has_introductions_in_every_state_and_priya_can_accept_hers(app):
    result = app.test_cli_runner().invoke(args=["seed-demo", "--users", "300"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        found = db.session.scalars(select(Introduction)).all()
        assert {i.status for i in found} >= {"open", "connected", "declined", "expired"}
        for introduction in found:  # the introducer was connected to both when they introduced them
            theirs = {
                c.other(introduction.introducer).id
                for c in db.session.scalars(
                    select(Connection).where(
                        (Connection.first_id == introduction.introducer_id)
                        | (Connection.second_id == introduction.introducer_id)
                    )
                )
            }
            assert {introduction.first_id, introduction.second_id} <= theirs
    priya = signed_in_demo(app, "student@demo.mentormatch.example")
    dashboard = priya.get("/").get_data(as_text=True)
    assert (
        "Introductions waiting for your answer" in dashboard
        and "Tom Okafor</strong> would like you to meet" in dashboard
    )
    page = priya.get("/introductions").get_data(as_text=True)
    [introduction_id] = re.findall(r'action="/introductions/(\d+)/accept"', page)
    token = csrf_from(page)
    assert (
        priya.post(f"/introductions/{introduction_id}/accept", data={"csrf_token": token}).status_code == 303
    )
    tom = signed_in_demo(app, "mentor@demo.mentormatch.example")
    with app.app_context():
        tom_id = db.session.scalar(select(User.id).where(User.email == "mentor@demo.mentormatch.example"))
    assert "Paying it forward" in priya.get(f"/people/{tom_id}").get_data(as_text=True)
    made = tom.get("/introductions").get_data(as_text=True).split('id="made-title"')[1]
    assert "Priya Shah and" in made or "and Priya Shah" in made


def signed_in_demo(app, email: str):
    client = app.test_client()
    assert submit(client, "/auth/login", {"email": email, "password": "mentormatch-demo"}).status_code == 303
    return client


def test_a_deleted_account_takes_its_introductions_with_it(app):
    ids = people(app)
    assert introduce(signed_in(app, TOM), ids["priya"], ids["sam"]).status_code == 303
    with app.app_context():
        download = export_personal_data(db.session.get(User, ids["priya"]))
        assert download["introductions"][0]["note"] == NOTE
        assert download["introductions"][0]["your_answer"] is None
        delete_account(db.session.get(User, ids["tom"]))
        db.session.commit()
    assert rows(app) == []
    page = signed_in(app, SAM).get("/introductions").get_data(as_text=True)
    assert "No introductions are waiting for your answer." in page
