"""The three demo accounts a newcomer logs in with: an admin, a student and her mentor.

Priya (a Leeds student into cardiology and cycling) and Tom (a Leeds consultant cardiologist
who cycles and mentors) are made to suit each other, so the first demo of matching shows a
match with reasons.
"""

from __future__ import annotations

from mentormatch.demo.generate import EMAIL_DOMAIN, DemoPerson
from mentormatch.profiles.models import MentorStatus

# Documented in the README; long enough for the password policy and not a common password.
DEMO_PASSWORD = "mentormatch-demo"  # noqa: S105  (public on purpose)

DEMO_LOGINS: dict[str, DemoPerson] = {
    "admin": DemoPerson(
        email=f"admin@{EMAIL_DOMAIN}",
        name="Helen Carter",
        career_stage="consultant",
        stage_detail=None,
        organisation="Leeds Teaching Hospitals NHS Trust",
        department="Medical Education",
        region="yorkshire_humber",
        about="Programme lead for MentorMatch in Yorkshire and the Humber, and a consultant geriatrician. "
        "I look after mentor applications and the matching rounds: message me with any questions.",
        looking_for="To see the programme grow: more mentors outside the big teaching hospitals.",
        specialties=("geriatrics", "medical_education"),
        goals=("leadership", "teaching"),
        interests=("choir", "hiking", "baking"),
        availability_hours=4,
        meet_in_person=True,
        meet_video=True,
        meet_messages=True,
        is_admin=True,
    ),
    "student": DemoPerson(
        email=f"student@{EMAIL_DOMAIN}",
        name="Priya Shah",
        career_stage="medical_student",
        stage_detail="Year 4",
        organisation="University of Leeds School of Medicine",
        department=None,
        region="yorkshire_humber",
        about="Fourth-year medic at Leeds. Really drawn to cardiology since a placement on the coronary care "
        "unit, but A&E keeps pulling me back. Outside medicine: cycling, baking, and line dancing on "
        "Thursdays (yes, really).",
        looking_for="Someone a few years ahead who can tell me honestly what cardiology training is like. "
        "Help getting my first QIP off the ground.",
        specialties=("cardiology", "emergency_medicine"),
        goals=("career_planning", "research", "audit_qi"),
        interests=("cycling", "baking", "line dancing"),
        availability_hours=4,
        meet_in_person=True,
        meet_video=True,
        meet_messages=False,
    ),
    "mentor": DemoPerson(
        email=f"mentor@{EMAIL_DOMAIN}",
        name="Tom Okafor",
        career_stage="consultant",
        stage_detail=None,
        organisation="Leeds Teaching Hospitals NHS Trust",
        department="Cardiology",
        region="yorkshire_humber",
        about="Consultant cardiologist at Leeds General Infirmary, mostly heart failure and devices. "
        "Educational supervisor for FYs and IMTs. Most weekends I'm out on the bike in the Dales.",
        looking_for="Happy to mentor students and junior doctors thinking about cardiology: IMT "
        "applications, MRCP, research, and the honest version of the job. An hour or two a month, "
        "usually on video.",
        specialties=("cardiology", "academic_medicine"),
        goals=("teaching", "research"),
        interests=("cycling", "running", "board games"),
        availability_hours=6,
        meet_in_person=True,
        meet_video=True,
        meet_messages=True,
        offers_mentoring=True,
        offers=("career_planning", "exams", "research", "specialty_applications"),
        mentor_status=MentorStatus.APPROVED,
        mentor_capacity=4,
        registration_number="4719362",
    ),
}
