"""Demo members made from a seeded Random: plain data, no Flask and no database.

The same Random state always gives the same people, so a demo (or a benchmark) can be rebuilt
exactly. Every choice is consistent with the others: a medical school or NHS body in the
person's region, a year or grade that exists at their stage, departments that fit their
specialties, and mentoring only from rank 2 up, with a registration number of the right kind.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import accumulate
from random import Random

from mentormatch.core.vocabulary import STAGE_BY_CODE
from mentormatch.demo import careers, data, writing
from mentormatch.demo.careers import Role
from mentormatch.profiles.models import MentorStatus

# Reserved for documentation (RFC 2606): nothing is ever delivered to a demo member.
EMAIL_DOMAIN = "demo.mentormatch.example"


@dataclass(frozen=True)
class DemoPerson:
    """One demo member: the account and profile fields, with vocabulary codes."""

    email: str
    name: str
    career_stage: str
    stage_detail: str | None
    organisation: str
    department: str | None
    region: str
    about: str
    looking_for: str
    specialties: tuple[str, ...]
    goals: tuple[str, ...]
    interests: tuple[str, ...]
    availability_hours: int
    meet_in_person: bool
    meet_video: bool
    meet_messages: bool
    offers_mentoring: bool = False
    offers: tuple[str, ...] = ()  # the goals a mentor helps with
    mentor_status: str | None = None
    mentor_capacity: int | None = None
    registration_number: str | None = None
    is_admin: bool = False
    joined_days_ago: int = 0
    # "Ask me about": practical things they help colleagues with, where and when to find them.
    helps_with: tuple[str, ...] = ()
    site: str | None = None
    usually_around: str | None = None


class _Weighted:
    """Weighted picks from a fixed list, in a fixed order (so a seed always picks the same)."""

    def __init__(self, weights: dict) -> None:
        self.items = list(weights)
        self.cumulative = list(accumulate(weights.values()))

    def one(self, rng: Random):
        return rng.choices(self.items, cum_weights=self.cumulative)[0]

    def some(self, rng: Random, k: int) -> list:
        picked: list = []
        while len(picked) < min(k, len(self.items)):
            item = self.one(rng)
            if item not in picked:
                picked.append(item)
        return picked


STAGES = _Weighted(careers.STAGE_WEIGHTS)
REGIONS = _Weighted(data.REGION_WEIGHTS)
SPECIALTIES = _Weighted(careers.SPECIALTY_WEIGHTS)
TRAINING = _Weighted(
    {code: 15 if code == "general_practice" else weight for code, weight in careers.SPECIALTY_WEIGHTS.items()}
    | dict.fromkeys(careers.SIDE_SPECIALTIES, 0)
)
CONSULTING = _Weighted(
    careers.SPECIALTY_WEIGHTS | dict.fromkeys(("general_practice", *careers.SIDE_SPECIALTIES), 0)
)
ROTATIONS = _Weighted(dict.fromkeys(careers.FOUNDATION_ROTATIONS, 1))
GOALS = {group: _Weighted(weights) for group, weights in careers.GOAL_WEIGHTS.items()}
INTERESTS = _Weighted({tag: weight for tag, weight, _ in careers.INTERESTS})
ROLES = {
    "nurse_midwife": _Weighted({role: role.weight for role in careers.NURSING_ROLES}),
    "allied_health": _Weighted({role: role.weight for role in careers.ALLIED_HEALTH_ROLES}),
}
NAME_GROUPS = {
    region: _Weighted(
        {
            group: weight * (4 if data.LOCAL_GROUP.get(region) == group else 1)
            for group, (weight, _, _) in data.NAME_GROUPS.items()
        }
    )
    for region in data.REGION_WEIGHTS
}
YEARS = _Weighted({"Year 1": 20, "Year 2": 20, "Year 3": 20, "Year 4": 20, "Year 5": 20, "Year 6": 8})
HIGHER_GRADES = _Weighted({"ST3": 20, "ST4": 20, "ST5": 18, "ST6": 16, "ST7": 14, "ST8": 6})
NMC_COUNTRY = {"scotland": "S", "wales": "W", "northern_ireland": "N"}
EMAIL_LETTERS = str.maketrans({"ł": "l", "ø": "o", "ß": "ss", "đ": "d", "ı": "i", "æ": "ae", "œ": "oe"})


class _Issued:
    """Emails and registration numbers already handed out: each is unique."""

    def __init__(self) -> None:
        self.emails: dict[str, int] = {}
        self.registrations: set[str] = set()

    def email(self, name: str) -> str:
        first, _, last = name.partition(" ")
        base = ".".join(_ascii(part) for part in (first, last))
        self.emails[base] = self.emails.get(base, 0) + 1
        count = self.emails[base]
        return f"{base}{count if count > 1 else ''}@{EMAIL_DOMAIN}"

    def registration(self, rng: Random, stage: str, region: str, role: Role | None) -> str:
        while True:
            if role is not None and role.hcpc_prefix:
                digits = rng.choice((5, 5, 6))
                number = f"{role.hcpc_prefix}{rng.randrange(10 ** (digits - 1), 10**digits)}"
            elif stage == "nurse_midwife":
                year = rng.randint(1995, 2022) % 100
                country = "O" if rng.random() < 0.05 else NMC_COUNTRY.get(region, "E")
                number = f"{year:02d}{rng.choice('ABCDEFGHIJKL')}{rng.randrange(10**4):04d}{country}"
            else:  # a GMC number; newer registrants have higher ones
                lead = 7 if stage in ("core_trainee", "specialty_trainee") else rng.randint(3, 7)
                number = f"{lead}{rng.randrange(10**6):06d}"
            if number not in self.registrations:
                self.registrations.add(number)
                return number


def _ascii(text: str) -> str:
    """'Ó Briain' → 'obriain', 'Łukasz' → 'lukasz': what fits in an email address."""
    folded = unicodedata.normalize("NFKD", text.casefold().translate(EMAIL_LETTERS))
    return re.sub(r"[^a-z0-9-]", "", folded.encode("ascii", "ignore").decode())


def _name(rng: Random, region: str) -> str:
    group = NAME_GROUPS[region].one(rng)
    _, firsts, surnames = data.NAME_GROUPS[group]
    if rng.random() < 0.12:  # families mix
        _, _, surnames = data.NAME_GROUPS[NAME_GROUPS[region].one(rng)]
    return f"{rng.choice(firsts)} {rng.choice(surnames)}"


def _specialties(rng: Random, stage: str, role: Role | None) -> list[str]:
    if stage in ("medical_student", "foundation_doctor"):
        return SPECIALTIES.some(rng, rng.choice((1, 1, 2, 2, 2, 3)))
    if role is not None:
        chosen = [rng.choice(role.specialties)]
        extra = rng.choice(role.specialties) if rng.random() < 0.3 else chosen[0]
    elif stage == "gp":
        chosen, extra = ["general_practice"], rng.choice(careers.GP_INTERESTS)
    else:
        main = {"sas_doctor": rng.choice(careers.SAS_SPECIALTIES), "consultant": CONSULTING.one(rng)}
        chosen = [main.get(stage) or TRAINING.one(rng)]
        extra = SPECIALTIES.one(rng) if rng.random() < 0.4 else chosen[0]
    return chosen if extra in chosen or (stage == "gp" and rng.random() < 0.5) else [*chosen, extra]


def _stage_detail(rng: Random, stage: str, main: str) -> str | None:
    if stage == "medical_student":
        return YEARS.one(rng)
    if stage == "foundation_doctor":
        return rng.choice(("FY1", "FY2"))
    if stage == "core_trainee":
        return rng.choice(careers.CORE_GRADES[careers.CORE_PATHWAY.get(main, "physician")])
    if stage == "specialty_trainee":
        return "ST3" if main == "general_practice" else HIGHER_GRADES.one(rng)
    return None


def _workplace(rng: Random, stage: str, region: str, role: Role | None) -> tuple[str, str]:
    """(organisation, the town people would say they work in)."""
    trust, city = rng.choice(data.TRUSTS[region])
    workplace = role.workplace if role else ("practice" if stage == "gp" else "trust")
    if workplace == "practice":
        town = rng.choice(data.PRACTICE_TOWNS[region])
        return rng.choice(data.PRACTICE_NAMES).format(town=town), town
    if workplace == "ambulance":
        return data.AMBULANCE_SERVICES[region], city
    return trust, city


def _person(rng: Random, issued: _Issued) -> DemoPerson:
    stage = STAGES.one(rng)
    role = ROLES[stage].one(rng) if stage in ROLES else None
    if stage == "medical_student":
        organisation, place, region = rng.choice(data.MEDICAL_SCHOOLS)
    else:
        region = REGIONS.one(rng)
        organisation, place = _workplace(rng, stage, region, role)
    name = _name(rng, region)
    specialties = _specialties(rng, stage, role)
    rotation = ROTATIONS.one(rng) if stage == "foundation_doctor" else ""
    if stage in ("medical_student", "gp"):
        department = None
    else:
        department = rng.choice(
            (role and role.departments) or careers.DEPARTMENTS[rotation or specialties[0]]
        )
    offers = (
        STAGE_BY_CODE[stage].rank >= 2
        and not (stage == "allied_health" and role and not role.hcpc_prefix)  # pharmacists: GPhC, not HCPC
        and rng.random() < careers.MENTOR_SHARE[stage]
    )
    goals = GOALS[careers.GOAL_GROUP[stage]].some(rng, rng.choice((1, 2, 2, 3, 3, 4)))
    interests = INTERESTS.some(rng, rng.choice((2, 3, 3, 4, 4, 5, 6)))
    story = writing.Story(
        stage=stage,
        first_name=name.partition(" ")[0],
        detail=_stage_detail(rng, stage, specialties[0]) or "",
        organisation=organisation,
        place=place,
        role=role.title if role else "",
        department=department or "",
        rotation=rotation,
        specialties=tuple(specialties),
        goals=tuple(goals),
        interests=tuple(interests),
        offers_mentoring=offers,
    )
    meet = [rng.random() < share for share in (0.45, 0.75, 0.65)]
    return DemoPerson(
        email=issued.email(name),
        name=name,
        career_stage=stage,
        stage_detail=story.detail or None,
        organisation=organisation,
        department=department,
        region=region,
        about=writing.about(rng, story),
        looking_for=writing.looking_for(rng, story),
        specialties=story.specialties,
        goals=story.goals,
        interests=story.interests,
        availability_hours=rng.choice((2, 3, 4, 4, 6, 8, 10) if offers else (1, 2, 2, 3, 4, 4, 5, 6, 8)),
        meet_in_person=meet[0],
        meet_video=meet[1] or not any(meet),
        meet_messages=meet[2],
        offers_mentoring=offers,
        offers=_offers(stage, specialties, story.goals, name) if offers else (),
        mentor_status=(MentorStatus.APPROVED if rng.random() < 0.8 else MentorStatus.PENDING)
        if offers
        else None,
        mentor_capacity=rng.choice((1, 2, 2, 3, 3, 3, 4, 4, 5, 6)) if offers else None,
        registration_number=issued.registration(rng, stage, region, role) if offers else None,
        joined_days_ago=rng.randint(0, 720),
    )


# What mentors help with most: what they know from their own career, weighted.
OFFERABLE = _Weighted(
    {
        "career_planning": 10,
        "specialty_applications": 8,
        "portfolio": 6,
        "exams": 6,
        "research": 5,
        "audit_qi": 5,
        "teaching": 4,
        "wellbeing": 4,
        "leadership": 3,
        "clinical_skills": 4,
        "less_than_full_time": 2,
        "global_health": 1,
        "innovation": 1,
        "networking": 3,
    }
)


def _offers(stage: str, specialties: list[str], goals: Iterable[str], name: str) -> tuple[str, ...]:
    """A mentor's offers: a few goals, from their own Random so the rest of the population stays put."""
    rng = Random(f"offers:{name}:{stage}:{','.join(specialties)}")  # noqa: S311  (demo data)
    picked = OFFERABLE.some(rng, rng.choice((2, 3, 3, 4, 4, 5)))
    picked += [
        goal for goal in goals if goal in ("research", "teaching", "leadership") and goal not in picked
    ][:1]
    return tuple(sorted(picked))


def generate_people(count: int, rng: Random, *, alongside: Iterable[DemoPerson] = ()) -> list[DemoPerson]:
    """`count` demo members; the same Random state always gives the same people.

    Nobody gets the email address or registration number of a person in `alongside`.
    """
    issued = _Issued()
    for person in alongside:
        issued.emails[person.email.partition("@")[0]] = 1
        if person.registration_number:
            issued.registrations.add(person.registration_number)
    return [_person(rng, issued) for _ in range(count)]
