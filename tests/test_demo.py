"""The demo population: deterministic, consistent, usable at once (logins, directory), and fast to seed."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from collections import Counter
from random import Random

import pytest
from sqlalchemy import delete, func, select, text

from mentormatch import create_app
from mentormatch.accounts.models import User
from mentormatch.core.extensions import db
from mentormatch.core.vocabulary import GOALS, REGIONS, SPECIALTIES, STAGE_BY_CODE, STAGE_DETAILS
from mentormatch.demo import data
from mentormatch.demo.generate import EMAIL_DOMAIN, DemoPerson, generate_people
from mentormatch.demo.logins import DEMO_LOGINS, DEMO_PASSWORD
from mentormatch.profiles.models import Profile
from mentormatch.profiles.search import DirectoryQuery, directory_select
from mentormatch.profiles.service import fold_accents, normalise_tag, refresh_search_text
from tests.conftest import make_test_config
from tests.helpers import log_in, outbox

DOCTORS = {"foundation_doctor", "core_trainee", "specialty_trainee", "sas_doctor", "gp", "consultant"}
REGISTRATION = {
    **dict.fromkeys(DOCTORS, re.compile(r"\d{7}")),  # GMC
    "nurse_midwife": re.compile(r"\d{2}[A-L]\d{4}[ESWNO]"),  # NMC PIN
    "allied_health": re.compile(r"[A-Z]{2}\d{5,6}"),  # HCPC
}
SCHOOLS = {name: region for name, _, region in data.MEDICAL_SCHOOLS}
SHORTHAND = (
    "A&E",
    "ED",
    "ITU",
    "O&G",
    "T&O",
    "MRCP",
    "MRCS Part A",
    "QIP",
    "SFP",
    "IMT applications",
    "LTFT",
)


@pytest.fixture(scope="module")
def people() -> list[DemoPerson]:
    return generate_people(500, Random(11))


# --- determinism ------------------------------------------------------------------------------


def test_the_same_seed_makes_the_same_people():
    assert generate_people(300, Random(5)) == generate_people(300, Random(5))


def test_a_different_seed_makes_different_people():
    first, second = generate_people(300, Random(5)), generate_people(300, Random(6))
    assert [p.name for p in first] != [p.name for p in second]
    assert {p.about for p in first}.isdisjoint({p.about for p in second})


def test_the_same_seed_makes_the_same_people_in_another_process():
    """Nothing depends on set order or string hashing, which change from one Python process to the next."""
    program = (
        "import hashlib, random; from mentormatch.demo.generate import generate_people; "
        "print(hashlib.sha256(repr(generate_people(200, random.Random(7))).encode()).hexdigest())"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", program],
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for hash_seed in ("1", "2")
    }
    assert digests == {hashlib.sha256(repr(generate_people(200, Random(7))).encode()).hexdigest()}


# --- consistency --------------------------------------------------------------------------------


def test_codes_come_from_the_vocabulary(people):
    for person in people:
        assert person.career_stage in STAGE_BY_CODE
        assert person.region in REGIONS
        assert 1 <= len(person.specialties) <= 3 and set(person.specialties) <= SPECIALTIES.keys()
        assert 1 <= len(person.goals) <= 4 and set(person.goals) <= GOALS.keys()
        assert len(set(person.specialties)) == len(person.specialties)
        assert len(set(person.goals)) == len(person.goals)


def test_stage_details_exist_at_the_stage(people):
    for person in people:
        if person.career_stage in STAGE_DETAILS:
            assert person.stage_detail in STAGE_DETAILS[person.career_stage], person
        else:
            assert person.stage_detail is None, person


def test_organisations_are_in_the_persons_region(people):
    for person in people:
        if person.career_stage == "medical_student":
            assert SCHOOLS[person.organisation] == person.region
            assert person.department is None
        else:
            trusts = {name for name, _ in data.TRUSTS[person.region]}
            towns = data.PRACTICE_TOWNS[person.region]
            assert (
                person.organisation in trusts
                or person.organisation == data.AMBULANCE_SERVICES[person.region]
                or any(town in person.organisation for town in towns)
            ), person


def test_only_registered_seniors_mentor_with_the_right_registration_number(people):
    mentors = [person for person in people if person.offers_mentoring]
    assert mentors
    for person in people:
        if not person.offers_mentoring:
            assert (person.mentor_status, person.mentor_capacity, person.registration_number) == (None,) * 3
            continue
        assert STAGE_BY_CODE[person.career_stage].rank >= 2
        assert person.career_stage != "medical_student"
        assert REGISTRATION[person.career_stage].fullmatch(person.registration_number), person
        assert person.mentor_status in ("approved", "pending")
        assert 1 <= person.mentor_capacity <= 6
    statuses = Counter(person.mentor_status for person in mentors)
    assert statuses["approved"] > statuses["pending"] > 0
    numbers = [person.registration_number for person in mentors]
    assert len(set(numbers)) == len(numbers)


def test_interests_are_normalised_tags(people):
    for person in people:
        assert 2 <= len(person.interests) <= 6
        assert all(normalise_tag(tag) == tag and len(tag) <= 40 for tag in person.interests)
    assert len({tag for person in people for tag in person.interests}) >= 50


def test_emails_are_unique_and_undeliverable(people):
    emails = [person.email for person in [*people, *DEMO_LOGINS.values()]]
    assert len(set(emails)) == len(emails)
    assert all(re.fullmatch(rf"[a-z0-9.-]+@{re.escape(EMAIL_DOMAIN)}", email) for email in emails)


def test_fields_fit_the_profile_form(people):
    for person in people:
        assert (
            len(person.name) <= 120
            and len(person.organisation) <= 120
            and len(person.department or "") <= 120
        )
        assert 0 < len(person.about) <= 2000 and 0 < len(person.looking_for) <= 1000
        assert 0 <= person.availability_hours <= 40
        assert person.meet_in_person or person.meet_video or person.meet_messages


def test_the_population_looks_like_a_uk_programme(people):
    stages = Counter(person.career_stage for person in people)
    assert 0.35 < stages["medical_student"] / len(people) < 0.55
    assert stages["foundation_doctor"] and stages["consultant"] and stages["gp"] and stages["allied_health"]
    seniors = [person for person in people if STAGE_BY_CODE[person.career_stage].rank >= 2]
    assert 0.1 < sum(person.offers_mentoring for person in seniors) / len(seniors) < 0.3
    assert len({person.organisation for person in people if person.career_stage == "medical_student"}) >= 25
    assert len({person.region for person in people}) == len(REGIONS)
    assert sum(not person.name.isascii() for person in people) >= 10  # Siobhán, Nguyễn, Zoë…
    assert len({person.about for person in people}) >= 0.95 * len(people)
    texts = " ".join(f"{person.about} {person.looking_for}" for person in people)
    assert sum(term in texts for term in SHORTHAND) >= 8


# --- the command and the database ------------------------------------------------------------


def seed(runner, *args: str):
    result = runner.invoke(args=["seed-demo", *args])
    assert result.exit_code == 0, result.output
    return result


def test_seed_demo_prints_logins_that_work(app, runner):
    result = seed(runner, "--users", "60", "--seed", "7")
    assert "Seeded 60 demo members" in result.output
    password = re.search(r"password: (\S+)\)", result.output).group(1)
    assert password == DEMO_PASSWORD
    for person in DEMO_LOGINS.values():
        assert person.email in result.output
        assert log_in(app.test_client(), person.email, password).status_code == 303

    student = app.test_client()
    log_in(student, DEMO_LOGINS["student"].email, password)
    page = student.get("/people?q=cardiology&mentors=1").get_data(as_text=True)
    assert "Tom Okafor" in page

    again = seed(runner, "--users", "60", "--seed", "7")
    assert "already has 60 members: nothing seeded" in again.output
    assert all(person.email in again.output for person in DEMO_LOGINS.values())
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 60


def test_seeded_accounts_are_verified_onboarded_and_share_one_hash(app, runner):
    seed(runner, "--users", "40", "--seed", "3")
    with app.app_context():
        users = db.session.scalars(select(User)).all()
        assert len(users) == 40
        assert all(user.is_verified and user.profile.onboarded_at for user in users)
        assert len({user.password_hash for user in users}) == 1
        assert [user.email for user in users if user.is_admin] == [DEMO_LOGINS["admin"].email]
        mentor = db.session.scalar(select(User).where(User.email == DEMO_LOGINS["mentor"].email))
        assert mentor.profile.is_approved_mentor and mentor.profile.specialties == [
            "academic_medicine",
            "cardiology",
        ]


def test_most_demo_members_asked_for_digests_so_the_demo_sends_them(app, runner):
    seed(runner, "--users", "120", "--seed", "5")
    with app.app_context():
        users = db.session.scalars(select(User)).all()
        choices = Counter(user.digest_frequency if user.digest_opt_in else "never" for user in users)
        assert choices["weekly"] > len(users) / 2 and choices["daily"] > 0 and choices["never"] > 0
        assert all(user.digest_consent_at for user in users if user.digest_opt_in)
        logins = [user for user in users if user.email in {p.email for p in DEMO_LOGINS.values()}]
        assert [(user.digest_opt_in, user.digest_frequency) for user in logins] == [(True, "weekly")] * 3
    result = runner.invoke(args=["digests", "send"])
    sent = int(re.search(r"Digests: (\d+) sent", result.output).group(1))
    assert result.exit_code == 0 and sent == choices["weekly"] + choices["daily"], result.output
    subjects = {row.subject for row in outbox(app, DEMO_LOGINS["student"].email)}
    assert subjects and all("new people to meet" in subject for subject in subjects)


def test_the_directory_finds_seeded_people(app, runner):
    seed(runner, "--users", "60", "--seed", "7")
    generated = generate_people(57, Random(7), alongside=DEMO_LOGINS.values())

    def found(**query: object) -> set[str]:
        return {user.email for user in db.session.scalars(directory_select(DirectoryQuery(**query)))}

    with app.app_context():
        assert {DEMO_LOGINS["student"].email, DEMO_LOGINS["mentor"].email} <= found(text="cardiology")
        assert DEMO_LOGINS["student"].email in found(text="line dancing")
        assert DEMO_LOGINS["mentor"].email in found(text="cardi")  # as you type
        assert DEMO_LOGINS["mentor"].email in found(specialty="cardiology", mentors_only=True)
        for person in generated[:10]:
            specialty_word = SPECIALTIES[person.specialties[0]].split()[0]
            assert person.email in found(text=f"{specialty_word} {person.interests[-1]}")
            assert person.email in found(text=fold_accents(person.name), region=person.region)


def test_seeded_search_text_is_what_the_profile_editor_writes(app, runner):
    seed(runner, "--users", "30", "--seed", "4")
    with app.app_context():
        for user in db.session.scalars(select(User).join(User.profile)):
            profile = user.profile
            seeded = (profile.search_primary, profile.search_secondary)
            refresh_search_text(user, profile)
            assert sorted(seeded[0].split()) == sorted(profile.search_primary.split())
            assert sorted(seeded[1].split()) == sorted(profile.search_secondary.split())
        db.session.rollback()


USER_COLUMNS = ("email", "name", "career_stage", "is_admin")
PROFILE_COLUMNS = (
    "stage_detail", "organisation", "department", "region", "about", "looking_for", "availability_hours",
    "meet_in_person", "meet_video", "meet_messages", "offers_mentoring", "mentor_status", "mentor_capacity",
    "registration_number", "search_primary", "search_secondary",
)  # fmt: skip


def snapshot(app) -> list[tuple]:
    """Everything seeded, less ids and timestamps, by email."""
    with app.app_context():
        return [
            (
                *(getattr(user, column) for column in USER_COLUMNS),
                *(getattr(user.profile, column) for column in PROFILE_COLUMNS),
                tuple(user.profile.specialties),
                tuple(user.profile.goals),
                tuple(tag.name for tag in user.profile.interests),
            )
            for user in db.session.scalars(select(User).order_by(User.email))
        ]


def wipe(app) -> None:
    """Empty every table; the append-only audit log by dropping and re-creating it (seeding writes none)."""
    with app.app_context():
        for table in reversed(db.metadata.sorted_tables):
            if table.name == "audit_entry":
                table.drop(db.session.connection())
                table.create(db.session.connection())
            else:
                db.session.execute(delete(table))
        db.session.commit()


def test_the_same_seed_fills_a_database_the_same_way(make_app):
    first = make_app()
    seed(first.test_cli_runner(), "--users", "40", "--seed", "9")
    seeded = snapshot(first)
    wipe(first)
    second = make_app()
    seed(second.test_cli_runner(), "--users", "40", "--seed", "9")
    assert snapshot(second) == seeded
    wipe(second)
    seed(second.test_cli_runner(), "--users", "40", "--seed", "10")
    other = snapshot(second)
    assert len(other) == 40 and other != seeded


def test_ten_thousand_members_on_sqlite(tmp_path):
    app = create_app(make_test_config(f"sqlite:///{tmp_path / 'demo.sqlite3'}", tmp_path))
    with app.app_context():
        db.create_all()
    seed(app.test_cli_runner(), "--users", "10000")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 10_000
        assert db.session.scalar(select(func.count()).where(Profile.search_primary != "")) == 10_000
        # The FTS index agrees with the profile rows (the insert triggers fired for the bulk insert).
        db.session.execute(text("INSERT INTO profile_fts(profile_fts, rank) VALUES ('integrity-check', 1)"))
        assert db.session.scalar(text("SELECT count(*) FROM profile_fts WHERE profile_fts MATCH 'okafor'"))
        db.engine.dispose()


def test_seed_demo_refuses_outside_debug_mode(tmp_path):
    """Its admin has a published password: a real site must never get it."""
    from mentormatch import create_app
    from tests.conftest import make_test_config

    app = create_app({**make_test_config(f"sqlite:///{tmp_path / 'prod.db'}", tmp_path), "TESTING": False})
    with app.app_context():
        db.create_all()
    result = app.test_cli_runner().invoke(args=["seed-demo", "--users", "10"])
    assert result.exit_code == 2
    assert "only runs in debug mode" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 0
        db.engine.dispose()
