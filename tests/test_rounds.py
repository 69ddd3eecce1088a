"""Matching rounds: the service on real databases, the pages, and who may see them."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import func, select

from mentormatch.accounts.models import User
from mentormatch.core.audit import AuditEntry
from mentormatch.core.extensions import db
from mentormatch.mentoring.models import Connection
from mentormatch.mentors.models import MentorExclusion
from mentormatch.profiles.models import Profile
from mentormatch.rounds.cohorts import read_cohort
from mentormatch.rounds.models import MatchingRound, RoundPair
from mentormatch.rounds.publishing import publish_round, round_csv
from mentormatch.rounds.service import RoundProblem, change_pair, create_round, run_round
from mentormatch.rounds.solver import ALL_FULL
from tests.factories import make_member
from tests.helpers import ROLES, csrf_from, outbox, submit, token_for


@pytest.fixture
def cohort(app: Flask) -> dict[str, int]:
    """Three students and two mentors: Dr Ng (one place), Dr Ode (two places, same trust as Bea)."""
    return _cohort(app)


def _cohort(app: Flask) -> dict[str, int]:
    people = {
        "ana": make_member(app, "Ana", email="ana@example.org", goals=["exams"], specialties=["cardiology"]),
        "bea": make_member(
            app, "Bea", email="bea@example.org", goals=["research"], organisation="Leeds Trust"
        ),
        "cai": make_member(app, "Cai", email="cai@example.org", goals=["exams"], specialties=["cardiology"]),
        "ng": make_member(
            app,
            "Dr Ng",
            email="ng@example.org",
            stage="consultant",
            mentor=True,
            capacity=1,
            offers=["exams"],
            specialties=["cardiology"],
        ),
        "ode": make_member(
            app,
            "Dr Ode",
            email="ode@example.org",
            stage="consultant",
            mentor=True,
            capacity=2,
            offers=["research"],
            organisation="Leeds Trust",
        ),
    }
    people["admin"] = make_member(app, "Boss", email="boss@example.org", admin=True, profile=False)
    return people


def _round(app: Flask, people: dict[str, int], **options) -> int:
    with app.app_context():
        admin = db.session.get(User, people["admin"])
        matching_round = create_round(admin, "Autumn", [people[n] for n in ("ana", "bea", "cai")], **options)
        run_round(matching_round, admin)
        db.session.commit()
        return matching_round.id


def _pairs(app: Flask, round_id: int) -> dict[int, int | None]:
    with app.app_context():
        return {
            p.mentee_id: p.mentor_id
            for p in db.session.scalars(select(RoundPair).where(RoundPair.round_id == round_id))
        }


def test_a_run_respects_capacity_and_proposes_a_mentor_with_reasons(app, cohort):
    round_id = _round(app, cohort)
    pairs = _pairs(app, round_id)
    assert list(pairs.values()).count(cohort["ng"]) <= 1
    assert list(pairs.values()).count(cohort["ode"]) <= 2
    assert sum(mentor is not None for mentor in pairs.values()) == 3
    with app.app_context():
        matching_round = db.session.get(MatchingRound, round_id)
        assert matching_round.matched == 3
        assert matching_round.capacity_used == 3 and matching_round.capacity_total == 3
        assert matching_round.total_fit == pytest.approx(matching_round.optimum_fit)
        assert all(p.reasons and 0 < p.score <= 1 for p in matching_round.pairs)


def test_exclusions_hold(app, cohort):
    with app.app_context():
        db.session.add(MentorExclusion(mentor_id=cohort["ode"], excluded_email="ana@example.org"))
        db.session.commit()
    round_id = _round(app, cohort, avoid_same_organisation=True)
    pairs = _pairs(app, round_id)
    assert pairs[cohort["ana"]] != cohort["ode"]  # declared
    assert pairs[cohort["bea"]] != cohort["ode"]  # same organisation
    with app.app_context():
        matching_round = db.session.get(MatchingRound, round_id)
        unmatched = {p.mentee_id: p.unmatched_reason for p in matching_round.pairs if p.mentor_id is None}
    assert len(unmatched) == 1 and set(unmatched.values()) == {ALL_FULL}  # Ana and Bea want Dr Ng


def test_a_pair_change_that_breaks_a_rule_changes_nothing(app, cohort):
    with app.app_context():
        db.session.add(MentorExclusion(mentor_id=cohort["ng"], excluded_email="bea@example.org"))
        db.session.commit()
    round_id = _round(app, cohort)
    before = _pairs(app, round_id)
    with app.app_context():
        admin = db.session.get(User, cohort["admin"])
        matching_round = db.session.get(MatchingRound, round_id)
        with pytest.raises(RoundProblem, match="excluded") as excluded:
            change_pair(matching_round, cohort["bea"], cohort["ng"], admin)
        assert excluded.value.status == 409
        db.session.rollback()
        someone_else = next(
            m for m, mentor in before.items() if mentor == cohort["ode"] and m != cohort["bea"]
        )
        with pytest.raises(RoundProblem, match="no free place") as full:
            change_pair(matching_round, someone_else, cohort["ng"], admin)
        assert full.value.status == 409
        db.session.rollback()
        with pytest.raises(RoundProblem, match="pool") as outside:
            change_pair(matching_round, cohort["ana"], cohort["bea"], admin)  # not a mentor in the pool
        assert outside.value.status == 422
        db.session.rollback()
    assert _pairs(app, round_id) == before


def test_a_change_is_kept_when_the_round_runs_again(app, cohort):
    round_id = _round(app, cohort)
    with app.app_context():
        admin = db.session.get(User, cohort["admin"])
        matching_round = db.session.get(MatchingRound, round_id)
        change_pair(matching_round, cohort["ana"], None, admin)
        db.session.commit()
        assert matching_round.blocking_pairs is None and matching_round.matched == 2
        run_round(matching_round, admin)
        db.session.commit()
        ana = next(p for p in matching_round.pairs if p.mentee_id == cohort["ana"])
        assert ana.mentor_id is None and ana.locked
        assert matching_round.optimum_matched == 3 and matching_round.matched == 2
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 4


def test_publishing_creates_connections_and_emails_once(app, cohort):
    round_id = _round(app, cohort)
    with app.app_context():
        admin = db.session.get(User, cohort["admin"])
        matching_round = db.session.get(MatchingRound, round_id)
        assert publish_round(matching_round, admin) == 3
        db.session.commit()
        with pytest.raises(RoundProblem, match="already been published"):
            publish_round(matching_round, admin)
        db.session.rollback()
        connections = db.session.scalars(select(Connection)).all()
        assert len(connections) == 3
        assert all(c.kind == "mentoring" and c.request_id is None for c in connections)
        assert db.session.get(Profile, cohort["ng"]).mentor_places_taken == 1
        assert db.session.get(Profile, cohort["ode"]).mentor_places_taken == 2
    kinds = sorted(message.kind for message in outbox(app))
    assert kinds == ["round_mentee"] * 3 + ["round_mentor"] * 2
    assert "Your mentor" in outbox(app, "ana@example.org")[0].subject


def test_publishing_when_a_mentor_filled_up_meanwhile_publishes_nothing(app, cohort):
    round_id = _round(app, cohort)
    with app.app_context():
        db.session.get(Profile, cohort["ng"]).mentor_places_taken = 1
        db.session.commit()
        matching_round = db.session.get(MatchingRound, round_id)
        with pytest.raises(RoundProblem, match="no free place any more"):
            publish_round(matching_round, db.session.get(User, cohort["admin"]))
        db.session.rollback()
        assert db.session.get(MatchingRound, round_id).status == "draft"
        assert db.session.scalar(select(func.count()).select_from(Connection)) == 0
    assert outbox(app) == []


def test_an_exclusion_declared_after_the_run_stops_the_publication(app, cohort):
    round_id = _round(app, cohort)
    ana_mentor = _pairs(app, round_id)[cohort["ana"]]
    with app.app_context():
        db.session.add(MentorExclusion(mentor_id=ana_mentor, excluded_email="ana@example.org"))
        db.session.commit()
        with pytest.raises(RoundProblem, match="excluded from each other now"):
            publish_round(db.session.get(MatchingRound, round_id), db.session.get(User, cohort["admin"]))
        db.session.rollback()
        assert db.session.get(MatchingRound, round_id).status == "draft"
        assert db.session.scalar(select(func.count()).select_from(Connection)) == 0


def test_cohort_file_reports_unknown_emails_by_line(app, cohort):
    with app.app_context():
        found = read_cohort(b"email,name\nana@example.org,Ana\nnobody@example.org,X\n\nBEA@example.org,Bea\n")
        assert found.problems == [(3, "nobody@example.org: no member who can be matched has this address")]
        assert sorted(found.user_ids) == sorted([cohort["ana"], cohort["bea"]])
        assert read_cohort(b"cai@example.org\n").user_ids == [cohort["cai"]]
        assert read_cohort(b"\xff\xfe").problems[0][0] == 0


def test_a_cohort_file_with_control_characters_in_an_address_says_which_line(app, cohort):
    with app.app_context():
        found = read_cohort(b"email\nana@example.org\nbea@exam\x00ple.org\ncai\x07@example.org\n")
    assert found.problems == [
        (3, "the email address has invisible control characters in it"),
        (4, "the email address has invisible control characters in it"),
    ]
    assert found.user_ids == [cohort["ana"]]


def test_csv_export_defuses_formulas(app, cohort):
    with app.app_context():
        db.session.get(User, cohort["ana"]).name = "=HYPERLINK(1)"
        db.session.commit()
    round_id = _round(app, cohort)
    with app.app_context():
        text = round_csv(db.session.get(MatchingRound, round_id))
    assert text.splitlines()[0].startswith("mentee_email,mentee_name,mentor_email")
    assert "'=HYPERLINK(1)" in text and len(text.splitlines()) == 4


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"career_stage": "consultant"}, "is no longer further along in their career than Ana"),
        ({"email_verified_at": None}, "Ana can't be matched any more"),
        ({"deleted_at": "now"}, "Former member can't be matched any more"),
        ({"onboarded_at": None}, "Ana can't be matched any more"),
    ],
    ids=["caught-up", "unverified", "deleted", "left-matching"],
)
def test_a_mentee_who_cant_be_matched_any_more_stops_the_publication(app, cohort, change, words):
    """Checked again at publication: the mentee can still be matched, and is still less senior."""
    from mentormatch.core.database import utcnow

    round_id = _round(app, cohort)
    assert _pairs(app, round_id)[cohort["ana"]] is not None
    with app.app_context():
        ana = db.session.get(User, cohort["ana"])
        for field, value in change.items():
            target = ana.profile if field == "onboarded_at" else ana
            setattr(target, field, utcnow() if value == "now" else value)
        db.session.commit()
        with pytest.raises(RoundProblem) as refused:
            publish_round(db.session.get(MatchingRound, round_id), db.session.get(User, cohort["admin"]))
        db.session.rollback()
        assert words in str(refused.value) and str(refused.value).endswith(
            "run the round again, then publish."
        )
        assert refused.value.status == 409
        assert db.session.get(MatchingRound, round_id).status == "draft"
        assert db.session.scalar(select(func.count()).select_from(Connection)) == 0
        assert db.session.scalar(select(func.sum(Profile.mentor_places_taken))) == 0
        assert db.session.scalar(select(func.count()).where(AuditEntry.action == "round.publish")) == 0
    assert outbox(app) == []


def test_a_request_to_the_mentor_the_round_gives_is_accepted_not_withdrawn(app, cohort):
    """Ana asked the very mentor the round gives her: that request becomes the connection's, and
    the mentor isn't told she withdrew it; her request to someone else is withdrawn as usual."""
    from mentormatch.mentoring.answering import MATCHED_ELSEWHERE
    from mentormatch.mentoring.asking import send_request
    from mentormatch.mentoring.models import MentoringRequest

    other = make_member(app, "Dr Zed", email="zed@example.org", stage="consultant", mentor=True, capacity=3)
    round_id = _round(app, cohort, mentor_ids=[cohort["ng"], cohort["ode"]])
    mentor_id = _pairs(app, round_id)[cohort["ana"]]
    with app.app_context():
        ana = db.session.get(User, cohort["ana"])
        to_mentor = send_request(ana, db.session.get(User, mentor_id), "mentoring", "Hello!").id
        to_other = send_request(ana, db.session.get(User, other), "mentoring", "Hello!").id
        db.session.commit()
        publish_round(db.session.get(MatchingRound, round_id), db.session.get(User, cohort["admin"]))
        db.session.commit()
        accepted, withdrawn = (
            db.session.get(MentoringRequest, to_mentor),
            db.session.get(MentoringRequest, to_other),
        )
        assert (accepted.status, accepted.reason) == ("accepted", None) and accepted.decided_at is not None
        assert (withdrawn.status, withdrawn.reason) == ("withdrawn", MATCHED_ELSEWHERE)
        connection = db.session.scalar(select(Connection).where(Connection.second_id == cohort["ana"]))
        assert (connection.first_id, connection.request_id) == (mentor_id, to_mentor)
    mentor_email = {cohort["ng"]: "ng@example.org", cohort["ode"]: "ode@example.org"}[mentor_id]
    assert [m.kind for m in outbox(app, mentor_email)] == ["request_received", "round_mentor"]
    assert [m.kind for m in outbox(app, "zed@example.org")] == ["request_received", "request_withdrawn"]


# --- the pages -----------------------------------------------------------------------------------


def _pages(round_id: int, mentee_id: int) -> list[tuple[str, str, dict]]:
    return [
        ("GET", "/admin/rounds", {}),
        ("GET", f"/admin/rounds/{round_id}", {}),
        ("GET", f"/admin/rounds/{round_id}/pairs/{mentee_id}", {}),
        (
            "GET",
            f"/admin/rounds/{round_id}/pairs/{mentee_id}",
            {"HX-Request": "true", "HX-Target": f"pair-{mentee_id}"},
        ),
        ("GET", f"/admin/rounds/{round_id}/publish", {}),
        ("GET", f"/admin/rounds/{round_id}.csv", {}),
        ("POST", f"/admin/rounds/{round_id}/run", {}),
        ("POST", f"/admin/rounds/{round_id}/pairs/{mentee_id}", {"HX-Request": "true"}),
        ("POST", f"/admin/rounds/{round_id}/publish", {}),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_access(app, client, login_as, cohort, role):
    round_id = _round(app, cohort)
    login_as(role)
    token = token_for(client)
    for method, url, headers in _pages(round_id, cohort["ana"]):
        data = {"csrf_token": token, "mentor": ""} if method == "POST" else None
        response = client.open(url, method=method, headers=headers, data=data)
        if role == "anonymous" and headers:  # htmx: 401, with HX-Redirect to the login page
            assert response.status_code == 401 and "/auth/login" in response.headers["HX-Redirect"], url
        elif role == "anonymous":
            assert response.status_code == 302 and "/auth/login" in response.location, url
        elif role in ("unverified", "member"):
            assert response.status_code == 403, url
        else:
            assert response.status_code == (303 if method == "POST" and not headers else 200), url
    with app.app_context():
        status = db.session.get(MatchingRound, round_id).status
        connections = db.session.scalar(select(func.count()).select_from(Connection))
    if role == "admin":
        assert (status, connections) == ("published", 2)  # Ana was left unmatched by the pair change
    else:
        assert (status, connections) == ("draft", 0)


def test_admin_creates_from_filters_runs_changes_and_publishes(app, client, login_as, cohort):
    login_as("admin")
    response = submit(
        client,
        "/admin/rounds",
        {
            "name": "Students",
            "mentees_from": "filters",
            "stage": "medical_student",
            "region": "",
            "specialty": "",
            "mentor_pool": "all",
            "objective": "total",
            "min_score": "0",
        },
    )
    assert response.status_code == 303
    round_id = int(response.location.rstrip("/").rsplit("/", 1)[1])
    page = f"/admin/rounds/{round_id}"
    assert submit(client, f"{page}/run", {}, page=page).status_code == 303
    html = client.get(page).get_data(as_text=True)
    assert "Total fit" in html and "Blocking pairs" in html and "Dr Ng" in html

    # An htmx change to a full mentor is refused with a clear message and changes nothing.
    before = _pairs(app, round_id)
    taken_by = next(m for m, mentor in before.items() if mentor == cohort["ng"])
    other = next(m for m in before if m != taken_by)
    token = csrf_from(html)
    response = client.post(
        f"{page}/pairs/{other}",
        data={"mentor": cohort["ng"], "csrf_token": token},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 409
    assert "no free place left" in response.get_data(as_text=True)
    assert _pairs(app, round_id) == before
    response = client.post(
        f"{page}/pairs/{other}", data={"mentor": "x", "csrf_token": token}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 422
    # Moving the mentee on Dr Ng off works, and the fragment shows the new draft.
    response = client.post(
        f"{page}/pairs/{taken_by}", data={"mentor": "", "csrf_token": token}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert 'id="round-draft"' in response.get_data(as_text=True)
    assert _pairs(app, round_id)[taken_by] is None

    response = client.get(f"{page}.csv")
    assert response.mimetype == "text/csv" and "mentee_email" in response.get_data(as_text=True)

    first = submit(client, f"{page}/publish", {})
    assert first.status_code == 303
    again = client.post(f"{page}/publish", data={"csrf_token": token})
    assert again.status_code == 409
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Connection)) == 2
    assert [m.kind for m in outbox(app)].count("round_unmatched") == 1


def test_create_from_a_cohort_file_with_an_unknown_email_creates_nothing(app, client, login_as, cohort):
    login_as("admin")
    data = {
        "name": "From a file",
        "mentees_from": "file",
        "stage": "",
        "region": "",
        "specialty": "",
        "mentor_pool": "chosen",
        "mentors": [str(cohort["ng"])],
        "objective": "count",
        "min_score": "10",
        "cohort": (io.BytesIO(b"email\nana@example.org\nghost@example.org\n"), "cohort.csv"),
    }
    response = submit(client, "/admin/rounds", data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "ghost@example.org" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(MatchingRound)) == 0
    data["cohort"] = (io.BytesIO(b"email\nana@example.org\n"), "cohort.csv")
    response = submit(client, "/admin/rounds", data, content_type="multipart/form-data")
    assert response.status_code == 303
    with app.app_context():
        matching_round = db.session.scalar(select(MatchingRound))
        assert (matching_round.objective, matching_round.min_score, matching_round.all_mentors) == (
            "count",
            0.1,
            False,
        )
        assert [m.user_id for m in matching_round.mentors] == [cohort["ng"]]


def test_scores_are_the_engines_and_a_choice_beyond_the_kept_candidates_still_counts(
    app, cohort, monkeypatch
):
    """Rounds score pairs exactly as /matches does; an admin may pick a mentor outside the top few."""
    from mentormatch.matching.service import suggestions_for
    from mentormatch.rounds import scores as round_scores

    with app.app_context():
        ana = db.session.get(User, cohort["ana"])
        suggested = {p.user.id: p.score for p in suggestions_for(ana, "mentor", k=10)}
        scores = round_scores.candidate_scores([cohort["ana"]], [cohort["ng"], cohort["ode"]])
        assert scores[cohort["ana"]] == pytest.approx(suggested)
        only_best = round_scores.candidate_scores([cohort["ana"]], [cohort["ng"], cohort["ode"]], keep=1)
        assert list(only_best[cohort["ana"]]) == [max(suggested, key=suggested.get)]
        assert round_scores.pair_reasons([(cohort["ana"], cohort["ng"])])[cohort["ana"], cohort["ng"]]
    monkeypatch.setattr(round_scores, "MAX_CANDIDATES", 1)
    round_id = _round(app, cohort)
    with app.app_context():
        admin = db.session.get(User, cohort["admin"])
        matching_round = db.session.get(MatchingRound, round_id)
        worse = min(suggested, key=suggested.get)
        pair = change_pair(matching_round, cohort["ana"], worse, admin)
        assert pair.mentor_id == worse and pair.score == pytest.approx(suggested[worse]) and pair.reasons
        db.session.commit()
        run_round(db.session.get(MatchingRound, round_id), admin)  # the locked choice is kept
        db.session.commit()
    assert _pairs(app, round_id)[cohort["ana"]] == worse


def test_publishing_withdraws_a_matched_mentees_other_requests_and_tells_those_mentors(app, cohort):
    from mentormatch.mentoring.answering import MATCHED_ELSEWHERE
    from mentormatch.mentoring.asking import send_request
    from mentormatch.mentoring.models import MentoringRequest

    other = make_member(app, "Dr Zed", email="zed@example.org", stage="consultant", mentor=True, capacity=3)
    with app.app_context():
        send_request(db.session.get(User, cohort["ana"]), db.session.get(User, other), "mentoring", "Hello!")
        db.session.commit()
    round_id = _round(app, cohort, mentor_ids=[cohort["ng"], cohort["ode"]])
    with app.app_context():
        publish_round(db.session.get(MatchingRound, round_id), db.session.get(User, cohort["admin"]))
        db.session.commit()
        request = db.session.scalar(select(MentoringRequest))
        assert (request.status, request.reason) == ("withdrawn", MATCHED_ELSEWHERE)
    assert [m.kind for m in outbox(app, "zed@example.org")] == ["request_received", "request_withdrawn"]


# --- races on PostgreSQL --------------------------------------------------------------------------


HOLD = 0.5  # seconds the first admin keeps their transaction open


def _first_then_second(app: Flask, first: Callable[[], object], second: Callable[[], object]) -> dict:
    """`first` runs and holds its transaction open while `second` starts; each commits, or rolls
    back on a RoundProblem. Returns each outcome and how long `second` took."""
    started = threading.Event()
    result: dict[str, object] = {}

    def run(name: str, work: Callable[[], object]) -> None:
        with app.app_context():
            try:
                if name == "second":
                    assert started.wait(10)
                    begun = time.monotonic()
                work()
                if name == "first":
                    started.set()
                    time.sleep(HOLD)
                db.session.commit()
                result[name] = "ok"
            except RoundProblem as problem:
                db.session.rollback()
                result[name] = problem
            except BaseException as error:  # reported by the test rather than lost in the thread
                db.session.rollback()
                result[name] = ("error", error)
                started.set()
            if name == "second":
                result["waited"] = time.monotonic() - begun

    threads = [
        threading.Thread(target=run, args=("first", first)),
        threading.Thread(target=run, args=("second", second)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck"
    return result


def _publishing(app: Flask, people: dict[str, int], round_id: int) -> Callable[[], object]:
    def work() -> int:
        admin = db.session.get(User, people["admin"])
        return publish_round(db.session.get(MatchingRound, round_id), admin)

    return work


def _running(app: Flask, people: dict[str, int], round_id: int) -> Callable[[], object]:
    def work() -> MatchingRound:
        admin = db.session.get(User, people["admin"])
        return run_round(db.session.get(MatchingRound, round_id), admin)

    return work


def _changing(app: Flask, people: dict[str, int], round_id: int) -> Callable[[], object]:
    def work() -> RoundPair:
        admin = db.session.get(User, people["admin"])
        matching_round = db.session.get(MatchingRound, round_id)
        assert matching_round.pairs  # loaded before the lock, as the view does
        return change_pair(matching_round, people["ana"], None, admin)

    return work


def _published_pairs(app: Flask, round_id: int) -> list[tuple[int, int, int | None, int | None]]:
    with app.app_context():
        return [
            (p.id, p.mentee_id, p.mentor_id, p.connection_id)
            for p in db.session.scalars(
                select(RoundPair).where(RoundPair.round_id == round_id).order_by(RoundPair.id)
            )
        ]


@pytest.mark.parametrize("then", [_running, _changing], ids=["run", "change"])
def test_a_run_or_a_change_during_a_publication_waits_and_is_refused(pg_app, then):
    """Admin A publishes; admin B clicks "Run again" (or changes a pair) before A's commit."""
    people = _cohort(pg_app)
    round_id = _round(pg_app, people)
    before = _published_pairs(pg_app, round_id)

    result = _first_then_second(pg_app, _publishing(pg_app, people, round_id), then(pg_app, people, round_id))

    assert result["first"] == "ok", result
    assert isinstance(result["second"], RoundProblem), result
    assert "has been published" in str(result["second"]) and result["second"].status == 409
    assert result["waited"] >= HOLD * 0.8, result  # it waited on the round's row lock
    after = _published_pairs(pg_app, round_id)
    assert [row[:3] for row in after] == [row[:3] for row in before]  # the published pairs, intact
    with pg_app.app_context():
        connections = {c.id: (c.second_id, c.first_id) for c in db.session.scalars(select(Connection))}
        assert db.session.get(MatchingRound, round_id).status == "published"
    assert len(connections) == 3
    assert {connections[connection] for _, _, _, connection in after} == {
        (mentee, mentor) for _, mentee, mentor, _ in after
    }


def test_publishing_during_a_run_waits_and_publishes_the_new_draft(pg_app):
    people = _cohort(pg_app)
    round_id = _round(pg_app, people)

    result = _first_then_second(
        pg_app, _running(pg_app, people, round_id), _publishing(pg_app, people, round_id)
    )

    assert (result["first"], result["second"]) == ("ok", "ok"), result
    assert result["waited"] >= HOLD * 0.8, result
    pairs = _published_pairs(pg_app, round_id)
    assert len(pairs) == 3 and all(connection is not None for *_, connection in pairs)
    with pg_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Connection)) == 3


def test_two_runs_at_once_run_one_after_the_other(pg_app):
    """A double click on "Run again": the second run waits for the first, then runs; no error."""
    people = _cohort(pg_app)
    round_id = _round(pg_app, people)
    barrier = threading.Barrier(2, timeout=30)
    outcomes: list[object] = [None, None]

    def run(n: int) -> None:
        with pg_app.app_context():
            try:
                barrier.wait()
                _running(pg_app, people, round_id)()
                time.sleep(HOLD / 5)
                db.session.commit()
                outcomes[n] = "ok"
            except BaseException as error:  # reported by the test rather than lost in the thread
                db.session.rollback()
                outcomes[n] = error

    threads = [threading.Thread(target=run, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert outcomes == ["ok", "ok"], outcomes
    with pg_app.app_context():
        pairs = db.session.scalars(select(RoundPair).where(RoundPair.round_id == round_id)).all()
        runs = db.session.scalar(select(func.count()).where(AuditEntry.action == "round.run"))
    assert sorted(p.mentee_id for p in pairs) == sorted(people[n] for n in ("ana", "bea", "cai"))
    assert runs == 3


def test_the_run_and_publish_buttons_are_disabled_while_their_request_runs(app, client, login_as, cohort):
    """A double click sends one request: htmx submits the form and disables its button meanwhile."""
    round_id = _round(app, cohort)
    login_as("admin")
    for page, action in (
        (f"/admin/rounds/{round_id}", "run"),
        (f"/admin/rounds/{round_id}/publish", "publish"),
    ):
        html = client.get(page).get_data(as_text=True)
        form = next(tag for tag in html.split("<form")[1:] if f'/{round_id}/{action}"' in tag.split(">")[0])
        tag = form.split(">")[0]
        assert 'data-hx-boost="true"' in tag and 'data-hx-disabled-elt="find button"' in tag


@pytest.mark.parametrize("mentor", ["\u00b2", "\u0663", "99999999999", "1\x00", "-1"])
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_a_mentor_that_is_no_id_is_refused_not_an_error(app, client, login_as, cohort, mentor, htmx):
    round_id = _round(app, cohort)
    before = _pairs(app, round_id)
    login_as("admin")
    page = f"/admin/rounds/{round_id}/pairs/{cohort['ana']}"
    headers = {"HX-Request": "true"} if htmx else {}
    response = submit(client, page, {"mentor": mentor}, headers=headers)
    assert response.status_code == 422
    assert "Choose a mentor from this round" in response.get_data(as_text=True)
    assert _pairs(app, round_id) == before


def test_a_round_name_with_control_characters_is_refused(app, client, login_as, cohort):
    login_as("admin")
    data = {
        "name": "Autumn\x00",
        "mentees_from": "filters",
        "stage": "medical_student",
        "region": "",
        "specialty": "",
        "mentor_pool": "all",
        "objective": "total",
        "min_score": "0",
    }
    response = submit(client, "/admin/rounds", data)
    assert response.status_code == 422
    assert "Remove the invisible control characters" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(MatchingRound)) == 0


def test_a_cohort_file_with_a_nul_in_an_address_is_refused_by_line(app, client, login_as, cohort):
    login_as("admin")
    data = {
        "name": "From a file",
        "mentees_from": "file",
        "stage": "",
        "region": "",
        "specialty": "",
        "mentor_pool": "all",
        "objective": "total",
        "min_score": "0",
        "cohort": (io.BytesIO(b"email\nana@example.org\nbea\x00@example.org\n"), "cohort.csv"),
    }
    response = submit(client, "/admin/rounds", data, content_type="multipart/form-data")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert '<th scope="row">3</th><td>the email address has invisible control characters' in html
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(MatchingRound)) == 0
