"""CSV member import: `flask users import` and /admin/import, with real files and both databases."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from mentormatch.accounts.models import AccountToken, User
from mentormatch.core.extensions import db
from mentormatch.core.mail.models import OutboxMessage
from mentormatch.profiles.models import Profile, Tag, profile_interest
from tests.factories import make_member
from tests.helpers import csrf_from, link_in, log_in, outbox, submit, token_for

HEADER = (
    "email,name,stage,organisation,region,specialties,goals,interests,bio,looking_for,"
    "offers_mentoring,capacity,registration_number"
)
COLUMNS = HEADER.split(",")

SIOBHAN = {
    "email": "Siobhan.OBriain@Example.ie",
    "name": "Siobhán Ó Briain",
    "stage": "medical_student",
    "organisation": "Trinity College Dublin",
    "region": "northern_ireland",
    "specialties": "cardiology;paediatrics",
    "goals": "exams;research",
    "interests": "Cycling; line  Dancing;#cycling",
    "bio": "<script>alert(1)</script>",
    "looking_for": "Help with my first audit.",
    "offers_mentoring": "no",
}
LAN = {
    "email": "lan.nguyen@example.nhs.uk",
    "name": "Nguyễn Thị Lan",
    "stage": "consultant",
    "organisation": "Royal Free Hospital",
    "region": "london",
    "specialties": "Cardiology",
    "goals": "teaching;leadership",
    "interests": "running;music",
    "bio": "Consultant cardiologist.\nHappy to talk careers.",
    "offers_mentoring": "yes",
    "capacity": "3",
    "registration_number": "1234567",
}
AMARA = {
    "email": "amara.okafor@example.nhs.uk",
    "name": "Amara Okafor",
    "stage": "nurse_midwife",
    "specialties": "obstetrics_gynaecology",
    "offers_mentoring": "YES",
    "capacity": "2",
    "registration_number": " 12a3456b ",
}


def csv_text(rows: list[dict], header: str = HEADER) -> str:
    """A CSV file's text: the header, then each row (missing columns empty), as Excel would quote it."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    columns = header.split(",")
    for row in rows:
        writer.writerow([row.get(column, "") for column in columns])
    return header + "\n" + out.getvalue()


def write(tmp_path: Path, content: str | bytes, name: str = "people.csv") -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8", newline="")
    else:
        path.write_bytes(content)
    return path


def run_import(runner, path: Path, *options: str):
    return runner.invoke(args=["users", "import", str(path), *options])


def counts(app) -> dict[str, int]:
    """How many of each thing an import creates are in the database."""
    with app.app_context():
        count = lambda what: db.session.scalar(select(func.count()).select_from(what))  # noqa: E731
        return {
            "users": count(User),
            "profiles": count(Profile),
            "tags": count(Tag),
            "interests": count(profile_interest),
            "tokens": count(AccountToken),
            "emails": count(OutboxMessage),
        }


NOTHING = {"users": 0, "profiles": 0, "tags": 0, "interests": 0, "tokens": 0, "emails": 0}


def user_and_profile(app, email: str) -> tuple[User, Profile, dict]:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        profile = user.profile
        lists = {
            "specialties": list(profile.specialties),
            "goals": list(profile.goals),
            "interests": [tag.name for tag in profile.interests],
        }
        db.session.expunge_all()
        return user, profile, lists


# --- a good file ------------------------------------------------------------------------------


def test_a_good_file_imports_people_profiles_and_invitations(app, runner, tmp_path):
    path = write(tmp_path, csv_text([SIOBHAN, LAN, AMARA]))

    result = run_import(runner, path)

    assert result.exit_code == 0, result.output
    assert "Imported 3 people: 1 mentee, 2 mentors (2 pending approval)." in result.output
    assert counts(app) == {"users": 3, "profiles": 3, "tags": 4, "interests": 4, "tokens": 3, "emails": 3}

    user, profile, lists = user_and_profile(app, "siobhan.obriain@example.ie")
    assert user.name == "Siobhán Ó Briain" and user.career_stage == "medical_student"
    assert user.is_verified and user.password_hash is None and not user.is_admin
    assert user.terms_accepted_at is None and not user.digest_opt_in
    assert profile.organisation == "Trinity College Dublin" and profile.region == "northern_ireland"
    assert lists == {
        "specialties": ["cardiology", "paediatrics"],
        "goals": ["exams", "research"],
        "interests": ["cycling", "line dancing"],
    }
    assert profile.about == "<script>alert(1)</script>"
    assert profile.looking_for == "Help with my first audit."
    assert profile.onboarded_at is not None
    assert not profile.offers_mentoring and profile.mentor_status is None and profile.mentor_capacity is None
    assert "Siobhan O Briain" in profile.search_primary and "cycling" in profile.search_primary

    user, profile, lists = user_and_profile(app, "lan.nguyen@example.nhs.uk")
    assert user.name == "Nguyễn Thị Lan"
    assert profile.offers_mentoring and profile.mentor_status == "pending"
    assert profile.mentor_capacity == 3 and profile.registration_number == "1234567"
    assert profile.about == "Consultant cardiologist.\nHappy to talk careers."
    assert lists["specialties"] == ["cardiology"]

    _, profile, _ = user_and_profile(app, "amara.okafor@example.nhs.uk")
    assert profile.registration_number == "12A3456B" and profile.mentor_capacity == 2

    messages = outbox(app)
    assert sorted(message.to_addr for message in messages) == [
        "amara.okafor@example.nhs.uk",
        "lan.nguyen@example.nhs.uk",
        "siobhan.obriain@example.ie",
    ]
    assert {message.kind for message in messages} == {"import_invitation"}
    [lan] = outbox(app, to="lan.nguyen@example.nhs.uk")
    assert "Nguyễn Thị Lan" in lan.text_body and "waiting for a programme admin" in lan.text_body
    assert "/auth/invitation/" in lan.text_body and "/auth/invitation/" in lan.html_body


def test_approve_mentors_approves_the_files_mentors(app, runner, tmp_path):
    result = run_import(runner, write(tmp_path, csv_text([SIOBHAN, LAN, AMARA])), "--approve-mentors")

    assert result.exit_code == 0, result.output
    assert "Imported 3 people: 1 mentee, 2 mentors (2 approved)." in result.output
    assert user_and_profile(app, "lan.nguyen@example.nhs.uk")[1].mentor_status == "approved"
    assert user_and_profile(app, "amara.okafor@example.nhs.uk")[1].mentor_status == "approved"
    assert user_and_profile(app, "siobhan.obriain@example.ie")[1].mentor_status is None
    [lan] = outbox(app, to="lan.nguyen@example.nhs.uk")
    assert "listed as a mentor, for up to 3 mentees" in lan.text_body


def test_the_invitation_link_sets_a_password_once_and_then_they_log_in(app, runner, client, tmp_path):
    run_import(runner, write(tmp_path, csv_text([SIOBHAN, LAN])))
    [message] = outbox(app, to="siobhan.obriain@example.ie")
    link = link_in(message, "/auth/invitation/")

    page = client.get(link)
    assert page.status_code == 200 and "siobhan.obriain@example.ie" in page.get_data(as_text=True)
    response = submit(client, link, {"password": "a new and long passphrase", "accept_terms": "y"})
    assert response.status_code == 303
    assert log_in(client, "siobhan.obriain@example.ie", "a new and long passphrase").status_code == 303
    assert client.get("/").status_code == 200
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "siobhan.obriain@example.ie"))
        assert user.password_hash.startswith("$argon2id$") and user.is_verified
        assert user.terms_accepted_at is not None  # they agreed themselves, on the invitation page

    client.post("/auth/logout", data={"csrf_token": ""})
    assert client.get(link).status_code == 400  # single use


def test_imported_people_are_in_the_directory_at_once_and_their_text_is_escaped(
    app, runner, client, login_as, tmp_path
):
    run_import(runner, write(tmp_path, csv_text([SIOBHAN, LAN])))
    login_as("member")

    found = client.get("/people?q=siobhan").get_data(as_text=True)
    assert "Siobhán Ó Briain" in found and "Nguyễn Thị Lan" not in found
    assert "Nguyễn Thị Lan" in client.get("/people?specialty=cardiology&stage=consultant").get_data(
        as_text=True
    )
    siobhan, _, _ = user_and_profile(app, "siobhan.obriain@example.ie")
    page = client.get(f"/people/{siobhan.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" not in html


def test_a_utf8_bom_and_windows_line_endings_are_accepted(app, runner, tmp_path):
    text = csv_text([SIOBHAN, LAN]).replace("\n", "\r\n")  # including inside Lan's quoted bio
    path = write(tmp_path, "\ufeff" + text)

    result = run_import(runner, path)

    assert result.exit_code == 0, result.output
    assert counts(app)["users"] == 2
    assert user_and_profile(app, "siobhan.obriain@example.ie")[0].name == "Siobhán Ó Briain"
    assert user_and_profile(app, "lan.nguyen@example.nhs.uk")[1].about == (
        "Consultant cardiologist.\nHappy to talk careers."
    )


def test_columns_may_come_in_any_order_and_blank_lines_are_skipped(app, runner, tmp_path):
    header = ",".join(reversed(COLUMNS)).upper()
    text = csv_text([SIOBHAN], header=header.lower()).replace(header.lower(), header)
    path = write(tmp_path, text + ",,,,,,,,,,,,\n\n")

    result = run_import(runner, path)

    assert result.exit_code == 0, result.output
    assert "Imported 1 person: 1 mentee, 0 mentors." in result.output


def test_a_dry_run_reports_and_writes_nothing_and_sends_nothing(app, runner, tmp_path):
    result = run_import(runner, write(tmp_path, csv_text([SIOBHAN, LAN, AMARA])), "--dry-run")

    assert result.exit_code == 0, result.output
    assert "Would import 3 people: 1 mentee, 2 mentors (2 pending approval)." in result.output
    assert "nothing was written and no email was sent" in result.output
    assert counts(app) == NOTHING

    result = run_import(runner, write(tmp_path, csv_text([LAN])), "--dry-run", "--approve-mentors")
    assert "Would import 1 person: 0 mentees, 1 mentor (1 approved)." in result.output
    assert counts(app) == NOTHING


# --- bad rows ---------------------------------------------------------------------------------

BAD_ROWS = [
    ({"stage": "surgeon"}, "stage", '"surgeon" is not a career stage (use one of: medical_student, '),
    ({"stage": "Consultnat"}, "stage", '"Consultnat" is not a career stage (did you mean consultant?)'),
    ({"region": "narnia"}, "region", '"narnia" is not a region (use one of: london, kss, '),
    ({"specialties": "cardiology;astrology"}, "specialties", '"astrology" is not a specialty'),
    (
        {"specialties": "general practice"},
        "specialties",
        '"general practice" is not a specialty (did you mean general_practice?)',
    ),
    ({"goals": "fame"}, "goals", '"fame" is not a goal (use one of: career_planning, '),
    ({"email": "not-an-email"}, "email", '"not-an-email" is not an email address'),
    ({"email": "someone@localhost"}, "email", '"someone@localhost" is not an email address'),
    ({"email": " "}, "email", "missing: every person needs an email address"),
    ({"name": ""}, "name", "missing: every person needs a name"),
    ({"stage": ""}, "stage", "missing: every person needs a career stage"),
    ({"capacity": "11"}, "capacity", "11 is out of range: a mentor takes 1 to 10 mentees"),
    ({"capacity": "0"}, "capacity", "0 is out of range"),
    ({"capacity": "two"}, "capacity", '"two" is not a whole number from 1 to 10'),
    ({"capacity": ""}, "capacity", "missing: a mentor needs a capacity"),
    ({"offers_mentoring": "no"}, "capacity", 'only for mentors, but offers_mentoring is not "yes"'),
    ({"offers_mentoring": "maybe"}, "offers_mentoring", '"maybe" is not yes or no'),
    ({"registration_number": "123456"}, "registration_number", '"123456" is not a GMC number (7 digits'),
    ({"registration_number": ""}, "registration_number", "enter a GMC number"),
    (
        {"stage": "nurse_midwife", "registration_number": "1234567"},
        "registration_number",
        '"1234567" is not an NMC PIN',
    ),
    (
        {"stage": "allied_health", "registration_number": "12345"},
        "registration_number",
        '"12345" is not an HCPC number',
    ),
    (
        {
            "stage": "medical_student",
            "offers_mentoring": "no",
            "capacity": "",
            "registration_number": "1234567",
        },
        "registration_number",
        "medical students aren't registered yet",
    ),
    ({"stage": "medical_student"}, "offers_mentoring", "medical students can't be mentors"),
    ({"name": "x" * 121}, "name", "too long: 121 characters (at most 120)"),
    ({"organisation": "x" * 121}, "organisation", "too long: 121 characters (at most 120)"),
    ({"bio": "x" * 2001}, "bio", "too long: 2001 characters (at most 2000)"),
    ({"looking_for": "x" * 1001}, "looking_for", "too long: 1001 characters (at most 1000)"),
    (
        {"interests": ";".join(f"hobby {n}" for n in range(16))},
        "interests",
        "too many interests: 16 (at most 15)",
    ),
    (
        {"interests": "cycling;" + "x" * 41},
        "interests",
        f'"{"x" * 41}" is too long for an interest (at most 40)',
    ),
    (
        {"specialties": "cardiology;neurology;urology;radiology;pathology;psychiatry;geriatrics"},
        "specialties",
        "too many specialties: 7 (at most 6)",
    ),
    ({"name": "Lan\x07 Nguyen"}, "name", "contains an invisible control character (U+0007)"),
    ({"bio": "Hello\x1b[31m"}, "bio", "contains an invisible control character (U+001B)"),
    ({"organisation": "Royal\u0085Free"}, "organisation", "contains an invisible control character (U+0085)"),
]


@pytest.mark.parametrize(("change", "column", "message"), BAD_ROWS)
def test_a_bad_row_is_reported_with_its_line_and_column_and_nothing_is_written(
    app, runner, tmp_path, change, column, message
):
    path = write(tmp_path, csv_text([SIOBHAN, AMARA, {**LAN, **change}]))

    result = run_import(runner, path)

    assert result.exit_code == 1, result.output
    assert f'line 4, column "{column}": {message}' in result.output
    assert "nothing was imported" in result.output
    assert counts(app) == NOTHING


def test_every_problem_in_the_file_is_reported(app, runner, tmp_path):
    rows = [
        SIOBHAN,
        {**LAN, "stage": "surgeon", "region": "narnia"},
        AMARA,
        {**AMARA, "email": "not-an-email", "capacity": "12"},
    ]

    result = run_import(runner, write(tmp_path, csv_text(rows)))

    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines[:-1] == [
        'line 3, column "stage": "surgeon" is not a career stage (use one of: medical_student, '
        "foundation_doctor, core_trainee, nurse_midwife, allied_health, specialty_trainee, sas_doctor, gp, "
        "consultant)",
        'line 3, column "region": "narnia" is not a region (use one of: london, kss, thames_valley, '
        "wessex, south_west, west_midlands, east_midlands, east_of_england, north_west, yorkshire_humber, "
        "north_east, scotland, wales, northern_ireland)",
        'line 6, column "email": "not-an-email" is not an email address: '
        "an email address must have an @-sign",
        'line 6, column "capacity": 12 is out of range: a mentor takes 1 to 10 mentees',
    ]
    assert lines[-1] == (
        "4 problems in people.csv: nothing was imported. Fix the file and run the import again."
    )
    assert counts(app) == NOTHING


def test_line_numbers_count_lines_inside_quoted_values(app, runner, tmp_path):
    rows = [{**LAN, "bio": "one\ntwo\nthree"}, {**SIOBHAN, "stage": "surgeon"}]

    result = run_import(runner, write(tmp_path, csv_text(rows)))

    assert 'line 5, column "stage": "surgeon"' in result.output


def test_an_address_twice_in_the_file_is_reported_on_both_lines(app, runner, tmp_path):
    rows = [
        SIOBHAN,
        {**AMARA, "email": "LAN.Nguyen@example.nhs.uk"},
        {**AMARA, "email": "x@example.org"},
        LAN,
        {**AMARA, "email": "lan.nguyen@example.nhs.uk "},
    ]

    result = run_import(runner, write(tmp_path, csv_text(rows)))

    assert result.exit_code == 1
    assert 'line 3, column "email": "lan.nguyen@example.nhs.uk" is also on lines 5, 7' in result.output
    assert 'line 5, column "email": "lan.nguyen@example.nhs.uk" is also on lines 3, 7' in result.output
    assert 'line 7, column "email": "lan.nguyen@example.nhs.uk" is also on lines 3, 5' in result.output
    assert "line 4" not in result.output and "line 2" not in result.output
    assert counts(app) == NOTHING


def test_an_address_that_already_has_an_account_is_reported_and_the_account_is_untouched(
    app, runner, tmp_path
):
    make_member(app, "Lan N", email="lan.nguyen@example.nhs.uk", stage="core_trainee", profile=False)

    result = run_import(
        runner, write(tmp_path, csv_text([SIOBHAN, {**LAN, "email": "Lan.Nguyen@Example.NHS.uk"}]))
    )

    assert result.exit_code == 1
    assert (
        'line 3, column "email": "lan.nguyen@example.nhs.uk" already has an account '
        "(an import never changes existing accounts)"
    ) in result.output
    assert counts(app) == {**NOTHING, "users": 1}
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "lan.nguyen@example.nhs.uk"))
        assert user.name == "Lan N" and user.career_stage == "core_trainee" and user.profile is None


def test_an_address_taken_between_the_check_and_the_insert_rolls_everything_back(
    app, runner, tmp_path, monkeypatch
):
    from mentormatch.importing import service

    make_member(app, "Lan N", email="lan.nguyen@example.nhs.uk", profile=False)
    # As if Lan signed up after the check looked for existing accounts: the unique index stops it.
    monkeypatch.setattr(service, "existing_emails", lambda emails: set())

    result = run_import(runner, write(tmp_path, csv_text([SIOBHAN, LAN])))

    assert result.exit_code == 1
    assert "Nothing was imported: an account with one of these addresses" in result.output
    assert counts(app) == {**NOTHING, "users": 1}


# --- the header and the file itself -----------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (HEADER.replace(",capacity", ""), ['line 1, column "capacity": missing from the header']),
        (
            HEADER.replace("email,", "").replace(",bio", ""),
            [
                'line 1, column "email": missing from the header',
                'line 1, column "bio": missing from the header',
            ],
        ),
        (HEADER + ",phone", ['line 1, column "phone": unknown column (the columns are: email, name, stage,']),
        (HEADER + ",Name", ['line 1, column "name": appears twice in the header']),
        (HEADER.replace(",", ";"), ["line 1: the columns are separated by semicolons, not commas"]),
    ],
)
def test_a_header_with_missing_or_unknown_columns_is_reported(app, runner, tmp_path, header, expected):
    path = write(tmp_path, header + "\n" + "a@example.org,Ann,gp\n")

    result = run_import(runner, path)

    assert result.exit_code == 1
    for line in expected:
        assert line in result.output
    assert counts(app) == NOTHING


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (HEADER + "\n", "line 2: there are no people below the header row"),
        (
            HEADER + "\nann@example.org,Ann,gp,St Elsewhere, with a comma,london,,,,,,no,,x\n",
            "line 2: 14 values, but the header has 13 columns "
            "(a value containing a comma must be in double quotes)",
        ),
        (
            HEADER + '\nann@example.org,"Ann\n',
            "line 2: a quoted value starts on this line but its closing quote",
        ),
        (
            HEADER + '\nann@example.org,"Ann" B,gp,,,,,,,,,,\n',
            "line 2: a closing quote must be followed by a comma",
        ),
        (HEADER + ",\nann@example.org,Ann,gp,,,,,,,,,,,surprise\n", "line 2: there is a value in column 14"),
    ],
)
def test_malformed_csv_is_reported_by_line(app, runner, tmp_path, text, expected):
    result = run_import(runner, write(tmp_path, text))

    assert result.exit_code == 1
    assert expected in result.output
    assert counts(app) == NOTHING


XLSX = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" + bytes(range(256)) * 4


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            (HEADER + "\nsiobhan@example.ie,Siobhán Ó Briain,medical_student\n").encode("latin-1"),
            "people.csv: This file is not UTF-8 text: byte 0xE1 on line 2 isn't UTF-8",
        ),
        (XLSX, "people.csv: This is an Excel workbook, not a CSV file."),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "people.csv: This is not a text file"),
        ((HEADER + "\n").encode("utf-16"), "people.csv: This file is UTF-16"),
        (b"", "people.csv: The file is empty."),
    ],
    ids=["latin-1", "xlsx", "binary", "utf-16", "empty"],
)
def test_a_file_that_isnt_utf8_csv_gets_one_clear_message(app, runner, tmp_path, content, message):
    result = run_import(runner, write(tmp_path, content))

    assert result.exit_code == 2
    assert result.output.startswith(f"Error: {message}")
    assert len(result.output.strip().splitlines()) == 1
    assert "CSV UTF-8" in result.output or "empty" in result.output
    assert counts(app) == NOTHING


def test_a_missing_file_is_a_usage_error(app, runner, tmp_path):
    result = run_import(runner, tmp_path / "nowhere.csv")
    assert result.exit_code == 2 and "does not exist" in result.output


# --- volume -----------------------------------------------------------------------------------


def test_ten_thousand_people_are_imported(app, runner, tmp_path):
    stages = ["medical_student", "foundation_doctor", "core_trainee", "consultant"]
    rows = []
    for n in range(10_000):
        stage = stages[n % 4]
        mentor = stage == "consultant"
        rows.append(
            {
                "email": f"person{n}@example.nhs.uk",
                "name": f"Person {n} Ó Briain",
                "stage": stage,
                "organisation": "Royal Infirmary",
                "region": "scotland",
                "specialties": "cardiology;neurology",
                "goals": "exams;research",
                "interests": f"cycling;hobby {n % 300}",
                "bio": "I enjoy teaching and research.",
                "offers_mentoring": "yes" if mentor else "no",
                "capacity": "2" if mentor else "",
                "registration_number": f"{1_000_000 + n}" if mentor else "",
            }
        )

    result = run_import(runner, write(tmp_path, csv_text(rows)), "--approve-mentors")

    assert result.exit_code == 0, result.output[:2000]
    assert "Imported 10000 people: 7500 mentees, 2500 mentors (2500 approved)." in result.output
    assert counts(app) == {
        "users": 10_000,
        "profiles": 10_000,
        "tags": 301,
        "interests": 20_000,
        "tokens": 10_000,
        "emails": 10_000,
    }


# --- the admin page ---------------------------------------------------------------------------


def upload(client, path: Path, button: str = "check", *, approve: bool = False, headers: dict | None = None):
    """Send the import form with this file, pressing "Check file" or "Import", as a browser would."""
    data = {
        "file": (io.BytesIO(path.read_bytes()), path.name),
        button: "Check file" if button == "check" else "Import",
    }
    if approve:
        data["approve_mentors"] = "y"
    return submit(
        client,
        "/admin/import",
        data,
        page="/admin/import",
        content_type="multipart/form-data",
        headers=headers,
    )


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize(
    ("role", "expected"), [("anonymous", "login"), ("unverified", 403), ("member", 403), ("admin", 200)]
)
def test_only_admins_can_use_the_import_page(client, login_as, role, expected, method, htmx):
    login_as(role)
    headers = {"HX-Request": "true"} if htmx else {}
    data = {"csrf_token": token_for(client)} if method == "POST" else None

    response = client.open("/admin/import", method=method, headers=headers, data=data)

    if expected == "login":
        if htmx:
            assert response.status_code == 401 and response.headers["HX-Redirect"].startswith("/auth/login")
        else:
            assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login")
    elif expected == 403:
        assert response.status_code == 403
        assert "You can&#39;t do that" in response.get_data(as_text=True)
    else:  # an admin's empty POST is a form with errors
        assert response.status_code == (200 if method == "GET" else 422)


def test_the_import_page_is_an_accessible_form(client, login_as):
    login_as("admin")

    html = client.get("/admin/import").get_data(as_text=True)

    assert '<label class="label" for="file">CSV file</label>' in html
    assert 'type="file"' in html and 'accept=".csv,text/csv"' in html
    assert 'enctype="multipart/form-data"' in html and 'name="csrf_token"' in html
    assert 'value="Check file"' in html and 'value="Import"' in html
    assert 'for="approve_mentors"' in html
    assert HEADER in html  # the column reference


def test_an_admin_checks_a_file_then_imports_it(app, client, login_as, tmp_path):
    login_as("admin")
    path = write(tmp_path, csv_text([SIOBHAN, LAN, AMARA]))

    checked = upload(client, path, "check")

    assert checked.status_code == 200
    html = checked.get_data(as_text=True)
    assert "people.csv is ready to import" in html
    assert "Would import 3 people: 1 mentee, 2 mentors (2 pending approval)." in html
    assert "Nothing has been saved and no email sent." in html
    assert counts(app) == {**NOTHING, "users": 1}  # just the admin

    imported = upload(client, path, "run_import", approve=True)

    assert imported.status_code == 303 and imported.headers["Location"] == "/admin/import"
    page = client.get("/admin/import").get_data(as_text=True)
    assert "Imported 3 people: 1 mentee, 2 mentors (2 approved)." in page
    assert counts(app) == {"users": 4, "profiles": 3, "tags": 4, "interests": 4, "tokens": 3, "emails": 3}
    assert user_and_profile(app, "lan.nguyen@example.nhs.uk")[1].mentor_status == "approved"


@pytest.mark.parametrize("approve", [True, False], ids=["approved", "pending"])
def test_mentors_approved_by_an_import_are_in_the_audit_log(app, client, login_as, tmp_path, approve):
    """One "mentor.approve" entry per approved mentor, by the admin who imported, in the import's
    transaction; mentors left pending, and a dry run, write none."""
    from mentormatch.core.audit import AuditEntry

    admin = login_as("admin")
    path = write(tmp_path, csv_text([SIOBHAN, LAN, AMARA]))
    upload(client, path, "check", approve=approve)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0

    assert upload(client, path, "run_import", approve=approve).status_code == 303

    mentors = {
        str(user_and_profile(app, email)[0].id)
        for email in ("lan.nguyen@example.nhs.uk", "amara.okafor@example.nhs.uk")
    }
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        found = [(e.admin_id, e.action, e.subject_type, e.before, e.after) for e in entries]
        subjects = {e.subject_id for e in entries}
    if approve:
        assert (
            found == [(admin, "mentor.approve", "member", None, {"status": "approved", "via": "import"})] * 2
        )
        assert subjects == mentors
    else:
        assert found == []


def test_with_htmx_the_report_is_swapped_in_below_the_form(app, client, login_as, tmp_path):
    login_as("admin")
    path = write(tmp_path, csv_text([SIOBHAN]))
    headers = {"HX-Request": "true", "HX-Target": "import-report"}

    checked = upload(client, path, "check", headers=headers)

    assert checked.status_code == 200
    assert "HX-Target" in checked.headers["Vary"]
    html = checked.get_data(as_text=True)
    assert "<html" not in html and "<form" not in html
    assert "Would import 1 person: 1 mentee, 0 mentors." in html
    assert "Press “Import” to add them" in html  # the file is still chosen in the form

    imported = upload(client, path, "run_import", headers=headers)

    assert imported.status_code == 204 and imported.headers["HX-Redirect"] == "/admin/import"
    assert counts(app)["profiles"] == 1
    assert "Imported 1 person" in client.get("/admin/import").get_data(as_text=True)


@pytest.mark.parametrize("button", ["check", "run_import"])
def test_problems_are_shown_in_a_table_with_422_and_nothing_is_written(
    app, client, login_as, tmp_path, button
):
    login_as("admin")
    rows = [SIOBHAN, {**AMARA, "stage": "surgeon", "capacity": "12"}, {**LAN, "name": "<b>Lan</b>\x07"}]
    path = write(tmp_path, csv_text(rows))

    response = upload(client, path, button)

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "<title>Error: Import members · MentorMatch</title>" in html
    assert "3 problems in people.csv: nothing was imported" in html
    assert "<caption>Problems in people.csv</caption>" in html
    assert '<th scope="col">Line</th><th scope="col">Column</th><th scope="col">Problem</th>' in html
    assert (
        '<tr><th scope="row">3</th><td>stage</td><td>&#34;surgeon&#34; is not a career stage (use one of: '
    ) in html
    assert '<tr><th scope="row">3</th><td>capacity</td><td>12 is out of range' in html
    assert '<tr><th scope="row">4</th><td>name</td><td>contains an invisible control character' in html
    assert counts(app) == {**NOTHING, "users": 1}


def test_the_page_shows_at_most_500_problems(app, client, login_as, tmp_path):
    login_as("admin")
    path = write(
        tmp_path, csv_text([{**SIOBHAN, "email": f"p{n}@x.org", "stage": "surgeon"} for n in range(600)])
    )

    html = upload(client, path).get_data(as_text=True)

    assert "600 problems in people.csv" in html
    assert "<caption>Problems in people.csv: the first 500 of 600</caption>" in html
    assert html.count('<th scope="row">') == 500


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("people.xlsx", XLSX, "Choose a .csv file"),
        ("people.csv", XLSX, "This is an Excel workbook, not a CSV file."),
        ("people.csv", "Siobhán".encode("latin-1"), "This file is not UTF-8 text"),
    ],
)
def test_a_file_that_isnt_csv_is_a_form_error(app, client, login_as, tmp_path, name, content, message):
    login_as("admin")

    response = upload(client, write(tmp_path, content, name=name))

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "There is a problem" in html and message in html and 'aria-invalid="true"' in html
    assert counts(app) == {**NOTHING, "users": 1}


def test_no_file_is_a_form_error(client, login_as):
    login_as("admin")
    response = submit(client, "/admin/import", {"check": "Check file"}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Choose a CSV file of members." in response.get_data(as_text=True)


def test_a_too_large_upload_gets_413(app, client, login_as, tmp_path):
    login_as("admin")
    path = write(tmp_path, HEADER + "\n" + "x" * (2 * 1024 * 1024))
    token = csrf_from(client.get("/admin/import").get_data(as_text=True))
    # The multipart body by hand: Werkzeug's test client never closes the temporary file it
    # spools a large body to (a ResourceWarning, so an error here).
    body = b"".join(
        [
            b'--b\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n' + token.encode() + b"\r\n",
            b'--b\r\nContent-Disposition: form-data; name="check"\r\n\r\nCheck file\r\n',
            b'--b\r\nContent-Disposition: form-data; name="file"; filename="people.csv"\r\n'
            b"Content-Type: text/csv\r\n\r\n" + path.read_bytes() + b"\r\n--b--\r\n",
        ]
    )

    response = client.post("/admin/import", data=body, content_type="multipart/form-data; boundary=b")

    assert response.status_code == 413
    assert "That was too large" in response.get_data(as_text=True)
    assert counts(app) == {**NOTHING, "users": 1}


def test_the_upload_needs_a_csrf_token(app, client, login_as, tmp_path):
    login_as("admin")
    path = write(tmp_path, csv_text([SIOBHAN]))
    response = client.post(
        "/admin/import",
        data={"file": (io.BytesIO(path.read_bytes()), "people.csv"), "run_import": "Import"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert counts(app) == {**NOTHING, "users": 1}


def test_the_page_reports_an_address_taken_during_the_import(app, client, login_as, tmp_path, monkeypatch):
    from mentormatch.importing import service

    login_as("admin")
    make_member(app, "Lan N", email="lan.nguyen@example.nhs.uk", profile=False)
    monkeypatch.setattr(service, "existing_emails", lambda emails: set())

    response = upload(client, write(tmp_path, csv_text([SIOBHAN, LAN])), "run_import")

    assert response.status_code == 422
    assert "was created at the same moment" in response.get_data(as_text=True)
    assert counts(app) == {**NOTHING, "users": 2}


def test_an_import_from_the_command_line_is_audited_under_the_command(
    app, runner, client, login_as, tmp_path
):
    """No admin is behind `flask users import --approve-mentors`: its entries name the command."""
    from mentormatch.core.audit import AuditEntry

    result = run_import(runner, write(tmp_path, csv_text([SIOBHAN, LAN, AMARA])), "--approve-mentors")
    assert result.exit_code == 0, result.output
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        assert [(e.admin_id, e.actor, e.action) for e in entries] == [
            (None, "flask users import", "mentor.approve")
        ] * 2
    login_as("admin")
    page = client.get("/admin/audit").get_data(as_text=True)
    assert page.count("Command line (flask users import)") == 2


def test_mentors_an_import_leaves_waiting_each_get_an_application_at_once(app, runner, tmp_path):
    from mentormatch.mentors.models import MentorApplication

    assert run_import(runner, write(tmp_path, csv_text([SIOBHAN, LAN, AMARA]))).exit_code == 0
    with app.app_context():
        made = db.session.scalars(select(MentorApplication).order_by(MentorApplication.applicant_id)).all()
        applicants = {db.session.get(User, row.applicant_id).email for row in made}
        assert applicants == {"lan.nguyen@example.nhs.uk", "amara.okafor@example.nhs.uk"}
        assert {(row.source, row.status, row.registration_body) for row in made} == {
            ("profile", "pending", "GMC"),
            ("profile", "pending", "NMC"),
        }


# --- the optional offers column ----------------------------------------------------------------


def test_the_optional_offers_column_fills_a_mentors_offers(app, runner, tmp_path):
    header = "offers," + HEADER  # anywhere in the header
    path = write(tmp_path, csv_text([{**LAN, "offers": "exams; Portfolio"}, {**AMARA, "offers": ""}], header))

    result = run_import(runner, path)

    assert result.exit_code == 0, result.output
    with app.app_context():
        offers = {
            email: sorted(db.session.scalar(select(User).where(User.email == email)).profile.offers)
            for email in (LAN["email"], AMARA["email"])
        }
    assert offers == {LAN["email"]: ["exams", "portfolio"], AMARA["email"]: []}


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ({**LAN, "offers": "exams;mrcp"}, 'line 2, column "offers": "mrcp" is not a goal'),
        (
            {**SIOBHAN, "offers": "exams"},
            'line 2, column "offers": only for mentors, but offers_mentoring is not "yes"',
        ),
        (
            {**LAN, "offers": "exams;research;teaching;leadership;portfolio;wellbeing;networking"},
            'line 2, column "offers": too many offers: 7 (at most 6)',
        ),
    ],
)
def test_a_bad_offers_value_is_reported_and_nothing_is_written(app, runner, tmp_path, row, expected):
    path = write(tmp_path, csv_text([row], HEADER + ",offers"))

    result = run_import(runner, path)

    assert result.exit_code == 1
    assert expected in result.output
    assert counts(app) == NOTHING


def test_a_mentor_without_offers_is_matched_on_what_they_wrote(app, runner, tmp_path):
    mentee = {**SIOBHAN, "goals": "", "looking_for": "Looking for help with my portfolio."}
    mentor = {**LAN, "bio": "Happy to help with ARCP prep and e-portfolio."}
    path = write(tmp_path, csv_text([mentee, mentor]))

    assert run_import(runner, path, "--approve-mentors").exit_code == 0
    result = runner.invoke(args=["matches", "export", "--kind", "mentor"])

    lines = [json.loads(line) for line in result.output.splitlines()]
    [mine] = [line for line in lines if line["email"] == SIOBHAN["email"].lower()]
    [suggestion] = mine["suggestions"]
    assert suggestion["email"] == LAN["email"]
    assert "you mention wanting help with portfolio; they write that they can help" in suggestion["reasons"]
