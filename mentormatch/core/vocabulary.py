"""The product's controlled vocabulary (see DESIGN.md): career stages, regions, specialties, goals."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Stage:
    code: str
    label: str
    rank: int


STAGES: tuple[Stage, ...] = (
    Stage("medical_student", "Medical student (year 1–6)", 0),
    Stage("foundation_doctor", "Foundation doctor (FY1–FY2)", 1),
    Stage("core_trainee", "Core or early specialty trainee (CT/IMT/ST1–2)", 2),
    Stage("nurse_midwife", "Nurse or midwife", 2),
    Stage("allied_health", "Allied health professional (sonographer, physiotherapist, pharmacist, …)", 2),
    Stage("specialty_trainee", "Higher specialty trainee (ST3+)", 3),
    Stage("sas_doctor", "Specialty and specialist (SAS) doctor", 3),
    Stage("gp", "General practitioner", 4),
    Stage("consultant", "Consultant", 4),
)
STAGE_BY_CODE = {stage.code: stage for stage in STAGES}

REGIONS: dict[str, str] = {
    "london": "London",
    "kss": "Kent, Surrey and Sussex",
    "thames_valley": "Thames Valley",
    "wessex": "Wessex",
    "south_west": "South West",
    "west_midlands": "West Midlands",
    "east_midlands": "East Midlands",
    "east_of_england": "East of England",
    "north_west": "North West",
    "yorkshire_humber": "Yorkshire and the Humber",
    "north_east": "North East",
    "scotland": "Scotland",
    "wales": "Wales",
    "northern_ireland": "Northern Ireland",
}

SPECIALTIES: dict[str, str] = {
    "anaesthetics": "Anaesthetics",
    "cardiology": "Cardiology",
    "clinical_oncology": "Clinical oncology",
    "dermatology": "Dermatology",
    "emergency_medicine": "Emergency medicine",
    "endocrinology": "Endocrinology",
    "gastroenterology": "Gastroenterology",
    "general_practice": "General practice",
    "general_surgery": "General surgery",
    "geriatrics": "Geriatric medicine",
    "haematology": "Haematology",
    "infectious_diseases": "Infectious diseases",
    "intensive_care": "Intensive care medicine",
    "medical_education": "Medical education",
    "neurology": "Neurology",
    "neurosurgery": "Neurosurgery",
    "obstetrics_gynaecology": "Obstetrics and gynaecology",
    "ophthalmology": "Ophthalmology",
    "orthopaedics": "Trauma and orthopaedics",
    "otolaryngology": "Otolaryngology (ENT)",
    "paediatrics": "Paediatrics",
    "palliative_care": "Palliative care",
    "pathology": "Pathology",
    "plastic_surgery": "Plastic surgery",
    "psychiatry": "Psychiatry",
    "public_health": "Public health",
    "radiology": "Radiology",
    "renal_medicine": "Renal medicine",
    "respiratory_medicine": "Respiratory medicine",
    "rheumatology": "Rheumatology",
    "cardiothoracic_surgery": "Cardiothoracic surgery",
    "urology": "Urology",
    "vascular_surgery": "Vascular surgery",
    "academic_medicine": "Academic medicine",
}

GOALS: dict[str, str] = {
    "career_planning": "Career planning",
    "specialty_applications": "Specialty applications",
    "research": "Research",
    "audit_qi": "Audit and quality improvement",
    "exams": "Exams",
    "portfolio": "Portfolio",
    "teaching": "Teaching",
    "leadership": "Leadership",
    "wellbeing": "Wellbeing",
    "innovation": "Innovation",
    "global_health": "Global health",
    "less_than_full_time": "Less than full-time training",
    "networking": "Networking",
    "clinical_skills": "Clinical skills",
}


def stage_choices() -> list[tuple[str, str]]:
    """(code, label) pairs for a career-stage select, most junior first."""
    return [(stage.code, stage.label) for stage in STAGES]


# The year or grade within a stage, where the stage has them.
STAGE_DETAILS: dict[str, tuple[str, ...]] = {
    "medical_student": ("Year 1", "Year 2", "Year 3", "Year 4", "Year 5", "Year 6"),
    "foundation_doctor": ("FY1", "FY2"),
    "core_trainee": ("CT1", "CT2", "CT3", "IMT1", "IMT2", "IMT3", "ST1", "ST2"),
    "specialty_trainee": ("ST3", "ST4", "ST5", "ST6", "ST7", "ST8"),
}

MEETING_WAYS: dict[str, str] = {
    "in_person": "In person",
    "video": "Video call",
    "messages": "Messages",
}
