"""Reading structure out of what people write: phrases to codes, hobbies, meeting in person."""

from __future__ import annotations

import pytest

from mentormatch.matching.blend import MENTOR_WEIGHTS
from mentormatch.matching.engine import MatchingEngine, Member
from mentormatch.matching.fitting import READ
from mentormatch.matching.reading import Reading, hobby, hobby_name, read


@pytest.mark.parametrize(
    ("text", "mentor", "offers", "goals"),
    [
        (
            "Happy to help with getting published, humanitarian medicine and part-time training.",
            True,
            {"research", "global_health", "less_than_full_time"},
            set(),
        ),
        ("happy to help with portfolio and MRCP revision", True, {"portfolio", "exams"}, set()),
        ("I can help with QIPs and interview prep.", True, {"audit_qi", "specialty_applications"}, set()),
        (
            "Can support LTFT trainees. Glad to talk about burnout.",
            True,
            {"less_than_full_time", "wellbeing"},
            set(),
        ),
        ("Looking for help with MRCP revision and my e-portfolio.", False, set(), {"exams", "portfolio"}),
        ("I want a first publication and some teaching.", False, set(), {"research", "teaching"}),
        ("Would love advice on the MSRA.", False, set(), {"specialty_applications"}),
        ("Need a hand with my audit", False, set(), {"audit_qi"}),
        # A mentor's goal words with no cue are what they help with; a mentee's, what they want.
        ("Exams, audit and leadership.", True, {"exams", "audit_qi", "leadership"}, set()),
        ("Exams, audit and leadership.", False, set(), {"exams", "audit_qi", "leadership"}),
        # Both in one text: each cue governs what follows it.
        (
            "Happy to help with exams; looking for help with leadership.",
            True,
            {"exams"},
            {"leadership"},
        ),
        ("Happy to help with exams and looking for help with research", True, {"exams"}, {"research"}),
    ],
)
def test_offers_and_goals_are_read_from_their_cues(text, mentor, offers, goals):
    reading = read(text, mentor=mentor)
    assert (set(reading.offers), set(reading.goals)) == (offers, goals)


@pytest.mark.parametrize(
    ("text", "specialties"),
    [
        ("Reg in ICU, keen on critical care", {"intensive_care"}),
        ("I work in A&E and O&G.", {"emergency_medicine", "obstetrics_gynaecology"}),
        ("Loved my geris rotation", {"geriatrics"}),
        ("Nothing clinical here.", set()),
    ],
)
def test_specialties_are_read_anywhere(text, specialties):
    assert set(read(text).specialties) == specialties


@pytest.mark.parametrize(
    ("text", "interests"),
    [
        ("Outside work: cycling and sailing.", {"cycling", "sailing"}),
        # Each hobby by its one name, however it is written.
        ("In my spare time I run, bake & play the piano", {"running", "baking", "piano"}),
        ("Outside work: road cycling, a weekly parkrun and bouldering", {"cycling", "running", "climbing"}),
        ("Weekends are for lots of hiking.", {"hiking"}),
        ("Big fan of line dancing, the theatre and my dog", {"line dancing", "theatre", "dog"}),
        ("Hobbies: climbing / chess", {"climbing", "chess"}),
        # A clinical word after the cue is not a hobby; the goal still counts.
        ("I enjoy teaching and the piano", {"piano"}),
    ],
)
def test_hobbies_are_read_after_their_cues(text, interests):
    assert set(read(text).interests) == interests


@pytest.mark.parametrize(
    ("text", "interests"),
    [
        ("Did my first marathon last year; a keen sailor.", {"running", "sailing"}),
        ("You will find me on my road bike or at the allotment", {"cycling", "gardening"}),
        ("Sing in a chamber choir and play five-a-side", {"choir", "football"}),
        # Words that are also clinical or everyday ones need a cue: no hobbies here.
        ("Running teaching sessions in theatre. Reading papers and the music of the wards.", set()),
    ],
)
def test_clear_hobbies_are_read_anywhere(text, interests):
    assert set(read(text).interests) == interests


@pytest.mark.parametrize(
    ("tag", "name"),
    [
        ("Parkrun", "running"),
        ("road cycling", "cycling"),
        ("wild swimming", "swimming"),
        ("ukulele", "ukulele"),
    ],
)
def test_hobby_tags_and_words_share_one_name(tag, name):
    assert hobby_name(tag) == name


@pytest.mark.parametrize(
    ("text", "specialties"),
    [
        ("I'm a paediatrician with a neonatal interest", {"paediatrics"}),
        ("Obstetrician in a busy maternity unit", {"obstetrics_gynaecology"}),
        ("Surgical registrar", {"general_surgery"}),
        ("Intensivist, also do some HDU work", {"intensive_care"}),
        ("Working in a GP surgery in Leeds", {"general_practice"}),
        ("Nephrologist; transplant medicine", {"renal_medicine"}),
        ("Orthopaedic surgeon", {"orthopaedics"}),
        ("Geriatrician on an orthogeriatrics ward", {"geriatrics"}),
        ("Anesthesiologist trained abroad", {"anaesthetics"}),
    ],
)
def test_specialists_and_adjectives_are_read_as_their_specialty(text, specialties):
    assert set(read(text).specialties) == specialties


@pytest.mark.parametrize(
    ("text", "goals"),
    [
        ("Looking for help with my IMT application and interviews", {"specialty_applications"}),
        ("Would love advice on flexible training", {"less_than_full_time"}),
        ("Looking for help with imposter syndrome", {"wellbeing"}),
        ("Hoping to get a first paper and some posters", {"research"}),
        ("Want help with POCUS and cannulation", {"clinical_skills"}),
    ],
)
def test_more_ways_of_saying_a_goal(text, goals):
    assert set(read(text).goals) == goals


def test_a_goal_said_in_passing_is_still_a_goal():
    assert read("I enjoy teaching and the piano").goals == {"teaching"}


@pytest.mark.parametrize(
    ("text", "in_person"),
    [
        ("Happy to meet in person.", True),
        ("Keen to meet up for a coffee", True),
        ("Face-to-face suits me best", True),
        ("Video calls only, sorry.", False),
        ("Can't meet in person, but happy to talk by phone", False),
        ("By video or in person, either is fine", True),
        ("Consultant in cardiology.", None),
        ("", None),
    ],
)
def test_meeting_in_person_is_read(text, in_person):
    assert read(text).in_person is in_person


def test_hobby_names_are_compared_plainly():
    assert hobby("  The Piano!") == "piano"
    assert hobby("lots of Running") == "running"
    assert read("") == Reading()


def test_read_codes_weigh_a_little_less_than_ticked_ones():
    text = "Happy to help with MRCP revision."

    def mentor(id, **fields):
        return Member(id=id, stage_rank=4, is_mentor=True, free_places=2, text=text, **fields)

    mentee = Member(id="me", stage_rank=0, goals=frozenset({"exams"}))
    engine = MatchingEngine().fit([mentee, mentor("ticked", offers=frozenset({"exams"})), mentor("written")])
    found = {s.id: s for s in engine.suggest_mentors("me", k=5)}
    # The only difference: the mentee's one goal is met by a ticked offer, or by one read.
    difference = found["ticked"].score - found["written"].score
    assert difference == pytest.approx((1 - READ) * MENTOR_WEIGHTS["goals"], abs=1e-5)
    assert "you want help with exams; they offer it" in found["ticked"].reasons
    assert "you want help with exams; they write that they can help" in found["written"].reasons


def test_same_region_counts_when_either_would_meet_in_person():
    def mentor(id, region, text=""):
        return Member(id=id, stage_rank=4, is_mentor=True, free_places=2, region=region, text=text)

    online = Member(id="online", stage_rank=0, region="yorkshire_humber")
    keen = Member(id="keen", stage_rank=0, region="yorkshire_humber", in_person=True)
    people = [
        online,
        keen,
        mentor("near", "yorkshire_humber"),
        mentor("near_meets", "yorkshire_humber", "Happy to meet for a coffee."),
        mentor("far", "london"),
    ]
    engine = MatchingEngine().fit(people)
    for_online = {s.id: s for s in engine.suggest_mentors("online", k=5)}
    for_keen = {s.id: s for s in engine.suggest_mentors("keen", k=5)}
    # Neither would meet: the region counts a little; either would: in full.
    assert for_online["near_meets"].score > for_online["near"].score > for_online["far"].score
    assert for_keen["near"].score == pytest.approx(for_online["near_meets"].score, abs=1e-5)
    assert (
        "both in Yorkshire and the Humber, and they'd like to meet in person"
        in for_online["near_meets"].reasons
    )
    assert not any(reason.startswith("both in") for reason in for_online["near"].reasons)
    assert "both in Yorkshire and the Humber, and you'd like to meet in person" in for_keen["near"].reasons
