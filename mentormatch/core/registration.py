"""Professional registration numbers: which body registers each career stage, and their formats.

Doctors are registered with the GMC (a 7-digit number), nurses and midwives with the NMC (a PIN
such as 12A3456B) and allied health professionals with the HCPC (a two-letter profession prefix
and digits, such as PA12345). Medical students are not registered. Pure functions: the CSV
import and mentor applications both use them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class RegistrationBody:
    code: str
    number_name: str  # with its article: 'an NMC PIN'
    pattern: re.Pattern[str]
    shape: str


GMC = RegistrationBody("GMC", "a GMC number", re.compile(r"\d{7}", re.ASCII), "7 digits, like 1234567")
NMC = RegistrationBody(
    "NMC",
    "an NMC PIN",
    re.compile(r"\d{2}[A-Z]\d{4}[A-Z]", re.ASCII),
    "2 digits, a letter, 4 digits and a letter, like 12A3456B",
)
# HCPC numbers are a profession prefix (PA paramedic, PH physiotherapist, RA radiographer…)
# and, in practice, 4 to 6 digits.
HCPC = RegistrationBody(
    "HCPC", "an HCPC number", re.compile(r"[A-Z]{2}\d{4,6}", re.ASCII), "2 letters and digits, like PA12345"
)

BODIES: dict[str, RegistrationBody] = {body.code: body for body in (GMC, NMC, HCPC)}

BODY_BY_STAGE: dict[str, RegistrationBody | None] = {
    "medical_student": None,
    "foundation_doctor": GMC,
    "core_trainee": GMC,
    "specialty_trainee": GMC,
    "sas_doctor": GMC,
    "gp": GMC,
    "consultant": GMC,
    "nurse_midwife": NMC,
    "allied_health": HCPC,
}


def registration_body(stage_code: str) -> str | None:
    """'GMC', 'NMC' or 'HCPC': who registers people at this career stage; None for students."""
    body = BODY_BY_STAGE.get(stage_code)
    return body.code if body else None


def normalise_registration_number(number: str | None) -> str:
    """The number as registers print it: no spaces, upper case (' 12a3456b ' → '12A3456B')."""
    return re.sub(r"\s+", "", number or "").upper()


def registration_problem(stage_code: str, number: str | None, *, required: bool = False) -> str | None:
    """What is wrong with this registration number for someone at this stage, or None if nothing.

    An empty number is fine unless `required` (mentors must give one). The answer is a phrase
    without a full stop (e.g. '"1234" is not a GMC number (7 digits, like 1234567)'), for a CSV
    report or, capitalised, a form. Store normalise_registration_number(number): that is what
    was checked.
    """
    if stage_code not in BODY_BY_STAGE:
        return f"{stage_code!r} is not a career stage"
    body = BODY_BY_STAGE[stage_code]
    normalised = normalise_registration_number(number)
    if body is None:
        if normalised:
            return "medical students aren't registered yet: leave the registration number empty"
        if required:
            return "medical students can't be mentors: mentors are registered professionals"
        return None
    if not normalised:
        return f"enter {body.number_name} ({body.shape})" if required else None
    if not body.pattern.fullmatch(normalised):
        return f'"{normalised[:20]}" is not {body.number_name} ({body.shape})'
    return None
