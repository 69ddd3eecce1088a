"""Practical skills colleagues ask each other about, as data: each concept with the ways people write it.

"Ask me about" entries ("cannulas", "IV access", "venflons") and directory searches meet here: an
entry that names a concept is indexed with all of that concept's phrases, so searching any of them
finds it, and two entries naming one concept are the same entry. Phrases match whole words,
case-insensitively, after accents are folded and punctuation becomes spaces; the longest phrase
wins ("iv cannula" before "iv"). To add a concept or a spelling, add a row: the tests read this table.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

# concept → (its label, the phrases that name it). The first phrase is the label's own words.
# fmt: off
PRACTICAL_SKILLS: dict[str, tuple[str, tuple[str, ...]]] = {
    "cannula": (
        "Cannulas",
        (
            "cannula", "cannulas", "cannulae", "cannulation", "cannulating", "cannulate", "iv access",
            "intravenous access", "iv cannula", "iv cannulation", "venflon", "venflons",
            "peripheral access", "peripheral cannula", "difficult access",
        ),
    ),
    "phlebotomy": (
        "Bloods",
        (
            "bloods", "blood taking", "taking blood", "blood tests", "phlebotomy", "venepuncture",
            "venipuncture",
        ),
    ),
    "abg": (
        "ABGs",
        (
            "abg", "abgs", "arterial blood gas", "arterial blood gases", "arterial gas", "arterial stab",
            "blood gas",
        ),
    ),
    "catheter": (
        "Catheters",
        (
            "catheter", "catheters", "catheterisation", "catheterization", "urinary catheter", "foley",
            "male catheter",
        ),
    ),
    "urgent_scan": (
        "Urgent scans",
        (
            "urgent scan", "urgent scans", "scan", "scans", "ultrasound", "ultrasounds", "uss",
            "sonography", "pocus", "point of care ultrasound", "bedside ultrasound",
        ),
    ),
    "ecg": (
        "ECGs",
        (
            "ecg", "ecgs", "ekg", "electrocardiogram", "electrocardiograms", "12 lead",
            "ecg interpretation",
        ),
    ),
    "itu_referral": (
        "ITU referrals",
        (
            "itu referral", "itu referrals", "icu referral", "icu referrals", "itu", "icu",
            "critical care referral", "critical care outreach", "intensive care referral", "outreach",
            "hdu referral",
        ),
    ),
    "eportfolio": (
        "ePortfolio sign-off",
        (
            "eportfolio", "e portfolio", "eportfolio sign off", "portfolio sign off", "sign off",
            "sign offs", "horus", "turas", "kaizen", "supervised learning events",
            "sle", "sles", "dops", "mini cex", "cbd",
        ),
    ),
    "lumbar_puncture": (
        "Lumbar punctures",
        (
            "lumbar puncture", "lumbar punctures", "lp", "lps", "spinal tap",
        ),
    ),
    "ng_tube": (
        "NG tubes",
        (
            "ng tube", "ng tubes", "nasogastric tube", "nasogastric tubes", "ngt", "ng placement",
            "feeding tube",
        ),
    ),
    "suturing": (
        "Suturing",
        (
            "suturing", "suture", "sutures", "stitches", "stitching", "wound closure",
            "laceration repair",
        ),
    ),
    "chest_drain": (
        "Chest drains",
        (
            "chest drain", "chest drains", "seldinger drain", "intercostal drain", "pleural drain",
            "pleural tap",
        ),
    ),
    "prescribing": (
        "Prescribing",
        (
            "prescribing", "prescription", "prescriptions", "drug chart", "drug charts", "medicines",
            "medication", "medications", "drug doses", "dosing", "tto", "ttos", "discharge medications",
        ),
    ),
    "blood_cultures": (
        "Blood cultures",
        (
            "blood culture", "blood cultures", "cultures",
        ),
    ),
    "mobilising": (
        "Mobilising patients",
        (
            "mobilising", "mobilisation", "mobilization", "mobility", "walking aids",
        ),
    ),
}
# fmt: on

MAX_PHRASE_WORDS = max(len(phrase.split()) for _, phrases in PRACTICAL_SKILLS.values() for phrase in phrases)


def fold(text: str) -> str:
    """Lower case, accents off, and every run of anything but letters and digits one space."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()
    return " ".join(re.findall(r"[^\W_]+", plain))


@cache
def _concept_by_phrase() -> dict[str, str]:
    table: dict[str, str] = {}
    for concept, (_, phrases) in PRACTICAL_SKILLS.items():
        for phrase in phrases:
            key = fold(phrase)
            if table.setdefault(key, concept) != concept:
                raise ValueError(f"“{phrase}” names both {table[key]} and {concept}")
    return table


def concepts_in(text: str) -> list[str]:
    """The concepts a piece of text names, in order, each once (longest phrases first)."""
    words = fold(text).split()
    found: list[str] = []
    position = 0
    while position < len(words):
        for length in range(min(MAX_PHRASE_WORDS, len(words) - position), 0, -1):
            concept = _concept_by_phrase().get(" ".join(words[position : position + length]))
            if concept is not None:
                if concept not in found:
                    found.append(concept)
                position += length
                break
        else:
            position += 1
    return found


def skill_key(text: str) -> str:
    """What makes two entries the same: the concepts they name, else their folded words.

    "Cannulation", "IV access" and "venflons" share one key; "Wound care" and "wound  CARE!" too.
    """
    concepts = concepts_in(text)
    return "+".join(sorted(concepts)) if concepts else fold(text)


def search_words(text: str) -> str:
    """The entry's words plus every phrase of every concept it names: what the directory indexes."""
    phrases = [phrase for concept in concepts_in(text) for phrase in PRACTICAL_SKILLS[concept][1]]
    return " ".join(dict.fromkeys([text, *phrases]))
