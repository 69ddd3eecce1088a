"""The matching engine alone: clinical shorthand, the rules that are never broken, reasons, updates."""

from __future__ import annotations

from random import Random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mentormatch.core.vocabulary import GOALS, REGIONS, SPECIALTIES, STAGE_BY_CODE
from mentormatch.demo.generate import generate_people
from mentormatch.matching.blend import MENTOR_WEIGHTS, UNMET_GOALS
from mentormatch.matching.engine import MatchingEngine, Member
from mentormatch.matching.reading import hobby_name, read
from mentormatch.matching.vocabulary import (
    GOAL_PHRASES,
    MORE_GOAL_PHRASES,
    MORE_SPECIALTY_PHRASES,
    SPECIALTY_PHRASES,
    codes_in,
    normalise,
    token,
)

LABELS = {code: label.casefold() for code, label in (SPECIALTIES | GOALS).items()}


# --- the clinical vocabulary -------------------------------------------------------------------


def test_every_specialty_and_goal_has_phrases():
    assert set(SPECIALTY_PHRASES) == set(SPECIALTIES)
    assert set(GOAL_PHRASES) == set(GOALS)
    assert all(SPECIALTY_PHRASES.values()) and all(GOAL_PHRASES.values())


@pytest.mark.parametrize(
    ("code", "spellings"),
    [
        ("emergency_medicine", ["A&E", "ED", "emergency medicine", "Emergency Department"]),
        ("obstetrics_gynaecology", ["O&G", "obs and gynae", "Obstetrics"]),
        ("intensive_care", ["ICU", "ITU", "critical care"]),
        ("exams", ["MRCP", "MRCP revision", "OSCEs", "MRCS Part A"]),
        ("orthopaedics", ["T&O", "orthopaedics", "ortho"]),
        ("audit_qi", ["QIP", "audit"]),
        ("less_than_full_time", ["LTFT", "less than full time"]),
        ("general_practice", ["GP", "general practice", "primary care"]),
        ("cardiothoracic_surgery", ["cardiac surgery", "heart surgery", "cardiothoracics"]),
        ("geriatrics", ["geris", "frailty", "care of the elderly"]),
    ],
)
def test_shorthand_becomes_one_token(code, spellings):
    for spelling in spellings:
        assert codes_in(f"I love {spelling} a lot") == {code}, spelling
        assert token(code) in normalise(spelling).split()


PHRASE_TABLES = (SPECIALTY_PHRASES, MORE_SPECIALTY_PHRASES, GOAL_PHRASES, MORE_GOAL_PHRASES)


def test_every_phrase_is_read_as_its_own_code_once():
    """Each phrase, alone, is exactly its code's token (the longest phrase wins), in one table only."""
    seen: dict[str, str] = {}
    for table in PHRASE_TABLES:
        for code, phrases in table.items():
            for phrase in phrases:
                assert seen.setdefault(phrase.casefold(), code) == code, phrase
                assert normalise(phrase).split() == [token(code)], phrase
    assert len(seen) > 500


def test_everyday_words_are_not_abbreviations():
    assert codes_in("my career path: I edited the ed. notes and it was fun") == set()
    assert codes_in("med ed") == {"medical_education"}


# --- small populations ---------------------------------------------------------------------------

HOBBIES = ["cycling", "running", "line dancing", "choir", "baking"]
ORGS = ["Leeds", "Kent", "St George's"]


def member(id, rank=0, **fields):
    return Member(id=id, stage_rank=rank, **fields)


def mentor(id, rank=4, **fields):
    return Member(id=id, stage_rank=rank, is_mentor=True, free_places=fields.pop("free_places", 2), **fields)


members_strategy = st.builds(
    Member,
    id=st.integers(),
    stage_rank=st.integers(0, 4),
    organisation=st.sampled_from(["", *ORGS]),
    region=st.sampled_from(["", "london", "wales"]),
    specialties=st.frozensets(st.sampled_from(["cardiology", "paediatrics", "psychiatry"]), max_size=2),
    goals=st.frozensets(st.sampled_from(["exams", "research", "teaching"]), max_size=2),
    offers=st.frozensets(st.sampled_from(["exams", "research", "teaching"]), max_size=2),
    interests=st.frozensets(st.sampled_from(HOBBIES), max_size=2),
    text=st.sampled_from(
        [
            "",
            "A&E and research",
            "O&G QIP",
            "cycling and ICU",
            "MRCP revision",
            "Happy to help with exams and research. Outside work: cycling.",
            "Looking for help with teaching; keen to meet in person",
            "Consultant in cardiology, video calls only. Hobbies: baking",
        ]
    ),
    in_person=st.booleans(),
    is_mentor=st.booleans(),
    free_places=st.integers(0, 3),
    pending_requests=st.integers(0, 6),
    verified=st.booleans(),
    stage=st.sampled_from(["", "consultant"]),
)


def population(draw_list):
    seen, unique = set(), []
    for i, m in enumerate(draw_list):
        unique.append(Member(**{**m.__dict__, "id": i}))
        seen.add(i)
    return unique


def _codes_named(text):
    codes = set()
    for label in text.split(", "):
        found = {code for code, name in LABELS.items() if name == label.casefold()}
        assert found, label
        codes |= found
    return codes


def _knows(person, kind, side):
    """(ticked, read) codes of a person's specialties and goals (a mentor's offers on their side)."""
    reading = read(person.text, mentor=person.is_mentor)
    goals, goals_read = (
        (person.offers, reading.offers)
        if kind == "mentor" and side == "them"
        else (person.goals, reading.goals)
    )
    ticked = set(person.specialties) | set(goals if kind == "peer" or side == "them" else person.goals)
    return ticked, reading.specialties | goals_read, reading


SHARED = {
    "both: {}": (False, False),
    "you mention {}; they list it": (True, False),
    "you list {}; they mention it": (False, True),
    "you both mention {}": (True, True),
}
OFFERED = {
    "you want help with {}; they offer it": (False, False),
    "you mention wanting help with {}; they offer it": (True, False),
    "you want help with {}; they write that they can help": (False, True),
    "you mention wanting help with {}; they write that they can help": (True, True),
}


def _matches(reason, templates):
    for template, side in templates.items():
        head, tail = template.split("{}")
        if reason.startswith(head) and reason.endswith(tail):
            return side, reason.removeprefix(head).removesuffix(tail)
    return None


def check_reasons(kind, me, them, reasons):
    """Every reason names only what both people have, and says truly where it came from."""
    my_ticked, my_read, my_reading = _knows(me, kind, "me")
    their_ticked, their_read, their_reading = _knows(them, kind, "them")
    for reason in reasons:
        offered = _matches(reason, OFFERED) if kind == "mentor" else None
        shared = _matches(reason, SHARED)
        if offered:
            (mine_read, theirs_read), named = offered
            for code in _codes_named(named):
                mine = (my_reading.goals - me.goals) if mine_read else me.goals
                theirs = (their_reading.offers - them.offers) if theirs_read else them.offers
                assert code in mine and code in theirs, reason
        elif shared:
            (mine_read, theirs_read), named = shared
            for code in _codes_named(named):
                mine = (my_read - my_ticked) if mine_read else my_ticked
                theirs = (their_read - their_ticked) if theirs_read else their_ticked
                assert code in mine and code in theirs, reason
        elif reason.startswith("both enjoy "):
            tags = reason.removeprefix("both enjoy ").split(", as ")[0]
            for tag in tags.split(", "):
                # Hobbies by their one name: a ticked "parkrun" is running (matching/reading.py).
                assert tag in {hobby_name(t) for t in me.interests} | my_reading.interests, reason
                assert tag in {hobby_name(t) for t in them.interests} | their_reading.interests, reason
        elif reason.startswith("both in "):
            assert me.region == them.region and reason.startswith(f"both in {REGIONS[me.region]}, and ")
            wants = (
                me.in_person or my_reading.in_person is True,
                them.in_person or their_reading.in_person is True,
            )
            assert any(wants), reason
        elif reason.startswith("from another organisation: "):
            assert me.organisation and them.organisation and me.organisation != them.organisation
        else:
            assert reason == "your profiles read alike" or reason.split(":")[0] in (
                "one step ahead",
                "a few steps ahead",
                "more senior",
            ), reason


@settings(max_examples=50, deadline=None)
@given(st.lists(members_strategy, min_size=1, max_size=14), st.data())
def test_rules_are_never_broken(drawn, data):
    people = population(drawn)
    engine = MatchingEngine().fit(people)
    me = data.draw(st.sampled_from(people))
    exclude = data.draw(st.frozensets(st.sampled_from([p.id for p in people]), max_size=3))
    by_id = {p.id: p for p in people}
    for kind, suggest in (("mentor", engine.suggest_mentors), ("peer", engine.suggest_peers)):
        found = suggest(me.id, k=5, exclude=exclude)
        assert len(found) <= 5
        assert [s.score for s in found] == sorted((s.score for s in found), reverse=True)
        assert [s.top for s in found] == sorted(s.top for s in found) and all(0 < s.top <= 1 for s in found)
        for suggestion in found:
            them = by_id[suggestion.id]
            assert them.id != me.id and them.id not in exclude and them.verified
            assert 0.0 <= suggestion.score <= 1.0
            if kind == "mentor":
                assert them.is_mentor and them.free_places > 0 and them.stage_rank > me.stage_rank
            else:
                assert abs(them.stage_rank - me.stage_rank) <= 1
            check_reasons(kind, me, them, suggestion.reasons)


# --- reciprocity, exposure, updates, empty cases --------------------------------------------------


def test_mentor_who_offers_what_the_mentee_wants_ranks_first():
    mentee = member("me", goals=frozenset({"exams"}), specialties=frozenset({"cardiology"}))
    helpful = mentor("helpful", offers=frozenset({"exams"}), specialties=frozenset({"cardiology"}))
    unhelpful = mentor("unhelpful", offers=frozenset({"research"}), specialties=frozenset({"cardiology"}))
    engine = MatchingEngine().fit([mentee, unhelpful, helpful])
    found = engine.suggest_mentors("me", k=5)
    assert [s.id for s in found] == ["helpful", "unhelpful"]
    assert found[1].score < found[0].score / 2
    assert "you want help with exams; they offer it" in found[0].reasons
    assert not any(reason.startswith("you want help") for reason in found[1].reasons)


def test_top_is_the_share_of_everyone_eligible_ranked_at_or_above():
    people = [
        member("me", goals=frozenset({"exams"})),
        *(mentor(f"m{i}", offers=frozenset({"exams"}) if i < 2 else frozenset()) for i in range(5)),
        mentor("full", free_places=0),
        member("peer"),
    ]
    engine = MatchingEngine().fit(people)
    # Four eligible once m4 is excluded: the full mentor and the peer never count.
    found = engine.suggest_mentors("me", k=2, exclude={"m4"})
    assert [s.top for s in found] == [0.25, 0.5]
    assert engine.suggest_all("mentor", k=2, members=["me"])["me"][0].top == 0.2


def test_busy_mentor_ranks_below_an_otherwise_identical_one():
    fields = {"offers": frozenset({"exams"}), "specialties": frozenset({"cardiology"}), "text": "cardiology"}
    mentee = member("me", goals=frozenset({"exams"}), specialties=frozenset({"cardiology"}))
    busy = mentor("busy", pending_requests=5, **fields)
    quiet = mentor("quiet", **fields)
    engine = MatchingEngine().fit([mentee, busy, quiet])
    found = engine.suggest_mentors("me", k=2)
    assert [s.id for s in found] == ["quiet", "busy"]
    assert found[1].score > 0.8 * found[0].score  # gentle: still shown


def test_update_changes_suggestions_without_refit():
    people = [
        member("me", text="I love paediatrics and paeds teaching", interests=frozenset({"choir"})),
        member("kids", rank=1, text="paediatrics paeds child health", organisation="Leeds"),
        member("hearts", rank=1, text="cardiology cardio heart failure", organisation="Leeds"),
    ]
    engine = MatchingEngine().fit(people)
    vectorizers = dict(engine._vectorizers)
    assert engine.suggest_peers("me", k=1)[0].id == "kids"
    engine.update(member("me", text="cardiology is all I think about, cardio cardio"))
    assert engine.suggest_peers("me", k=1)[0].id == "hearts"
    assert engine._vectorizers == vectorizers
    # A mentor who pauses disappears at once; a new verified member appears.
    engine.update(mentor("new", rank=2, offers=frozenset({"exams"})))
    assert [s.id for s in engine.suggest_mentors("me")] == ["new"]
    engine.update(Member(id="new", stage_rank=2, is_mentor=False))
    assert engine.suggest_mentors("me") == []


def test_update_survives_compaction(monkeypatch):
    monkeypatch.setattr("mentormatch.matching.fitting.COMPACT_AFTER", 2)
    people = [member(i, rank=1, text=f"word{i}") for i in range(6)]
    engine = MatchingEngine().fit([member("me", text="cardiology"), *people])
    for i in range(4):
        engine.update(member(i, rank=1, text="cardiology" if i == 3 else "psychiatry"))
    assert len(engine._patches) == 1  # three were folded into the matrices
    assert engine.suggest_peers("me", k=1)[0].id == 3


def test_nobody_eligible_gives_nothing():
    engine = MatchingEngine().fit([member("alone")])
    assert engine.suggest_mentors("alone") == [] and engine.suggest_peers("alone") == []
    engine = MatchingEngine().fit(
        [
            member("me", rank=0),
            mentor("full", free_places=0),
            member("paused", rank=3, offers=frozenset({"exams"}), free_places=2),
            mentor("unverified", rank=2, verified=False),
            member("unverified peer", rank=1, verified=False),
            member("far", rank=2),
        ]
    )
    assert engine.suggest_mentors("me") == [] and engine.suggest_peers("me") == []


def test_realistic_population_with_demo_people():
    rng = Random(7)
    people = generate_people(300, rng)
    members = [
        Member(
            id=p.email,
            stage_rank=STAGE_BY_CODE[p.career_stage].rank,
            organisation=p.organisation,
            region=p.region,
            specialties=frozenset(p.specialties),
            goals=frozenset(p.goals),
            offers=frozenset(p.goals) | {"career_planning"} if p.offers_mentoring else frozenset(),
            interests=frozenset(p.interests),
            text=f"{p.about} {p.looking_for}",
            is_mentor=p.mentor_status == "approved",
            free_places=p.mentor_capacity or 0,
            stage=p.career_stage,
        )
        for p in people
    ]
    engine = MatchingEngine().fit(members)
    by_id = {m.id: m for m in members}
    student = next(m for m in members if m.stage_rank == 0)
    everyone = engine.suggest_all("mentor", k=3)
    assert everyone[student.id] == engine.suggest_mentors(student.id, k=3)
    for kind, suggest in (("mentor", engine.suggest_mentors), ("peer", engine.suggest_peers)):
        found = suggest(student.id, k=10)
        assert found and all(s.reasons for s in found)
        for s in found:
            check_reasons(kind, student, by_id[s.id], s.reasons)


def test_mentor_stating_no_offers_is_neutral_not_a_mismatch():
    mentee = member("me", goals=frozenset({"exams"}), specialties=frozenset({"cardiology"}))
    fields = {"specialties": frozenset({"cardiology"})}
    silent = mentor("silent", **fields)
    mismatch = mentor("mismatch", offers=frozenset({"research"}), **fields)
    helpful = mentor("helpful", offers=frozenset({"exams"}), **fields)
    engine = MatchingEngine().fit([mentee, silent, mismatch, helpful])
    found = {s.id: s for s in engine.suggest_mentors("me", k=5)}
    assert list(found) == ["helpful", "silent", "mismatch"]
    # Goals part 1 vs 0.5 and no reciprocity penalty for the silent mentor; 30% kept for the mismatch.
    goals = MENTOR_WEIGHTS["goals"]
    assert found["helpful"].score - found["silent"].score == pytest.approx(0.5 * goals, abs=1e-5)
    assert found["mismatch"].score == pytest.approx(
        UNMET_GOALS * (found["silent"].score - 0.5 * goals), abs=1e-5
    )
    assert not any(r.startswith("you want help") for s in ("silent", "mismatch") for r in found[s].reasons)
    assert "you want help with exams; they offer it" in found["helpful"].reasons


@settings(max_examples=40, deadline=None)
@given(st.lists(members_strategy, min_size=1, max_size=40), st.integers(1, 6))
def test_rebuild_equals_asking_member_by_member(drawn, k):
    people = population(drawn)
    engine = MatchingEngine().fit(people)
    for kind, suggest in (("mentor", engine.suggest_mentors), ("peer", engine.suggest_peers)):
        everyone = engine.suggest_all(kind, k=k)
        bare = engine.suggest_all(kind, k=k, reasons=False)
        for p in people:
            one = suggest(p.id, k=k)
            assert everyone[p.id] == one
            assert [(s.id, s.score) for s in bare[p.id]] == [(s.id, s.score) for s in one]
            assert engine.explain(kind, p.id, [s.id for s in one]) == {s.id: s.reasons for s in one}


def test_rebuild_equals_asking_member_by_member_in_a_realistic_population(monkeypatch):
    # Small blocks, so a rebuild spans several candidate blocks and query batches.
    monkeypatch.setattr("mentormatch.matching.fitting.CHUNK_ROWS", 64)
    monkeypatch.setattr("mentormatch.matching.engine.BATCH_QUERIES", 16)
    rng = Random(11)
    members = [
        Member(
            id=f"p{i}",
            stage_rank=STAGE_BY_CODE[p.career_stage].rank,
            organisation=p.organisation,
            region=p.region,
            specialties=frozenset(p.specialties),
            goals=frozenset(p.goals),
            offers=frozenset(p.goals) | {"career_planning"} if i % 3 else frozenset(),
            interests=frozenset(p.interests),
            text=f"{p.about} {p.looking_for}",
            is_mentor=i % 4 == 0,
            free_places=i % 3,
            pending_requests=i % 5,
            verified=i % 17 != 0,
            stage=p.career_stage,
        )
        for i, p in enumerate(generate_people(400, rng))
    ]
    engine = MatchingEngine().fit(members)
    engine.update(Member(**{**members[5].__dict__, "text": "cardiology and ICU", "is_mentor": True}))
    engine.update(Member(id="new", stage_rank=3, is_mentor=True, free_places=1, offers=frozenset({"exams"})))
    for kind, suggest in (("mentor", engine.suggest_mentors), ("peer", engine.suggest_peers)):
        everyone = engine.suggest_all(kind, k=7)
        assert len(everyone) == len(members) + 1
        assert all(everyone[m] == suggest(m, k=7) for m in everyone)


@settings(max_examples=40, deadline=None)
@given(st.lists(members_strategy, min_size=1, max_size=30), st.data())
def test_pair_scores_are_the_suggestion_scores(drawn, data):
    """A round's score matrix gives every allowed pair exactly the score suggest_mentors gives it."""
    people = population(drawn)
    engine = MatchingEngine().fit(people)
    ids = [p.id for p in people]
    members = data.draw(st.lists(st.sampled_from(ids), unique=True, min_size=1))
    mentors = data.draw(st.lists(st.sampled_from(ids), unique=True, min_size=1))
    scores = engine.score_mentor_pairs(members, mentors)
    assert scores.shape == (len(members), len(mentors))
    for row, member_id in enumerate(members):
        suggested = {s.id: s.score for s in engine.suggest_mentors(member_id, k=len(people))}
        for col, mentor_id in enumerate(mentors):
            if mentor_id in suggested:
                assert scores[row, col] == pytest.approx(suggested[mentor_id], abs=1e-6)
            else:  # a rule forbids the pair: never assignable
                assert scores[row, col] == -np.inf


def test_pair_scores_follow_updates_and_span_blocks(monkeypatch):
    monkeypatch.setattr("mentormatch.matching.fitting.CHUNK_ROWS", 32)
    monkeypatch.setattr("mentormatch.matching.engine.BATCH_QUERIES", 8)
    rng = Random(5)
    people = [
        Member(
            id=i,
            stage_rank=STAGE_BY_CODE[p.career_stage].rank,
            region=p.region,
            specialties=frozenset(p.specialties),
            goals=frozenset(p.goals),
            offers=frozenset(p.goals) if i % 2 else frozenset(),
            text=p.about,
            is_mentor=i % 3 == 0,
            free_places=1 + i % 2,
            stage=p.career_stage,
        )
        for i, p in enumerate(generate_people(150, rng))
    ]
    engine = MatchingEngine().fit(people)
    engine.update(Member(**{**people[3].__dict__, "free_places": 0}))  # now full: never assignable
    mentees = [p.id for p in people if p.stage_rank <= 1]
    mentors = [p.id for p in people if p.is_mentor]
    scores = engine.score_mentor_pairs(mentees, mentors)
    assert np.all(scores[:, mentors.index(3)] == -np.inf)
    for row, mentee in enumerate(mentees):
        for s in engine.suggest_mentors(mentee, k=len(people)):
            assert scores[row, mentors.index(s.id)] == pytest.approx(s.score, abs=1e-6)
