"""How clinicians write about specialties and goals, as data: phrase or abbreviation → vocabulary code.

Every specialty and goal code in mentormatch.core.vocabulary has at least one phrase here (a test checks),
so "A&E", "ED" and "emergency medicine" all become one token before TF-IDF sees the text.
Phrases match whole words, case-insensitively, longest first ("med ed" before "ed"). The few
abbreviations that are also everyday words ("ED", "EM", "ID", "GP"…) only count in capitals.
"""

from __future__ import annotations

import re
from functools import cache

from mentormatch.core.vocabulary import SPECIALTIES

SPECIALTY_PHRASES: dict[str, tuple[str, ...]] = {
    "anaesthetics": ("anaesthetics", "anaesthesia", "anesthesia", "anesthetics", "anaesthetist", "anaes"),
    "cardiology": ("cardiology", "cardio", "cardiologist", "cardiac medicine", "cath lab"),
    "clinical_oncology": (
        "clinical oncology",
        "oncology",
        "onc",
        "oncologist",
        "radiotherapy",
        "cancer care",
    ),
    "dermatology": ("dermatology", "derm", "derms", "skin medicine", "dermatologist"),
    "emergency_medicine": ("a&e", "a and e", "emergency department", "emergency medicine", "resus"),
    "endocrinology": ("endocrinology", "endo", "diabetes and endo", "diabetes and endocrinology"),
    "gastroenterology": ("gastroenterology", "gastro", "hepatology", "gastroenterologist", "endoscopy"),
    "general_practice": ("general practice", "primary care", "family medicine", "gp practice"),
    "general_surgery": ("general surgery", "surgery", "gen surg", "colorectal", "upper gi"),
    "geriatrics": (
        "geriatrics",
        "geriatric medicine",
        "geris",
        "frailty",
        "care of the elderly",
        "elderly care",
        "coe",
        "cote",
    ),
    "haematology": ("haematology", "haem", "hematology", "haematologist"),
    "infectious_diseases": ("infectious diseases", "infectious disease", "infection", "tropical medicine"),
    "intensive_care": ("icu", "itu", "icm", "intensive care", "critical care", "intensive care medicine"),
    "medical_education": ("medical education", "med ed", "meded", "clinical teaching fellow"),
    "neurology": ("neurology", "neuro", "neurologist", "stroke medicine", "stroke"),
    "neurosurgery": ("neurosurgery", "neurosurg", "neurosurgeon", "spinal surgery"),
    "obstetrics_gynaecology": (
        "o&g",
        "o and g",
        "obs and gynae",
        "obs & gynae",
        "obs/gynae",
        "gynae",
        "obstetrics",
        "gynaecology",
        "obstetrics and gynaecology",
        "obstetrics & gynaecology",
        "obgyn",
        "ob/gyn",
        "labour ward",
    ),
    "ophthalmology": ("ophthalmology", "ophthal", "ophtho", "eyes", "eye surgery"),
    "orthopaedics": (
        "t&o",
        "t and o",
        "trauma and orthopaedics",
        "trauma & orthopaedics",
        "orthopaedics",
        "ortho",
        "orthopedics",
        "orthopaedic surgery",
    ),
    "otolaryngology": ("ent", "otolaryngology", "ear nose and throat", "ear, nose and throat"),
    "paediatrics": ("paediatrics", "paeds", "pediatrics", "peds", "child health", "neonates", "nicu"),
    "palliative_care": ("palliative care", "palliative medicine", "palliative", "pall care", "hospice"),
    "pathology": ("pathology", "histopathology", "histopath", "microbiology"),
    "plastic_surgery": ("plastic surgery", "plastics", "reconstructive surgery"),
    "psychiatry": ("psychiatry", "psych", "mental health", "psychiatrist", "camhs"),
    "public_health": ("public health", "epidemiology", "population health"),
    "radiology": ("radiology", "rads", "imaging", "interventional radiology", "radiologist"),
    "renal_medicine": ("renal", "renal medicine", "nephrology", "kidney medicine", "dialysis"),
    "respiratory_medicine": ("respiratory", "respiratory medicine", "resp", "chest medicine"),
    "rheumatology": ("rheumatology", "rheum", "rheumy", "rheumatologist"),
    "cardiothoracic_surgery": (
        "cardiothoracic surgery",
        "cardiothoracics",
        "cardiothoracic",
        "ctx",
        "cardiac surgery",
        "heart surgery",
    ),
    "urology": ("urology", "uro", "urologist"),
    "vascular_surgery": ("vascular surgery", "vascular", "vasc surg"),
    "academic_medicine": (
        "academic medicine",
        "clinical academic",
        "academic clinical fellow",
        "acf",
        "acf post",
        "academic foundation programme",
        "afp",
    ),
}

GOAL_PHRASES: dict[str, tuple[str, ...]] = {
    "career_planning": (
        "career planning",
        "career advice",
        "career decisions",
        "careers advice",
        "career choices",
        "choosing a specialty",
    ),
    "specialty_applications": (
        "specialty applications",
        "specialty application",
        "training applications",
        "msra",
        "interview prep",
        "interview practice",
        "oriel",
        "self-assessment",
        "run-through",
    ),
    "research": (
        "research",
        "publication",
        "publications",
        "published",
        "publishing",
        "getting published",
        "papers",
        "phd",
        "md(res)",
        "systematic review",
    ),
    "audit_qi": ("audit", "audits", "qip", "qips", "quality improvement", "qi project", "qi"),
    "exams": (
        "exams",
        "exam",
        "revision",
        "mrcp",
        "paces",
        "mrcs",
        "mrcem",
        "frcem",
        "frca",
        "primary frca",
        "final frca",
        "fficm",
        "mrcog",
        "mrcpch",
        "mrcpsych",
        "mrcgp",
        "akt",
        "frcr",
        "frcs",
        "osce",
        "osces",
        "ukmla",
        "finals",
        "plab",
    ),
    "portfolio": (
        "portfolio",
        "e-portfolio",
        "eportfolio",
        "horus",
        "arcp",
        "arcps",
        "supervised learning events",
        "sles",
    ),
    "teaching": ("teaching", "teach", "tutoring", "simulation teaching", "teaching fellow", "pgcert"),
    "leadership": (
        "leadership",
        "leading a team",
        "clinical lead",
        "rota lead",
        "management roles",
        "management",
        "leading teams",
    ),
    "wellbeing": (
        "wellbeing",
        "well-being",
        "burnout",
        "burn-out",
        "work-life balance",
        "resilience",
        "stress",
    ),
    "innovation": ("innovation", "digital health", "health tech", "start-up", "startup", "ai in healthcare"),
    "global_health": (
        "global health",
        "working abroad",
        "humanitarian",
        "humanitarian medicine",
        "msf",
        "overseas",
        "out of programme abroad",
    ),
    "less_than_full_time": (
        "ltft",
        "less than full time",
        "less than full-time",
        "part-time training",
        "part-time",
        "part time",
        "going part-time",
    ),
    "networking": ("networking", "meet people", "get to know people"),
    "clinical_skills": ("clinical skills", "procedures", "practical procedures", "suturing", "cannulas"),
}

# More of how people write the same things: the specialist ("paediatrician"), the adjective
# ("paediatric", "surgical"), American spellings, and common shorthand. Chosen from how clinicians
# write in general, not from any benchmark's phrase lists (docs/matching.md).
MORE_SPECIALTY_PHRASES: dict[str, tuple[str, ...]] = {
    "anaesthetics": ("anaesthetic", "anaesthetists", "anesthesiology", "anesthesiologist", "anaesthesiology"),
    "cardiology": (
        "cardiac",
        "cardiologists",
        "heart failure",
        "interventional cardiology",
        "electrophysiology",
    ),
    "clinical_oncology": (
        "medical oncology",
        "oncological",
        "chemotherapy",
        "cancer medicine",
        "oncologists",
    ),
    "dermatology": ("dermatological", "dermatologists", "skin"),
    "emergency_medicine": (
        "a+e",
        "a & e",
        "emergency",
        "emergency dept",
        "emergency physician",
        "casualty",
        "pre-hospital",
        "prehospital",
        "pre-hospital care",
        "ed registrar",
    ),
    "endocrinology": ("endocrine", "diabetes", "endocrinologist", "diabetologist", "thyroid"),
    "gastroenterology": ("gastrointestinal", "hepatologist", "liver medicine", "ibd", "luminal gastro"),
    "general_practice": (
        "general practitioner",
        "general practitioners",
        "gp trainee",
        "gp training",
        "gpst",
        "gp surgery",
        "family doctor",
        "gp land",
    ),
    "general_surgery": (
        "surgical",
        "surgeon",
        "surgeons",
        "general surgeon",
        "breast surgery",
        "hpb",
        "bariatric",
    ),
    "geriatrics": (
        "geriatric",
        "geriatrician",
        "geriatricians",
        "older people's medicine",
        "medicine for older people",
        "elderly medicine",
        "ortho-geriatrics",
        "orthogeriatrics",
    ),
    "haematology": ("haematological", "hematologist", "haem-onc", "haemonc", "blood cancers"),
    "infectious_diseases": ("infectious", "tropical", "hiv", "hiv medicine", "sexual health", "virology"),
    "intensive_care": ("intensivist", "intensivists", "hdu", "critical care medicine", "intensive therapy"),
    "medical_education": (
        "clinical education",
        "medical educator",
        "education fellow",
        "teaching fellowship",
        "med-ed",
    ),
    "neurology": ("neurological", "neurologists", "epilepsy", "headache clinic"),
    "neurosurgery": ("neurosurgical", "neurosurgeons", "neuro surgery"),
    "obstetrics_gynaecology": (
        "obstetric",
        "obstetrician",
        "obstetricians",
        "gynaecologist",
        "gynaecological",
        "gynecology",
        "ob-gyn",
        "maternity",
        "women's health",
        "fertility",
        "obs & gyn",
        "obs and gyn",
    ),
    "ophthalmology": (
        "ophthalmic",
        "ophthalmologist",
        "ophthalmologists",
        "ophth",
        "eye",
        "eye clinic",
        "cataract surgery",
        "retina",
    ),
    "orthopaedics": (
        "orthopaedic",
        "orthopedic",
        "orthopaedic surgeon",
        "orthopaedic surgeons",
        "trauma and ortho",
        "t & o",
    ),
    "otolaryngology": (
        "ear nose & throat",
        "ent surgery",
        "ent surgeon",
        "head and neck",
        "head & neck",
        "otology",
    ),
    "paediatrics": (
        "paediatric",
        "pediatric",
        "paediatrician",
        "paediatricians",
        "pediatrician",
        "neonatology",
        "neonatal",
        "picu",
        "children's medicine",
        "kids' medicine",
    ),
    "palliative_care": ("palliative care medicine", "end of life care", "end-of-life care", "end of life"),
    "pathology": (
        "pathologist",
        "pathologists",
        "histopathologist",
        "microbiologist",
        "chemical pathology",
        "lab medicine",
        "laboratory medicine",
    ),
    "plastic_surgery": ("plastic surgeon", "plastic surgeons", "hand surgery", "burns", "burns and plastics"),
    "psychiatry": (
        "psychiatric",
        "psychiatrists",
        "old age psychiatry",
        "forensic psychiatry",
        "liaison psychiatry",
        "psych med",
    ),
    "public_health": ("public-health", "epidemiologist", "health protection", "population medicine"),
    "radiology": ("radiological", "radiologists", "diagnostic radiology"),
    "renal_medicine": ("nephrologist", "nephrologists", "nephro", "kidneys", "kidney", "transplant medicine"),
    "respiratory_medicine": (
        "respiratory physician",
        "pulmonology",
        "pulmonary medicine",
        "chest physician",
        "lung",
        "lungs",
        "resp med",
    ),
    "rheumatology": ("rheumatologists", "rheumatological"),
    "cardiothoracic_surgery": (
        "cardiothoracic surgeon",
        "thoracic surgery",
        "cardiac surgeon",
        "cardiothoracics surgery",
    ),
    "urology": ("urological", "urologists", "urologic"),
    "vascular_surgery": ("vascular surgeon", "vascular surgeons", "vasc"),
    "academic_medicine": (
        "academia",
        "academic",
        "academic clinical lecturer",
        "clinical lecturer",
        "nihr acf",
        "academic training",
        "clinical research fellow",
    ),
}
MORE_GOAL_PHRASES: dict[str, tuple[str, ...]] = {
    "career_planning": (
        "career direction",
        "career change",
        "career progression",
        "next steps",
        "which specialty",
        "specialty choice",
        "picking a specialty",
    ),
    "specialty_applications": (
        "applications",
        "application",
        "applying",
        "interviews",
        "interview",
        "imt",
        "cst",
        "accs",
        "national recruitment",
        "recruitment",
        "training application",
        "core training",
        "specialty training",
        "run through",
        "portfolio scoring",
        "self assessment",
    ),
    "research": (
        "publish",
        "publishing papers",
        "a first paper",
        "posters",
        "poster",
        "abstracts",
        "a paper",
        "write-up",
        "academic writing",
        "clinical research",
        "an md",
        "a phd",
    ),
    "audit_qi": (
        "service improvement",
        "quality-improvement",
        "audit cycle",
        "audit loop",
        "improvement project",
    ),
    "exams": (
        "membership exams",
        "postgraduate exams",
        "part 1",
        "part 2",
        "part a",
        "part b",
        "mrcp(uk)",
        "sce",
        "fcem",
        "usmle",
        "mcq",
        "written exam",
        "clinical exam",
    ),
    "portfolio": (
        "e portfolio",
        "kaizen",
        "iscp",
        "wpbas",
        "wpba",
        "curriculum sign-off",
        "cv",
        "cv building",
    ),
    "teaching": ("teacher", "tutor", "educator", "education", "teaching sessions", "lecturing", "simulation"),
    "leadership": (
        "leader",
        "leaders",
        "lead roles",
        "chief registrar",
        "clinical director",
        "manager",
        "fmlm",
    ),
    "wellbeing": (
        "well being",
        "mental wellbeing",
        "balance",
        "avoiding burnout",
        "imposter syndrome",
        "confidence",
        "self-care",
        "coping",
    ),
    "innovation": (
        "digital",
        "tech",
        "technology",
        "entrepreneurship",
        "entrepreneur",
        "artificial intelligence",
        "machine learning",
        "informatics",
        "med tech",
        "medtech",
    ),
    "global_health": (
        "international health",
        "humanitarian work",
        "medicine abroad",
        "work abroad",
        "working overseas",
        "time abroad",
        "oop abroad",
        "low-resource settings",
        "developing countries",
    ),
    "less_than_full_time": (
        "flexible training",
        "flexible working",
        "part-time work",
        "working part-time",
        "reduced hours",
    ),
    "networking": (
        "network",
        "contacts",
        "connections",
        "making connections",
        "meeting people",
        "peer support",
    ),
    "clinical_skills": (
        "practical skills",
        "procedural skills",
        "procedural",
        "cannulation",
        "chest drains",
        "lumbar punctures",
        "ultrasound",
        "pocus",
        "airway skills",
    ),
}

# Abbreviations that are also ordinary words in lower case: they count only as written in capitals.
CAPITALS_ONLY: dict[str, str] = {
    "ED": "emergency_medicine",
    "EM": "emergency_medicine",
    "ID": "infectious_diseases",
    "GP": "general_practice",
    "GPs": "general_practice",
    "GP surgery": "general_practice",
    "GP practice": "general_practice",
    "IR": "radiology",
    "ENT": "otolaryngology",
    "MD": "research",
    "AI": "innovation",
}


def token(code: str) -> str:
    """The single word TF-IDF sees for a code: 'spec_emergency_medicine', 'goal_exams'."""
    return f"{'spec' if code in SPECIALTIES else 'goal'}_{code}"


def alternation(phrases: list[str]) -> str:
    """One pattern for all the phrases, as a trie ("a(?:&e|nd e)"…): the regex engine follows one
    branch per character instead of trying hundreds of phrases at every position, and an optional
    longer ending is tried first, so "obs and gynae" wins over "obs" and "med ed" over "ed"."""
    trie: dict = {}
    for phrase in phrases:
        node = trie
        for char in phrase:
            node = node.setdefault(char, {})
        node[""] = {}
    return _branches(trie)


def _branches(node: dict) -> str:
    branches = [re.escape(char) + _branches(child) for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    ends_here = "" in node
    if len(branches) == 1 and not ends_here:
        return branches[0]
    return "(?:" + "|".join(branches) + ")" + ("?" if ends_here else "")


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], dict[str, str]]:
    lookup: dict[str, str] = {}
    for table in (SPECIALTY_PHRASES, MORE_SPECIALTY_PHRASES, GOAL_PHRASES, MORE_GOAL_PHRASES):
        for code, phrases in table.items():
            for phrase in phrases:
                lookup[phrase.casefold()] = code
    edges = r"(?<![\w&]){}(?![\w&])"
    anycase = re.compile(edges.format(f"(?:{alternation(list(lookup))})"), re.IGNORECASE)
    capitals = re.compile(edges.format(f"(?:{alternation(list(CAPITALS_ONLY))})"))
    return anycase, capitals, lookup


def normalise(text: str) -> str:
    """Text with every clinical phrase or abbreviation replaced by its code's token, in lower case."""
    anycase, capitals, lookup = _patterns()
    text = capitals.sub(lambda match: f" {token(CAPITALS_ONLY[match.group(0)])} ", text)
    text = anycase.sub(lambda match: f" {token(lookup[match.group(0).casefold()])} ", text)
    return text.casefold()


def codes_in(text: str) -> set[str]:
    """The specialty and goal codes a text mentions, however it spells them."""
    return {word.split("_", 1)[1] for word in normalise(text).split() if word.startswith(("spec_", "goal_"))}
