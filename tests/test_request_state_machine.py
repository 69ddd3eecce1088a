"""Random sequences of asks, answers, withdrawals, endings and the clock (hypothesis's state machine,
on SQLite: the rules, not the races), with the invariants checked after every step."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import delete, select

from mentormatch import create_app
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.core.mail.models import OutboxMessage
from mentormatch.mentoring.answering import accept, decline, withdraw
from mentormatch.mentoring.asking import RequestProblem, send_request
from mentormatch.mentoring.closing import remind_and_expire
from mentormatch.mentoring.connections import end_connection
from mentormatch.mentoring.models import (
    KINDS,
    MENTORING,
    PEER,
    PENDING,
    WITHDRAWN,
    Connection,
    MentoringRequest,
)
from mentormatch.profiles.models import Profile
from tests.conftest import make_test_config
from tests.factories import make_member
from tests.request_helpers import active_connections, mail, person, places, status


@pytest.fixture
def sqlite_app(tmp_path) -> Iterator[Flask]:
    app = create_app(make_test_config(f"sqlite:///{tmp_path / 'machine.sqlite3'}", tmp_path))
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.engine.dispose()


STAGES = {
    "s0": ("medical_student", None),
    "s1": ("medical_student", None),
    "s2": ("medical_student", None),
    "f0": ("foundation_doctor", None),
    "ma": ("consultant", 1),
    "mb": ("consultant", 2),
    "mc": ("specialty_trainee", 1),
    "md": ("gp", 1),
}
RANKS = {"medical_student": 0, "foundation_doctor": 1, "specialty_trainee": 3, "gp": 4, "consultant": 4}
NAMES = sorted(STAGES)
JUNIORS = ["s0", "s1", "s2", "f0"]
MENTORS = ["ma", "mb", "mc", "md"]


class RequestLifecycle(RuleBasedStateMachine):
    """Sends, answers, withdrawals, endings and the clock in any order; the invariants after each step."""

    app: Flask

    def __init__(self) -> None:
        super().__init__()
        self.ids = {
            name: make_member(self.app, name, stage=stage, mentor=capacity is not None, capacity=capacity)
            for name, (stage, capacity) in STAGES.items()
        }
        self.names = {user_id: name for name, user_id in self.ids.items()}
        self.context = self.app.app_context()
        self.context.push()
        self.emails = {name: person(user_id).email for name, user_id in self.ids.items()}
        self.expected: Counter[tuple[str, str]] = Counter()
        # (sender, recipient, kind) declined, or withdrawn by the sender: not again for weeks.
        self.cooling: set[tuple[int, int, str]] = set()

    def teardown(self) -> None:
        for table in (Connection, MentoringRequest, OutboxMessage):
            db.session.execute(delete(table))
        db.session.commit()
        self.context.pop()

    # What the rules say should happen, read from the database before the action.

    def _pending(self, kind: str | None = None) -> list[MentoringRequest]:
        query = (
            select(MentoringRequest).where(MentoringRequest.status == PENDING).order_by(MentoringRequest.id)
        )
        if kind:
            query = query.where(MentoringRequest.kind == kind)
        return list(db.session.scalars(query))

    def _connected(self, a: int, b: int) -> bool:
        return any({first, second} == {a, b} for _, first, second in active_connections())

    def _may_ask(self, sender: str, recipient: str, kind: str) -> bool:
        a, b = self.ids[sender], self.ids[recipient]
        if a == b or self._connected(a, b) or (a, b, kind) in self.cooling:
            return False
        if any({r.sender_id, r.recipient_id} == {a, b} for r in self._pending()):
            return False
        rank, theirs = RANKS[STAGES[sender][0]], RANKS[STAGES[recipient][0]]
        if kind == PEER:
            return abs(rank - theirs) <= 1
        capacity = STAGES[recipient][1]
        sent = [r for r in self._pending(MENTORING) if r.sender_id == a]
        return capacity is not None and theirs > rank and places(b) < capacity and len(sent) < 3

    def _email(self, user_id: int) -> str:
        return self.emails[self.names[user_id]]

    @rule(sender=st.sampled_from(NAMES), recipient=st.sampled_from(NAMES), kind=st.sampled_from(KINDS))
    def send(self, sender: str, recipient: str, kind: str) -> None:
        allowed = self._may_ask(sender, recipient, kind)
        try:
            send_request(person(self.ids[sender]), person(self.ids[recipient]), kind)
        except RequestProblem:
            db.session.rollback()
            assert not allowed, (sender, recipient, kind)
            return
        db.session.commit()
        assert allowed, (sender, recipient, kind)
        self.expected["request_received", self.emails[recipient]] += 1

    @rule(
        sender=st.sampled_from(JUNIORS),
        recipient=st.sampled_from([*MENTORS, *JUNIORS]),
        kind=st.sampled_from(KINDS),
    )
    def send_likely(self, sender: str, recipient: str, kind: str) -> None:
        """Mostly asks that the rules allow, so that answers and endings get going."""
        self.send(sender, recipient, kind)

    @precondition(lambda self: bool(self._pending()))
    @rule(data=st.data())
    def accept_one(self, data: st.DataObject) -> None:
        self.answer(data, "accept", wrong=False)

    @precondition(lambda self: bool(self._pending()))
    @rule(
        data=st.data(),
        action=st.sampled_from(["accept", "decline", "withdraw"]),
        wrong=st.sampled_from([False, False, True]),
    )
    def answer(self, data: st.DataObject, action: str, wrong: bool) -> None:
        pending = self._pending()
        if not pending:
            return
        request = data.draw(st.sampled_from(pending))
        right = request.sender_id if action == "withdraw" else request.recipient_id
        by = data.draw(st.sampled_from(sorted(set(self.ids.values()) - {right}))) if wrong else right
        act = {"accept": accept, "decline": decline, "withdraw": withdraw}[action]
        others = [
            r for r in self._pending(MENTORING) if r.sender_id == request.sender_id and r.id != request.id
        ]
        full = (
            request.kind == MENTORING
            and places(request.recipient_id) >= STAGES[self.names[request.recipient_id]][1]
        )
        try:
            act(request, person(by))
        except PermissionError:
            db.session.rollback()
            assert wrong
            return
        except RequestProblem as problem:
            db.session.rollback()
            assert action == "accept" and full and not wrong, problem
            assert status(request.id) == PENDING
            return
        db.session.commit()
        assert not wrong and not (action == "accept" and full)
        if action == "accept":
            self.expected["request_accepted", self._email(request.sender_id)] += 1
            if request.kind == MENTORING:
                for other in others:
                    assert status(other.id) == WITHDRAWN
                    self.expected["request_withdrawn", self._email(other.recipient_id)] += 1
        elif action == "decline":
            self.expected["request_declined", self._email(request.sender_id)] += 1
            self.cooling.add((request.sender_id, request.recipient_id, request.kind))
        else:
            self.expected["request_withdrawn", self._email(request.recipient_id)] += 1
            self.cooling.add((request.sender_id, request.recipient_id, request.kind))

    @precondition(lambda self: bool(active_connections()))
    @rule(data=st.data(), by_first=st.booleans())
    def end(self, data: st.DataObject, by_first: bool) -> None:
        active = list(db.session.scalars(select(Connection).where(Connection.ended_at.is_(None))))
        if not active:
            return
        connection = data.draw(st.sampled_from(active))
        by, other = (
            (connection.first_id, connection.second_id)
            if by_first
            else (connection.second_id, connection.first_id)
        )
        end_connection(connection, person(by))
        db.session.commit()
        self.expected["connection_ended", self._email(other)] += 1

    @precondition(lambda self: bool(self._pending()))
    @rule(days=st.sampled_from([1, 3, 7]))
    def time_passes(self, days: int) -> None:
        """Every waiting request grows `days` older; then the hourly job runs, twice (the second: nothing)."""
        for request in self._pending():
            request.created_at -= timedelta(days=days)
            request.expires_at -= timedelta(days=days)
        db.session.commit()
        now = utcnow()
        pending = self._pending()
        due = [r for r in pending if r.reminded_at is None and now - r.created_at >= timedelta(days=7)]
        due = [r for r in due if r.expires_at > now]
        overdue = [r for r in pending if r.expires_at <= now]
        assert remind_and_expire(now) == (len(due), len(overdue))
        db.session.commit()
        assert remind_and_expire(now) == (0, 0)
        db.session.commit()
        for request in due:
            self.expected["request_expiring", self._email(request.recipient_id)] += 1
        for request in overdue:
            self.expected["request_expired", self._email(request.sender_id)] += 1

    @invariant()
    def rules_hold(self) -> None:
        connections = active_connections()
        taken = dict(db.session.execute(select(Profile.user_id, Profile.mentor_places_taken)).all())
        waiting = db.session.execute(
            select(MentoringRequest.kind, MentoringRequest.sender_id, MentoringRequest.recipient_id).where(
                MentoringRequest.status == PENDING
            )
        ).all()
        # A mentor's places are exactly their mentorships, never more than their capacity.
        for name, (_, capacity) in STAGES.items():
            mentees = [c for c in connections if c[0] == MENTORING and c[1] == self.ids[name]]
            assert taken[self.ids[name]] == len(mentees) <= (capacity or 0), name
        # At most three mentoring requests waiting per mentee.
        assert (
            max(Counter(sender for kind, sender, _ in waiting if kind == MENTORING).values(), default=0) <= 3
        )
        # One active connection per pair (of any kind), and nothing waiting between connected people.
        pairs = [frozenset(pair) for _, *pair in connections]
        assert len(pairs) == len(set(pairs))
        asks = [frozenset(pair) for _, *pair in waiting]
        assert not set(asks) & set(pairs)
        assert len(asks) == len(set(asks))  # one open request per pair, whichever way and kind
        # Exactly one email per transition, to the right person.
        assert Counter(mail()) == +self.expected


def test_random_sequences_of_actions_keep_the_rules(sqlite_app):
    RequestLifecycle.app = sqlite_app
    run_state_machine_as_test(
        RequestLifecycle,
        settings=settings(
            max_examples=30,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
