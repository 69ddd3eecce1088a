"""Registration numbers: which body registers each career stage, and what its numbers look like."""

from __future__ import annotations

import pytest

from mentormatch.core.registration import (
    BODY_BY_STAGE,
    normalise_registration_number,
    registration_body,
    registration_problem,
)
from mentormatch.core.vocabulary import STAGE_BY_CODE


def test_every_career_stage_has_a_rule():
    assert BODY_BY_STAGE.keys() == STAGE_BY_CODE.keys()


@pytest.mark.parametrize(
    ("stage", "body"),
    [
        ("medical_student", None),
        ("foundation_doctor", "GMC"),
        ("core_trainee", "GMC"),
        ("specialty_trainee", "GMC"),
        ("sas_doctor", "GMC"),
        ("gp", "GMC"),
        ("consultant", "GMC"),
        ("nurse_midwife", "NMC"),
        ("allied_health", "HCPC"),
        ("surgeon", None),
    ],
)
def test_which_body_registers_each_stage(stage, body):
    assert registration_body(stage) == body


@pytest.mark.parametrize(
    ("stage", "number"),
    [
        ("consultant", "1234567"),
        ("foundation_doctor", "7654321"),
        ("gp", " 1234567 "),
        ("nurse_midwife", "12A3456B"),
        ("nurse_midwife", " 12a3456b "),
        ("nurse_midwife", "12 A 3456 B"),
        ("allied_health", "PA12345"),
        ("allied_health", "ph123456"),
        ("allied_health", "SL 1234"),
    ],
)
def test_valid_numbers(stage, number):
    assert registration_problem(stage, number) is None
    assert registration_problem(stage, number, required=True) is None


@pytest.mark.parametrize(
    ("stage", "number", "message"),
    [
        ("consultant", "123456", '"123456" is not a GMC number (7 digits, like 1234567)'),
        ("consultant", "12345678", "is not a GMC number"),
        ("consultant", "GMC1234567", "is not a GMC number"),
        ("consultant", "１２３４５６７", "is not a GMC number"),  # full-width digits
        ("sas_doctor", "12A3456B", "is not a GMC number"),
        ("nurse_midwife", "1234567", '"1234567" is not an NMC PIN'),
        ("nurse_midwife", "12A3456", "is not an NMC PIN"),
        ("nurse_midwife", "A123456B", "is not an NMC PIN"),
        ("nurse_midwife", "12AB456B", "is not an NMC PIN"),
        ("allied_health", "12345", '"12345" is not an HCPC number (2 letters and digits, like PA12345)'),
        ("allied_health", "PA", "is not an HCPC number"),
        ("allied_health", "P12345", "is not an HCPC number"),
        ("allied_health", "PA1234567", "is not an HCPC number"),
        ("medical_student", "1234567", "medical students aren't registered"),
    ],
)
def test_invalid_numbers(stage, number, message):
    problem = registration_problem(stage, number)
    assert problem is not None and message in problem
    assert not problem.endswith(".")  # a phrase: the caller punctuates it


def test_an_empty_number_is_only_a_problem_when_required():
    assert registration_problem("consultant", "") is None
    assert registration_problem("consultant", None) is None
    assert (
        registration_problem("consultant", "  ", required=True)
        == "enter a GMC number (7 digits, like 1234567)"
    )
    assert "NMC PIN" in registration_problem("nurse_midwife", None, required=True)
    assert "HCPC number" in registration_problem("allied_health", None, required=True)
    assert registration_problem("medical_student", None) is None
    assert "can't be mentors" in registration_problem("medical_student", None, required=True)


def test_an_unknown_stage_is_a_problem():
    assert registration_problem("surgeon", "1234567") == "'surgeon' is not a career stage"


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [(" 12a3456b ", "12A3456B"), ("pa 12345", "PA12345"), ("\t1234567\n", "1234567"), ("", ""), (None, "")],
)
def test_numbers_are_normalised(raw, normalised):
    assert normalise_registration_number(raw) == normalised
