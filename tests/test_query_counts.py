"""No N+1: each signed-in page and fragment sends as many statements with 30 rows as with 1.

A count, never a time (speed is measured by benchmarks/web.py). Each scenario signs in as someone,
adds one row of what the page lists, counts the statements of a GET, adds 29 more, counts again.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from mentormatch.accounts.models import User
from mentormatch.core.audit import record
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.digests.content import build_digests
from mentormatch.mentoring.introduction_models import Introduction
from mentormatch.mentoring.models import MENTORING, PEER, Connection, MentoringRequest
from mentormatch.profiles.models import Profile
from mentormatch.rounds.models import MatchingRound
from mentormatch.rounds.service import create_round, run_round
from tests.factories import make_member
from tests.helpers import log_in
from tests.query_count import shapes, statements_of_get, statements_sent

HTMX = {"HX-Request": "true"}
_rows = itertools.count(1)


def member(app: Flask, **kwargs: object) -> int:
    """One row-person: a listed medical student interested in cardiology, unless told otherwise."""
    number = next(_rows)
    kwargs.setdefault("specialties", ["cardiology"])
    kwargs.setdefault("goals", ["exams"])
    return make_member(app, f"Row Person {number}", email=f"row{number}@example.org", **kwargs)


def mentor(app: Flask) -> int:
    return member(app, stage="consultant", mentor=True, capacity=3, offers=["exams"])


def add_request(app: Flask, sender: int, recipient: int, kind: str = PEER, status: str = "pending") -> None:
    with app.app_context():
        now = utcnow()
        db.session.add(
            MentoringRequest(
                kind=kind,
                sender_id=sender,
                recipient_id=recipient,
                status=status,
                created_at=now,
                expires_at=now + timedelta(days=14),
                decided_at=None if status == "pending" else now,
                reason="Not this term." if status == "declined" else None,
            )
        )
        db.session.commit()


def add_connection(app: Flask, first: int, second: int, kind: str = PEER) -> None:
    with app.app_context():
        db.session.add(Connection(kind=kind, first_id=min(first, second), second_id=max(first, second)))
        db.session.commit()


@dataclass
class Scene:
    """Someone signed in looking at a page; `add(n)` puts n more rows of what it lists."""

    app: Flask
    me: int
    admin: int
    extra: dict


@dataclass(frozen=True)
class Page:
    path: Callable[[Scene], str]
    add: Callable[[Scene, int], None]
    as_admin: bool = False
    headers: dict | None = None


def _requests(scene: Scene, n: int) -> None:
    for i in range(n):
        other = member(scene.app)
        if i % 3 == 0:
            add_request(scene.app, other, scene.me)  # waiting for my answer
        elif i % 3 == 1:
            add_request(scene.app, scene.me, other)  # sent, waiting
        else:
            add_request(scene.app, other, scene.me, status="declined")  # past


def _received(scene: Scene, n: int) -> None:
    for _ in range(n):
        add_request(scene.app, member(scene.app), scene.me)


def _connections(scene: Scene, n: int) -> None:
    for i in range(n):
        if i % 2:
            add_connection(scene.app, member(scene.app), scene.me)
        else:
            with scene.app.app_context():
                db.session.add(Connection(kind=MENTORING, first_id=mentor(scene.app), second_id=scene.me))
                db.session.commit()


def add_introduction(app: Flask, introducer: int, a: int, b: int, status: str = "open") -> None:
    with app.app_context():
        now = utcnow()
        first, second = sorted((a, b))
        db.session.add(
            Introduction(
                introducer_id=introducer,
                first_id=first,
                second_id=second,
                note="You should meet.",
                status=status,
                expires_at=now + timedelta(days=30),
            )
        )
        db.session.commit()


def _introductions(scene: Scene, n: int) -> None:
    for i in range(n):
        if i % 3 == 0:
            add_introduction(scene.app, member(scene.app), scene.me, member(scene.app))  # waiting
        elif i % 3 == 1:
            add_introduction(scene.app, scene.me, member(scene.app), member(scene.app))  # made
        else:
            add_introduction(scene.app, member(scene.app), scene.me, member(scene.app), "expired")


def _introductions_waiting(scene: Scene, n: int) -> None:
    for _ in range(n):
        add_introduction(scene.app, member(scene.app), scene.me, member(scene.app))


def _members(scene: Scene, n: int) -> None:
    for _ in range(n):
        member(scene.app, interests=["cycling"])


def _mentors(scene: Scene, n: int) -> None:
    for _ in range(n):
        mentor(scene.app)


def _person_with_tags(scene: Scene, n: int) -> None:
    """The profile shown: a mentor with n interests (a new person each time: `n` is all they have)."""
    total = scene.extra.get("tags", 0) + n
    scene.extra["tags"] = total
    scene.extra["person"] = member(
        scene.app, stage="consultant", mentor=True, interests=[f"hobby {i}" for i in range(total)]
    )


def _contributions(scene: Scene, n: int) -> None:
    """The profile shown: a mentor who shows what they paid forward, with n more of each."""
    if "person" not in scene.extra:
        scene.extra["person"] = mentor(scene.app)
        with scene.app.app_context():
            db.session.get(Profile, scene.extra["person"]).shows_contributions = True
            db.session.commit()
    person = scene.extra["person"]
    for _ in range(n):
        mentee, a, b = member(scene.app), member(scene.app), member(scene.app)
        with scene.app.app_context():
            db.session.add(Connection(kind=MENTORING, first_id=person, second_id=mentee))
            db.session.commit()
        add_introduction(scene.app, person, a, b, "connected")
        add_request(scene.app, a, person, status="accepted")


def _applications(scene: Scene, n: int) -> None:
    for _ in range(n):
        member(scene.app, stage="consultant", mentor="pending", offers=["exams"])


def _audit_entries(scene: Scene, n: int) -> None:
    people = [mentor(scene.app) for _ in range(n)]
    with scene.app.app_context():
        admin = db.session.get(User, scene.admin)
        for person in people:
            subject = db.session.get(User, person)
            record(
                admin, "mentor.approve", subject, {"mentor_status": "pending"}, {"mentor_status": "approved"}
            )
        db.session.commit()


def _round(scene: Scene, n: int) -> None:
    """A round with n mentees (and as many mentors), run: its page lists n pairs."""
    mentees = scene.extra.setdefault("mentees", [])
    mentees += [member(scene.app) for _ in range(n)]
    for _ in range(n):
        mentor(scene.app)
    with scene.app.app_context():
        admin = db.session.get(User, scene.admin)
        matching_round = create_round(admin, f"Round of {len(mentees)}", mentees)
        run_round(matching_round, admin)
        db.session.commit()
        scene.extra["round"] = matching_round.id


PAGES = {
    "dashboard": Page(lambda s: "/", _received),
    "dashboard introductions": Page(lambda s: "/", _introductions_waiting),
    "introductions": Page(lambda s: "/introductions", _introductions),
    "introduce": Page(lambda s: "/introductions/new", _connections),
    "matches": Page(lambda s: "/matches", _mentors),
    "matches peers": Page(lambda s: "/matches?tab=peers", _members),
    "matches tab fragment": Page(
        lambda s: "/matches?tab=peers", _members, headers={**HTMX, "HX-Target": "matches"}
    ),
    "requests": Page(lambda s: "/requests", _requests),
    "connections": Page(lambda s: "/connections", _connections),
    "people": Page(lambda s: "/people", _members),
    "people search": Page(lambda s: "/people?q=cardiology", _members),
    "people results fragment": Page(
        lambda s: "/people?q=cardiology", _members, headers={**HTMX, "HX-Target": "results"}
    ),
    "profile": Page(lambda s: f"/people/{s.extra['person']}", _person_with_tags),
    "profile paying it forward": Page(lambda s: f"/people/{s.extra['person']}", _contributions),
    "settings": Page(lambda s: "/settings", _connections),
    "mentor status": Page(lambda s: "/mentor", _connections),
    "admin mentors": Page(lambda s: "/admin/mentors", _applications, as_admin=True),
    "admin audit": Page(lambda s: "/admin/audit", _audit_entries, as_admin=True),
    "admin audit fragment": Page(
        lambda s: "/admin/audit",
        _audit_entries,
        as_admin=True,
        headers={**HTMX, "HX-Target": "audit-results"},
    ),
    "admin mentor queue fragment": Page(
        lambda s: "/admin/mentors",
        _applications,
        as_admin=True,
        headers={**HTMX, "HX-Target": "mentor-queue"},
    ),
    "admin round": Page(lambda s: f"/admin/rounds/{s.extra['round']}", _round, as_admin=True),
    "admin rounds": Page(lambda s: "/admin/rounds", _round, as_admin=True),
    "admin reports": Page(lambda s: "/admin/reports", _members, as_admin=True),
    "admin digest preview": Page(lambda s: f"/admin/digests/{s.me}", _received, as_admin=True),
}


@pytest.fixture
def scene(app: Flask) -> Scene:
    me = make_member(
        app, "Amira Khan", email="amira@example.org", specialties=["cardiology"], goals=["exams"]
    )
    admin = make_member(app, "Ada Admin", email="ada@example.org", admin=True, profile=False)
    return Scene(app, me, admin, {})


@pytest.mark.parametrize("name", PAGES)
def test_a_page_sends_as_many_statements_for_30_rows_as_for_1(app, client, scene, name):
    page = PAGES[name]
    log_in(client, "ada@example.org" if page.as_admin else "amira@example.org")
    page.add(scene, 1)
    one = statements_of_get(app, client, page.path(scene), headers=page.headers)
    page.add(scene, 29)
    thirty = statements_of_get(app, client, page.path(scene), headers=page.headers)
    assert len(thirty) == len(one), "\n".join(["1 row:", *shapes(one), "30 rows:", *shapes(thirty)])


def test_a_digest_is_built_with_as_many_statements_for_30_rows_as_for_1(app, scene):
    def statements_of_build() -> list[str]:
        with app.app_context():
            user = db.session.scalar(select(User).where(User.id == scene.me))
            build_digests([user], utcnow())  # warm: the matching engine fits
        with statements_sent(app) as sent, app.app_context():
            user = db.session.scalar(select(User).where(User.id == scene.me))
            [content] = build_digests([user], utcnow())
        assert content.received and content.connections and content.introductions  # what was added
        return sent

    _received(scene, 1)
    add_connection(app, member(app), scene.me)
    _introductions_waiting(scene, 1)
    one = statements_of_build()
    _received(scene, 29)
    _introductions_waiting(scene, 29)
    for _ in range(29):
        add_connection(app, member(app), scene.me)
    thirty = statements_of_build()
    assert len(thirty) == len(one), "\n".join(["1 row:", *shapes(one), "30 rows:", *shapes(thirty)])


def test_the_round_scene_lists_its_pairs(app, client, scene):
    """The round scenario really lists 30 pairs (else its count proves nothing)."""
    log_in(client, "ada@example.org")
    _round(scene, 30)
    with app.app_context():
        assert db.session.get(MatchingRound, scene.extra["round"]) is not None
    html = client.get(f"/admin/rounds/{scene.extra['round']}").get_data(as_text=True)
    assert html.count("Row Person") >= 30
