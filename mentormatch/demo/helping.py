"""Demo "ask me about": named colleagues across professions, and entries for some generated members.

Steve in ultrasound (urgent scans, Friday afternoons, a keen cyclist) and Marian, the ward sister who
is great at cannulas and loves line dancing, come from the article the product was made from; a
pharmacist, a physiotherapist and two doctors join them, all in Leeds, where Priya studies. Other
members with a fitting job get entries too, chosen by their address (not the seed's Random), so
adding this changes nobody else.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from dataclasses import replace

from mentormatch.demo.generate import EMAIL_DOMAIN, DemoPerson

LEEDS = "Leeds Teaching Hospitals NHS Trust"
NAMED_HELPERS_FROM = 100  # members in all: the named helpers join demos at least this big
LGI, SJUH = "Leeds General Infirmary", "St James's University Hospital"


def _helper(email: str, name: str, stage: str, **fields: object) -> DemoPerson:
    defaults: dict[str, object] = {
        "stage_detail": None,
        "organisation": LEEDS,
        "region": "yorkshire_humber",
        "goals": ("teaching",),
        "availability_hours": 2,
        "meet_in_person": True,
        "meet_video": False,
        "meet_messages": True,
        "joined_days_ago": 60,
    }
    address = f"{email}@{EMAIL_DOMAIN}"
    return DemoPerson(email=address, name=name, career_stage=stage, **{**defaults, **fields})


NAMED_HELPERS: tuple[DemoPerson, ...] = (
    _helper(
        "marian.doyle", "Marian Doyle", "nurse_midwife",
        department="Ward 12 (Acute Medicine)", site=SJUH, usually_around="Weekday mornings, 7:30 to 11",
        about="Ward sister on Ward 12 at Jimmy's for fifteen years. I've put in more cannulas than I can "
        "count, and I'm happy to show students and new FY1s the tricks for difficult veins. "
        "Line dancing every Tuesday night.",
        looking_for="To meet the new doctors early, before the night shifts start.",
        specialties=("geriatrics",), interests=("line dancing", "gardening"),
        helps_with=("Cannulas", "Bloods", "Catheters", "Getting to know the ward"),
    ),
    _helper(
        "steve.marsh", "Steve Marsh", "allied_health",
        department="Ultrasound", site=LGI, usually_around="Friday afternoons",
        about="Sonographer in the LGI ultrasound department. If a scan is genuinely urgent, come and talk "
        "to me rather than sending a third request. Keen cyclist: the Dales most weekends.",
        looking_for="Juniors who want to understand what makes a good imaging request.",
        specialties=("radiology",), interests=("cycling", "coffee"),
        helps_with=("Urgent scans", "Imaging requests", "Becoming a sonographer"),
    ),
    _helper(
        "aisha.rahman", "Aisha Rahman", "allied_health",
        department="Pharmacy", site=SJUH, usually_around="Most afternoons on the medical wards",
        about="Ward pharmacist on the acute medical unit. Gentamicin levels, warfarin loading and TTOs are "
        "my bread and butter. I run, slowly, and bake, quickly.",
        looking_for="To make prescribing less scary for new doctors.",
        specialties=("infectious_diseases",), interests=("running", "baking"),
        helps_with=("Prescribing", "Antibiotic guidelines", "Warfarin and DOACs"),
    ),
    _helper(
        "dan.okoro", "Dan Okoro", "allied_health",
        department="Physiotherapy", site=LGI, usually_around="Tuesday and Thursday mornings",
        about="Respiratory physio covering ITU and the respiratory wards. Ask me before you write "
        "'for physio' in the plan. Five-a-side on Wednesdays.",
        looking_for="Doctors and students curious about what therapies can do.",
        specialties=("respiratory_medicine", "intensive_care"), interests=("football", "climbing"),
        helps_with=("Chest physio", "Mobilising patients"),
    ),
    _helper(
        "ellie.brooks", "Ellie Brooks", "core_trainee", stage_detail="CT2",
        department="Anaesthetics", site=SJUH, usually_around="On call most weekends",
        about="CT2 in anaesthetics. Happy to talk through an ITU referral before you make it, or ABGs at "
        "3 am. Choir and wild swimming.",
        looking_for="Foundation doctors thinking about anaesthetics or ICM.",
        specialties=("anaesthetics", "intensive_care"), interests=("choir", "wild swimming"),
        helps_with=("ITU referrals", "ABGs"),
    ),
    _helper(
        "omar.siddiqui", "Omar Siddiqui", "specialty_trainee", stage_detail="ST4",
        department="Respiratory Medicine", site=SJUH, usually_around="Wednesday afternoons (teaching)",
        about="Respiratory registrar and FY supervisor. I sign off a lot of ePortfolios and I'm happy to "
        "supervise chest drains and pleural taps. Parkrun most Saturdays.",
        looking_for="Juniors who want procedures signed off properly.",
        specialties=("respiratory_medicine",), interests=("running", "board games"),
        helps_with=("ePortfolio sign-off", "Chest drains", "Lumbar punctures"),
    ),
)  # fmt: skip

# Generated members' entries, by department (or stage), in the order they are offered.
BY_DEPARTMENT: dict[str, tuple[str, ...]] = {
    "Ultrasound": ("Urgent scans", "Imaging requests"),
    "Imaging": ("Imaging requests", "Urgent scans"),
    "Radiology": ("Imaging requests", "CT vetting"),
    "Pharmacy": ("Prescribing", "Antibiotic guidelines", "Warfarin and DOACs"),
    "Physiotherapy": ("Mobilising patients", "Chest physio"),
    "Therapies": ("Mobilising patients", "Discharge planning"),
}
BY_STAGE: dict[str, tuple[str, ...]] = {
    "nurse_midwife": ("Bloods", "Catheters", "ECGs", "Wound care", "Cannulas", "NG tubes"),
    "foundation_doctor": ("ABGs", "Blood cultures", "Suturing", "Discharge letters"),
    "core_trainee": ("ABGs", "Lumbar punctures", "ITU referrals", "NG tubes"),
    "specialty_trainee": ("ePortfolio sign-off", "Chest drains", "Lumbar punctures"),
}
USUALLY_AROUND = (
    "Weekday mornings",
    "Friday afternoons",
    "Most lunchtimes",
    "Late shifts",
    "Weekends on call",
)


def with_help_topics(people: Iterable[DemoPerson]) -> list[DemoPerson]:
    """About one in three members whose job fits gets two or three entries and a time they're around."""
    given = []
    for person in people:
        pool = BY_DEPARTMENT.get(person.department or "") or BY_STAGE.get(person.career_stage, ())
        draw = zlib.crc32(person.email.encode())
        if not pool or draw % 3:
            given.append(person)
            continue
        start, count = (draw >> 4) % len(pool), 2 + (draw >> 8) % 2
        topics = tuple(pool[(start + step) % len(pool)] for step in range(min(count, len(pool))))
        given.append(
            replace(
                person,
                helps_with=topics,
                usually_around=USUALLY_AROUND[(draw >> 12) % len(USUALLY_AROUND)],
            )
        )
    return given
