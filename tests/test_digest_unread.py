"""Unread messages in the digest: per pair, how many and from whom, only since the last digest and
only those the reader hasn't read."""

from __future__ import annotations

from datetime import timedelta

from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.digests.rendering import render_digest
from mentormatch.digests.sending import queue_due_digests
from mentormatch.mentoring.models import MENTORING, Connection
from mentormatch.mentoring.pair_models import Message, Reader
from tests.factories import make_member
from tests.test_digests import next_digest, opt_in


def test_unread_messages_per_pair_since_the_last_digest(app):
    priya = make_member(app, "Priya Shah")
    tom = make_member(app, "Tom Okafor", stage="consultant", mentor=True)
    sam = make_member(app, "Sam Lee")
    opt_in(app, priya, tom)
    start = utcnow()
    with app.app_context():
        ours = Connection(
            kind=MENTORING, first_id=tom, second_id=priya, started_at=start - timedelta(days=40)
        )
        theirs = Connection(
            kind=MENTORING, first_id=tom, second_id=sam, started_at=start - timedelta(days=40)
        )
        db.session.add_all([ours, theirs])
        db.session.flush()
        for minutes, author, pair in ((1, tom, ours), (2, tom, ours), (3, priya, ours), (4, sam, theirs)):
            db.session.add(
                Message(
                    connection_id=pair.id,
                    author_id=author,
                    body="Hi",
                    created_at=start - timedelta(hours=2) + timedelta(minutes=minutes),
                )
            )
        db.session.commit()
        ours_id = ours.id

    content = next_digest(app, priya)
    assert [(u.connection_id, u.other_name, u.count) for u in content.unread] == [(ours_id, "Tom Okafor", 2)]
    assert "2 unread messages" in content.summary()
    assert [(u.other_name, u.count) for u in next_digest(app, tom).unread] == [
        ("Priya Shah", 1),
        ("Sam Lee", 1),
    ]
    with app.app_context():
        rendered = render_digest(content)
    assert "UNREAD MESSAGES" in rendered.text and f"/connections/{ours_id}" in rendered.text
    assert "2 messages from Tom Okafor" in rendered.html

    # Once read, they aren't in the digest; and the next digest has only what came after this one.
    with app.app_context():
        db.session.add(Reader(connection_id=ours_id, user_id=tom, last_read_id=3))
        db.session.commit()
        assert queue_due_digests(start).queued >= 1
    assert next_digest(app, tom, start + timedelta(days=7)).unread == []
    assert next_digest(app, priya, start + timedelta(days=7)).unread == []
