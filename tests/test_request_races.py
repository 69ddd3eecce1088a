"""The request rules under real concurrency, on PostgreSQL: two transactions at once, each in its own
thread and session, decide a request or take a mentor's last place once."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import func, select

from mentormatch.accounts.models import User
from mentormatch.core.extensions import db
from mentormatch.mentoring.answering import accept, withdraw
from mentormatch.mentoring.asking import TOO_MANY, RequestProblem, send_request
from mentormatch.mentoring.models import (
    ACCEPTED,
    MENTORING,
    PEER,
    PENDING,
    WITHDRAWN,
    Connection,
    MentoringRequest,
)
from tests.factories import make_member
from tests.request_helpers import EMAILS, active_connections, ask, mail, places, status

HOLD = 0.5  # seconds a winner keeps its transaction open after taking the place


def _in_threads(app: Flask, work: list[Callable[[], object]]) -> list[tuple[str, object, float]]:
    """Run each callable in its own thread and app context (its own session), lined up by a barrier.

    Returns, per callable, ("ok", result, when committed) or ("problem", error, when raised).
    """
    barrier = threading.Barrier(len(work), timeout=30)
    outcomes: list[tuple[str, object, float]] = [("unfinished", None, 0.0)] * len(work)

    def run(n: int) -> None:
        with app.app_context():
            try:
                barrier.wait()
                result = work[n]()
                time.sleep(HOLD)  # keep the row locks: the other must wait for this commit
                db.session.commit()
                outcomes[n] = ("ok", result, time.monotonic())
            except (RequestProblem, PermissionError) as problem:
                db.session.rollback()
                outcomes[n] = ("problem", problem, time.monotonic())
            except BaseException as error:  # reported by the test rather than lost in the thread
                db.session.rollback()
                outcomes[n] = ("error", error, time.monotonic())

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(work))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck"
    assert not [o for o in outcomes if o[0] == "error"], outcomes
    return outcomes


def _accepting(request_id: int, mentor_id: int) -> Callable[[], Connection]:
    def work() -> Connection:
        return accept(db.session.get(MentoringRequest, request_id), db.session.get(User, mentor_id))

    return work


def test_two_mentees_racing_for_the_last_place(pg_app):
    people = {
        "amira": make_member(pg_app, "Amira", email=EMAILS["amira"]),
        "ben": make_member(pg_app, "Ben", email=EMAILS["ben"]),
        "lee": make_member(
            pg_app, "Dr Lee", email=EMAILS["lee"], stage="consultant", mentor=True, capacity=1
        ),
    }
    with pg_app.app_context():
        requests = [ask(people, "amira", "lee").id, ask(people, "ben", "lee").id]

    outcomes = _in_threads(pg_app, [_accepting(r, people["lee"]) for r in requests])

    kinds = sorted(outcome[0] for outcome in outcomes)
    assert kinds == ["ok", "problem"], outcomes
    winner = next(n for n, o in enumerate(outcomes) if o[0] == "ok")
    loser = 1 - winner
    assert "no free places" in str(outcomes[loser][1]) and "(1 of 1 taken)" in str(outcomes[loser][1])
    assert outcomes[loser][2] >= outcomes[winner][2] - 0.01  # it waited for the winner's commit
    with pg_app.app_context():
        assert places(people["lee"]) == 1
        assert active_connections() == [
            (MENTORING, people["lee"], people["amira"] if winner == 0 else people["ben"])
        ]
        assert status(requests[winner]) == ACCEPTED
        assert status(requests[loser]) == PENDING
        assert [kind for kind, _ in mail()].count("request_accepted") == 1


def test_the_loser_really_waits_on_the_place_row_lock(pg_app):
    """Deterministic order: A has taken the place and holds its transaction when B tries."""
    people = {
        "amira": make_member(pg_app, "Amira", email=EMAILS["amira"]),
        "ben": make_member(pg_app, "Ben", email=EMAILS["ben"]),
        "lee": make_member(
            pg_app, "Dr Lee", email=EMAILS["lee"], stage="consultant", mentor=True, capacity=1
        ),
    }
    with pg_app.app_context():
        first, second = ask(people, "amira", "lee").id, ask(people, "ben", "lee").id
    taken = threading.Event()
    result: dict[str, object] = {}

    def a() -> None:
        with pg_app.app_context():
            accept(db.session.get(MentoringRequest, first), db.session.get(User, people["lee"]))
            taken.set()
            time.sleep(HOLD)
            result["a_committed"] = time.monotonic()
            db.session.commit()

    def b() -> None:
        with pg_app.app_context():
            request, mentor = db.session.get(MentoringRequest, second), db.session.get(User, people["lee"])
            assert taken.wait(10)
            started = time.monotonic()
            try:
                accept(request, mentor)
                db.session.commit()
                result["b"] = "accepted"
            except RequestProblem as problem:
                db.session.rollback()
                result["b"] = str(problem)
            result["b_waited"] = time.monotonic() - started

    threads = [threading.Thread(target=a), threading.Thread(target=b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert "no free places" in str(result["b"]), result
    assert result["b_waited"] >= HOLD * 0.8, result  # blocked on A's row lock, not a stale read
    with pg_app.app_context():
        assert places(people["lee"]) == 1
        assert (status(first), status(second)) == (ACCEPTED, PENDING)
        assert len(active_connections()) == 1


@pytest.mark.parametrize("kind", [MENTORING, PEER])
def test_the_same_request_accepted_twice_at_once_makes_one_connection(pg_app, kind):
    people = {
        "amira": make_member(pg_app, "Amira", email=EMAILS["amira"], stage="foundation_doctor"),
        "kaur": make_member(
            pg_app, "Dr Kaur", email=EMAILS["kaur"], stage="core_trainee", mentor=True, capacity=2
        ),
    }
    with pg_app.app_context():
        request_id = ask(people, "amira", "kaur", kind).id

    outcomes = _in_threads(pg_app, [_accepting(request_id, people["kaur"])] * 2)

    assert sorted(o[0] for o in outcomes) == ["ok", "problem"], outcomes
    loser = next(o for o in outcomes if o[0] == "problem")
    assert "already been accepted" in str(loser[1])
    with pg_app.app_context():
        assert len(active_connections()) == 1
        assert places(people["kaur"]) == (1 if kind == MENTORING else 0)
        assert [k for k, _ in mail()].count("request_accepted") == 1


def test_accept_and_withdraw_at_once_decide_once(pg_app):
    people = {
        "amira": make_member(pg_app, "Amira", email=EMAILS["amira"]),
        "kaur": make_member(pg_app, "Dr Kaur", email=EMAILS["kaur"], stage="consultant", mentor=True),
    }
    with pg_app.app_context():
        request_id = ask(people, "amira", "kaur").id

    def withdrawing() -> None:
        withdraw(db.session.get(MentoringRequest, request_id), db.session.get(User, people["amira"]))

    outcomes = _in_threads(pg_app, [_accepting(request_id, people["kaur"]), withdrawing])

    assert sorted(o[0] for o in outcomes) == ["ok", "problem"], outcomes
    with pg_app.app_context():
        final = status(request_id)
        kinds = [k for k, _ in mail()][1:]
        if final == ACCEPTED:
            assert (places(people["kaur"]), len(active_connections()), kinds) == (1, 1, ["request_accepted"])
        else:
            assert final == WITHDRAWN
            assert (places(people["kaur"]), active_connections(), kinds) == (0, [], ["request_withdrawn"])


def test_two_requests_at_once_cannot_both_be_the_fourth(pg_app):
    people = {"amira": make_member(pg_app, "Amira", email=EMAILS["amira"])}
    for n in range(5):
        people[f"m{n}"] = make_member(pg_app, f"Dr M{n}", stage="consultant", mentor=True)
    with pg_app.app_context():
        for n in range(2):
            ask(people, "amira", f"m{n}")

    def sending(to: str) -> Callable[[], MentoringRequest]:
        return lambda: send_request(
            db.session.get(User, people["amira"]), db.session.get(User, people[to]), MENTORING
        )

    outcomes = _in_threads(pg_app, [sending("m2"), sending("m3")])

    assert sorted(o[0] for o in outcomes) == ["ok", "problem"], outcomes
    assert str(next(o for o in outcomes if o[0] == "problem")[1]) == TOO_MANY
    with pg_app.app_context():
        pending = select(func.count()).where(
            MentoringRequest.sender_id == people["amira"], MentoringRequest.status == PENDING
        )
        assert db.session.scalar(pending) == 3
        assert [k for k, _ in mail()].count("request_received") == 3
