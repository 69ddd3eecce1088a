"""The words demo members write about themselves: "About me" and "What I'm looking for".

Each text is put together from fragments picked for the person's stage, specialties, goals and
interests, in a varied order and length, so a page of profiles doesn't read as one template.
"""

from __future__ import annotations

from dataclasses import dataclass
from random import Random

from mentormatch.demo import phrases
from mentormatch.demo.careers import CORE_PATHWAY, INTEREST_PHRASES

ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth")
GROUPS = {
    "medical_student": "junior",
    "foundation_doctor": "junior",
    "core_trainee": "trainee",
    "specialty_trainee": "trainee",
    "sas_doctor": "senior",
    "gp": "senior",
    "consultant": "senior",
    "nurse_midwife": "clinical",
    "allied_health": "clinical",
}


@dataclass(frozen=True)
class Story:
    """The facts a member's texts are written from."""

    stage: str
    first_name: str
    detail: str  # Year 3, FY1, ST4 or ""
    organisation: str
    place: str  # what people call the medical school, or the town they work in
    role: str  # a nurse's or allied health professional's job title, else ""
    department: str
    rotation: str  # a foundation doctor's current rotation (a specialty code), else ""
    specialties: tuple[str, ...]
    goals: tuple[str, ...]
    interests: tuple[str, ...]
    offers_mentoring: bool


def _a(word: str) -> str:
    """'an FY1', 'a CT2', 'an occupational therapist'."""
    first = word[:1]
    vowel = first in "AEFHILMNORSX" if word[:2].isupper() else first.lower() in "aeiou"
    return f"{'an' if vowel else 'a'} {word}"


def _words(rng: Random, story: Story) -> dict[str, str]:
    main = story.specialties[0]
    pathway = CORE_PATHWAY.get(main, "physician")
    year = int(story.detail[-1]) if story.stage == "medical_student" else 0
    exams = phrases.EXAMS.get(main) or phrases.EXAMS.get(pathway) or ("my exams",)
    if story.stage == "medical_student":
        exams = ("the UKMLA", "finals") if year >= 5 else ("OSCEs", "end-of-year exams")
    elif story.stage in ("nurse_midwife", "allied_health"):
        exams = ("an MSc module in advanced practice", "the non-medical prescribing course")
    spec = rng.choice(phrases.SAID[main])
    return {
        "first": story.first_name,
        "detail": story.detail,
        "a_detail": _a(story.detail) if story.detail else "",
        "ordinal": ORDINALS[year - 1] if year else "",
        "org": story.organisation,
        "place": story.place,
        "role": story.role,
        "a_role": _a(story.role) if story.role else "",
        "Role": story.role[:1].upper() + story.role[1:],
        "dept": story.department or "the department",
        "spec": spec,
        "Spec": spec[:1].upper() + spec[1:],
        "spec2": rng.choice(phrases.SAID[story.specialties[1]])
        if len(story.specialties) > 1
        else "medical education",
        "rotation": rng.choice(phrases.SAID[story.rotation or main]),
        "where": f"at {story.place}" if story.stage == "medical_student" else f"in {story.place}",
        "exam": rng.choice(exams),
        "applications": phrases.APPLICATIONS.get(story.stage)
        or phrases.APPLICATIONS.get(main)
        or phrases.APPLICATIONS.get(pathway, f"{spec} applications"),
        "Away": rng.choice(
            phrases.AWAY["student" if story.stage == "medical_student" else "staff"]
        ).capitalize(),
        "qip": rng.choice(phrases.QIPS),
        "before": rng.choice(phrases.BEFORE),
        "years": str(rng.randint(2, 18)),
    }


def _sentence(rng: Random, choices: tuple[str, ...], words: dict[str, str]) -> str:
    return rng.choice(choices).format(**words)


def about(rng: Random, story: Story) -> str:
    """An 'About me' of one to five sentences, opener first, the rest in a varied order."""
    words = _words(rng, story)
    ordinal = words["ordinal"]
    words["Ordinal"] = ordinal.capitalize()
    words["a_ordinal"] = _a(ordinal) if ordinal else ""
    words["detail_lower"] = story.detail.lower()
    group = GROUPS[story.stage]
    middles = rng.sample(phrases.MIDDLES[group], k=rng.choice((0, 1, 1, 2, 2, 3)))
    parts = [_sentence(rng, phrases.OPENERS[story.stage], words)]
    body = [middle.format(**words) for middle in middles]
    if story.interests and rng.random() < 0.8:
        mentioned = rng.sample(story.interests, k=min(2, len(story.interests)))
        for n, tag in enumerate(mentioned, start=1):
            words |= {f"p{n}": INTEREST_PHRASES[tag], f"t{n}": tag}
        hobbies = phrases.HOBBIES_TWO if len(mentioned) == 2 else phrases.HOBBIES_ONE
        body.append(_sentence(rng, hobbies, words))
    rng.shuffle(body)
    parts += body
    if rng.random() < 0.4:
        parts.append(_sentence(rng, phrases.CLOSERS, words))
    return " ".join(part for part in parts if part)


def looking_for(rng: Random, story: Story) -> str:
    """'What I'm looking for': a sentence or two per goal, and what a mentor offers."""
    words = _words(rng, story)
    goals = rng.sample(story.goals, k=min(len(story.goals), rng.choice((1, 2, 2, 3))))
    senior = GROUPS[story.stage] == "senior"
    parts = [
        _sentence(rng, (senior and phrases.SENIOR_WANTS.get(goal)) or phrases.WANTS[goal], words)
        for goal in goals
    ]
    if story.offers_mentoring:
        parts.insert(rng.randrange(len(parts) + 1), _sentence(rng, phrases.OFFERS, words))
    return " ".join(parts)
