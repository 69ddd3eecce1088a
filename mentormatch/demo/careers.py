"""How careers look in the demo: the stage mix, specialties and departments, roles, goals and interests.

Weights are rough shapes of a UK programme's membership, not statistics: enough that the
directory, the filters and matching have something believable to work on.
"""

from __future__ import annotations

from dataclasses import dataclass

# fmt: off
# The mix the issue asks for: ~45% students, ~15% foundation, ~15% trainees, ~15% senior, ~10% nurses/AHPs.
STAGE_WEIGHTS: dict[str, int] = {
    "medical_student": 45, "foundation_doctor": 15, "core_trainee": 8, "specialty_trainee": 7,
    "sas_doctor": 3, "gp": 6, "consultant": 6, "nurse_midwife": 5, "allied_health": 5,
}
# Of the people at rank 2 and above, the share who offer to mentor (about a fifth overall).
MENTOR_SHARE: dict[str, float] = {
    "core_trainee": 0.12, "nurse_midwife": 0.15, "allied_health": 0.15, "specialty_trainee": 0.22,
    "sas_doctor": 0.2, "gp": 0.25, "consultant": 0.3,
}

# How popular each specialty is among students and foundation doctors.
SPECIALTY_WEIGHTS: dict[str, int] = {
    "general_surgery": 8, "cardiology": 8, "emergency_medicine": 8, "paediatrics": 8, "general_practice": 7,
    "anaesthetics": 6, "obstetrics_gynaecology": 6, "orthopaedics": 6, "psychiatry": 5, "intensive_care": 5,
    "neurology": 4, "plastic_surgery": 4, "dermatology": 4, "neurosurgery": 3, "ophthalmology": 3,
    "respiratory_medicine": 3, "gastroenterology": 3, "geriatrics": 3, "clinical_oncology": 3, "radiology": 3,
    "academic_medicine": 3, "medical_education": 3, "otolaryngology": 2, "urology": 2, "endocrinology": 2,
    "haematology": 2, "infectious_diseases": 2, "palliative_care": 2, "renal_medicine": 2, "public_health": 2,
    "cardiothoracic_surgery": 2, "rheumatology": 1, "pathology": 1, "vascular_surgery": 1,
}
# Side interests rather than training programmes: never someone's main specialty.
SIDE_SPECIALTIES = ("academic_medicine", "medical_education")
# A GP is a GP; a GP's second interest is one of these.
GP_INTERESTS = ("dermatology", "paediatrics", "palliative_care", "medical_education", "psychiatry",
                "geriatrics", "obstetrics_gynaecology", "academic_medicine")
SAS_SPECIALTIES = ("emergency_medicine", "obstetrics_gynaecology", "psychiatry", "anaesthetics",
                   "general_surgery", "orthopaedics", "geriatrics", "ophthalmology", "otolaryngology",
                   "dermatology")

# Where foundation doctors rotate (the department they are in now).
FOUNDATION_ROTATIONS = ("general_surgery", "emergency_medicine", "geriatrics", "psychiatry",
                        "general_practice", "paediatrics", "obstetrics_gynaecology", "intensive_care",
                        "cardiology", "respiratory_medicine", "gastroenterology", "orthopaedics", "urology",
                        "anaesthetics", "renal_medicine", "endocrinology")

# The early-training grades each specialty recruits into (vocabulary.STAGE_DETAILS["core_trainee"]).
CORE_GRADES: dict[str, tuple[str, ...]] = {
    "physician": ("IMT1", "IMT2", "IMT3"),
    "surgeon": ("CT1", "CT2"),
    "acute": ("CT1", "CT2", "CT3"),
    "run_through": ("ST1", "ST2"),
}
CORE_PATHWAY: dict[str, str] = {
    **dict.fromkeys(("general_surgery", "orthopaedics", "otolaryngology", "plastic_surgery",
                     "cardiothoracic_surgery", "urology", "vascular_surgery"), "surgeon"),
    **dict.fromkeys(("anaesthetics", "psychiatry", "emergency_medicine", "intensive_care"), "acute"),
    **dict.fromkeys(("paediatrics", "obstetrics_gynaecology", "ophthalmology", "neurosurgery",
                     "public_health", "radiology", "pathology", "general_practice"), "run_through"),
}  # everything else is a medical specialty, entered through IMT

DEPARTMENTS: dict[str, tuple[str, ...]] = {
    "anaesthetics": ("Anaesthetics", "Theatres and Anaesthesia"),
    "cardiology": ("Cardiology", "Cardiac Catheter Lab", "Coronary Care Unit"),
    "clinical_oncology": ("Oncology", "Cancer Centre", "Radiotherapy"),
    "dermatology": ("Dermatology",),
    "emergency_medicine": ("Emergency Department", "A&E", "Urgent Treatment Centre"),
    "endocrinology": ("Diabetes and Endocrinology",),
    "gastroenterology": ("Gastroenterology", "Endoscopy Unit"),
    "general_practice": ("General Practice",),
    "general_surgery": ("General Surgery", "Colorectal Surgery", "Upper GI Surgery"),
    "geriatrics": ("Elderly Care", "Frailty Unit", "Care of the Elderly"),
    "haematology": ("Haematology",),
    "infectious_diseases": ("Infectious Diseases", "Microbiology and Infection"),
    "intensive_care": ("Intensive Care Unit", "Critical Care", "ITU"),
    "medical_education": ("Medical Education", "Postgraduate Education Centre"),
    "neurology": ("Neurology", "Stroke Unit"),
    "neurosurgery": ("Neurosurgery",),
    "obstetrics_gynaecology": ("Obstetrics and Gynaecology", "Maternity", "Women's Health"),
    "ophthalmology": ("Ophthalmology", "Eye Unit"),
    "orthopaedics": ("Trauma and Orthopaedics", "T&O"),
    "otolaryngology": ("ENT", "Head and Neck Surgery"),
    "paediatrics": ("Paediatrics", "Children's Emergency Department", "Neonatal Unit"),
    "palliative_care": ("Palliative Care", "Hospital Palliative Care Team"),
    "pathology": ("Histopathology", "Cellular Pathology"),
    "plastic_surgery": ("Plastic Surgery", "Burns and Plastics"),
    "psychiatry": ("Psychiatry", "Liaison Psychiatry", "Community Mental Health Team"),
    "public_health": ("Public Health",),
    "radiology": ("Radiology", "Interventional Radiology", "Imaging"),
    "renal_medicine": ("Renal Unit", "Nephrology"),
    "respiratory_medicine": ("Respiratory Medicine", "Respiratory Ward"),
    "rheumatology": ("Rheumatology",),
    "cardiothoracic_surgery": ("Cardiothoracic Surgery",),
    "urology": ("Urology",),
    "vascular_surgery": ("Vascular Surgery",),
    "academic_medicine": ("Clinical Research Facility", "Academic Unit"),
}
# fmt: on


@dataclass(frozen=True)
class Role:
    """A nursing, midwifery or allied health job: what it is called and where it is done."""

    title: str
    weight: int
    specialties: tuple[str, ...]
    departments: tuple[str, ...] = ()  # empty: the department of the specialty
    workplace: str = "trust"  # or "practice", "ambulance"
    hcpc_prefix: str | None = None  # None for nurses and for pharmacists (GPhC, not HCPC)


# fmt: off
NURSING_ROLES: tuple[Role, ...] = (
    Role("staff nurse", 30, ("emergency_medicine", "intensive_care", "geriatrics", "general_surgery",
                             "cardiology", "renal_medicine", "respiratory_medicine", "orthopaedics")),
    Role("midwife", 18, ("obstetrics_gynaecology",),
         ("Maternity", "Labour Ward", "Birth Centre", "Community Midwifery")),
    Role("children's nurse", 10, ("paediatrics",),
         ("Children's Ward", "Paediatric Intensive Care", "Neonatal Unit")),
    Role("mental health nurse", 10, ("psychiatry",), ("Community Mental Health Team", "Crisis Team")),
    Role("clinical nurse specialist", 12, ("clinical_oncology", "palliative_care", "haematology",
                                           "dermatology", "rheumatology", "endocrinology",
                                           "infectious_diseases")),
    Role("advanced clinical practitioner", 10, ("emergency_medicine", "intensive_care", "geriatrics")),
    Role("practice nurse", 10, ("general_practice",), ("Practice Nursing",), workplace="practice"),
)
ALLIED_HEALTH_ROLES: tuple[Role, ...] = (
    Role("sonographer", 12, ("radiology", "obstetrics_gynaecology", "cardiology"),
         ("Ultrasound", "Imaging", "Fetal Medicine"), hcpc_prefix="RA"),
    Role("physiotherapist", 20, ("orthopaedics", "respiratory_medicine", "neurology", "intensive_care",
                                 "rheumatology"), ("Physiotherapy", "Therapies"), hcpc_prefix="PH"),
    Role("pharmacist", 14, ("infectious_diseases", "haematology", "geriatrics", "intensive_care",
                            "clinical_oncology", "paediatrics"), ("Pharmacy",)),
    Role("diagnostic radiographer", 10, ("radiology",), ("Radiology", "Imaging", "CT and MRI"),
         hcpc_prefix="RA"),
    Role("therapeutic radiographer", 4, ("clinical_oncology",), ("Radiotherapy",), hcpc_prefix="RA"),
    Role("paramedic", 14, ("emergency_medicine", "intensive_care"),
         ("Operations", "Clinical Hub", "Hazardous Area Response Team"), workplace="ambulance",
         hcpc_prefix="PA"),
    Role("occupational therapist", 10, ("geriatrics", "neurology", "psychiatry"),
         ("Occupational Therapy", "Therapies"), hcpc_prefix="OT"),
    Role("speech and language therapist", 6, ("neurology", "otolaryngology", "paediatrics"),
         ("Speech and Language Therapy",), hcpc_prefix="SL"),
    Role("dietitian", 6, ("gastroenterology", "renal_medicine", "endocrinology"),
         ("Nutrition and Dietetics",), hcpc_prefix="DT"),
    Role("podiatrist", 4, ("endocrinology", "vascular_surgery", "rheumatology"), ("Podiatry",),
         hcpc_prefix="CH"),
)

# What people at each point of a career want help with (goal code: weight).
GOAL_WEIGHTS: dict[str, dict[str, int]] = {
    "student": {"career_planning": 8, "clinical_skills": 7, "research": 6, "networking": 6, "audit_qi": 5,
                "exams": 5, "wellbeing": 5, "portfolio": 3, "teaching": 3, "global_health": 3,
                "specialty_applications": 3, "innovation": 2, "leadership": 2},
    "foundation": {"specialty_applications": 9, "portfolio": 8, "exams": 7, "career_planning": 7,
                   "audit_qi": 6, "wellbeing": 5, "teaching": 4, "research": 4, "networking": 4,
                   "clinical_skills": 4, "less_than_full_time": 3, "leadership": 2, "global_health": 2,
                   "innovation": 1},
    "trainee": {"exams": 7, "research": 6, "specialty_applications": 5, "leadership": 5, "teaching": 5,
                "portfolio": 5, "career_planning": 5, "less_than_full_time": 4, "wellbeing": 4, "audit_qi": 4,
                "networking": 3, "clinical_skills": 3, "innovation": 2, "global_health": 2},
    "senior": {"leadership": 8, "teaching": 7, "research": 6, "innovation": 5, "networking": 5,
               "wellbeing": 5, "global_health": 3, "career_planning": 3, "audit_qi": 3,
               "less_than_full_time": 2},
    "clinical": {"career_planning": 7, "clinical_skills": 6, "leadership": 6, "teaching": 5, "wellbeing": 5,
                 "networking": 5, "research": 4, "audit_qi": 4, "portfolio": 3, "innovation": 3,
                 "less_than_full_time": 2, "global_health": 2, "exams": 1},
}
GOAL_GROUP = {"medical_student": "student", "foundation_doctor": "foundation", "core_trainee": "trainee",
              "specialty_trainee": "trainee", "sas_doctor": "trainee", "gp": "senior", "consultant": "senior",
              "nurse_midwife": "clinical", "allied_health": "clinical"}

# Interests: (tag, how common, what someone doing it is "usually …"). Tags are already normalised.
INTERESTS: tuple[tuple[str, int, str], ...] = (
    ("cycling", 10, "out on the bike"), ("running", 10, "out running, slowly but happily"),
    ("hiking", 8, "walking in the hills"), ("cooking", 8, "cooking for whoever turns up"),
    ("reading", 8, "buried in a novel"), ("travel", 7, "planning the next trip"),
    ("yoga", 7, "at yoga"), ("football", 7, "playing five-a-side"),
    ("parkrun", 6, "at parkrun on a Saturday morning"), ("baking", 6, "baking something far too ambitious"),
    ("swimming", 5, "swimming lengths before work"), ("photography", 5, "taking photos of old buildings"),
    ("board games", 5, "losing at board games"), ("film", 5, "at the cinema"),
    ("dog walking", 5, "walking the dog"), ("climbing", 5, "at the climbing wall"),
    ("choir", 4, "singing with a community choir"), ("bouldering", 4, "bouldering after a long shift"),
    ("wild swimming", 4, "in a cold lake somewhere"), ("rugby", 4, "watching the rugby"),
    ("netball", 4, "playing netball"), ("tennis", 4, "playing tennis"), ("gardening", 4, "in the garden"),
    ("podcasts", 4, "listening to podcasts"), ("theatre", 4, "at the theatre"), ("piano", 4, "at the piano"),
    ("guitar", 4, "playing guitar"), ("video games", 4, "playing video games"),
    ("volunteering", 4, "volunteering with a local charity"), ("coffee", 4, "hunting down good coffee"),
    ("hockey", 3, "on the hockey pitch"), ("cricket", 3, "at the cricket"),
    ("badminton", 3, "playing badminton"), ("rowing", 3, "on the river at silly o'clock"),
    ("pilates", 3, "at pilates"), ("boxing", 3, "at boxing training"),
    ("skiing", 3, "dreaming about the next ski trip"), ("painting", 3, "painting, mostly watercolours"),
    ("knitting", 3, "knitting"), ("chess", 3, "playing chess online"), ("book club", 3, "at book club"),
    ("musical theatre", 3, "singing show tunes"), ("languages", 3, "learning Spanish"),
    ("camping", 3, "camping somewhere with no signal"), ("history", 3, "reading about history"),
    ("pub quizzes", 3, "at the pub quiz"), ("line dancing", 2, "line dancing (yes, really)"),
    ("fell running", 2, "fell running in the rain"), ("squash", 2, "on the squash court"),
    ("sailing", 2, "sailing"), ("surfing", 2, "surfing, weather permitting"),
    ("triathlon", 2, "training for the next triathlon"), ("pottery", 2, "at a pottery class"),
    ("crochet", 2, "crocheting"), ("allotment", 2, "on the allotment"),
    ("creative writing", 2, "writing short stories"), ("orchestra", 2, "playing in an amateur orchestra"),
    ("jazz", 2, "at jazz nights"), ("salsa", 2, "salsa dancing"), ("birdwatching", 2, "birdwatching"),
    ("kayaking", 2, "kayaking"), ("dungeons and dragons", 2, "running a Dungeons and Dragons campaign"),
    ("cryptic crosswords", 2, "stuck on a cryptic crossword"),
    ("martial arts", 2, "at martial arts training"),
    ("gaelic football", 1, "playing Gaelic football"), ("ballet", 1, "at an adult ballet class"),
    ("swing dancing", 1, "swing dancing"), ("scuba diving", 1, "diving"), ("astronomy", 1, "stargazing"),
    ("stand-up comedy", 1, "at comedy nights"), ("drumming", 1, "drumming in a covers band"),
    ("pétanque", 1, "playing pétanque"),
)
# fmt: on
INTEREST_PHRASES: dict[str, str] = {tag: phrase for tag, _, phrase in INTERESTS}
