#!/usr/bin/env python3
"""Outside population: an evaluation data set for MentorMatch written from the CSV
contract and the vocabulary only (docs: "Vocabulary" and "CSV import" in the design).

It makes a realistic, noisy cohort of UK medical students, doctors, nurses, midwives and
allied health professionals, together with the hidden truth about each of them, so that
suggestions can be scored against what people really want rather than what they ticked.

Usage
-----
    python3 benchmarks/outside_population.py --seed 7 --size 600 \
        --out outside.csv --truth outside_truth.json

    from benchmarks.outside_population import generate, write_csv
    pop = generate(seed=7)
    pop.relevance(mentee_email, mentor_email)            # 0..7
    pop.relevance_parts(a, b, kind="peer")               # {"specialties", "goals", "region", "hobbies"}

Only the standard library is used; the same seed always gives the same rows and truth.

Latent truth (per person, ``Population.people[email]``)
-------------------------------------------------------
stage, rank, region, organisation, 1-3 specialties, 1-3 goals (stage appropriate; everyone
has some, seniors too, for peer matching), for mentors the goals they can genuinely help
with (``offers``, 2-5), 1-3 hobbies (canonical names), ``in_person`` (about 40 % want to
meet face to face, the rest are happy by video or phone), mentoring status, capacity and
registration number. The distractors written into the text are kept too (``rotation``,
``avoid``: specialties mentioned that are *not* the person's; ``no_tags``), for inspection
only: they never count in relevance.

Relevance (from the latent values only)
---------------------------------------
kind="mentor" (``mentee`` asks ``mentor``): zero in every part unless the mentor offers
mentoring and has a strictly higher rank than the mentee. Otherwise

* specialties: shared latent specialties, 0 -> 0, 1 -> 2, 2 or more -> 3
* goals: mentee goals the mentor genuinely offers, none -> 0, some -> 1,
  at least half of the mentee's goals -> 2
* region: 1 if both are in the same region and at least one of them wants to meet in
  person, else 0
* hobbies: 1 if they share any hobby

relevance = the sum, 0..7.

kind="peer": zero unless the two are different people whose ranks are at most one apart;
specialties, region and hobbies as above, goals = shared goals (1 for one, 2 for two or more).

What is visible (the noise)
---------------------------
* ``specialties``/``goals``/``interests`` tag columns: about 15 % of people have no tags at
  all (and no ``offers``), only free text. For everyone else each column is dropped
  whole at its own rate (specialties 35 %, goals 50 %, interests 45 %; never all three),
  and a kept column loses single codes (15 %, 20 %, 15 %). About 5 % of kept specialty
  columns also carry the rotation the person is on but does not want as a career.
  Interest tags are free: usually the canonical hobby name, sometimes a variant
  ("bouldering" for climbing, "parkrun" for running).
* ``offers`` column: filled for about 20 % of mentors; the others say what they help with
  only in ``bio``/``looking_for`` ("Happy to help with getting published and LTFT",
  "I've sat on ST3 interview panels for years", "As an ES I review ePortfolios ...").
* Free text mentions a latent item with a higher probability when its tag is missing
  (specialties 88 % vs 55 %, mentee goals 90 % vs 60 %, offers 93 % vs 50 %, hobbies
  80 % vs 35 %), so a few items are truly lost, as in real sign-ups. In-person wishes are
  only ever in text (55 % of those who want it say so, 35 % of the video-happy say so).
* Clinicians' shorthand and variants throughout (ED, A&E, ITU, O&G, obs & gynae, T&O,
  gen surg, resp, paeds, psych, COTE, MRCP, PACES, MRCS, FRCA primary, MRCEM, AKT,
  QIP, ePortfolio, ARCP, SFP, LTFT, OOPR, MSF, DTM&H ...), stage-specific exams and
  applications, casual and formal registers.
* Distractors: current rotations not wanted as a career, specialties ruled out
  ("definitely not surgery"), goals already done ("already passed MRCS"), things a
  mentor cannot help with, hobbies given up; about 6 % of text fields have a typo.

Organisations are real NHS trusts, health boards and medical schools of the person's region
(specialist trusts such as GOSH or The Christie only for their specialties), written in full or
by their usual short name (GSTT, LTHT, NUH ...); GPs name a practice, paramedics their
ambulance service, and some trainees their deanery. Towns mentioned in text match the employer.

The phrasing is our own: lists written for this file from the vocabulary, common UK
training terminology, and the tone of the background pieces on networking (the keen
cyclist and the line dancer on the ward, coffee-and-a-chat mentoring, conferences).
"""
from __future__ import annotations

import argparse
import csv
import json
import random
import re
import sys
import unicodedata
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

# --------------------------------------------------------------------------- vocabulary

STAGE_RANK = {
    "medical_student": 0,
    "foundation_doctor": 1,
    "core_trainee": 2,
    "nurse_midwife": 2,
    "allied_health": 2,
    "specialty_trainee": 3,
    "sas_doctor": 3,
    "gp": 4,
    "consultant": 4,
}

REGIONS = [
    "london", "kss", "thames_valley", "wessex", "south_west", "west_midlands", "east_midlands",
    "east_of_england", "north_west", "yorkshire_humber", "north_east", "scotland", "wales",
    "northern_ireland",
]

SPECIALTIES = [
    "anaesthetics", "cardiology", "clinical_oncology", "dermatology", "emergency_medicine",
    "endocrinology", "gastroenterology", "general_practice", "general_surgery", "geriatrics",
    "haematology", "infectious_diseases", "intensive_care", "medical_education", "neurology",
    "neurosurgery", "obstetrics_gynaecology", "ophthalmology", "orthopaedics", "otolaryngology",
    "paediatrics", "palliative_care", "pathology", "plastic_surgery", "psychiatry",
    "public_health", "radiology", "renal_medicine", "respiratory_medicine", "rheumatology",
    "cardiothoracic_surgery", "urology", "vascular_surgery", "academic_medicine",
]

GOALS = [
    "career_planning", "specialty_applications", "research", "audit_qi", "exams", "portfolio",
    "teaching", "leadership", "wellbeing", "innovation", "global_health", "less_than_full_time",
    "networking", "clinical_skills",
]

COLUMNS = [
    "email", "name", "stage", "organisation", "region", "specialties", "goals", "interests",
    "bio", "looking_for", "offers_mentoring", "capacity", "registration_number", "offers",
]

# --------------------------------------------------------------------------- noise rates

NO_TAGS_RATE = 0.15
FIELD_DROP = {"specialties": 0.35, "goals": 0.50, "interests": 0.45}
ELEMENT_DROP = {"specialties": 0.15, "goals": 0.20, "interests": 0.15, "offers": 0.10}
ROTATION_TAG_RATE = 0.05
OFFERS_COLUMN_RATE = 0.235  # of tagged mentors -> about 20 % of all mentors
MENTION = {  # (tag shown, tag missing)
    "specialties": (0.55, 0.88),
    "goals": (0.60, 0.90),
    "offers": (0.50, 0.93),
    "hobbies": (0.35, 0.80),
}
IN_PERSON_RATE = 0.40
SAY_IN_PERSON = (0.35, 0.55)  # (video-happy, in person) say so in text
TYPO_RATE = 0.06

# --------------------------------------------------------------------------- population mix

STAGE_WEIGHTS = {
    "medical_student": 30, "foundation_doctor": 17, "core_trainee": 13, "nurse_midwife": 7,
    "allied_health": 6, "specialty_trainee": 11, "sas_doctor": 4, "gp": 6, "consultant": 9,
}
MENTOR_PROB = {
    "medical_student": 0.0, "foundation_doctor": 0.08, "core_trainee": 0.2, "nurse_midwife": 0.25,
    "allied_health": 0.28, "specialty_trainee": 0.5, "sas_doctor": 0.55, "gp": 0.8,
    "consultant": 0.85,
}
REGION_WEIGHTS = {
    "london": 18, "kss": 7, "thames_valley": 4, "wessex": 5, "south_west": 7, "west_midlands": 8,
    "east_midlands": 6, "east_of_england": 8, "north_west": 10, "yorkshire_humber": 8,
    "north_east": 5, "scotland": 8, "wales": 4, "northern_ireland": 2,
}

SPEC_POP = {
    "anaesthetics": 6, "cardiology": 6, "clinical_oncology": 3, "dermatology": 4,
    "emergency_medicine": 7, "endocrinology": 2, "gastroenterology": 3, "general_practice": 8,
    "general_surgery": 6, "geriatrics": 3, "haematology": 2, "infectious_diseases": 2.5,
    "intensive_care": 5, "medical_education": 3, "neurology": 4, "neurosurgery": 3,
    "obstetrics_gynaecology": 5, "ophthalmology": 3, "orthopaedics": 4, "otolaryngology": 2,
    "paediatrics": 6, "palliative_care": 2, "pathology": 1.5, "plastic_surgery": 3,
    "psychiatry": 5, "public_health": 2, "radiology": 3, "renal_medicine": 2,
    "respiratory_medicine": 3, "rheumatology": 1.5, "cardiothoracic_surgery": 2, "urology": 2,
    "vascular_surgery": 1.5, "academic_medicine": 3,
}
FAMILY = {
    "cardiology": "medicine", "endocrinology": "medicine", "gastroenterology": "medicine",
    "geriatrics": "medicine", "haematology": "medicine", "infectious_diseases": "medicine",
    "neurology": "medicine", "renal_medicine": "medicine", "respiratory_medicine": "medicine",
    "rheumatology": "medicine", "dermatology": "medicine", "clinical_oncology": "medicine",
    "palliative_care": "medicine",
    "general_surgery": "surgery", "orthopaedics": "surgery", "plastic_surgery": "surgery",
    "cardiothoracic_surgery": "surgery", "urology": "surgery", "vascular_surgery": "surgery",
    "neurosurgery": "surgery", "otolaryngology": "surgery", "ophthalmology": "surgery",
    "anaesthetics": "acute", "intensive_care": "acute", "emergency_medicine": "acute",
    "obstetrics_gynaecology": "women_children", "paediatrics": "women_children",
    "psychiatry": "psych", "general_practice": "gp",
    "radiology": "diagnostic", "pathology": "diagnostic",
    "public_health": "academic", "academic_medicine": "academic", "medical_education": "academic",
}
LINKS = {
    "anaesthetics": ["intensive_care"], "intensive_care": ["anaesthetics", "emergency_medicine"],
    "emergency_medicine": ["intensive_care", "general_practice"],
    "cardiology": ["cardiothoracic_surgery"], "cardiothoracic_surgery": ["cardiology"],
    "neurology": ["neurosurgery"], "neurosurgery": ["neurology"],
    "obstetrics_gynaecology": ["paediatrics"], "paediatrics": ["obstetrics_gynaecology", "psychiatry"],
    "clinical_oncology": ["palliative_care", "haematology"], "palliative_care": ["clinical_oncology", "geriatrics"],
    "general_practice": ["dermatology", "psychiatry", "paediatrics"], "psychiatry": ["general_practice"],
    "infectious_diseases": ["public_health"], "public_health": ["infectious_diseases"],
}
EXTRA_ACADEMIC = ["medical_education", "academic_medicine"]

GOAL_W = {
    "medical_student": dict(career_planning=6, specialty_applications=3, research=5, audit_qi=2,
                            exams=4, portfolio=1.5, teaching=2, leadership=1.5, wellbeing=3,
                            innovation=1.5, global_health=2.5, less_than_full_time=0.4,
                            networking=3, clinical_skills=4),
    "foundation_doctor": dict(career_planning=5, specialty_applications=6, research=3, audit_qi=3,
                              exams=4, portfolio=4, teaching=2, leadership=1.5, wellbeing=3.5,
                              innovation=1, global_health=2, less_than_full_time=1.5,
                              networking=2, clinical_skills=2.5),
    "core_trainee": dict(career_planning=2.5, specialty_applications=6, research=3, audit_qi=2.5,
                         exams=6, portfolio=4, teaching=2, leadership=2, wellbeing=3,
                         innovation=1, global_health=1.5, less_than_full_time=2.5,
                         networking=1.5, clinical_skills=2),
    "nurse_midwife": dict(career_planning=3, specialty_applications=1.5, research=2, audit_qi=1.5,
                          exams=0.7, portfolio=1, teaching=2, leadership=4, wellbeing=3,
                          innovation=1, global_health=1, less_than_full_time=1.5,
                          networking=2, clinical_skills=3),
    "allied_health": dict(career_planning=3, specialty_applications=1.5, research=2.5, audit_qi=1.5,
                          exams=0.7, portfolio=1, teaching=2, leadership=3, wellbeing=3,
                          innovation=1.5, global_health=1, less_than_full_time=1,
                          networking=2.5, clinical_skills=3),
    "specialty_trainee": dict(career_planning=3, specialty_applications=2, research=4, audit_qi=1,
                              exams=3.5, portfolio=2, teaching=2.5, leadership=4, wellbeing=3,
                              innovation=2, global_health=2, less_than_full_time=3,
                              networking=2.5, clinical_skills=1),
    "sas_doctor": dict(career_planning=5, specialty_applications=2, research=1.5, audit_qi=1.5,
                       exams=2.5, portfolio=5, teaching=2, leadership=2, wellbeing=3,
                       innovation=1, global_health=1, less_than_full_time=1.5,
                       networking=3, clinical_skills=1),
    "gp": dict(career_planning=2, research=2, audit_qi=1.5, portfolio=0.5, teaching=4,
               leadership=4, wellbeing=4, innovation=2.5, global_health=1.5,
               less_than_full_time=2.5, networking=3),
    "consultant": dict(career_planning=1.5, research=3.5, audit_qi=1, teaching=3, leadership=5,
                       wellbeing=3, innovation=3, global_health=2, less_than_full_time=1,
                       networking=3),
}
OFFER_W = {
    "foundation_doctor": dict(specialty_applications=4, exams=3, clinical_skills=4, career_planning=2,
                              research=2, audit_qi=2, wellbeing=2, teaching=2, portfolio=1),
    "core_trainee": dict(specialty_applications=4, exams=4, portfolio=3, clinical_skills=3,
                         career_planning=3, audit_qi=2.5, research=2, teaching=2.5, wellbeing=2.5,
                         less_than_full_time=1),
    "nurse_midwife": dict(clinical_skills=5, career_planning=3, wellbeing=3, teaching=3, leadership=3,
                          networking=2, audit_qi=2, research=1, less_than_full_time=1.5),
    "allied_health": dict(clinical_skills=4, career_planning=3, wellbeing=3, teaching=3, leadership=2.5,
                          networking=2, audit_qi=2, research=2, innovation=1),
    "specialty_trainee": dict(specialty_applications=5, exams=5, portfolio=4, research=3, audit_qi=3,
                              career_planning=4, teaching=3, wellbeing=2.5, less_than_full_time=2,
                              clinical_skills=2, leadership=1.5, global_health=1, networking=1.5,
                              innovation=1),
    "sas_doctor": dict(exams=3, clinical_skills=4, portfolio=3, career_planning=3, wellbeing=3,
                       less_than_full_time=2, teaching=2.5, audit_qi=2, networking=2,
                       specialty_applications=1.5),
    "gp": dict(career_planning=5, wellbeing=4, less_than_full_time=3, teaching=3, leadership=3,
               specialty_applications=3, portfolio=3, exams=2, research=1.5, audit_qi=2,
               innovation=1.5, global_health=1.5, networking=2.5, clinical_skills=1.5),
    "consultant": dict(career_planning=5, specialty_applications=4, research=4, leadership=4, exams=2.5,
                       portfolio=3, teaching=3, wellbeing=3, audit_qi=2, innovation=2,
                       global_health=2, less_than_full_time=2, networking=3, clinical_skills=1.5),
}
CAPACITY_W = {1: 15, 2: 25, 3: 22, 4: 13, 5: 10, 6: 5, 8: 5, 10: 5}

# --------------------------------------------------------------------------- places

# region -> (medical schools, (name, city, short) NHS organisations, towns)
PLACES = {
    "london": (
        [("Imperial College London", "Imperial"), ("UCL Medical School", "UCL"),
         ("King's College London GKT", "KCL"), ("St George's, University of London", "St George's"),
         ("Barts and The London, QMUL", "Barts")],
        [("Guy's and St Thomas' NHS Foundation Trust", "GSTT"), ("Barts Health NHS Trust", "Barts Health"),
         ("Imperial College Healthcare NHS Trust", "ICHT"), ("University College London Hospitals NHS Foundation Trust", "UCLH"),
         ("King's College Hospital NHS Foundation Trust", "King's"), ("St George's University Hospitals NHS Foundation Trust", "St George's"),
         ("Royal Free London NHS Foundation Trust", "Royal Free"), ("Chelsea and Westminster Hospital NHS Foundation Trust", "Chelwest"),
         ("Lewisham and Greenwich NHS Trust", "LGT"), ("Homerton Healthcare NHS Foundation Trust", "Homerton"),
         ("South London and Maudsley NHS Foundation Trust", "SLaM"), ("Great Ormond Street Hospital", "GOSH")],
        ["London", "Tooting", "Whitechapel", "Camden", "Hammersmith", "Lewisham", "Hackney"]),
    "kss": (
        [("Brighton and Sussex Medical School", "BSMS"), ("Kent and Medway Medical School", "KMMS")],
        [("University Hospitals Sussex NHS Foundation Trust", "UHSussex"), ("East Kent Hospitals University NHS Foundation Trust", "EKHUFT"),
         ("Maidstone and Tunbridge Wells NHS Trust", "MTW"), ("Royal Surrey NHS Foundation Trust", "Royal Surrey"),
         ("Surrey and Sussex Healthcare NHS Trust", "SASH"), ("Medway NHS Foundation Trust", "Medway"),
         ("East Sussex Healthcare NHS Trust", "ESHT")],
        ["Brighton", "Canterbury", "Guildford", "Maidstone", "Crawley", "Hastings", "Margate"]),
    "thames_valley": (
        [("University of Oxford Medical Sciences Division", "Oxford"), ("University of Buckingham Medical School", "Buckingham")],
        [("Oxford University Hospitals NHS Foundation Trust", "OUH"), ("Royal Berkshire NHS Foundation Trust", "RBFT"),
         ("Buckinghamshire Healthcare NHS Trust", "Bucks Healthcare"), ("Milton Keynes University Hospital NHS Foundation Trust", "MKUH"),
         ("Oxford Health NHS Foundation Trust", "Oxford Health")],
        ["Oxford", "Reading", "Milton Keynes", "High Wycombe", "Aylesbury", "Banbury"]),
    "wessex": (
        [("University of Southampton Faculty of Medicine", "Southampton")],
        [("University Hospital Southampton NHS Foundation Trust", "UHS"), ("Portsmouth Hospitals University NHS Trust", "PHU"),
         ("University Hospitals Dorset NHS Foundation Trust", "UHD"), ("Dorset County Hospital NHS Foundation Trust", "DCH"),
         ("Hampshire Hospitals NHS Foundation Trust", "HHFT"), ("Salisbury NHS Foundation Trust", "Salisbury"),
         ("Isle of Wight NHS Trust", "IoW")],
        ["Southampton", "Portsmouth", "Bournemouth", "Winchester", "Basingstoke", "Dorchester"]),
    "south_west": (
        [("University of Bristol Medical School", "Bristol"), ("University of Exeter Medical School", "Exeter"),
         ("Peninsula Medical School, University of Plymouth", "Plymouth")],
        [("North Bristol NHS Trust", "NBT"), ("University Hospitals Bristol and Weston NHS Foundation Trust", "UHBW"),
         ("Royal Devon University Healthcare NHS Foundation Trust", "Royal Devon"), ("University Hospitals Plymouth NHS Trust", "UHP"),
         ("Royal Cornwall Hospitals NHS Trust", "RCHT"), ("Gloucestershire Hospitals NHS Foundation Trust", "GHFT"),
         ("Royal United Hospitals Bath NHS Foundation Trust", "RUH"), ("Somerset NHS Foundation Trust", "Somerset FT"),
         ("Torbay and South Devon NHS Foundation Trust", "Torbay")],
        ["Bristol", "Exeter", "Plymouth", "Truro", "Bath", "Gloucester", "Taunton"]),
    "west_midlands": (
        [("University of Birmingham Medical School", "Birmingham"), ("Keele University School of Medicine", "Keele"),
         ("Warwick Medical School", "Warwick"), ("Aston Medical School", "Aston")],
        [("University Hospitals Birmingham NHS Foundation Trust", "UHB"), ("Sandwell and West Birmingham Hospitals NHS Trust", "SWBH"),
         ("University Hospitals Coventry and Warwickshire NHS Trust", "UHCW"), ("University Hospitals of North Midlands NHS Trust", "UHNM"),
         ("The Royal Wolverhampton NHS Trust", "RWT"), ("Birmingham Women's and Children's NHS Foundation Trust", "BWC"),
         ("Worcestershire Acute Hospitals NHS Trust", "WAHT"), ("Shrewsbury and Telford Hospital NHS Trust", "SaTH")],
        ["Birmingham", "Coventry", "Stoke-on-Trent", "Wolverhampton", "Worcester", "Shrewsbury"]),
    "east_midlands": (
        [("University of Nottingham School of Medicine", "Nottingham"), ("Leicester Medical School", "Leicester"),
         ("Lincoln Medical School", "Lincoln")],
        [("Nottingham University Hospitals NHS Trust", "NUH"), ("University Hospitals of Leicester NHS Trust", "UHL"),
         ("United Lincolnshire Hospitals NHS Trust", "ULHT"), ("University Hospitals of Derby and Burton NHS Foundation Trust", "UHDB"),
         ("Sherwood Forest Hospitals NHS Foundation Trust", "SFH"), ("Northampton General Hospital NHS Trust", "NGH"),
         ("Kettering General Hospital NHS Foundation Trust", "KGH")],
        ["Nottingham", "Leicester", "Derby", "Lincoln", "Northampton", "Mansfield"]),
    "east_of_england": (
        [("University of Cambridge School of Clinical Medicine", "Cambridge"), ("Norwich Medical School, UEA", "UEA"),
         ("Anglia Ruskin University School of Medicine", "ARU")],
        [("Cambridge University Hospitals NHS Foundation Trust", "CUH"), ("Norfolk and Norwich University Hospitals NHS Foundation Trust", "NNUH"),
         ("Royal Papworth Hospital NHS Foundation Trust", "Papworth"), ("East and North Hertfordshire NHS Trust", "ENHT"),
         ("Mid and South Essex NHS Foundation Trust", "MSE"), ("East Suffolk and North Essex NHS Foundation Trust", "ESNEFT"),
         ("West Suffolk NHS Foundation Trust", "WSFT"), ("Bedfordshire Hospitals NHS Foundation Trust", "Beds Hospitals"),
         ("North West Anglia NHS Foundation Trust", "NWAFT")],
        ["Cambridge", "Norwich", "Ipswich", "Chelmsford", "Peterborough", "Stevenage", "Luton"]),
    "north_west": (
        [("University of Manchester Medical School", "Manchester"), ("University of Liverpool School of Medicine", "Liverpool"),
         ("Lancaster Medical School", "Lancaster"), ("Edge Hill University Medical School", "Edge Hill"),
         ("UCLan School of Medicine", "UCLan")],
        [("Manchester University NHS Foundation Trust", "MFT"), ("Northern Care Alliance NHS Foundation Trust", "NCA"),
         ("Liverpool University Hospitals NHS Foundation Trust", "LUHFT"), ("Alder Hey Children's NHS Foundation Trust", "Alder Hey"),
         ("Lancashire Teaching Hospitals NHS Foundation Trust", "LTHTR"), ("Blackpool Teaching Hospitals NHS Foundation Trust", "Blackpool"),
         ("Wirral University Teaching Hospital NHS Foundation Trust", "WUTH"), ("Stockport NHS Foundation Trust", "Stockport"),
         ("The Christie NHS Foundation Trust", "The Christie"), ("Countess of Chester Hospital NHS Foundation Trust", "COCH")],
        ["Manchester", "Liverpool", "Preston", "Lancaster", "Chester", "Blackpool", "Salford", "Bolton"]),
    "yorkshire_humber": (
        [("University of Leeds School of Medicine", "Leeds"), ("University of Sheffield Medical School", "Sheffield"),
         ("Hull York Medical School", "HYMS")],
        [("Leeds Teaching Hospitals NHS Trust", "LTHT"), ("Sheffield Teaching Hospitals NHS Foundation Trust", "STH"),
         ("Hull University Teaching Hospitals NHS Trust", "HUTH"), ("York and Scarborough Teaching Hospitals NHS Foundation Trust", "York & Scarborough"),
         ("Bradford Teaching Hospitals NHS Foundation Trust", "BTHFT"), ("Mid Yorkshire Teaching NHS Trust", "Mid Yorks"),
         ("Doncaster and Bassetlaw Teaching Hospitals NHS Foundation Trust", "DBTH"), ("Sheffield Children's NHS Foundation Trust", "Sheffield Children's"),
         ("Harrogate and District NHS Foundation Trust", "HDFT")],
        ["Leeds", "Sheffield", "York", "Hull", "Bradford", "Wakefield", "Doncaster", "Harrogate"]),
    "north_east": (
        [("Newcastle University School of Medicine", "Newcastle"), ("University of Sunderland School of Medicine", "Sunderland")],
        [("The Newcastle upon Tyne Hospitals NHS Foundation Trust", "NUTH"), ("South Tees Hospitals NHS Foundation Trust", "South Tees"),
         ("County Durham and Darlington NHS Foundation Trust", "CDDFT"), ("Northumbria Healthcare NHS Foundation Trust", "Northumbria"),
         ("Gateshead Health NHS Foundation Trust", "Gateshead"), ("South Tyneside and Sunderland NHS Foundation Trust", "STSFT"),
         ("North Tees and Hartlepool NHS Foundation Trust", "NTH")],
        ["Newcastle", "Sunderland", "Durham", "Middlesbrough", "Gateshead", "Darlington"]),
    "scotland": (
        [("University of Edinburgh Medical School", "Edinburgh"), ("University of Glasgow School of Medicine", "Glasgow"),
         ("University of Aberdeen School of Medicine", "Aberdeen"), ("University of Dundee School of Medicine", "Dundee"),
         ("University of St Andrews School of Medicine", "St Andrews")],
        [("NHS Lothian", "Lothian"), ("NHS Greater Glasgow and Clyde", "NHSGGC"), ("NHS Grampian", "Grampian"),
         ("NHS Tayside", "Tayside"), ("NHS Highland", "Highland"), ("NHS Fife", "Fife"), ("NHS Lanarkshire", "Lanarkshire"),
         ("NHS Ayrshire and Arran", "A&A")],
        ["Edinburgh", "Glasgow", "Aberdeen", "Dundee", "Inverness", "Kirkcaldy", "Ayr"]),
    "wales": (
        [("Cardiff University School of Medicine", "Cardiff"), ("Swansea University Medical School", "Swansea"),
         ("North Wales Medical School, Bangor University", "Bangor")],
        [("Cardiff and Vale University Health Board", "CAVUHB"), ("Swansea Bay University Health Board", "SBUHB"),
         ("Betsi Cadwaladr University Health Board", "BCUHB"), ("Aneurin Bevan University Health Board", "ABUHB"),
         ("Cwm Taf Morgannwg University Health Board", "CTM"), ("Hywel Dda University Health Board", "Hywel Dda")],
        ["Cardiff", "Swansea", "Bangor", "Newport", "Wrexham", "Carmarthen"]),
    "northern_ireland": (
        [("Queen's University Belfast School of Medicine", "QUB"), ("Ulster University School of Medicine", "Ulster")],
        [("Belfast Health and Social Care Trust", "Belfast Trust"), ("South Eastern Health and Social Care Trust", "SEHSCT"),
         ("Northern Health and Social Care Trust", "NHSCT"), ("Western Health and Social Care Trust", "WHSCT"),
         ("Southern Health and Social Care Trust", "SHSCT")],
        ["Belfast", "Derry", "Newry", "Craigavon", "Antrim", "Enniskillen"]),
}
DEANERY = {
    "london": "NHS England London (Deanery)", "kss": "NHS England KSS", "thames_valley": "Thames Valley Deanery",
    "wessex": "Wessex Deanery", "south_west": "Severn/Peninsula deanery", "west_midlands": "NHSE West Midlands",
    "east_midlands": "NHSE East Midlands", "east_of_england": "East of England deanery", "north_west": "HEE North West",
    "yorkshire_humber": "Yorkshire and Humber deanery", "north_east": "Northern Deanery", "scotland": "NES (Scotland)",
    "wales": "HEIW", "northern_ireland": "NIMDTA",
}
AMBULANCE = {
    "london": "London Ambulance Service", "kss": "South East Coast Ambulance Service", "thames_valley": "South Central Ambulance Service",
    "wessex": "South Central Ambulance Service", "south_west": "South Western Ambulance Service", "west_midlands": "West Midlands Ambulance Service",
    "east_midlands": "East Midlands Ambulance Service", "east_of_england": "East of England Ambulance Service",
    "north_west": "North West Ambulance Service", "yorkshire_humber": "Yorkshire Ambulance Service",
    "north_east": "North East Ambulance Service", "scotland": "Scottish Ambulance Service", "wales": "Welsh Ambulance Service",
    "northern_ireland": "Northern Ireland Ambulance Service",
}
# where each organisation is (by its short name), so the towns people mention fit their employer
ORG_CITY = {
    "GSTT": "London", "Barts Health": "Whitechapel", "ICHT": "Hammersmith", "UCLH": "Camden", "King's": "Camberwell",
    "St George's": "Tooting", "Royal Free": "Hampstead", "Chelwest": "Chelsea", "LGT": "Lewisham", "Homerton": "Hackney",
    "SLaM": "Denmark Hill", "GOSH": "London", "Imperial": "London", "UCL": "London", "KCL": "London", "Barts": "Whitechapel",
    "BSMS": "Brighton", "KMMS": "Canterbury", "UHSussex": "Brighton", "EKHUFT": "Canterbury", "MTW": "Maidstone",
    "Royal Surrey": "Guildford", "SASH": "Redhill", "Medway": "Gillingham", "ESHT": "Hastings",
    "Oxford": "Oxford", "Buckingham": "Buckingham", "OUH": "Oxford", "RBFT": "Reading", "Bucks Healthcare": "Aylesbury",
    "MKUH": "Milton Keynes", "Oxford Health": "Oxford",
    "Southampton": "Southampton", "UHS": "Southampton", "PHU": "Portsmouth", "UHD": "Bournemouth", "DCH": "Dorchester",
    "HHFT": "Basingstoke", "Salisbury": "Salisbury", "IoW": "Newport (IoW)",
    "Bristol": "Bristol", "Exeter": "Exeter", "Plymouth": "Plymouth", "NBT": "Bristol", "UHBW": "Bristol",
    "Royal Devon": "Exeter", "UHP": "Plymouth", "RCHT": "Truro", "GHFT": "Gloucester", "RUH": "Bath",
    "Somerset FT": "Taunton", "Torbay": "Torquay",
    "Birmingham": "Birmingham", "Keele": "Stoke-on-Trent", "Warwick": "Coventry", "Aston": "Birmingham",
    "UHB": "Birmingham", "SWBH": "Birmingham", "UHCW": "Coventry", "UHNM": "Stoke-on-Trent", "RWT": "Wolverhampton",
    "BWC": "Birmingham", "WAHT": "Worcester", "SaTH": "Shrewsbury",
    "Nottingham": "Nottingham", "Leicester": "Leicester", "Lincoln": "Lincoln", "NUH": "Nottingham", "UHL": "Leicester",
    "ULHT": "Lincoln", "UHDB": "Derby", "SFH": "Mansfield", "NGH": "Northampton", "KGH": "Kettering",
    "Cambridge": "Cambridge", "UEA": "Norwich", "ARU": "Chelmsford", "CUH": "Cambridge", "NNUH": "Norwich",
    "Papworth": "Cambridge", "ENHT": "Stevenage", "MSE": "Chelmsford", "ESNEFT": "Ipswich", "WSFT": "Bury St Edmunds",
    "Beds Hospitals": "Luton", "NWAFT": "Peterborough",
    "Manchester": "Manchester", "Liverpool": "Liverpool", "Lancaster": "Lancaster", "Edge Hill": "Ormskirk",
    "UCLan": "Preston", "MFT": "Manchester", "NCA": "Salford", "LUHFT": "Liverpool", "Alder Hey": "Liverpool",
    "LTHTR": "Preston", "Blackpool": "Blackpool", "WUTH": "Birkenhead", "Stockport": "Stockport",
    "The Christie": "Manchester", "COCH": "Chester",
    "Leeds": "Leeds", "Sheffield": "Sheffield", "HYMS": "York", "LTHT": "Leeds", "STH": "Sheffield", "HUTH": "Hull",
    "York & Scarborough": "York", "BTHFT": "Bradford", "Mid Yorks": "Wakefield", "DBTH": "Doncaster",
    "Sheffield Children's": "Sheffield", "HDFT": "Harrogate",
    "Newcastle": "Newcastle", "Sunderland": "Sunderland", "NUTH": "Newcastle", "South Tees": "Middlesbrough",
    "CDDFT": "Durham", "Northumbria": "Cramlington", "Gateshead": "Gateshead", "STSFT": "Sunderland",
    "NTH": "Stockton-on-Tees",
    "Edinburgh": "Edinburgh", "Glasgow": "Glasgow", "Aberdeen": "Aberdeen", "Dundee": "Dundee",
    "St Andrews": "St Andrews", "Lothian": "Edinburgh", "NHSGGC": "Glasgow", "Grampian": "Aberdeen",
    "Tayside": "Dundee", "Highland": "Inverness", "Fife": "Kirkcaldy", "Lanarkshire": "Motherwell", "A&A": "Ayr",
    "Cardiff": "Cardiff", "Swansea": "Swansea", "Bangor": "Bangor", "CAVUHB": "Cardiff", "SBUHB": "Swansea",
    "BCUHB": "Bangor", "ABUHB": "Newport", "CTM": "Merthyr Tydfil", "Hywel Dda": "Carmarthen",
    "QUB": "Belfast", "Ulster": "Derry", "Belfast Trust": "Belfast", "SEHSCT": "Dundonald", "NHSCT": "Antrim",
    "WHSCT": "Derry", "SHSCT": "Craigavon",
}
# specialist organisations (by short name) employ only people in these specialties
SPECIALIST_ORGS = {
    "GOSH": ["paediatrics"], "Alder Hey": ["paediatrics"], "Sheffield Children's": ["paediatrics"],
    "BWC": ["paediatrics", "obstetrics_gynaecology"], "SLaM": ["psychiatry"], "Oxford Health": ["psychiatry"],
    "The Christie": ["clinical_oncology", "haematology", "palliative_care"],
    "Papworth": ["cardiology", "cardiothoracic_surgery", "respiratory_medicine"],
}
PRACTICE_WORDS = ["Medical Practice", "Surgery", "Health Centre", "Medical Centre", "Family Practice", "Group Practice"]
PRACTICE_NAMES = ["Riverside", "Park Road", "Oakwood", "The Willows", "Castle Street", "Church Lane", "Brookfield",
                  "Millbrook", "Station Road", "Highfield", "Abbey", "Greenbank", "Elm Tree", "Harbour", "Market Street",
                  "Meadowside", "Valley", "Kingsway", "Beechwood", "Orchard"]

# --------------------------------------------------------------------------- names

NAMES = {
    "english": (8, ["Oliver", "George", "Harry", "Jack", "Charlie", "Thomas", "James", "William", "Henry", "Samuel",
                    "Daniel", "Matthew", "Edward", "Luke", "Ben", "Alex", "Tom", "Joe", "Amelia", "Olivia", "Isla",
                    "Emily", "Sophie", "Grace", "Lucy", "Charlotte", "Hannah", "Ellie", "Jessica", "Rebecca", "Laura",
                    "Katie", "Rachel", "Beth", "Abigail", "Harriet", "Imogen", "Georgina", "Freya", "Poppy", "Megan",
                    "Zoë", "Chloe", "Phoebe", "Rosie", "Nicola", "Claire", "Helen", "Sarah", "Richard", "Andrew",
                    "Simon", "Mark", "Jonathan"],
                ["Smith", "Jones", "Taylor", "Brown", "Wilson", "Johnson", "Davies", "Robinson", "Wright", "Thompson",
                 "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke", "Hughes", "Harrison",
                 "Cooper", "Ward", "Turner", "Hill", "Moore", "Parker", "Bennett", "Fletcher", "Marsh", "Holloway",
                 "Ashworth", "Pickering", "Whitfield", "Lawson", "Barker", "Bradshaw", "Cartwright", "Hargreaves",
                 "Sutcliffe", "Pemberton", "Shaw", "Atkinson"]),
    "scottish": (2, ["Callum", "Euan", "Fraser", "Hamish", "Ewan", "Rory", "Iona", "Eilidh", "Catriona", "Mhairi",
                     "Kirsty", "Ailsa", "Fiona", "Morag", "Alasdair", "Struan"],
                 ["MacDonald", "Campbell", "Stewart", "Robertson", "Murray", "Fraser", "Ross", "Paterson", "McLeod",
                  "Sinclair", "Grant", "Mackenzie", "Ferguson", "Reid", "McIntyre", "Drummond"]),
    "welsh": (1.5, ["Rhys", "Dafydd", "Gethin", "Owain", "Iwan", "Siân", "Ffion", "Cerys", "Carys", "Nia", "Angharad",
                    "Bethan", "Gwen", "Aled", "Lowri", "Elin"],
              ["Jones", "Williams", "Evans", "Lloyd", "Pritchard", "Griffiths", "Rees", "Powell", "Bowen",
               "Llewellyn", "Price", "Morgan", "Vaughan", "Pugh", "Hopkins"]),
    "irish": (1.5, ["Niamh", "Aoife", "Siobhan", "Ciara", "Orla", "Saoirse", "Róisín", "Conor", "Cian", "Pádraig",
                    "Eoin", "Declan", "Seamus", "Oisín", "Aisling", "Ronan"],
              ["O'Brien", "Murphy", "Kelly", "O'Neill", "McCann", "Doherty", "Quinn", "Byrne", "Gallagher", "Walsh",
               "McLaughlin", "O'Connor", "Flanagan", "Donnelly", "McGuinness", "Kavanagh"]),
    "south_asian": (5, ["Priya", "Anjali", "Aisha", "Fatima", "Zara", "Sana", "Ayesha", "Nadia", "Harpreet", "Simran",
                        "Kiran", "Deepa", "Meera", "Arjun", "Rohan", "Raj", "Vikram", "Sanjay", "Imran", "Bilal",
                        "Hamza", "Mohammed", "Usman", "Amir", "Gurpreet", "Jaspreet", "Naveen", "Anil", "Nikhil",
                        "Sunita", "Aditi", "Ishaan", "Tanvir", "Farhana", "Rukhsana", "Arun", "Lakshmi", "Shreya"],
                    ["Patel", "Shah", "Khan", "Singh", "Kaur", "Sharma", "Gupta", "Ahmed", "Hussain", "Begum", "Ali",
                     "Chaudhry", "Iqbal", "Rahman", "Mistry", "Desai", "Kapoor", "Malik", "Bhatt", "Reddy", "Nair",
                     "Menon", "Sandhu", "Gill", "Rao", "Joshi", "Chowdhury", "Islam", "Siddiqui", "Parmar",
                     "Krishnan", "Dhillon", "Mahmood", "Qureshi"]),
    "west_african": (2.5, ["Chidi", "Chiamaka", "Ngozi", "Emeka", "Tolu", "Tolulope", "Femi", "Funmi", "Kemi", "Ayo",
                           "Adaeze", "Obinna", "Kwame", "Kofi", "Ama", "Abena", "Yaw", "Efua", "Ifeoma", "Oluwaseun",
                           "Temi", "Bisi", "Chinedu", "Nkechi"],
                     ["Okafor", "Adeyemi", "Okonkwo", "Adebayo", "Mensah", "Owusu", "Boateng", "Asante", "Obi", "Eze",
                      "Nwosu", "Oyelaran", "Balogun", "Ogunleye", "Afolabi", "Danso", "Oduya", "Agyeman"]),
    "caribbean": (1.5, ["Jermaine", "Tyrone", "Marcus", "Andre", "Keisha", "Tiana", "Shanice", "Jade", "Aaliyah",
                        "Nathaniel", "Daniella", "Curtis", "Marcia", "Delroy"],
                  ["Campbell", "Thomas", "Francis", "Clarke", "Henry", "Grant", "Williams", "Baptiste", "Charles",
                   "Joseph", "Bailey", "Richards", "Samuels", "McKenzie"]),
    "east_asian": (2, ["Wei", "Jun", "Mei", "Ying", "Kai", "Jia", "Yuki", "Hiroshi", "Min-jun", "Ji-woo", "Thanh",
                       "Linh", "Minh", "Xin", "Hui", "Jing", "Kenji", "Hana"],
                   ["Chen", "Wang", "Li", "Zhang", "Liu", "Wong", "Lam", "Cheung", "Tan", "Ng", "Lee", "Kim", "Park",
                    "Nguyen", "Tran", "Tanaka", "Sato", "Chan", "Ho", "Yeung"]),
    "eastern_european": (1.5, ["Katarzyna", "Agnieszka", "Piotr", "Tomasz", "Marta", "Ioana", "Andrei", "Elena",
                               "Mihai", "Natalia", "Dmitri", "Anastasia", "Zuzana", "Lukas", "Jakub", "Alina"],
                         ["Nowak", "Kowalski", "Wiśniewska", "Popescu", "Ionescu", "Horvat", "Novak", "Petrov",
                          "Kovács", "Dvořák", "Zielińska", "Lewandowski", "Marinescu"]),
    "middle_eastern": (1.5, ["Omar", "Layla", "Yusuf", "Zainab", "Karim", "Rania", "Hassan", "Leila", "Tariq", "Nour",
                             "Sami", "Dina", "Farah", "Ali", "Yasmin", "Khalid"],
                       ["Haddad", "Al-Sayed", "Mansour", "Nasser", "Rahimi", "Hosseini", "Karimi", "Abboud",
                        "Farouk", "Khalil", "Saleh", "Darwish", "Al-Amin"]),
    "southern_european": (1.5, ["Giulia", "Marco", "Alessandro", "Sofia", "Lucia", "Mateo", "Carmen", "Javier", "Inês",
                                "João", "Eleni", "Nikos", "Dimitra", "Stavros", "Chiara", "Pablo"],
                          ["Rossi", "Russo", "Esposito", "García", "Fernández", "Martínez", "López", "Silva", "Santos",
                           "Papadopoulos", "Georgiou", "Costa", "Ferreira", "Núñez", "Romano"]),
}

# --------------------------------------------------------------------------- phrases

SPEC_TEXT = {
    "anaesthetics": ["anaesthetics", "anaesthesia", "anaes", "gas", "anesthetics"],
    "cardiology": ["cardiology", "cardio", "cards", "interventional cardiology", "cardiology (esp. heart failure)"],
    "clinical_oncology": ["clinical oncology", "clin onc", "oncology", "radiotherapy/oncology"],
    "dermatology": ["dermatology", "derm", "derms", "skin (dermatology)"],
    "emergency_medicine": ["emergency medicine", "ED", "A&E", "EM", "emergency med"],
    "endocrinology": ["endocrinology", "endo", "diabetes & endo", "D&E", "endocrine"],
    "gastroenterology": ["gastroenterology", "gastro", "GI medicine", "hepatology/gastro", "gastroentrology"],
    "general_practice": ["general practice", "GP", "primary care", "GP land"],
    "general_surgery": ["general surgery", "gen surg", "colorectal surgery", "upper GI surgery", "breast surgery", "general surg"],
    "geriatrics": ["geriatrics", "COTE", "care of the elderly", "elderly care", "geris", "frailty medicine"],
    "haematology": ["haematology", "haem", "haem-onc", "hematology"],
    "infectious_diseases": ["infectious diseases", "ID", "ID/micro", "tropical medicine", "HIV medicine"],
    "intensive_care": ["intensive care", "ITU", "ICU", "critical care", "ICM"],
    "medical_education": ["medical education", "med ed", "meded", "clinical education"],
    "neurology": ["neurology", "neuro", "stroke medicine", "neurology (esp. epilepsy)"],
    "neurosurgery": ["neurosurgery", "neurosurg", "neurosurgery/spinal"],
    "obstetrics_gynaecology": ["obstetrics & gynaecology", "O&G", "obs & gynae", "obs and gynae", "obstetrics",
                               "gynae", "women's health", "O+G"],
    "ophthalmology": ["ophthalmology", "ophthal", "eyes", "opthalmology"],
    "orthopaedics": ["orthopaedics", "T&O", "ortho", "trauma & orthopaedics", "orthopedics"],
    "otolaryngology": ["ENT", "otolaryngology", "ear nose & throat", "ENT surgery"],
    "paediatrics": ["paediatrics", "paeds", "child health", "neonates", "pediatrics", "PICU"],
    "palliative_care": ["palliative care", "pall care", "palliative medicine", "hospice medicine", "end of life care"],
    "pathology": ["pathology", "histopathology", "histopath", "chem path", "path"],
    "plastic_surgery": ["plastic surgery", "plastics", "burns & plastics", "hand surgery"],
    "psychiatry": ["psychiatry", "psych", "mental health", "CAMHS", "old age psych", "liaison psychiatry", "forensic psych"],
    "public_health": ["public health", "population health", "PH medicine", "epidemiology"],
    "radiology": ["radiology", "rads", "IR", "interventional radiology", "imaging"],
    "renal_medicine": ["renal", "renal medicine", "nephrology", "dialysis & transplant"],
    "respiratory_medicine": ["respiratory", "resp", "respiratory medicine", "chest medicine", "resp med"],
    "rheumatology": ["rheumatology", "rheum", "rheumatolgy", "rheumy"],
    "cardiothoracic_surgery": ["cardiothoracic surgery", "cardiothoracics", "CT surgery", "cardiac surgery", "thoracic surgery"],
    "urology": ["urology", "uro", "urology (stones & endourology)"],
    "vascular_surgery": ["vascular surgery", "vascular", "vasc surg"],
    "academic_medicine": ["academic medicine", "clinical academia", "an academic career", "academic training",
                          "the academic track"],
}
FAMILY_WORD = {"surgery": ["surgery", "anything surgical", "surgical specialties"],
               "medicine": ["medicine", "medical specialties", "the medical reg life"],
               "psych": ["psych", "psychiatry"], "gp": ["GP", "general practice"],
               "women_children": ["paeds", "O&G"], "acute": ["ED", "anything acute"],
               "diagnostic": ["radiology", "path"]}

CONSULTANT_TITLE = {
    "anaesthetics": "anaesthetist", "cardiology": "cardiologist", "clinical_oncology": "clinical oncologist",
    "dermatology": "dermatologist", "emergency_medicine": "in emergency medicine", "endocrinology": "endocrinologist",
    "gastroenterology": "gastroenterologist", "general_surgery": "general surgeon", "geriatrics": "geriatrician",
    "haematology": "haematologist", "infectious_diseases": "in infectious diseases", "intensive_care": "intensivist",
    "neurology": "neurologist", "neurosurgery": "neurosurgeon", "obstetrics_gynaecology": "obstetrician and gynaecologist",
    "ophthalmology": "ophthalmologist", "orthopaedics": "orthopaedic surgeon", "otolaryngology": "ENT surgeon",
    "paediatrics": "paediatrician", "palliative_care": "in palliative medicine", "pathology": "histopathologist",
    "plastic_surgery": "plastic surgeon", "psychiatry": "psychiatrist", "public_health": "in public health",
    "radiology": "radiologist", "renal_medicine": "nephrologist", "respiratory_medicine": "respiratory physician",
    "rheumatology": "rheumatologist", "cardiothoracic_surgery": "cardiothoracic surgeon", "urology": "urologist",
    "vascular_surgery": "vascular surgeon",
}
CORE_GRADE = {  # primary specialty -> core grade strings ({n} = year); True if the grade names the specialty
    "medicine": (["IMT{n}", "IMT{n} doctor", "internal medicine trainee (IMT{n})"], False),
    "surgery": (["CT{n} core surgical trainee", "core surgical trainee (CT{n})", "CST{n}"], False),
    "anaesthetics": (["CT{n} anaesthetics", "core anaesthetics trainee (CT{n})", "ACCS anaesthetics CT{n}"], True),
    "intensive_care": (["ST{n} ICM", "ACCS CT{n} (aiming for ICM)"], True),
    "emergency_medicine": (["ACCS EM CT{n}", "ST{n} emergency medicine", "EM trainee, ACCS CT{n}"], True),
    "psychiatry": (["CT{n} psychiatry", "core psych trainee (CT{n})"], True),
    "paediatrics": (["ST{n} paediatrics", "paeds ST{n}"], True),
    "obstetrics_gynaecology": (["ST{n} O&G", "ST{n} in obs & gynae"], True),
    "general_practice": (["GPST{n}", "GP trainee (ST{n})", "GPST{n} trainee"], True),
    "radiology": (["ST{n} radiology", "radiology ST{n}"], True),
    "ophthalmology": (["OST{n} ophthalmology", "ST{n} ophthalmology"], True),
    "neurosurgery": (["ST{n} neurosurgery"], True),
    "public_health": (["ST{n} public health registrar"], True),
    "pathology": (["ST{n} histopathology", "ST{n} histopath"], True),
}

EXAMS_CORE = {
    "medicine": ["MRCP", "MRCP Part 1", "MRCP Part 2", "PACES", "MRCP(UK)"],
    "surgery": ["MRCS", "MRCS Part A", "MRCS Part B", "the MRCS OSCE"],
    "anaesthetics": ["FRCA primary", "the Primary FRCA", "FRCA primary MCQ and SOE"],
    "intensive_care": ["FRCA primary", "MRCP Part 1", "the Primary FRCA"],
    "emergency_medicine": ["MRCEM", "MRCEM Primary", "MRCEM SBA", "the MRCEM OSCE"],
    "psychiatry": ["MRCPsych", "MRCPsych Paper A", "the CASC"],
    "obstetrics_gynaecology": ["MRCOG", "MRCOG Part 1", "MRCOG Part 2"],
    "paediatrics": ["MRCPCH", "MRCPCH FOP", "MRCPCH clinical"],
    "general_practice": ["MRCGP AKT", "the AKT", "the SCA", "MRCGP"],
    "radiology": ["FRCR Part 1", "FRCR 2A"],
    "pathology": ["FRCPath Part 1"],
    "ophthalmology": ["FRCOphth Part 1", "Part 1 FRCOphth"],
    "otolaryngology": ["MRCS", "DOHNS", "MRCS (ENT)"],
    "public_health": ["DFPH", "MFPH Part A"],
}
EXAMS_SENIOR = {
    "medicine": ["the SCE", "the specialty certificate exam", "my SCE"],
    "surgery": ["FRCS", "the FRCS exit exam", "FRCS Section 2"],
    "anaesthetics": ["Final FRCA", "the Final FRCA SOE"],
    "intensive_care": ["FFICM", "the FFICM final"],
    "emergency_medicine": ["FRCEM", "the FRCEM final"],
    "psychiatry": ["the CASC", "MRCPsych CASC"],
    "obstetrics_gynaecology": ["MRCOG Part 3"],
    "paediatrics": ["MRCPCH clinical", "the START assessment"],
    "general_practice": ["the SCA", "MRCGP SCA"],
    "radiology": ["FRCR 2B", "FRCR final"],
    "pathology": ["FRCPath Part 2"],
    "ophthalmology": ["FRCOphth Part 2"],
    "otolaryngology": ["FRCS (ORL-HNS)"],
    "public_health": ["the MFPH OSPHE"],
}
EXAMS_STUDENT = ["finals", "the UKMLA", "the UKMLA AKT", "OSCEs", "the PSA", "end-of-year exams", "the CPSA"]
EXAMS_NURSE = ["my MSc modules", "the non-medical prescribing exam", "my ACP modules", "the NMP course exams"]

HOBBIES = {  # canonical -> (weight, tag variants, text phrases)
    "running": (10, ["running", "parkrun"], ["running", "parkrun every Saturday", "running (slowly!)", "marathon training", "trail running"]),
    "cycling": (8, ["cycling", "road cycling", "mountain biking"], ["cycling", "road cycling", "mountain biking", "getting out on my bike"]),
    "swimming": (5, ["swimming", "wild swimming"], ["swimming", "sea swimming", "wild swimming", "open water swimming"]),
    "hiking": (7, ["hiking", "hillwalking"], ["hiking", "hillwalking", "fell walking", "long walks in the hills"]),
    "climbing": (4, ["climbing", "bouldering"], ["climbing", "bouldering", "indoor climbing"]),
    "yoga": (5, ["yoga"], ["yoga", "hot yoga", "yoga and pilates"]),
    "football": (5, ["football", "five-a-side"], ["football", "five-a-side", "watching the football", "playing five-a-side"]),
    "rugby": (3, ["rugby"], ["rugby", "touch rugby", "watching the rugby"]),
    "netball": (3, ["netball"], ["netball", "the hospital netball team"]),
    "hockey": (2.5, ["hockey"], ["hockey", "playing hockey for a local club"]),
    "cricket": (2.5, ["cricket"], ["cricket", "village cricket"]),
    "tennis": (3, ["tennis"], ["tennis", "tennis (and a bit of padel)"]),
    "badminton": (2, ["badminton"], ["badminton"]),
    "rowing": (2, ["rowing"], ["rowing", "rowing on the river"]),
    "sailing": (1.5, ["sailing"], ["sailing", "dinghy sailing"]),
    "triathlon": (1.5, ["triathlon"], ["triathlon", "triathlons"]),
    "martial arts": (2, ["martial arts", "karate"], ["martial arts", "karate", "Brazilian jiu-jitsu", "taekwondo"]),
    "boxing": (1.5, ["boxing"], ["boxing", "boxing classes"]),
    "gym": (5, ["gym", "weightlifting"], ["the gym", "weightlifting", "lifting at the gym", "CrossFit"]),
    "skiing": (2, ["skiing"], ["skiing", "ski trips"]),
    "surfing": (1.5, ["surfing"], ["surfing", "cold-water surfing"]),
    "golf": (1.5, ["golf"], ["golf"]),
    "line dancing": (2, ["line dancing"], ["line dancing"]),
    "salsa": (2, ["salsa"], ["salsa", "salsa dancing"]),
    "ballet": (1, ["ballet"], ["ballet", "adult ballet classes"]),
    "ballroom dancing": (1.5, ["ballroom dancing"], ["ballroom dancing", "ballroom and latin"]),
    "choir": (3, ["choir", "singing"], ["singing in a choir", "choir", "a community choir"]),
    "piano": (3, ["piano"], ["piano", "playing the piano"]),
    "guitar": (3, ["guitar"], ["guitar", "playing guitar (badly)"]),
    "violin": (1.5, ["violin", "orchestra"], ["violin", "playing violin in an amateur orchestra"]),
    "drums": (1, ["drums"], ["drums", "drumming in a covers band"]),
    "live music": (4, ["live music", "gigs"], ["live music", "gigs", "going to gigs", "festivals"]),
    "photography": (3, ["photography"], ["photography", "film photography"]),
    "painting": (2, ["painting", "watercolours"], ["painting", "watercolours", "life drawing"]),
    "pottery": (1.5, ["pottery"], ["pottery", "ceramics classes"]),
    "knitting": (2, ["knitting", "crochet"], ["knitting", "crochet", "knitting on night shifts"]),
    "creative writing": (1.5, ["creative writing", "writing"], ["creative writing", "writing short stories"]),
    "theatre": (3, ["theatre"], ["theatre", "musical theatre", "am-dram", "the theatre"]),
    "film": (2.5, ["film", "cinema"], ["film", "the cinema", "old films"]),
    "reading": (6, ["reading", "books"], ["reading", "crime novels", "my book club", "fantasy novels"]),
    "podcasts": (1, ["podcasts"], ["podcasts", "true-crime podcasts"]),
    "languages": (1.5, ["languages"], ["learning languages", "my Duolingo Spanish streak"]),
    "baking": (5, ["baking", "sourdough"], ["baking", "sourdough", "Bake Off-style baking", "baking for the ward"]),
    "cooking": (5, ["cooking", "food"], ["cooking", "trying new recipes", "cooking for friends"]),
    "board games": (3, ["board games"], ["board games", "board game nights"]),
    "chess": (1.5, ["chess"], ["chess", "online chess"]),
    "video games": (3, ["gaming", "video games"], ["gaming", "video games"]),
    "pub quizzes": (1.5, ["quizzes", "pub quizzes"], ["pub quizzes", "quiz nights"]),
    "gardening": (3, ["gardening", "allotment"], ["gardening", "my allotment"]),
    "birdwatching": (1, ["birdwatching", "birding"], ["birdwatching", "birding"]),
    "dog walking": (3, ["dogs", "dog walking"], ["walking my dog", "long dog walks", "my spaniel"]),
    "travel": (5, ["travel", "travelling"], ["travel", "travelling", "backpacking"]),
    "camping": (1.5, ["camping"], ["camping", "wild camping"]),
    "volunteering": (2, ["volunteering"], ["volunteering", "volunteering with St John Ambulance", "volunteering at a food bank"]),
    "comedy": (1, ["comedy", "improv"], ["stand-up comedy", "improv"]),
    "scuba diving": (1, ["scuba diving", "diving"], ["scuba diving"]),
    "horse riding": (1.5, ["horse riding"], ["horse riding"]),
    "crosswords": (1, ["crosswords"], ["cryptic crosswords"]),
}

NURSE_ROLES = [  # (title, weight, specialties the role works in)
    ("midwife", 3, ["obstetrics_gynaecology"]),
    ("community midwife", 1, ["obstetrics_gynaecology"]),
    ("staff nurse", 3, ["intensive_care", "emergency_medicine", "general_surgery", "cardiology", "respiratory_medicine",
                        "geriatrics", "renal_medicine", "haematology"]),
    ("senior sister", 1.5, ["emergency_medicine", "intensive_care", "cardiology", "paediatrics"]),
    ("charge nurse", 1, ["emergency_medicine", "intensive_care", "orthopaedics", "psychiatry"]),
    ("clinical nurse specialist", 2, ["clinical_oncology", "palliative_care", "respiratory_medicine", "endocrinology",
                                      "rheumatology", "gastroenterology", "neurology", "dermatology", "urology", "haematology"]),
    ("advanced nurse practitioner", 1.5, ["emergency_medicine", "general_practice", "intensive_care", "geriatrics", "paediatrics"]),
    ("mental health nurse", 1.5, ["psychiatry"]),
    ("children's nurse", 1.5, ["paediatrics"]),
    ("practice nurse", 1, ["general_practice"]),
    ("practice educator", 0.7, ["medical_education"]),
]
AHP_ROLES = [  # (title, weight, specialties, HCPC prefix or None = not HCPC registered, never a mentor here)
    ("physiotherapist", 3, ["orthopaedics", "respiratory_medicine", "neurology", "intensive_care", "rheumatology", "geriatrics"], "PH"),
    ("paramedic", 2, ["emergency_medicine", "general_practice"], "PA"),
    ("diagnostic radiographer", 1.5, ["radiology"], "RA"),
    ("sonographer", 1, ["radiology", "obstetrics_gynaecology"], "RA"),
    ("therapeutic radiographer", 0.7, ["clinical_oncology"], "RA"),
    ("occupational therapist", 1.5, ["geriatrics", "psychiatry", "neurology", "orthopaedics"], "OT"),
    ("speech and language therapist", 1, ["otolaryngology", "neurology", "paediatrics"], "SL"),
    ("dietitian", 1, ["gastroenterology", "endocrinology", "renal_medicine", "paediatrics"], "DT"),
    ("podiatrist", 0.6, ["vascular_surgery", "endocrinology", "orthopaedics"], "CH"),
    ("clinical pharmacist", 2, ["cardiology", "infectious_diseases", "haematology", "clinical_oncology", "general_practice",
                                "intensive_care", "geriatrics", "psychiatry"], None),
    ("operating department practitioner", 0.8, ["anaesthetics", "general_surgery"], None),
]
GP_EXTRAS = ["medical_education", "dermatology", "palliative_care", "psychiatry", "public_health", "paediatrics",
             "obstetrics_gynaecology", "geriatrics", "academic_medicine", "emergency_medicine"]

# --------------------------------------------------------------------------- latent model


@dataclass
class Latent:
    email: str
    name: str
    stage: str
    rank: int
    region: str
    organisation: str
    role: str
    specialties: list[str]
    goals: list[str]
    offers: list[str]
    hobbies: list[str]
    in_person: bool
    offers_mentoring: bool
    capacity: int
    registration_number: str
    rotation: str = ""
    avoid: list[str] = field(default_factory=list)
    no_tags: bool = False


@dataclass
class Population:
    rows: list[dict[str, str]]
    people: dict[str, Latent]
    seed: int = 0

    def relevance_parts(self, mentee: str, mentor: str, kind: str = "mentor") -> dict[str, int]:
        parts = {"specialties": 0, "goals": 0, "region": 0, "hobbies": 0}
        if kind not in ("mentor", "peer"):
            raise ValueError(f"kind must be 'mentor' or 'peer', not {kind!r}")
        if mentee == mentor:
            return parts
        a, b = self.people[mentee], self.people[mentor]
        if kind == "mentor":
            if not b.offers_mentoring or b.rank <= a.rank:
                return parts
            helped = len(set(a.goals) & set(b.offers))
            parts["goals"] = 0 if helped == 0 else (2 if 2 * helped >= len(a.goals) else 1)
        else:
            if abs(a.rank - b.rank) > 1:
                return parts
            shared_goals = len(set(a.goals) & set(b.goals))
            parts["goals"] = min(shared_goals, 2)
        shared = len(set(a.specialties) & set(b.specialties))
        parts["specialties"] = 0 if shared == 0 else (2 if shared == 1 else 3)
        parts["region"] = int(a.region == b.region and (a.in_person or b.in_person))
        parts["hobbies"] = int(bool(set(a.hobbies) & set(b.hobbies)))
        return parts

    def relevance(self, mentee: str, mentor: str, kind: str = "mentor") -> int:
        return sum(self.relevance_parts(mentee, mentor, kind).values())


# --------------------------------------------------------------------------- helpers


def _wchoice(rng: random.Random, weights: dict):
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _wsample(rng: random.Random, weights: dict, k: int) -> list:
    pool = {key: w for key, w in weights.items() if w > 0}
    out = []
    while pool and len(out) < k:
        pick = _wchoice(rng, pool)
        out.append(pick)
        del pool[pick]
    return out


def _surface(rng: random.Random, options: list[str], first: float = 0.4) -> str:
    if len(options) == 1 or rng.random() < first:
        return options[0]
    return rng.choice(options[1:])


def _join(items: list[str], rng: random.Random | None = None) -> str:
    items = [i for i in items if i]
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    conj = " and "
    if rng is not None and rng.random() < 0.2:
        conj = " & "
    return ", ".join(items[:-1]) + conj + items[-1]


def _an(phrase: str) -> str:
    """'a' or 'an' before ``phrase`` (acronyms by their letter names)."""
    word = phrase.split(" ")[0].strip("(")
    if not word:
        return "a"
    letters = re.sub(r"[^A-Za-z]", "", word)
    if len(letters) >= 2 and letters.isupper():
        return "an" if letters[0] in "AEFHILMNORSX" else "a"
    low = word.lower()
    if low.startswith(("uro", "uni", "use", "eu", "one")):
        return "a"
    return "an" if low[0] in "aeiou" else "a"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z-]", "", folded.lower())


def _typo(rng: random.Random, text: str) -> str:
    words = text.split(" ")
    idx = [i for i, w in enumerate(words) if len(w) >= 6 and w.isalpha()]
    if not idx:
        return text
    i = rng.choice(idx)
    w = words[i]
    j = rng.randrange(1, len(w) - 2)
    kind = rng.random()
    if kind < 0.4:
        w = w[:j] + w[j + 1] + w[j] + w[j + 2:]
    elif kind < 0.75:
        w = w[:j] + w[j + 1:]
    else:
        w = w[:j] + w[j] + w[j:]
    words[i] = w
    return " ".join(words)


def _family_of(spec: str) -> str:
    return FAMILY.get(spec, "medicine")


def _exam_family(spec: str) -> str:
    if spec in EXAMS_CORE:
        return spec
    fam = _family_of(spec)
    return fam if fam in EXAMS_CORE else "medicine"


# --------------------------------------------------------------------------- the generator


class _Builder:
    def __init__(self, seed: int, size: int):
        self.rng = random.Random(seed)
        self.seed = seed
        self.size = size

    # -- latent ---------------------------------------------------------------

    def name(self) -> tuple[str, str]:
        rng = self.rng
        bg = _wchoice(rng, {k: v[0] for k, v in NAMES.items()})
        first = rng.choice(NAMES[bg][1])
        if rng.random() < 0.22:
            bg = _wchoice(rng, {k: v[0] for k, v in NAMES.items()})
        last = rng.choice(NAMES[bg][2])
        if rng.random() < 0.05:
            last = f"{last}-{rng.choice(NAMES[_wchoice(rng, {k: v[0] for k, v in NAMES.items()})][2])}"
        return first, last

    def related(self, chosen: list[str], exclude=()) -> str:
        rng = self.rng
        base = rng.choice(chosen)
        r = rng.random()
        if r < 0.25 and base in LINKS:
            cand = [s for s in LINKS[base] if s not in chosen and s not in exclude]
            if cand:
                return rng.choice(cand)
        if r < 0.55:
            fam = _family_of(base)
            cand = {s: SPEC_POP[s] for s in SPECIALTIES if FAMILY.get(s) == fam and s not in chosen and s not in exclude}
            if cand:
                return _wchoice(rng, cand)
        cand = {s: w for s, w in SPEC_POP.items() if s not in chosen and s not in exclude}
        return _wchoice(rng, cand)

    def specialties(self, stage: str) -> tuple[list[str], str]:
        """Returns (specialties, role title for nurses/AHPs or '')."""
        rng = self.rng
        role = ""
        n_extra = _wchoice(rng, {0: 0.45, 1: 0.4, 2: 0.15})
        if stage in ("medical_student", "foundation_doctor"):
            specs = [_wchoice(rng, SPEC_POP)]
            n_extra = _wchoice(rng, {0: 0.35, 1: 0.45, 2: 0.2})
        elif stage in ("core_trainee", "specialty_trainee", "sas_doctor", "consultant"):
            pool = {s: w for s, w in SPEC_POP.items() if s not in EXTRA_ACADEMIC}
            if stage in ("sas_doctor", "consultant"):
                pool.pop("general_practice")
            specs = [_wchoice(rng, pool)]
            if rng.random() < 0.35:
                specs.append(rng.choice(EXTRA_ACADEMIC))
                n_extra = max(0, n_extra - 1)
        elif stage == "gp":
            specs = ["general_practice"]
            if rng.random() < 0.6:
                specs.append(rng.choice(GP_EXTRAS))
            n_extra = 1 if rng.random() < 0.15 else 0
        else:
            roles = NURSE_ROLES if stage == "nurse_midwife" else AHP_ROLES
            idx = _wchoice(rng, {i: r[1] for i, r in enumerate(roles)})
            role, opts = roles[idx][0], roles[idx][2]
            specs = [rng.choice(opts)]
            for _ in range(_wchoice(rng, {0: 0.55, 1: 0.35, 2: 0.1})):
                r = rng.random()
                spare = [s for s in opts if s not in specs]
                if r < 0.5 and spare:
                    specs.append(rng.choice(spare))
                elif r < 0.8 and "medical_education" not in specs:
                    specs.append("medical_education")
                else:
                    specs.append(self.related(specs))
            n_extra = 0
        for _ in range(n_extra):
            if len(specs) >= 3:
                break
            specs.append(self.related(specs))
        return specs, role

    def goals(self, stage: str, specs: list[str]) -> list[str]:
        rng = self.rng
        w = {g: GOAL_W[stage].get(g, 0) for g in GOALS}
        if "academic_medicine" in specs:
            w["research"] = w["research"] + 4
        if "medical_education" in specs:
            w["teaching"] = w["teaching"] + 4
        if "public_health" in specs or "infectious_diseases" in specs:
            w["global_health"] = w["global_health"] + 2
        k = _wchoice(rng, {1: 0.3, 2: 0.45, 3: 0.25})
        return _wsample(rng, w, k)

    def offers(self, stage: str, specs: list[str]) -> list[str]:
        rng = self.rng
        w = {g: OFFER_W[stage].get(g, 0) for g in GOALS}
        if "academic_medicine" in specs:
            w["research"] = w["research"] + 5
        if "medical_education" in specs:
            w["teaching"] = w["teaching"] + 5
        k = _wchoice(rng, {2: 0.3, 3: 0.35, 4: 0.25, 5: 0.1})
        return _wsample(rng, w, k)

    def hobbies(self) -> list[str]:
        k = _wchoice(self.rng, {1: 0.3, 2: 0.45, 3: 0.25})
        return _wsample(self.rng, {h: v[0] for h, v in HOBBIES.items()}, k)

    def organisation(self, stage: str, region: str, role: str, main: str) -> tuple[str, str, str]:
        """(organisation as written, full name, city)."""
        rng = self.rng
        schools, trusts, towns = PLACES[region]
        city = rng.choice(towns)
        if stage == "medical_student":
            full, short = rng.choice(schools)
            written = full if rng.random() < 0.7 else short
            return written, full, ORG_CITY.get(short, city)
        if stage == "gp":
            full = f"{rng.choice(PRACTICE_NAMES)} {rng.choice(PRACTICE_WORDS)}, {city}"
            return full, full, city
        if role == "practice nurse":
            full = f"{rng.choice(PRACTICE_NAMES)} {rng.choice(PRACTICE_WORDS)}"
            return full, full, city
        if role == "paramedic":
            full = AMBULANCE[region]
            return full, full, city
        if stage in ("core_trainee", "specialty_trainee") and rng.random() < 0.1:
            return DEANERY[region], DEANERY[region], city
        specialist = [t for t in trusts if main in SPECIALIST_ORGS.get(t[1], [])]
        general = [t for t in trusts if t[1] not in SPECIALIST_ORGS]
        full, short = rng.choice(specialist if specialist and rng.random() < 0.4 else general)
        written = full if rng.random() < 0.75 else short
        return written, full, ORG_CITY.get(short, city)

    def registration(self, stage: str, role: str, region: str, used: set) -> str:
        rng = self.rng
        while True:
            if stage == "nurse_midwife":
                year = rng.choice(list(range(85, 100)) + list(range(0, 24)))
                country = {"scotland": "S", "wales": "W", "northern_ireland": "N"}.get(region, "E")
                if rng.random() < 0.08:
                    country = "O"
                reg = f"{year:02d}{rng.choice('ABCDEFGHIJKL')}{rng.randrange(10000):04d}{country}"
            elif stage == "allied_health":
                prefix = next(r[3] for r in AHP_ROLES if r[0] == role)
                digits = rng.choice([5, 6])
                reg = f"{prefix}{rng.randrange(10 ** (digits - 1), 10 ** digits)}"
            else:
                reg = str(rng.randrange(2_000_000, 7_999_999))
            if reg not in used:
                used.add(reg)
                return reg

    def person(self, index: int, used_regs: set) -> tuple[Latent, dict]:
        rng = self.rng
        stage = _wchoice(rng, STAGE_WEIGHTS)
        region = _wchoice(rng, REGION_WEIGHTS)
        first, last = self.name()
        email = f"{_ascii(first)}.{_ascii(last)}.{index}@outside.example"
        specs, role = self.specialties(stage)
        goals = self.goals(stage, specs)
        mentor = rng.random() < MENTOR_PROB[stage]
        if stage == "allied_health" and next(r[3] for r in AHP_ROLES if r[0] == role) is None:
            mentor = False
        offers = self.offers(stage, specs) if mentor else []
        capacity = _wchoice(rng, CAPACITY_W) if mentor else 0
        reg = self.registration(stage, role, region, used_regs) if mentor else ""
        hobbies = self.hobbies()
        in_person = rng.random() < IN_PERSON_RATE
        org_written, org_full, city = self.organisation(stage, region, role, specs[0])
        title = ""
        if stage != "medical_student" and rng.random() < 0.08 and STAGE_RANK[stage] >= 1 and stage not in ("nurse_midwife", "allied_health"):
            title = "Dr "
        name = f"{title}{first} {last}"
        latent = Latent(email=email, name=name, stage=stage, rank=STAGE_RANK[stage], region=region,
                        organisation=org_full, role=role, specialties=specs, goals=goals, offers=offers,
                        hobbies=hobbies, in_person=in_person, offers_mentoring=mentor, capacity=capacity,
                        registration_number=reg)
        ctx = {"org": org_written, "city": city, "first": first}
        return latent, ctx

    # -- visible --------------------------------------------------------------

    def spec_phrase(self, spec: str) -> str:
        return _surface(self.rng, SPEC_TEXT[spec], first=0.35)

    def exam_phrase(self, p: Latent, for_juniors: bool = False) -> str:
        rng = self.rng
        main = p.specialties[0]
        if for_juniors:
            if p.stage in ("nurse_midwife", "allied_health"):
                return rng.choice(["OSCE prep", "clinical exams", "OSCEs", "practical exams"])
            if p.stage == "foundation_doctor":
                return rng.choice(["finals", "the UKMLA", "OSCEs", "the PSA"])
            if main == "general_practice" or p.stage == "gp":
                return rng.choice(["the AKT", "MRCGP AKT", "the SCA", "finals and the PSA", "MRCGP"])
            return rng.choice(EXAMS_CORE[_exam_family(main)])
        if p.stage == "medical_student":
            return rng.choice(EXAMS_STUDENT)
        if p.stage in ("nurse_midwife", "allied_health"):
            return rng.choice(EXAMS_NURSE)
        if p.stage == "foundation_doctor":
            target = rng.choice(p.specialties)
            return rng.choice(EXAMS_CORE[_exam_family(target)])
        if p.stage == "specialty_trainee":
            fam = _exam_family(main)
            return rng.choice(EXAMS_SENIOR.get(fam, EXAMS_SENIOR["medicine"]))
        return rng.choice(EXAMS_CORE[_exam_family(main)])

    def goal_np(self, goal: str, p: Latent, offering: bool = False) -> str:
        """A noun phrase for a goal: what a mentee wants help with, or what a mentor helps with."""
        rng = self.rng
        st = p.stage
        spec = self.spec_phrase(p.specialties[0])
        if goal == "career_planning":
            opts = ["career planning", "career direction", "career advice", "choosing a specialty", "career options"]
            if st == "foundation_doctor":
                opts += ["whether to take an F3", "what to do after FY2", "F3 options"]
            if st == "medical_student":
                opts += ["working out which specialty suits me", "what to do after graduating"]
            if st in ("sas_doctor", "specialty_trainee", "core_trainee"):
                opts += ["next career steps", "where to go from here"]
            if st in ("nurse_midwife", "allied_health"):
                opts += ["career progression", "next steps in my career", "moving up a band"]
            if offering:
                opts = ["career planning", "careers advice", "choosing a specialty", "career decisions",
                        "thinking through career options", "changing direction"]
            return rng.choice(opts)
        if goal == "specialty_applications":
            if offering:
                if p.stage in ("nurse_midwife", "allied_health", "foundation_doctor"):
                    return rng.choice(["applications and interviews", "the Foundation Programme application",
                                       "SFP/academic foundation applications", "interview prep"])
                return rng.choice(["specialty applications", "interview practice", "ST3 interview prep",
                                   "CT1/ST1 applications", "national recruitment", "application forms and interviews",
                                   "SFP/academic foundation applications", "portfolio self-scoring for applications"])
            if st == "medical_student":
                return rng.choice(["the Foundation Programme application", "SFP/academic foundation applications",
                                   "the SFP white space questions", "UKFPO preferencing", "the academic foundation programme application"])
            if st == "foundation_doctor":
                return rng.choice([f"{spec} applications", "the MSRA", "CT1/ST1 applications", "IMT application",
                                   "core surgical training interview", "specialty interview prep", "self-assessment scoring"])
            if st == "core_trainee":
                return rng.choice(["ST3 applications", "national recruitment", f"the ST3 {spec} interview",
                                   "ST3 interview prep", "portfolio scoring for ST3"])
            if st == "specialty_trainee":
                return rng.choice(["consultant interviews", "consultant job applications", "post-CCT fellowship applications"])
            if st == "sas_doctor":
                return rng.choice(["applying for a training post", "getting back onto a training programme", "specialty training applications"])
            return rng.choice(["applying for ACP posts", "band 7 interviews", "applying for a specialist role", "job applications"])
        if goal == "research":
            opts = ["research", "getting published", "publications", "writing up a case report", "a first-author paper",
                    "presenting posters at conferences", "systematic reviews"]
            if st == "medical_student":
                opts += ["my intercalated BSc project", "finding a research project"]
            if st in ("core_trainee", "specialty_trainee"):
                opts += ["PhD applications", "going OOPR", "an NIHR ACF/ACL"]
            if offering:
                opts = ["research", "getting published", "writing papers", "research projects", "academic writing",
                        "PhD and fellowship applications", "getting a first publication"]
            return rng.choice(opts)
        if goal == "audit_qi":
            opts = ["audit", "QIP", "a QI project", "quality improvement", "closing the loop on an audit", "audit/QI",
                    "my QIP"]
            if offering:
                opts = ["audit", "QIPs", "quality improvement", "audit and QI projects", "QI methodology"]
            return rng.choice(opts)
        if goal == "exams":
            exam = self.exam_phrase(p, for_juniors=offering)
            if offering:
                return rng.choice([f"{exam} revision", f"{exam} prep", exam, f"{exam} practice"])
            return rng.choice([exam, f"{exam} revision", f"passing {exam}", f"prep for {exam}"])
        if goal == "portfolio":
            if offering:
                opts = ["portfolio prep", "ePortfolio", "ARCP prep", "portfolio building", "getting ready for ARCP"]
                if st in ("sas_doctor", "consultant"):
                    opts += ["CESR/portfolio pathway applications", "the portfolio pathway"]
                return rng.choice(opts)
            if st == "medical_student":
                return rng.choice(["building a portfolio", "portfolio building for FP applications"])
            if st == "foundation_doctor":
                return rng.choice(["Horus ePortfolio", "my ePortfolio", "ARCP sign-off", "getting SLEs and TABs done", "ARCP"])
            if st in ("core_trainee", "specialty_trainee"):
                return rng.choice(["my ePortfolio", "ARCP", "getting my portfolio ready for ARCP", "Kaizen", "ISCP portfolio"])
            if st == "sas_doctor":
                return rng.choice(["CESR", "the portfolio pathway (CESR)", "my CESR portfolio", "portfolio for the specialist register"])
            if st == "nurse_midwife":
                return rng.choice(["NMC revalidation", "my ACP portfolio", "revalidation portfolio"])
            return rng.choice(["my CPD portfolio", "HCPC CPD audit", "my capabilities portfolio", "appraisal portfolio"])
        if goal == "teaching":
            opts = ["teaching", "teaching skills", "teaching fellow jobs", "a PGCert in med ed", "running teaching sessions",
                    "near-peer teaching"]
            if st in ("gp",):
                opts += ["becoming a GP trainer", "teaching medical students"]
            if offering:
                opts = ["teaching", "teaching skills", "teaching fellow roles", "getting into medical education",
                        "PGCert/med ed qualifications", "giving good teaching"]
            return rng.choice(opts)
        if goal == "leadership":
            opts = ["leadership", "leadership roles", "management", "clinical leadership", "the FMLM fellowship"]
            if st in ("specialty_trainee", "core_trainee"):
                opts += ["chief registrar roles", "becoming a trainee rep"]
            if st == "medical_student":
                opts += ["leading a student society", "student leadership roles"]
            if st == "nurse_midwife":
                opts += ["becoming a ward manager", "moving into a band 7 leadership role"]
            if st in ("consultant", "gp"):
                opts += ["clinical director roles", "medical management", "board-level leadership"]
            if offering:
                opts = ["leadership", "leadership and management", "leadership roles", "stepping into management",
                        "NHS leadership"]
            return rng.choice(opts)
        if goal == "wellbeing":
            opts = ["wellbeing", "burnout", "wellbeing/burnout", "work-life balance", "imposter syndrome", "resilience",
                    "coping with nights", "managing stress"]
            if offering:
                opts = ["wellbeing", "burnout", "work-life balance", "wellbeing and burnout", "imposter syndrome",
                        "looking after yourself"]
            return rng.choice(opts)
        if goal == "innovation":
            return rng.choice(["innovation", "digital health", "health tech", "AI in healthcare", "clinical informatics",
                               "entrepreneurship", "med tech startups"])
        if goal == "global_health":
            return rng.choice(["global health", "humanitarian work", "global health/humanitarian", "MSF", "working abroad",
                               "the DTM&H", "humanitarian medicine", "working overseas"])
        if goal == "less_than_full_time":
            opts = ["LTFT", "less than full time training", "part-time training", "going LTFT", "flexible training",
                    "balancing training with kids"]
            if st in ("nurse_midwife", "allied_health", "gp", "consultant", "sas_doctor"):
                opts = ["part-time working", "flexible working", "going part-time", "LTFT", "job planning around family"]
            return rng.choice(opts)
        if goal == "networking":
            return rng.choice(["networking", f"meeting people in {spec}", "building contacts", "getting known in the specialty",
                               "networking at conferences", "making connections"])
        if goal == "clinical_skills":
            opts = ["clinical skills", "practical procedures", "cannulas and ABGs", "suturing", "procedures",
                    "examination skills", "confidence on call", "point-of-care ultrasound"]
            if st in ("nurse_midwife", "allied_health"):
                opts = ["advanced clinical skills", "clinical assessment skills", "history taking and examination",
                        "clinical skills", "independent prescribing"]
            if offering:
                opts = ["clinical skills", "practical procedures", "procedural skills", "ultrasound skills", "clinical exam skills"]
            return rng.choice(opts)
        raise KeyError(goal)

    MENTEE_VP = {
        "career_planning": ["figure out which specialty suits me", "work out my next step", "plan my career",
                            "decide what to do after foundation"],
        "specialty_applications": ["strengthen my application", "get through specialty interviews", "nail my interview",
                                   "get a training number"],
        "research": ["get published", "get involved in research", "do some proper research", "get my first paper out"],
        "audit_qi": ["lead a QIP", "complete an audit cycle", "get a QI project off the ground"],
        "exams": ["pass {exam}", "get through {exam}", "pass {exam} first time"],
        "portfolio": ["get my portfolio in order", "sort my ePortfolio before ARCP", "build up my portfolio"],
        "teaching": ["get more teaching experience", "do more teaching", "get into medical education"],
        "leadership": ["take on a leadership role", "develop as a leader", "get some management experience"],
        "wellbeing": ["avoid burning out", "find a better work-life balance", "look after my wellbeing"],
        "innovation": ["get into digital health", "work on a health tech idea", "learn about innovation in the NHS"],
        "global_health": ["work abroad with MSF one day", "get into global health", "do humanitarian work"],
        "less_than_full_time": ["go LTFT", "train less than full time", "work part-time"],
        "networking": ["meet more people in the field", "build my network", "get to know people in the specialty"],
        "clinical_skills": ["feel more confident with procedures", "improve my clinical skills", "get better at practical skills"],
    }
    OFFER_EXPERIENCE = {
        "career_planning": ["I changed specialty myself so I'm happy to talk through career decisions.",
                            "I've done a lot of careers advice as an educational supervisor.",
                            "Glad to chat through career options, no pressure."],
        "specialty_applications": ["I've sat on ST3 interview panels for several years.",
                                   "I've interviewed for national recruitment and can run mock interviews.",
                                   "Happy to read application forms and do mock interviews."],
        "research": ["I have a PhD and supervise student research projects.",
                     "I've published quite a bit and enjoy helping people get their first paper out.",
                     "I'm research active and can help you find a project and get it written up."],
        "audit_qi": ["I lead our department's QI programme.",
                     "I've supervised loads of audits and QIPs.",
                     "I run the audit meetings in our department."],
        "exams": ["I'm an examiner for {exam}.", "I've helped lots of juniors through {exam}.",
                  "I run a {exam} teaching course."],
        "portfolio": ["As an ES I review ePortfolios before ARCP every year.",
                      "I sit on ARCP panels so I know what they look for.",
                      "I went through CESR myself and can help with portfolio evidence.",
                      "I've signed off a lot of portfolios as an educational supervisor."],
        "teaching": ["I'm a TPD and run the undergraduate teaching programme.",
                     "I have a masters in medical education.",
                     "I was a clinical teaching fellow and loved it."],
        "leadership": ["I'm a clinical director and happy to talk leadership.",
                       "I did the FMLM fellowship and was chief registrar.",
                       "I've held a few management roles and can share what I learned."],
        "wellbeing": ["I'm a trained coach and our wellbeing lead.",
                      "I've had my own brush with burnout and I'm open about it.",
                      "Happy to be a sounding board when things are tough."],
        "innovation": ["I co-founded a health tech startup.", "I'm a CCIO and work on digital transformation.",
                       "I've got NIHR innovation funding and love new ideas."],
        "global_health": ["I spent two years with MSF.", "I've worked in humanitarian settings in East Africa.",
                          "I did an OOPE in Malawi and the DTM&H."],
        "less_than_full_time": ["I trained LTFT with two young kids.", "I work part-time and have done for years.",
                                "I've been LTFT since ST3 and can share the practicalities."],
        "networking": ["I know lots of people across the region and love making introductions.",
                       "Happy to introduce you to people in the specialty."],
        "clinical_skills": ["I teach on the regional procedures course.", "I run the simulation and clinical skills sessions.",
                            "I lead our point-of-care ultrasound training."],
    }

    REGISTRAR_EXPERIENCE = {
        "career_planning": ["I've had a few career wobbles myself and I'm happy to talk them through."],
        "specialty_applications": ["I scored well at ST3 interview and help run mock interviews for our juniors."],
        "research": ["I'm out of programme doing a PhD so very happy to help with research.",
                     "I've published a fair bit and like helping people get their first paper out."],
        "audit_qi": ["I'm the trainee QI lead for our region."],
        "exams": ["I passed {exam} in the last couple of years and teach on a revision course."],
        "portfolio": ["I've been through plenty of ARCPs and know what panels look for."],
        "teaching": ["I was a clinical teaching fellow before ST3."],
        "leadership": ["I'm a chief registrar this year.", "I'm the trainee rep on our regional committee."],
        "wellbeing": ["I'm a trained peer supporter for trainees."],
        "innovation": ["I'm on the NHS Clinical Entrepreneur programme."],
        "global_health": ["I spent a year out of programme with MSF."],
        "less_than_full_time": ["I've trained LTFT since ST3 and can share the practicalities."],
        "networking": ["I sit on my college's trainee committee so I know lots of people."],
        "clinical_skills": ["I teach on the regional procedures course."],
    }
    JUNIOR_EXPERIENCE = {
        "career_planning": ["Happy to chat about what the next few years are really like."],
        "specialty_applications": ["I went through applications recently and got my first choice.",
                                   "I did well in my interviews last year and still have my prep notes."],
        "research": ["I've got a couple of publications from med school and can share how I got them."],
        "audit_qi": ["I've completed a few QIPs and can show you how to get one going."],
        "exams": ["I passed {exam} recently and still have my notes.", "I run {exam} revision sessions for students."],
        "portfolio": ["I've just been through ARCP so I know the portfolio side well."],
        "teaching": ["I run near-peer teaching for students.", "I organise the student teaching programme on my ward."],
        "leadership": ["I was president of my med school society.", "I'm a team lead so happy to talk leadership."],
        "wellbeing": ["Happy to be a sounding board when things are tough."],
        "innovation": ["I'm involved in a digital health project at work."],
        "global_health": ["I volunteered abroad during my elective and loved it."],
        "less_than_full_time": ["I work part-time myself and can share the practicalities."],
        "networking": ["Happy to introduce you to people in the department."],
        "clinical_skills": ["I teach clinical skills to students on placement.", "I help run the simulation sessions for students."],
    }

    def intro(self, p: Latent, ctx: dict, pending: list[str]) -> str:
        """Opening sentence of the bio; removes any specialty it mentions from ``pending``."""
        rng = self.rng
        st, org, city = p.stage, ctx["org"], ctx["city"]
        main = p.specialties[0]

        def use(spec: str) -> str:
            if spec in pending:
                pending.remove(spec)
            return self.spec_phrase(spec)

        if st == "medical_student":
            y = _wchoice(rng, {1: 1, 2: 1.2, 3: 1.3, 4: 1.3, 5: 1.2, 6: 0.4})
            ordinal = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 5: "5th", 6: "6th"}[y]
            return rng.choice([
                f"Year {y} medical student at {org}.",
                f"{ordinal} year medic at {org}.",
                f"Med student, Y{y}, {org}.",
                f"I'm a year {y} student at {org}.",
                f"Graduate-entry medic (year {y}) at {org}, previously worked in {rng.choice(['pharma', 'engineering', 'teaching', 'biomedical science', 'the ambulance service'])}.",
                f"{'Final' if y >= 5 else ordinal} year medical student in {city}.",
            ])
        if st == "foundation_doctor":
            grade = rng.choice(["FY1", "FY2", "F1", "F2"])
            if "academic_medicine" in p.specialties and rng.random() < 0.6:
                other = next((s for s in p.specialties if s != "academic_medicine"), main)
                if "academic_medicine" in pending:
                    pending.remove("academic_medicine")
                return f"Academic {grade} ({use(other)}) at {org}."
            return rng.choice([f"{grade} at {org}.", f"{grade} doctor in {city}.", f"Foundation doctor ({grade}) at {org}.",
                               f"{grade} in the {city} area."])
        if st == "core_trainee":
            fam = main if main in CORE_GRADE else _family_of(main)
            grades, names_spec = CORE_GRADE.get(fam, CORE_GRADE["medicine"])
            three = fam in ("medicine", "anaesthetics", "psychiatry", "emergency_medicine", "intensive_care")
            grade = rng.choice(grades).format(n=rng.choice([1, 2, 3] if three else [1, 2]))
            if names_spec and main in pending:
                pending.remove(main)
            return rng.choice([f"{_cap(grade)} at {org}.", f"{_cap(grade)}, {org}.", f"I'm {_an(grade)} {grade} in {city}."])
        if st == "specialty_trainee":
            n = rng.choice([3, 4, 5, 6, 7])
            if main == "general_practice":
                if main in pending:
                    pending.remove(main)
                return rng.choice([f"GPST3 in {city}.", f"GP registrar (ST3) at {org}."])
            s = use(main)
            extra = rng.choice(["", "", "", " Currently OOPR doing a PhD.", " Currently LTFT at 80%.", " Back from OOPE this year."])
            if "LTFT" in extra and "less_than_full_time" not in p.goals and "less_than_full_time" not in p.offers:
                extra = ""
            return rng.choice([f"ST{n} {s} at {org}.", f"{_cap(s)} registrar (ST{n}), {org}.", f"SpR in {s} in {city}.",
                               f"Higher trainee in {s}, ST{n}."]) + extra
        if st == "sas_doctor":
            s = use(main)
            return rng.choice([f"Specialty doctor in {s} at {org}.", f"Associate specialist in {s}, {org}.",
                               f"Specialist grade doctor ({s}) in {city}.", f"SAS doctor in {s}; I trained overseas before moving to the UK."])
        if st == "gp":
            if "general_practice" in pending:  # the stage itself says it
                pending.remove("general_practice")
            extra = [s for s in p.specialties if s != "general_practice"]
            if extra and rng.random() < 0.5:
                return f"Portfolio GP in {city}, with sessions in {use(extra[0])}."
            return rng.choice([f"GP partner at {org}.", f"Salaried GP in {city}.", f"GP and GP trainer at {org}.",
                               f"Locum GP around {city}.", f"I'm a GP in {city}."])
        if st == "consultant":
            title = CONSULTANT_TITLE.get(main, f"in {SPEC_TEXT[main][0]}")
            if main in pending and rng.random() < 0.85:
                pending.remove(main)
            else:
                title = rng.choice(["physician", "surgeon"]) if _family_of(main) in ("medicine", "surgery") else title
                if title in ("physician", "surgeon") and main not in pending:
                    pending.append(main)
            return rng.choice([f"Consultant {title} at {org}.", f"I'm a consultant {title} in {city}.",
                               f"Consultant {title}, {org}."])
        if st == "nurse_midwife":
            role = p.role
            if role in ("midwife", "community midwife", "mental health nurse", "children's nurse", "practice nurse",
                        "practice educator"):
                if main in pending:
                    pending.remove(main)
                return rng.choice([f"{_cap(role)} at {org}.", f"I'm {_an(role)} {role} in {city}.", f"{_cap(role)}, band {rng.choice([5, 6, 7])}, {org}."])
            s = use(main)
            return rng.choice([f"{_cap(role)} in {s} at {org}.", f"{_cap(role)} ({s}), {org}.",
                               f"I work as {_an(role)} {role} in {s} in {city}."])
        role = p.role
        if role in ("paramedic", "diagnostic radiographer", "therapeutic radiographer") and rng.random() < 0.6:
            if main in pending:
                pending.remove(main)
            return rng.choice([f"{_cap(role)} with {org}.", f"{_cap(role)} at {org}."])
        s = use(main)
        return rng.choice([f"{_cap(role)} specialising in {s} at {org}.", f"{_cap(role)} ({s}), {org}.",
                           f"Band {rng.choice([5, 6, 7, 8])} {role} working in {s} in {city}."])

    def spec_sentences(self, p: Latent, specs: list[str]) -> list[str]:
        rng = self.rng
        if not specs:
            return []
        phrases = [self.spec_phrase(s) for s in specs]
        senior = p.rank >= 3 or p.stage in ("nurse_midwife", "allied_health")
        if senior:
            return [rng.choice([
                f"Special interest in {_join(phrases, rng)}.",
                f"My clinical interests are {_join(phrases, rng)}.",
                f"I also do a lot of {_join(phrases, rng)}.",
                f"Involved in {_join(phrases, rng)} too.",
                f"Interests: {', '.join(phrases)}.",
            ])]
        if len(phrases) == 1:
            return [rng.choice([
                f"Really keen on {phrases[0]}.", f"Thinking about {phrases[0]} as a career.",
                f"Hoping to end up in {phrases[0]}.", f"{_cap(phrases[0])} is the dream!",
                f"Loved my {phrases[0]} placement and want to pursue it.", f"Aiming for {phrases[0]} training.",
                f"Interested in {phrases[0]}.",
            ])]
        return [rng.choice([
            f"Interested in {_join(phrases, rng)}.",
            f"Torn between {_join(phrases, rng)}.",
            f"Leaning towards {phrases[0]}, maybe with an interest in {_join(phrases[1:], rng)}.",
            f"Keen on {_join(phrases, rng)}.",
            f"Specialty interests: {', '.join(phrases)}.",
            f"I'm into {_join(phrases, rng)} - still deciding!",
        ])]

    def hobby_sentence(self, hobbies: list[str]) -> str:
        rng = self.rng
        phrases = [_surface(rng, HOBBIES[h][2], first=0.5) for h in hobbies]
        j = _join(phrases, rng)
        return rng.choice([
            f"Outside work: {j}.", f"I love {j}.", f"Outside of medicine I'm into {j}.", f"Hobbies: {', '.join(phrases)}.",
            f"Big fan of {j}.", f"Away from the wards it's {j}.", f"Spare time = {j}.", f"Weekends are for {j}.",
            f"When I'm not working: {j}.",
        ])

    def in_person_sentence(self, p: Latent, city: str) -> str:
        rng = self.rng
        if p.in_person:
            return rng.choice([
                "Would love to meet for coffee in person.", f"Happy to meet face to face in {city}.",
                "Prefer meeting in person if possible.", "Keen to meet in person - I find video calls a bit impersonal.",
                "Ideally someone local I can meet up with.", f"In-person meetups preferred (I'm in {city}).",
                "Would like to meet IRL now and then.", "Face-to-face please, I'm rubbish on Teams!",
            ])
        return rng.choice([
            "Happy on Teams/video.", "Video calls are easiest with my rota.", "Phone or Zoom is fine.",
            "Remote is perfect - happy to chat online.", "A Teams or WhatsApp call works best for me.",
            "Don't mind where you're based, happy to do it virtually.", "Online is fine, my rota is chaos.",
        ])

    def goal_sentences(self, p: Latent, goals: list[str]) -> list[str]:
        rng = self.rng
        if not goals:
            return []
        out = []
        style = rng.random()
        if style < 0.45:
            nps = [self.goal_np(g, p) for g in goals]
            out.append(rng.choice([
                f"Looking for help with {_join(nps, rng)}.", f"Hoping to get advice on {_join(nps, rng)}.",
                f"Keen for someone to chat to about {_join(nps, rng)}.", f"Main aims: {', '.join(nps)}.",
                f"Would really value guidance on {_join(nps, rng)}.", f"Looking for a mentor for {_join(nps, rng)}.",
                f"Need help with {_join(nps, rng)} tbh.",
            ]))
        elif style < 0.8:
            first, rest = goals[0], goals[1:]
            vp = rng.choice(self.MENTEE_VP[first])
            if "{exam}" in vp:
                vp = vp.format(exam=self.exam_phrase(p))
            s = rng.choice(["I want to", "I'd like to", "I'm hoping to", "Trying to"]) + f" {vp}"
            if rest:
                s += rng.choice([", and would also like advice on ", " and need help with ", "; also "]) + _join(
                    [self.goal_np(g, p) for g in rest], rng)
            out.append(s + ".")
        else:
            for g in goals:
                vp = rng.choice(self.MENTEE_VP[g])
                if "{exam}" in vp:
                    vp = vp.format(exam=self.exam_phrase(p))
                out.append(rng.choice([f"I want to {vp}.", f"Would love to {vp}.", f"Goal this year: {vp}.",
                                       f"Hoping to get advice on {self.goal_np(g, p)}."]))
        return out

    def offer_sentences(self, p: Latent, offers: list[str]) -> list[str]:
        rng = self.rng
        if not offers:
            return []
        out = []
        listed = []
        for g in offers:
            if rng.random() < 0.3:
                table = (self.OFFER_EXPERIENCE if p.stage in ("consultant", "gp", "sas_doctor")
                         else self.REGISTRAR_EXPERIENCE if p.stage == "specialty_trainee" else self.JUNIOR_EXPERIENCE)
                s = rng.choice(table[g])
                if "{exam}" in s:
                    s = s.format(exam=self.exam_phrase(p, for_juniors=True))
                out.append(s)
            else:
                listed.append(self.goal_np(g, p, offering=True))
        if listed:
            j = _join(listed, rng)
            out.insert(0, rng.choice([
                f"Happy to help with {j}.", f"I can support {j}.", f"Can offer advice on {j}.", f"Ask me about {j}.",
                f"I can help with {j}.", f"Happy to mentor on {j}.", f"Glad to help with {j}.",
                f"Things I can help with: {', '.join(listed)}.",
            ]))
        return out

    def distractor_spec(self, p: Latent) -> tuple[str, str]:
        """(sentence, specialty) for a rotation the person is on but does not want, or ('', '')."""
        rng = self.rng
        if p.stage not in ("medical_student", "foundation_doctor", "core_trainee") or rng.random() > 0.35:
            return "", ""
        cand = {s: w for s, w in SPEC_POP.items() if s not in p.specialties and s not in EXTRA_ACADEMIC}
        r = _wchoice(rng, cand)
        ph = self.spec_phrase(r)
        return rng.choice([
            f"Currently on {_an(ph)} {ph} rotation (not my long-term plan).",
            f"Doing {ph} at the moment but it's not for me.",
            f"On my {ph} placement right now.",
            f"Just finished a {ph} block.",
            f"Currently rotating through {ph}.",
        ]), r

    def negative_sentence(self, p: Latent) -> tuple[str, list[str]]:
        rng = self.rng
        if rng.random() > 0.2:
            return "", []
        fams = sorted({_family_of(s) for s in p.specialties})
        options = [f for f in FAMILY_WORD if f not in fams]
        if options and rng.random() < 0.5:
            fam = rng.choice(options)
            word = rng.choice(FAMILY_WORD[fam])
            specs = sorted(s for s in SPECIALTIES if FAMILY.get(s) == fam)
            return rng.choice([f"Definitely not {word}.", f"Ruled out {word}.", f"Not interested in {word}.",
                               f"Anything but {word} haha."]), specs
        cand = {s: w for s, w in SPEC_POP.items() if s not in p.specialties}
        s = _wchoice(rng, cand)
        ph = self.spec_phrase(s)
        return rng.choice([f"Definitely not {ph}.", f"Ruled out {ph} after my last job.", f"{_cap(ph)} is not for me.",
                           f"Not a fan of {ph}, if I'm honest."]), [s]

    def goal_distractor(self, p: Latent) -> str:
        rng = self.rng
        if rng.random() > 0.15:
            return ""
        if "exams" not in p.goals and p.stage in ("core_trainee", "specialty_trainee", "sas_doctor"):
            return f"Already passed {self.exam_phrase(p)}, so exams are sorted."
        if "audit_qi" not in p.goals and p.rank >= 1:
            return "Done plenty of audits, so not looking for help there."
        if "research" not in p.goals:
            return rng.choice(["I've got research covered through my supervisor.", "Not really into research."])
        return ""

    def casual(self, text: str, p: Latent) -> str:
        rng = self.rng
        if p.stage == "medical_student" and rng.random() < 0.15:
            text = text[:1].lower() + text[1:]
        if rng.random() < 0.05:
            text = text.replace(" - ", " — ")
        return text

    def render(self, p: Latent, ctx: dict) -> dict[str, str]:
        rng = self.rng
        # tags
        no_tags = rng.random() < NO_TAGS_RATE
        p.no_tags = no_tags
        shown: dict[str, list[str]] = {"specialties": [], "goals": [], "interests": [], "offers": []}
        if not no_tags:
            while True:
                keep = {f: rng.random() >= FIELD_DROP[f] for f in FIELD_DROP}
                if any(keep.values()):
                    break
            if keep["specialties"]:
                shown["specialties"] = [s for s in p.specialties if rng.random() >= ELEMENT_DROP["specialties"]]
            if keep["goals"]:
                shown["goals"] = [g for g in p.goals if rng.random() >= ELEMENT_DROP["goals"]]
            if keep["interests"]:
                shown["interests"] = [h for h in p.hobbies if rng.random() >= ELEMENT_DROP["interests"]]
            if not (shown["specialties"] or shown["goals"] or shown["interests"]):
                # element drops emptied every kept column: a tagged person keeps at least one tag
                kept_fields = [f for f in ("specialties", "goals", "interests") if keep[f]]
                restore = rng.choice(kept_fields)
                source = {"specialties": p.specialties, "goals": p.goals, "interests": p.hobbies}[restore]
                shown[restore] = [rng.choice(source)]
            if p.offers_mentoring and rng.random() < OFFERS_COLUMN_RATE:
                shown["offers"] = [g for g in p.offers if rng.random() >= ELEMENT_DROP["offers"]] or p.offers[:1]

        def mention(items: list[str], kind: str, shown_items: list[str]) -> list[str]:
            on, off = MENTION[kind]
            return [i for i in items if rng.random() < (on if i in shown_items else off)]

        spec_m = mention(p.specialties, "specialties", shown["specialties"])
        goal_m = mention(p.goals, "goals", shown["goals"])
        offer_m = mention(p.offers, "offers", shown["offers"])
        hobby_m = mention(p.hobbies, "hobbies", shown["interests"])
        for lst in (spec_m, goal_m, offer_m, hobby_m):
            rng.shuffle(lst)

        bio: list[str] = []
        look: list[str] = []
        pending = list(spec_m)
        bio.append(self.intro(p, ctx, pending))
        if pending:
            if p.offers_mentoring or p.rank >= 3 or rng.random() < 0.6:
                bio.extend(self.spec_sentences(p, pending))
            else:
                ph = _join([self.spec_phrase(s) for s in pending], rng)
                look.append(rng.choice([f"Would love a mentor in {ph}.", f"Ideally someone in {ph}.",
                                        f"Looking for someone working in {ph}."]))
        rot_sentence, rot = self.distractor_spec(p)
        if rot_sentence:
            bio.insert(rng.randint(1, len(bio)), rot_sentence)
            p.rotation = rot
            if shown["specialties"] and rng.random() < ROTATION_TAG_RATE / 0.35 * 0.6:
                shown["specialties"].append(rot)
        neg, avoid = self.negative_sentence(p)
        if neg:
            bio.append(neg)
            p.avoid = avoid
        if rng.random() < 0.25:
            bio.append(rng.choice([
                f"Originally from {rng.choice(PLACES[_wchoice(rng, REGION_WEIGHTS)][2])}.", "First in my family to go into medicine.",
                "Parent of two small humans.", "Recently moved back to the UK.", "Trying to be better at saying no.",
                "Big believer in paying it forward.", "Usually found in the mess.",
            ]))
        if hobby_m:
            (bio if rng.random() < 0.7 else look).append(self.hobby_sentence(hobby_m))
        if rng.random() < 0.1 and p.rank >= 1:
            gone = rng.choice([h for h in HOBBIES if h not in p.hobbies])
            gone_text = "the gym" if gone == "gym" else gone
            bio.append(rng.choice([f"Used to be into {gone_text} but haven't for years.",
                                   f"Gave up {gone_text} when I started nights."]))

        if p.offers_mentoring:
            look.extend(self.offer_sentences(p, offer_m))
            whom = {
                0: "students", 1: rng.choice(["medical students", "students and F1s"]),
                2: rng.choice(["students and FYs", "foundation doctors", "med students"]),
                3: rng.choice(["FYs and core trainees", "core trainees", "anyone from med school to CT2"]),
                4: rng.choice(["trainees at any stage", "students and juniors", "registrars and core trainees",
                               "anyone earlier in their career"]),
            }[p.rank]
            if rng.random() < 0.5:
                look.append(rng.choice([f"Keen to mentor {whom}.", f"Happy to mentor {whom}.", f"Open to {whom}."]))
            if rng.random() < 0.1:
                cant = [g for g in GOALS if g not in p.offers]
                if cant:
                    look.append(f"I'm afraid I can't help much with {self.goal_np(rng.choice(cant), p, offering=True)}.")
            if goal_m and rng.random() < 0.8:
                nps = _join([self.goal_np(g, p) for g in goal_m], rng)
                look.append(rng.choice([f"For my own development I'd like advice on {nps}.",
                                        f"Personally I'm looking for help with {nps}.",
                                        f"Would also value a mentor myself for {nps}."]))
        else:
            look.extend(self.goal_sentences(p, goal_m))
            gd = self.goal_distractor(p)
            if gd:
                look.append(gd)
        if rng.random() < SAY_IN_PERSON[int(p.in_person)]:
            look.append(self.in_person_sentence(p, ctx["city"]))
        if not look:
            look.append(rng.choice(["Open to anything really!", "Happy to chat.", "Not sure yet - open to suggestions."]))

        bio_text = self.casual(" ".join(s for s in bio if s), p)
        look_text = self.casual(" ".join(s for s in look if s), p)
        if rng.random() < TYPO_RATE:
            bio_text = _typo(rng, bio_text)
        if rng.random() < TYPO_RATE:
            look_text = _typo(rng, look_text)

        interest_tags = []
        for h in shown["interests"]:
            interest_tags.append(HOBBIES[h][1][0] if rng.random() < 0.7 else rng.choice(HOBBIES[h][1]))
        return {
            "email": p.email,
            "name": p.name,
            "stage": p.stage,
            "organisation": ctx["org"],
            "region": p.region,
            "specialties": ";".join(dict.fromkeys(shown["specialties"])),
            "goals": ";".join(shown["goals"]),
            "interests": ";".join(dict.fromkeys(interest_tags)),
            "bio": bio_text,
            "looking_for": look_text,
            "offers_mentoring": "yes" if p.offers_mentoring else "no",
            "capacity": str(p.capacity) if p.offers_mentoring else "",
            "registration_number": p.registration_number,
            "offers": ";".join(shown["offers"]),
        }

    def build(self) -> Population:
        used_regs: set = set()
        people: dict[str, Latent] = {}
        rows = []
        for i in range(1, self.size + 1):
            latent, ctx = self.person(i, used_regs)
            row = self.render(latent, ctx)
            people[latent.email] = latent
            rows.append(row)
        return Population(rows=rows, people=people, seed=self.seed)


def generate(seed: int, size: int = 600) -> Population:
    """A deterministic population of ``size`` people for ``seed``."""
    return _Builder(seed, size).build()


def write_csv(population: Population, path) -> None:
    """UTF-8 CSV with a header row; column order shuffled (deterministically per seed)."""
    columns = list(COLUMNS)
    random.Random(f"columns-{population.seed}").shuffle(columns)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        for row in population.rows:
            writer.writerow({c: row[c] for c in columns})


# --------------------------------------------------------------------------- checks

EMAIL_RE = re.compile(r"^[a-z-]+\.[a-z-]+\.\d+@outside\.example$")
GMC_RE = re.compile(r"^\d{7}$")
NMC_RE = re.compile(r"^\d{2}[A-Z]\d{4}[A-Z]$")
HCPC_RE = re.compile(r"^[A-Z]{2}\d{5,6}$")


def validate_rows(rows: list[dict[str, str]]) -> list[str]:
    """Contract problems in ``rows`` (empty when the rows are importable)."""
    errors = []
    seen = set()
    vocab = {"specialties": set(SPECIALTIES), "goals": set(GOALS), "offers": set(GOALS)}
    for n, row in enumerate(rows, start=2):
        def err(msg):
            errors.append(f"line {n}: {msg}")
        if set(row) != set(COLUMNS):
            err(f"columns {sorted(set(row) ^ set(COLUMNS))}")
            continue
        for key, value in row.items():
            if any(unicodedata.category(ch)[0] == "C" for ch in value):
                err(f"control character in {key}")
            if value != value.strip():
                err(f"surrounding whitespace in {key}")
        email = row["email"]
        if not EMAIL_RE.match(email):
            err(f"email {email!r}")
        if email in seen:
            err(f"duplicate email {email}")
        seen.add(email)
        if not row["name"].strip():
            err("empty name")
        if row["stage"] not in STAGE_RANK:
            err(f"stage {row['stage']!r}")
        if row["region"] not in REGIONS:
            err(f"region {row['region']!r}")
        if not row["organisation"]:
            err("empty organisation")
        for col, allowed in vocab.items():
            codes = [c for c in row[col].split(";")] if row[col] else []
            if any(c not in allowed for c in codes):
                err(f"{col} {row[col]!r}")
            if len(codes) != len(set(codes)):
                err(f"{col} repeated code")
        if row["interests"]:
            tags = row["interests"].split(";")
            if any(not t or "," in t or t != t.strip() for t in tags):
                err(f"interests {row['interests']!r}")
        if not row["bio"] or not row["looking_for"]:
            err("empty bio or looking_for")
        mentor = row["offers_mentoring"]
        if mentor not in ("yes", "no"):
            err(f"offers_mentoring {mentor!r}")
        if mentor == "yes":
            if not row["capacity"].isdigit() or not 1 <= int(row["capacity"]) <= 10:
                err(f"capacity {row['capacity']!r}")
            reg, stage = row["registration_number"], row["stage"]
            pattern = NMC_RE if stage == "nurse_midwife" else HCPC_RE if stage == "allied_health" else GMC_RE
            if stage == "medical_student" or not pattern.match(reg):
                err(f"registration {reg!r} for {stage}")
        else:
            if row["capacity"] or row["registration_number"] or row["offers"]:
                err("capacity/registration/offers on a non-mentor")
    return errors


def _summary(pop: Population) -> str:
    lines = []
    people = list(pop.people.values())
    rows = {r["email"]: r for r in pop.rows}
    n = len(people)
    lines.append(f"people: {n}")
    stages = Counter(p.stage for p in people)
    mentors = [p for p in people if p.offers_mentoring]
    lines.append("per stage (people / mentors):")
    for st in STAGE_RANK:
        lines.append(f"  {st:<18} {stages[st]:>4}  {sum(1 for p in mentors if p.stage == st):>4}")
    lines.append(f"mentors: {len(mentors)} ({len(mentors) / n:.0%}), capacity total {sum(p.capacity for p in mentors)}")
    no_tags = sum(1 for r in pop.rows if not (r["specialties"] or r["goals"] or r["interests"] or r["offers"]))
    lines.append(f"no tags at all: {no_tags / n:.1%}")
    tagged = [p for p in people if not p.no_tags]
    for col, attr in (("specialties", "specialties"), ("goals", "goals"), ("interests", "hobbies")):
        empty_all = sum(1 for p in people if not rows[p.email][col]) / n
        empty_tagged = sum(1 for p in tagged if not rows[p.email][col]) / max(1, len(tagged))
        total = kept = 0
        for p in tagged:
            if rows[p.email][col]:
                total += len(getattr(p, attr))
                kept += len(rows[p.email][col].split(";")) if col != "specialties" else len(
                    [s for s in rows[p.email][col].split(";") if s in p.specialties])
        lines.append(f"{col:<12} column empty: {empty_all:.1%} of all, {empty_tagged:.1%} of tagged people; "
                     f"codes lost inside kept columns: {1 - kept / max(1, total):.1%}")
    extra = sum(1 for p in people if p.rotation and p.rotation in rows[p.email]["specialties"].split(";"))
    lines.append(f"rotation (not wanted) tagged as a specialty: {extra} people")
    only_text = sum(1 for p in mentors if not rows[p.email]["offers"])
    lines.append(f"mentors with offers only in text (offers column empty): {only_text / max(1, len(mentors)):.1%}")
    lines.append(f"want to meet in person: {sum(p.in_person for p in people) / n:.1%}")
    lines.append(f"rows with a rotation distractor: {sum(1 for p in people if p.rotation)}, "
                 f"with a specialty ruled out: {sum(1 for p in people if p.avoid)}")
    mentees = [p for p in people if p.rank < 4]
    dist = Counter()
    for a in mentees:
        for b in mentors:
            if b.rank > a.rank:
                dist[pop.relevance(a.email, b.email)] += 1
    total = sum(dist.values())
    lines.append("mentor relevance over eligible pairs: " + ", ".join(
        f"{k}: {dist[k] / total:.1%}" for k in range(8)))
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--size", type=int, default=600)
    parser.add_argument("--out", help="CSV file to write")
    parser.add_argument("--truth", help="JSON file for the latent truth (by email)")
    args = parser.parse_args(argv)
    pop = generate(args.seed, args.size)
    problems = validate_rows(pop.rows)
    if args.out:
        write_csv(pop, args.out)
        with open(args.out, encoding="utf-8", newline="") as fh:
            reread = list(csv.DictReader(fh))
        problems += [f"re-read: {e}" for e in validate_rows(reread)]
        if [dict(r) for r in reread] != pop.rows:
            problems.append("re-read rows differ from the generated rows")
    if args.truth:
        Path(args.truth).write_text(json.dumps({e: asdict(p) for e, p in pop.people.items()}, indent=1,
                                               ensure_ascii=False), encoding="utf-8")
    print(_summary(pop))
    if problems:
        print(f"{len(problems)} contract problems:", file=sys.stderr)
        for p in problems[:50]:
            print("  " + p, file=sys.stderr)
        return 1
    print("contract check: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
