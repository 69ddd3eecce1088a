"""How good the matching engine's suggestions are, on a population whose ground truth is known.

    .venv/bin/python benchmarks/quality.py [--members 3000] [--seed 1] [--k 10]

The population is generated here, not by mentormatch/demo, and not from the engine's formula. Each
person has a latent truth: a career stage, a region (and an organisation in it), 1–3 specialties
(popular ones more often), 2–3 goals (by stage: students want exam and career help, trainees
applications and portfolio, seniors leadership), 1–3 hobbies; a fifth of the members are mentors,
whose latent offers are the goals people below their stage need plus a few of their own, with
0–5 free places (0: at capacity) and some pending requests. What the engine sees is noisy:

- tags: each latent specialty is tagged with probability 0.5, each goal 0.5, each offer 0.7,
  each hobby 0.6, the region 0.9; a fifth of people add a specialty they are only considering,
  and a quarter of mentors tick an offer they do not really have;
- free text ("about me", "what I'm looking for"), written with the synonyms and abbreviations
  clinicians use ("keen on ED", "loved my A&E rotation", "MRCP Part 1 revision", "a QIP", "obs and
  gynae", "geris", "T&O"…) from this script's own phrase lists: an untagged latent specialty or goal is
  written in the text with probability 0.8, a tagged one 0.4, so part of the truth is only in the text
  and some of it nowhere; foundation doctors also name their current rotation, which is often not
  a specialty they want;
- 35 % would like to meet in person, which only their text says (70 % of people say how they'd
  meet); 35 % of mentors tick no offers and only write what they help with (as an import without
  an `offers` column); 10 % of people tick nothing at all and only write.

Relevance of a mentor for a mentee comes from the latent truth alone, graded 0–7:
  shared specialties (one: 2, two or more: 3) + the share of the mentee's goals in the mentor's
  offers (all or at least half: 2, some: 1) + same region, when either would like to meet in
  person (1) + a shared hobby (1).
Only eligible mentors count, by the same hard rules for every method: strictly higher stage rank,
an approved mentor with a free place, not yourself. The stage gap beyond that, organisation,
busyness and capacity do not enter relevance (the engine weighs some of them; here they earn
nothing). A peer's relevance is the same with shared goals in place of offers (two or more: 2,
one: 1), among members at most one stage rank apart.

Metrics over every member with at least one relevant eligible candidate: NDCG@k (gain 2^grade − 1,
ideal ranking over all eligible candidates), P@5 (a hit shares a latent specialty and a goal the
mentor offers, or for peers a goal), coverage (share of the candidate pool in anyone's top k) and
the Gini coefficient of how often each member of the pool appears in a top k. Methods, in the
same run: random eligible candidates; tag overlap (Jaccard on visible specialty, goal and interest
tags, a mentor's goals being what they offer); plain TF-IDF cosine over raw text and tags (no
synonyms, no structured fit), over every more senior mentor ("TF-IDF", full ones too: a
suggestion nobody can ask earns nothing) and over the available ones ("TF-IDF + rules"); ours
(MatchingEngine.suggest_all). Baselines break ties at random.
Deterministic for a seed; times are not measured.

The engine's constants were chosen on this generator's seeds 1–5 (docs/matching.md says how, one
by one); seeds 6–10 are held out, and benchmarks/outside_quality.py reports on a generator written
independently, on which nothing was tuned. Methods, metrics and the per-part NDCG (relevance from
one part of the truth only) are in benchmarks/ranking.py.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from random import Random

import numpy as np

from mentormatch.core.vocabulary import GOALS, REGIONS, SPECIALTIES, STAGES
from mentormatch.matching.blend import MENTOR_WEIGHTS
from mentormatch.matching.engine import MatchingEngine, Member
from mentormatch.matching.learning import learn_weights

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ranking import (
    GINI_LIMIT,
    METHODS,
    PARTS,
    Metrics,
    baselines,
    evaluate_tops,
    gini,
    pool,
    suggested,
    table,
)

__all__ = ["GINI_LIMIT", "METHODS", "Metrics", "gini", "pool", "table"]

# --- the generator's own phrase lists ------------------------------------------------------------

# Most popular first; popularity falls off gently (weight 1/(i+1)^0.8).
POPULARITY = (
    "general_practice", "emergency_medicine", "general_surgery", "paediatrics", "psychiatry",
    "anaesthetics", "obstetrics_gynaecology", "cardiology", "intensive_care", "orthopaedics",
    "geriatrics", "respiratory_medicine", "gastroenterology", "neurology", "radiology",
    "clinical_oncology", "medical_education", "academic_medicine", "plastic_surgery", "ophthalmology",
    "renal_medicine", "endocrinology", "haematology", "dermatology", "urology", "palliative_care",
    "otolaryngology", "public_health", "infectious_diseases", "neurosurgery", "rheumatology",
    "pathology", "vascular_surgery", "cardiothoracic_surgery",
)  # fmt: skip
SAID = {
    "anaesthetics": ("anaesthetics", "anaesthesia", "anaes"),
    "cardiology": ("cardiology", "cardio", "the cath lab"),
    "clinical_oncology": ("oncology", "clinical oncology", "onc"),
    "dermatology": ("dermatology", "derm"),
    "emergency_medicine": ("emergency medicine", "ED", "A&E", "EM", "the emergency department"),
    "endocrinology": ("endocrinology", "diabetes and endo", "endo"),
    "gastroenterology": ("gastro", "gastroenterology", "hepatology", "endoscopy"),
    "general_practice": ("general practice", "GP", "primary care"),
    "general_surgery": ("general surgery", "gen surg", "colorectal", "upper GI"),
    "geriatrics": ("geriatrics", "care of the elderly", "COTE", "geris", "frailty"),
    "haematology": ("haematology", "haem"),
    "infectious_diseases": ("infectious diseases", "ID", "tropical medicine"),
    "intensive_care": ("ICU", "ITU", "intensive care", "critical care", "ICM"),
    "medical_education": ("medical education", "med ed", "being a clinical teaching fellow"),
    "neurology": ("neurology", "neuro", "stroke"),
    "neurosurgery": ("neurosurgery", "neurosurg"),
    "obstetrics_gynaecology": ("O&G", "obs and gynae", "obstetrics", "gynae", "labour ward"),
    "ophthalmology": ("ophthalmology", "ophthal", "eyes"),
    "orthopaedics": ("T&O", "ortho", "orthopaedics", "trauma and orthopaedics"),
    "otolaryngology": ("ENT", "otolaryngology"),
    "paediatrics": ("paeds", "paediatrics", "neonates", "child health"),
    "palliative_care": ("palliative care", "pall care", "hospice medicine"),
    "pathology": ("histopath", "pathology", "histopathology"),
    "plastic_surgery": ("plastics", "plastic surgery"),
    "psychiatry": ("psych", "psychiatry", "CAMHS", "mental health"),
    "public_health": ("public health", "epidemiology"),
    "radiology": ("radiology", "rads", "interventional radiology"),
    "renal_medicine": ("renal", "nephrology", "dialysis"),
    "respiratory_medicine": ("resp", "respiratory", "chest medicine"),
    "rheumatology": ("rheumatology", "rheum"),
    "cardiothoracic_surgery": ("cardiothoracics", "cardiac surgery", "cardiothoracic surgery"),
    "urology": ("urology", "uro"),
    "vascular_surgery": ("vascular surgery", "vascular", "vasc surg"),
    "academic_medicine": ("academic medicine", "an ACF post", "a clinical academic career"),
}
WANTS = {
    "career_planning": ("career advice", "working out which specialty suits me", "career planning"),
    "specialty_applications": ("my IMT application", "CST applications", "interview prep", "the MSRA"),
    "research": ("getting a first publication", "research", "a systematic review", "thinking about a PhD"),
    "audit_qi": ("a QIP", "closing the loop on an audit", "a QI project", "audit"),
    "exams": ("MRCP Part 1 revision", "MRCS Part A revision", "the Primary FRCA", "PACES practice",
              "OSCE practice", "UKMLA revision", "MRCPCH theory", "the MRCGP AKT", "exams"),
    "portfolio": ("my e-portfolio", "ARCP", "portfolio building", "getting my portfolio ready"),
    "teaching": ("teaching", "running teaching sessions", "getting into teaching"),
    "leadership": ("leadership", "a rota lead role", "management roles", "stepping into leadership"),
    "wellbeing": ("burnout", "wellbeing", "work-life balance"),
    "innovation": ("digital health", "a health tech start-up", "AI in healthcare", "innovation"),
    "global_health": ("working abroad", "global health", "MSF", "humanitarian work"),
    "less_than_full_time": ("LTFT", "less than full time training", "going part-time"),
    "networking": ("networking", "meeting people in the specialty", "getting to know people"),
    "clinical_skills": ("practical procedures", "clinical skills", "suturing", "chest drains"),
}  # fmt: skip
# Goal weights by stage rank: what people at each stage want help with.
GOAL_WEIGHTS = {
    0: {"career_planning": 3, "exams": 3, "research": 2, "specialty_applications": 1, "audit_qi": 1,
        "clinical_skills": 2, "global_health": 1, "networking": 1, "teaching": 1, "wellbeing": 1},
    1: {"specialty_applications": 3, "portfolio": 3, "exams": 2, "audit_qi": 2, "career_planning": 2,
        "research": 1, "teaching": 1, "wellbeing": 1, "clinical_skills": 1, "global_health": 1},
    2: {"exams": 3, "specialty_applications": 3, "portfolio": 2, "research": 2, "leadership": 1,
        "teaching": 1, "less_than_full_time": 1, "wellbeing": 1, "audit_qi": 1},
    3: {"leadership": 2, "research": 2, "teaching": 2, "less_than_full_time": 1, "innovation": 1,
        "career_planning": 1, "wellbeing": 1, "global_health": 1, "exams": 1},
    4: {"leadership": 2, "innovation": 1, "research": 1, "wellbeing": 1, "teaching": 1, "networking": 1},
}  # fmt: skip
HOBBIES = (
    "running", "cycling", "climbing", "swimming", "yoga", "football", "rugby", "netball", "hockey",
    "tennis", "hiking", "baking", "cooking", "photography", "painting", "reading", "piano", "guitar",
    "choir", "line dancing", "salsa", "gaming", "chess", "gardening", "knitting", "triathlon", "rowing",
    "sailing", "theatre", "podcasts",
)  # fmt: skip
STAGE_SHARES = {
    "medical_student": 35, "foundation_doctor": 20, "core_trainee": 12, "nurse_midwife": 4,
    "allied_health": 4, "specialty_trainee": 10, "sas_doctor": 3, "gp": 4, "consultant": 8,
}  # fmt: skip
RANK = {stage.code: stage.rank for stage in STAGES}
IN_PERSON = 0.35  # share of people who'd like to meet in person (the rest: video, phone, messages)
OFFERS_ONLY_WRITTEN = 0.35  # share of mentors who tick no offers and only write what they help with
TEXT_ONLY = 0.1  # share of people who tick nothing and only write
MENTOR_WEIGHT_BY_RANK = {0: 0.0, 1: 0.3, 2: 1.0, 3: 1.5, 4: 2.0}
ROLE = {
    "medical_student": ("{year}-year medic at {org}.", "Medical student at {org}, {year} year."),
    "foundation_doctor": ("FY{fy} at {org}, currently on {rotation}.", "FY{fy} doctor, on a {rotation} job."),
    "core_trainee": ("CT{ct} at {org}.", "Core trainee in {region}."),
    "nurse_midwife": ("Nurse at {org}.", "Midwife at {org}."),
    "allied_health": ("Pharmacist at {org}.", "Physio at {org}."),
    "specialty_trainee": ("ST{st} registrar at {org}.", "Reg in {region}."),
    "sas_doctor": ("Specialty doctor at {org}.", "SAS doctor in {region}."),
    "gp": ("GP partner in {region}.", "Salaried GP, {region}."),
    "consultant": ("Consultant at {org}.", "Consultant in {region}."),
}
INTO = (
    "Keen on {s}.", "Loved my {s} rotation.", "Hoping to go into {s}.", "{s} is where I want to end up.",
    "Did a taster week in {s} and was hooked.", "Really enjoying {s}.",
)  # fmt: skip
WORK_IN = ("I work in {s}.", "Mostly {s} these days.", "My background is {s}.", "Years in {s}.")
LOOKING = ("Looking for help with {g}.", "Would love advice on {g}.", "Need a hand with {g}.", "Keen on {g}.")
OFFERING = ("Happy to help with {g}.", "Can support {g}.", "Glad to talk about {g}.")
OFF_DUTY = ("Outside work: {h}.", "Weekends are for {h}.", "Big fan of {h}.")
MEET = ("Happy to meet in person.", "Would rather meet face to face.", "Keen to meet up for a coffee.")
REMOTE = ("Video calls suit me best.", "Happy to talk by phone.", "")
FILLER = ("Always happy to chat.", "Message me any time.", "Tea enthusiast.", "Still finding my feet.", "")


@dataclass(frozen=True)
class Person:
    """One generated member: what the engine sees, and the latent truth it should recover."""

    member: Member
    specialties: frozenset[str]
    goals: frozenset[str]
    offers: frozenset[str]
    hobbies: frozenset[str]
    region: str
    in_person: bool = False


def _weighted(rng: Random, weights: dict[str, float], count: int) -> list[str]:
    """`count` distinct keys, drawn by weight."""
    pool, chosen = dict(weights), []
    for _ in range(min(count, len(pool))):
        pick = rng.choices(list(pool), weights=list(pool.values()))[0]
        chosen.append(pick)
        del pool[pick]
    return chosen


def _noisy(rng: Random, truth: list[str], shown: float) -> tuple[set[str], list[str]]:
    """The tags a person ticks (each with probability `shown`) and what they write about instead."""
    tags = {code for code in truth if rng.random() < shown}
    written = [code for code in truth if rng.random() < (0.4 if code in tags else 0.8)]
    return tags, written


def generate_population(size: int, seed: int) -> list[Person]:
    """`size` people with latent truth and noisy visible profiles; a fifth are mentors."""
    rng = Random(seed)
    spec_weights = {code: 1 / (i + 1) ** 0.8 for i, code in enumerate(POPULARITY)}
    regions = list(REGIONS)
    region_weights = [3 if code == "london" else 1 for code in regions]
    stages = rng.choices(list(STAGE_SHARES), weights=list(STAGE_SHARES.values()), k=size)
    weights = [MENTOR_WEIGHT_BY_RANK[RANK[stage]] for stage in stages]
    mentors: set[int] = set()
    while len(mentors) < min(size // 5, sum(w > 0 for w in weights)):
        mentors.add(rng.choices(range(size), weights=weights)[0])
    people = []
    for i, stage in enumerate(stages):
        rank, is_mentor = RANK[stage], i in mentors
        region = rng.choices(regions, weights=region_weights)[0]
        org = f"{REGIONS[region]} {rng.choice(('University Hospitals', 'Medical School', 'General'))}"
        specialties = _weighted(rng, spec_weights, rng.choices((1, 2, 3), weights=(5, 4, 1))[0])
        goals = _weighted(rng, GOAL_WEIGHTS[rank], rng.choice((2, 2, 3)))
        hobbies = rng.sample(HOBBIES, rng.choice((1, 2, 3)))
        offers: list[str] = []
        if is_mentor:  # what the stages below theirs need, plus a couple of their own
            below: dict[str, float] = {}
            for r in range(rank):
                for code, weight in GOAL_WEIGHTS[r].items():
                    below[code] = below.get(code, 0) + weight
            offers = _weighted(rng, below, rng.choice((2, 3, 4))) + rng.sample(list(GOALS), 2)
            offers = list(dict.fromkeys(offers))
        in_person = rng.random() < IN_PERSON
        spec_tags, spec_text = _noisy(rng, specialties, 0.5)
        goal_tags, goal_text = _noisy(rng, goals, 0.5)
        offer_tags, offer_text = _noisy(rng, offers, 0.7)
        hobby_tags, hobby_text = _noisy(rng, hobbies, 0.6)
        if is_mentor and rng.random() < OFFERS_ONLY_WRITTEN:  # an import: offers only in the text
            offer_text = [code for code in offers if code in offer_tags or code in offer_text]
            offer_tags = set()
        if rng.random() < TEXT_ONLY:  # ticked nothing at all: everything they said is in the text
            spec_text = list(dict.fromkeys(spec_text + sorted(spec_tags)))
            goal_text = list(dict.fromkeys(goal_text + sorted(goal_tags)))
            hobby_text = list(dict.fromkeys(hobby_text + sorted(hobby_tags)))
            spec_tags, goal_tags, hobby_tags = set(), set(), set()
        if rng.random() < 0.2:
            spec_tags.add(rng.choices(list(spec_weights), weights=list(spec_weights.values()))[0])
        if is_mentor and rng.random() < 0.25:
            offer_tags.add(rng.choice(list(GOALS)))
        rotation = rng.choice(specialties) if rng.random() < 0.3 else rng.choice(POPULARITY[:15])
        fields = {
            "org": org,
            "region": REGIONS[region],
            "year": rng.choice(("First", "Second", "Third", "Fourth", "Fifth", "Final")),
            "fy": rng.choice("12"),
            "ct": rng.choice("12"),
            "st": rng.choice("345678"),
            "rotation": rng.choice(SAID[rotation]),
        }
        about = [rng.choice(ROLE[stage]).format(**fields)]
        about += [rng.choice(WORK_IN if rank >= 3 else INTO).format(s=rng.choice(SAID[s])) for s in spec_text]
        about += [rng.choice(OFF_DUTY).format(h=h) for h in hobby_text]
        about.append(rng.choice(FILLER))
        if rng.random() < 0.7:  # said, or not, in passing; nothing else says it
            about.append(rng.choice(MEET) if in_person else rng.choice(REMOTE))
        looking = [rng.choice(LOOKING).format(g=rng.choice(WANTS[g])) for g in goal_text]
        looking += [rng.choice(OFFERING).format(g=rng.choice(WANTS[g])) for g in offer_text]
        rng.shuffle(about)
        free = rng.choice((0, 1, 1, 2, 2, 3, 4, 5)) if is_mentor else 0
        member = Member(
            id=i,
            stage_rank=rank,
            organisation=org,
            region=region if rng.random() < 0.9 else "",
            specialties=frozenset(spec_tags),
            goals=frozenset(goal_tags),
            offers=frozenset(offer_tags),
            interests=frozenset(hobby_tags),
            text=" ".join(filter(None, about)) + "\n" + " ".join(looking),
            is_mentor=is_mentor,
            free_places=free,
            pending_requests=rng.choice((0, 0, 0, 1, 1, 2, 3, 5)) if is_mentor else 0,
            stage=stage,
        )
        people.append(
            Person(
                member,
                frozenset(specialties),
                frozenset(goals),
                frozenset(offers),
                frozenset(hobbies),
                region,
                in_person,
            )
        )
    return people


# --- relevance from the latent truth -------------------------------------------------------------


@dataclass
class Truth:
    """The latent truth as bit masks and arrays, for scoring blocks of query × candidate pairs."""

    rank: np.ndarray
    region: np.ndarray
    specialties: np.ndarray
    goals: np.ndarray
    offers: np.ndarray
    hobbies: np.ndarray
    in_person: np.ndarray

    @classmethod
    def of(cls, people: list[Person]) -> Truth:
        def bits(sets: list[frozenset[str]], order: list[str]) -> np.ndarray:
            bit = {code: np.uint64(1) << np.uint64(i) for i, code in enumerate(order)}
            return np.array([sum(int(bit[code]) for code in s) for s in sets], dtype=np.uint64)

        return cls(
            rank=np.array([p.member.stage_rank for p in people], dtype=np.int16),
            region=np.array([list(REGIONS).index(p.region) for p in people], dtype=np.int16),
            specialties=bits([p.specialties for p in people], list(SPECIALTIES)),
            goals=bits([p.goals for p in people], list(GOALS)),
            offers=bits([p.offers for p in people], list(GOALS)),
            hobbies=bits([p.hobbies for p in people], list(HOBBIES)),
            in_person=np.array([p.in_person for p in people], dtype=bool),
        )

    def grades(
        self, kind: str, q: np.ndarray, c: np.ndarray, part: str | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Graded relevance 0–7 (or from one part only) and the P@5 hits of each pair, from the truth."""
        q, c = q[:, None], c[None, :]
        shared = np.bitwise_count(self.specialties[q] & self.specialties[c])
        wants = np.bitwise_count(self.goals[q])
        if kind == "mentor":
            met = np.bitwise_count(self.goals[q] & self.offers[c])
            goal_grade = np.where(met == 0, 0, np.where(2 * met >= wants, 2, 1))
        else:
            met = np.bitwise_count(self.goals[q] & self.goals[c])
            goal_grade = np.minimum(met, 2)
        parts = {
            "specialties": np.select([shared >= 2, shared == 1], [3, 2], 0),
            "goals": goal_grade,
            # Same region matters only when either of them would like to meet in person.
            "region": (self.region[q] == self.region[c]) & (self.in_person[q] | self.in_person[c]),
            "hobbies": np.bitwise_count(self.hobbies[q] & self.hobbies[c]) > 0,
        }
        grade = parts[part] if part else sum(value.astype(np.int8) for value in parts.values())
        grade = np.broadcast_to(grade, shared.shape)
        return grade.astype(np.int8), (shared > 0) & (met > 0)


def evaluate_kind(kind: str, people: list[Person], k: int, seed: int) -> dict[str, Metrics]:
    """Every method's metrics for one kind of suggestion ("mentor" or "peer")."""
    members = [p.member for p in people]
    truth = Truth.of(people)
    tops = baselines(kind, members, k, seed)
    tops["ours"] = suggested(members, MatchingEngine().fit(members).suggest_all(kind, k), k)
    return evaluate_tops(kind, members, tops, lambda q, c, part: truth.grades(kind, q, c, part), k)


def evaluate(
    members: int = 3000, seed: int = 1, k: int = 10, peers: bool = True
) -> dict[str, dict[str, Metrics]]:
    """Metrics by kind ("mentor", "peer") and method, on a generated population."""
    people = generate_population(members, seed)
    kinds = ("mentor", "peer") if peers else ("mentor",)
    return {kind: evaluate_kind(kind, people, k, seed) for kind in kinds}


def learning(members: int, seed: int, k: int = 10, noise: float = 1.5) -> tuple[dict, float, float, int]:
    """`flask matches learn`, simulated: members accept by their latent relevance, with noise.

    Half the members (even indices) are shown their top k mentors and accept one when its latent
    relevance plus Gaussian noise (sd `noise`) reaches 4; the blend is learned from those outcomes
    and both blends are scored on the other half. Returns (learned weights, default NDCG@k,
    learned NDCG@k, outcomes).
    """
    people = generate_population(members, seed)
    crowd = [p.member for p in people]
    truth = Truth.of(people)
    rng = np.random.default_rng(seed)
    engine = MatchingEngine().fit(crowd)
    shown = engine.suggest_all("mentor", k, members=[m.id for m in crowd[::2]], reasons=False)
    parts, went_well = [], []
    for member_id, suggestions in shown.items():
        if not suggestions:
            continue
        others = [s.id for s in suggestions]
        parts.append(engine.part_scores("mentor", member_id, others))
        grade, _ = truth.grades("mentor", np.array([member_id]), np.array(others))
        went_well += (grade[0] + rng.normal(0, noise, len(others)) >= 4).tolist()
    learned = learn_weights(np.vstack(parts), np.array(went_well), MENTOR_WEIGHTS)
    held_out = np.arange(len(crowd)) % 2 == 1
    tops = {
        "defaults": suggested(crowd, engine.suggest_all("mentor", k), k),
        "learned": suggested(
            crowd, MatchingEngine({"mentor": learned}).fit(crowd).suggest_all("mentor", k), k
        ),
    }
    scores = evaluate_tops(
        "mentor", crowd, tops, lambda q, c, part: truth.grades("mentor", q, c, part), k, only=held_out
    )
    return learned, scores["defaults"].ndcg, scores["learned"].ndcg, len(went_well)


def goal_met(results: dict[str, dict[str, Metrics]]) -> bool:
    """Ours beats every baseline on mentor NDCG@k, with exposure Gini at most GINI_LIMIT."""
    mentor = results["mentor"]
    ours = mentor["ours"]
    return ours.gini <= GINI_LIMIT and all(ours.ndcg > m.ndcg for name, m in mentor.items() if name != "ours")


def summary(seeds: range, members: int, k: int) -> str:
    """Mean NDCG@k (mentors, peers), ours against each baseline, and the worst Gini over seeds."""
    runs = [evaluate(members, seed, k) for seed in seeds]
    lines = [
        f"seeds {seeds.start}–{seeds.stop - 1}, {members:,} members: mean NDCG@{k} (per part: "
        + ", ".join(PARTS)
        + ")"
    ]
    for kind in ("mentor", "peer"):
        for method in METHODS:
            ndcg = np.mean([run[kind][method].ndcg for run in runs])
            parts = ", ".join(f"{np.mean([run[kind][method].parts[p] for run in runs]):.3f}" for p in PARTS)
            worst = max(run[kind][method].gini for run in runs)
            lines.append(f"{kind:6} {method:15} {ndcg:.3f}  ({parts})  Gini ≤ {worst:.3f}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--no-peers", action="store_true", help="mentor suggestions only")
    parser.add_argument("--seeds", help="several seeds, e.g. 1-5: one line of means for all of them")
    parser.add_argument(
        "--learn", action="store_true", help="simulate `flask matches learn` (see learning())"
    )
    args = parser.parse_args()
    if args.learn:
        learned, before, after, outcomes = learning(args.members, args.seed, args.k)
        print(f"Learned from {outcomes:,} simulated outcomes (half the members), seed {args.seed}:")
        for part, default in MENTOR_WEIGHTS.items():
            print(f"  {part:<12} default {default:.3f}  learned {learned[part]:.3f}")
        change = f"{after - before:+.3f}"
        print(f"NDCG@{args.k} on the other half: defaults {before:.3f}, learned {after:.3f} ({change})")
        return
    if args.seeds:
        first, _, last = args.seeds.partition("-")
        print(summary(range(int(first), int(last or first) + 1), args.members, args.k))
        return
    people = generate_population(args.members, args.seed)
    members = [p.member for p in people]
    available = len(pool("mentor", members))
    print(f"{args.members:,} members, {available:,} available mentors, seed {args.seed}, k={args.k}\n")
    kinds = ("mentor",) if args.no_peers else ("mentor", "peer")
    results = {kind: evaluate_kind(kind, people, args.k, args.seed) for kind in kinds}
    for kind in kinds:
        print(f"{kind.capitalize()} suggestions:\n\n{table(results[kind], args.k)}\n")
    met = goal_met(results)
    ours = results["mentor"]["ours"]
    print(
        f"Goal (ours beats every baseline on mentor NDCG@{args.k}, exposure Gini ≤ {GINI_LIMIT}): "
        f"{'met' if met else 'NOT met'} (ours {ours.ndcg:.3f}, best baseline "
        f"{max(m.ndcg for name, m in results['mentor'].items() if name != 'ours'):.3f}, Gini {ours.gini:.3f})"
    )


if __name__ == "__main__":
    main()
