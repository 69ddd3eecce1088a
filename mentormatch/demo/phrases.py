"""The fragments demo members' texts are made of, with the shorthand clinicians really use.

Placeholders ({spec}, {exam}, {place}…) are filled in by writing.py for each person.
"""

from __future__ import annotations

# How people say a specialty in a sentence ("a placement in ___"); the formal name comes first.
# fmt: off
SAID: dict[str, tuple[str, ...]] = {
    "anaesthetics": ("anaesthetics", "anaesthesia"), "cardiology": ("cardiology", "cardio"),
    "clinical_oncology": ("clinical oncology", "oncology"), "dermatology": ("dermatology", "derm"),
    "emergency_medicine": ("emergency medicine", "EM", "A&E", "ED"),
    "endocrinology": ("endocrinology", "diabetes and endo"),
    "gastroenterology": ("gastroenterology", "gastro"), "general_practice": ("general practice", "GP"),
    "general_surgery": ("general surgery", "surgery"),
    "geriatrics": ("geriatrics", "care of the elderly", "elderly care"),
    "haematology": ("haematology", "haem"), "infectious_diseases": ("infectious diseases", "ID"),
    "intensive_care": ("intensive care", "ITU", "ICM"),
    "medical_education": ("medical education", "med ed"), "neurology": ("neurology", "neuro"),
    "neurosurgery": ("neurosurgery",), "obstetrics_gynaecology": ("O&G", "obs and gynae"),
    "ophthalmology": ("ophthalmology", "eyes"), "orthopaedics": ("T&O", "orthopaedics"),
    "otolaryngology": ("ENT",), "paediatrics": ("paediatrics", "paeds"),
    "palliative_care": ("palliative care",), "pathology": ("histopathology", "pathology"),
    "plastic_surgery": ("plastics", "plastic surgery"), "psychiatry": ("psychiatry", "psych"),
    "public_health": ("public health",), "radiology": ("radiology",),
    "renal_medicine": ("renal", "nephrology"), "respiratory_medicine": ("respiratory", "resp"),
    "rheumatology": ("rheumatology", "rheum"), "cardiothoracic_surgery": ("cardiothoracics",),
    "urology": ("urology",), "vascular_surgery": ("vascular surgery",),
    "academic_medicine": ("research",),
}
EXAMS: dict[str, tuple[str, ...]] = {
    "physician": ("MRCP Part 1", "MRCP Part 2", "PACES"), "surgeon": ("MRCS Part A", "MRCS Part B"),
    "anaesthetics": ("the Primary FRCA", "the Final FRCA"),
    "intensive_care": ("the Primary FRCA", "FFICM"), "emergency_medicine": ("the MRCEM Primary", "FRCEM"),
    "psychiatry": ("MRCPsych Paper A", "the CASC"),
    "paediatrics": ("MRCPCH Theory", "the MRCPCH clinical"), "obstetrics_gynaecology": ("MRCOG Part 1",),
    "general_practice": ("the MRCGP AKT", "the SCA"), "radiology": ("FRCR Part 1",),
    "ophthalmology": ("FRCOphth Part 1",), "pathology": ("FRCPath Part 1",),
    "public_health": ("the DFPH",), "neurosurgery": ("MRCS Part A",),
}
# What the next application is called, by stage, then by specialty or training pathway.
APPLICATIONS = {
    "medical_student": "SFP applications", "physician": "IMT applications", "surgeon": "CST applications",
    "general_practice": "GP applications", "emergency_medicine": "ACCS applications",
    "core_trainee": "ST3 applications", "specialty_trainee": "consultant applications",
    "sas_doctor": "portfolio pathway applications", "nurse_midwife": "band 7 applications",
    "allied_health": "band 7 applications",
}
QIPS = (
    "sepsis screening in ED", "VTE assessments", "night-shift handover", "discharge summaries",
    "fluid balance charts", "delirium screening", "48-hour antibiotic reviews",
    "falls on the frailty ward", "consent forms in day surgery", "insulin prescribing",
)
BEFORE = (
    "teaching", "pharmacy", "the army", "engineering", "a biomedical science degree", "paramedic work",
    "nursing", "a PhD in neuroscience", "accountancy", "physiotherapy",
)
# fmt: on

OPENERS: dict[str, tuple[str, ...]] = {
    "medical_student": (
        "{Ordinal}-year medical student at {place}.",
        "{detail} medic at {place}.",
        "I'm {first}, {a_ordinal}-year at {org}.",
        "{detail} at {org}, still working out where I fit.",
        "Medical student at {place} ({detail}).",
        "Graduate-entry medic at {place}, now in {detail_lower}.",
    ),
    "foundation_doctor": (
        "{detail} in {place}, currently doing {rotation}.",
        "{detail} doctor at {org}.",
        "Foundation doctor ({detail}) in {place}; this rotation is {rotation}.",
        "I'm {a_detail} at {org}.",
    ),
    "core_trainee": (
        "{detail} in {place}, heading for {spec}.",
        "{detail} at {org}, aiming for {spec}.",
        "Early trainee ({detail}) in {spec} in {place}.",
        "{detail}, {spec}, {org}.",
    ),
    "specialty_trainee": (
        "{Spec} registrar ({detail}) in {place}.",
        "{detail} in {spec} at {org}.",
        "Higher trainee in {spec}, currently {detail} at {org}.",
        "{Spec} reg in {place}, {detail}.",
    ),
    "sas_doctor": (
        "Specialty doctor in {spec} at {org}.",
        "SAS doctor in {spec} in {place}.",
        "Specialist in {spec} at {org}, after stepping off the training treadmill.",
    ),
    "gp": (
        "GP partner at {org}.",
        "Salaried GP in {place}.",
        "Portfolio GP in {place}: surgeries plus some {spec2}.",
        "GP at {org} for {years} years now.",
        "Sessional GP around {place}.",
    ),
    "consultant": (
        "Consultant in {spec} at {org}.",
        "{Spec} consultant in {place}.",
        "Consultant at {org} ({spec}), {years} years in post.",
        "I'm a consultant in {spec} in {place}.",
    ),
    "nurse_midwife": (
        "{Role} at {org}.",
        "{Role} ({dept}) in {place}.",
        "I'm {a_role} in {place}, {years} years qualified.",
        "{Role}, {dept}, {org}.",
    ),
    "allied_health": (
        "{Role} at {org}.",
        "{Role} in {place}.",
        "I'm {a_role} at {org}, {years} years qualified.",
        "{Role} ({dept}) in {place}.",
    ),
}
MIDDLES: dict[str, tuple[str, ...]] = {
    "junior": (
        "Really drawn to {spec} since a placement last year.",
        "Thinking seriously about {spec}, but keeping an open mind.",
        "Did a taster week in {spec} and loved it.",
        "{Spec} is where I'd like to end up, eventually.",
        "Torn between {spec} and {spec2}.",
        "Interested in {spec}; less sure about the exams that come with it.",
        "Trying to get a QIP on {qip} off the ground.",
        "Revising for {exam}, slowly.",
        "Came to medicine after {before}.",
        "Got into {spec2} through the student society and stayed.",
    ),
    "trainee": (
        "Working towards {exam}.",
        "Interested in {spec2} alongside the day job.",
        "Thinking about going LTFT next year.",
        "Running a QIP on {qip} at the moment.",
        "Still enjoying {spec} training, most days.",
        "Came to medicine after {before}.",
        "I help run our regional teaching programme.",
        "Always keen to teach students on the wards.",
    ),
    "senior": (
        "Educational supervisor for FYs and IMTs.",
        "College tutor, and I examine for {exam}.",
        "Research interests sit somewhere between {spec} and medical education.",
        "I lead QI work locally; the current project is {qip}.",
        "Trained all over, moved here for the job and stayed.",
        "Came to medicine late, after {before}.",
        "I work LTFT and am happy to talk about how that goes.",
        "Still enjoy the on-calls more than I admit.",
    ),
    "clinical": (
        "Most of my career so far has been in {spec}.",
        "Working towards an MSc in advanced clinical practice.",
        "Interested in moving into {spec2} at some point.",
        "I teach on our preceptorship programme.",
        "Doing {exam} at the moment.",
        "Part of the team behind a QIP on {qip}.",
    ),
}
# {away}: "outside uni" for students, "away from work", "off shift"… for everyone else.
AWAY = {
    "student": ("outside uni", "away from placement", "outside lectures"),
    "staff": ("outside work", "away from work", "off shift", "on days off"),
}
HOBBIES_ONE = (
    "{Away} you'll usually find me {p1}.",
    "Most weekends I'm {p1}.",
    "{Away} I'm usually {p1}, whenever the rota allows.",
    "Big fan of {t1}.",
)
HOBBIES_TWO = (
    "{Away} I'm usually {p1} or {p2}.",
    "Outside medicine: {t1} and {t2}.",
    "I try to keep weekends for {t1} and {t2}.",
    "{Away} I'm {p1}, or {p2}.",
)
CLOSERS = (
    "Always happy to chat over a coffee.",
    "Say hello if you're {where}!",
    "Message me any time.",
    "Happy to chat about anything.",
    "",
)

WANTS: dict[str, tuple[str, ...]] = {
    "career_planning": (
        "Someone a few years ahead who can tell me honestly what {spec} is like day to day.",
        "Help working out whether {spec} is really for me.",
        "A sounding board for career decisions.",
    ),
    "specialty_applications": (
        "Advice on {applications}: what actually makes a difference.",
        "Someone who has been through {applications} recently.",
        "Interview practice for {applications}.",
    ),
    "research": (
        "A research project to get involved in, ideally one that leads to a publication.",
        "Advice on getting into research without an academic post.",
        "Someone to talk through an idea for a project in {spec}.",
    ),
    "audit_qi": (
        "Help getting a QIP off the ground.",
        "Someone to do an audit with; happy to collect the data.",
        "Advice on closing the loop on a QIP.",
    ),
    "exams": (
        "A study buddy for {exam}.",
        "Tips from someone who passed {exam} recently.",
        "Someone to keep me honest while I revise for {exam}.",
    ),
    "portfolio": ("Help getting my portfolio in shape before ARCP.", "Someone to look over my portfolio."),
    "teaching": ("More chances to teach.", "Someone to co-run a teaching series with."),
    "leadership": ("Advice on moving into leadership roles.", "To learn from people who run services well."),
    "wellbeing": (
        "Someone to talk to about balancing work and everything else.",
        "A peer to check in with; nights are hard going.",
    ),
    "innovation": (
        "People interested in digital health and building things.",
        "Someone who has taken an idea from the ward to a real product.",
    ),
    "global_health": ("Advice on working abroad for a year.", "Anyone involved in global health projects."),
    "less_than_full_time": (
        "Someone who trains LTFT and can tell me how it really works.",
        "Advice on going less than full time.",
    ),
    "networking": (
        "To meet people outside my own hospital.",
        "To meet students from other medical schools.",
        "To get to know people in other specialties.",
    ),
    "clinical_skills": (
        "Someone to practise examinations with.",
        "Chances to practise suturing and cannulas.",
    ),
}
# What senior people want help with reads differently.
SENIOR_WANTS: dict[str, tuple[str, ...]] = {
    "career_planning": ("A sounding board for the next step: leadership, education or research.",),
    "research": ("Collaborators for a multi-centre project in {spec}.", "People to write papers with."),
    "teaching": (
        "Ideas for making departmental teaching less of a slideshow.",
        "Others who run teaching programmes, to swap notes.",
    ),
    "audit_qi": ("People to share QI ideas with across trusts.",),
    "less_than_full_time": ("Others working LTFT, to compare notes.",),
    "networking": ("To meet colleagues outside my own trust.",),
    "wellbeing": ("Peer support from people who get it.",),
    "exams": ("Tips on becoming an examiner.",),
}
OFFERS = (
    "Happy to mentor anyone interested in {spec}: applications, the portfolio, and the honest "
    "version of the job.",
    "Glad to help anyone thinking about {spec}.",
    "I can give a couple of hours a month, usually on video.",
    "I remember how opaque it all felt; happy to help people find their way into {spec}.",
)
