"""Ending a mentorship well: an optional reflection, private to its writer, and the offer to stay
connected as peers (a peer request on the ender's behalf, which the other person accepts or not)."""

from __future__ import annotations

from sqlalchemy import select

from mentormatch.core.extensions import db
from mentormatch.mentoring.models import PEER, PENDING, MentoringRequest
from mentormatch.mentoring.pair_models import Reflection
from tests.factories import make_member
from tests.helpers import outbox
from tests.test_mentoring_pages import MENTOR, STUDENT, post, signed_in
from tests.test_pair_pages import THIRD, connect

WORDS = "I learnt to ask for feedback early.\nNext time: agree goals in the first meeting."


def test_a_reflection_is_kept_for_its_writer_only(app):
    pair = connect(app)
    make_member(app, "Helen Carter", email="helen@example.org", admin=True)
    student = signed_in(app, STUDENT)
    form = student.get(f"/connections/{pair['connection']}/end").get_data(as_text=True)
    assert 'name="reflection"' in form and 'name="stay_as_peers"' in form

    response = post(
        student, f"/connections/{pair['connection']}/end", {"reason": "Thanks!", "reflection": WORDS}
    )

    assert response.status_code == 303
    with app.app_context():
        [kept] = db.session.scalars(select(Reflection)).all()
        assert (kept.member_id, kept.body) == (pair["student"], WORDS)
    page = student.get(f"/connections/{pair['connection']}").get_data(as_text=True)
    assert "Your reflection" in page and "ask for feedback early" in page
    mentor_page = signed_in(app, MENTOR).get(f"/connections/{pair['connection']}").get_data(as_text=True)
    assert "ask for feedback early" not in mentor_page
    assert all("ask for feedback early" not in m.text_body for m in outbox(app))
    for outsider in (THIRD, "helen@example.org"):
        assert signed_in(app, outsider).get(f"/connections/{pair['connection']}").status_code == 404


def test_staying_connected_sends_the_other_a_peer_request(app):
    pair = connect(app)
    mentor = signed_in(app, MENTOR)

    response = post(mentor, f"/connections/{pair['connection']}/end", {"stay_as_peers": "y"})

    assert response.status_code == 303
    with app.app_context():
        [asked] = db.session.scalars(select(MentoringRequest).where(MentoringRequest.kind == PEER)).all()
        assert (asked.sender_id, asked.recipient_id, asked.status) == (
            pair["mentor"],
            pair["student"],
            PENDING,
        )
        assert "stay connected as peers" in asked.message
    assert "request_received" in [m.kind for m in outbox(app, STUDENT)]
    flashed = mentor.get("/connections").get_data(as_text=True)
    assert "stay connected as peers" in flashed


def test_a_long_reflection_re_renders_and_nothing_ends(app):
    pair = connect(app)
    student = signed_in(app, STUDENT)
    response = post(student, f"/connections/{pair['connection']}/end", {"reflection": "x" * 5001})
    assert response.status_code == 422 and "Use at most 5000 characters." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(Reflection)).all() == []
    assert "connection_ended" not in [m.kind for m in outbox(app, MENTOR)]
