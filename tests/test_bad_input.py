"""Regressions for the inputs that once made a 500: each now gets a clear answer and changes nothing."""

from __future__ import annotations

import io
import logging

import pytest
from sqlalchemy import func, select

from mentormatch.accounts.models import User
from mentormatch.core.csvfile import MAX_FIELD, csv_records
from mentormatch.core.extensions import db
from mentormatch.core.ids import parse_page
from mentormatch.core.views import safe_next
from mentormatch.mentors.models import MentorApplication
from mentormatch.rounds.models import MatchingRound
from tests.factories import make_member
from tests.helpers import PASSWORD, csrf_from, submit
from tests.test_auth import SIGNUP
from tests.test_mentor_applications import GOOD


@pytest.mark.parametrize(
    "target",
    [
        "/%0D%0AX-Injected:%201",
        "/\r\nX-Injected: 1",
        "/\\evil.example",
        "//evil.example",
        "https://evil.example/",
        "/matches\x00",
        "/\x7f",
    ],
)
def test_an_unsafe_next_is_refused(target):
    from urllib.parse import unquote

    assert safe_next(unquote(target)) is None


def test_safe_next_keeps_paths_on_this_site():
    assert safe_next("/matches?tab=peers") == "/matches?tab=peers"


def test_logging_in_with_a_cr_lf_next_lands_on_the_default_page(app, client):
    make_member(app, "Amira Khan", email="nia@example.org", profile=False)
    page = client.get("/auth/login").get_data(as_text=True)
    response = client.post(
        "/auth/login?next=/%0D%0AX-Injected:%201",
        data={"email": "nia@example.org", "password": PASSWORD, "csrf_token": csrf_from(page)},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    assert "X-Injected" not in response.headers


@pytest.mark.parametrize("page", ["9223372036854775808", "99999999999999999999999999", "-1", "1e9", "²", "٣"])
def test_a_huge_or_odd_page_number_in_the_mentor_queue_is_the_first_page(app, client, page):
    make_member(app, "Amira Khan", email="ada@programme.org", stage="consultant", admin=True, profile=False)
    make_member(app, "Dr Waiting", stage="consultant", mentor="pending")
    assert (
        submit(client, "/auth/login", {"email": "ada@programme.org", "password": PASSWORD}).status_code == 303
    )
    response = client.get("/admin/mentors", query_string={"status": "all", "page": page})
    assert response.status_code == 200
    assert "Dr Waiting" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [(None, 1), ("", 1), ("3", 3), ("0", 1), ("-2", 1), ("1e9", 1), ("²", 1), ("9" * 40, 1), ("50", 50)],
)
def test_parse_page(text, expected):
    assert parse_page(text) == expected
    assert parse_page("99", last=10) == 10


@pytest.mark.parametrize(
    ("data", "line", "words"),
    [
        (b'email\nana@example.org\n"bea@example.org\n', 3, "closing quote is missing"),
        (b"email\nana@example.org\nbea@ex\rample.org,x\n", 3, "bea@ex: no member who can be matched"),
        (b"email\nana@example.org\n" + b"x" * (MAX_FIELD + 1) + b"\n", 3, "longer than 131,072 characters"),
    ],
    ids=["open-quote", "newline-in-unquoted", "huge-field"],
)
def test_a_round_cohort_file_that_isnt_csv_is_refused_by_line_and_creates_nothing(
    app, client, login_as, data, line, words
):
    login_as("admin")
    form = {
        "name": "From a file",
        "mentees_from": "file",
        "stage": "",
        "region": "",
        "specialty": "",
        "mentor_pool": "all",
        "objective": "total",
        "min_score": "0",
        "cohort": (io.BytesIO(data), "cohort.csv"),
    }
    response = submit(client, "/admin/rounds", form, content_type="multipart/form-data")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'<th scope="row">{line}</th><td>' in html and words in html
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(MatchingRound)) == 0


def test_the_csv_reader_reports_each_bad_line_and_reads_on():
    records = list(csv_records('a\n"b\n'))
    assert records[0] == (1, ["a"])
    assert records[1][0] == 2 and isinstance(records[1][1], str)


def _file():
    return (io.BytesIO(b"not text"), "notes.txt")


@pytest.mark.parametrize(
    ("path", "data", "message"),
    [
        ("/auth/signup", {**SIGNUP, "name": _file}, "Enter your name."),
        ("/auth/login", {"email": _file, "password": "whatever-it-is"}, "Enter your email address"),
        ("/auth/reset", {"email": _file}, "Enter your email address"),
    ],
    ids=["signup", "login", "reset"],
)
def test_a_file_where_text_belongs_is_refused_with_the_fields_message(
    app, client, caplog, path, data, message
):
    data = {key: value() if callable(value) else value for key, value in data.items()}
    with caplog.at_level(logging.WARNING):
        response = submit(client, path, data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert not [record for record in caplog.records if record.exc_info]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_a_file_in_the_mentor_application_is_refused_and_nothing_is_sent(app, client):
    make_member(app, "Dr Kofi Osei", email="dr.osei@nhs.net", stage="consultant")
    with app.app_context():
        from mentormatch.accounts.passwords import hash_password

        db.session.scalar(select(User).where(User.email == "dr.osei@nhs.net")).password_hash = hash_password(
            PASSWORD
        )
        db.session.commit()
    assert (
        submit(client, "/auth/login", {"email": "dr.osei@nhs.net", "password": PASSWORD}).status_code == 303
    )
    data = {**GOOD, "statement": _file()}
    response = submit(client, "/mentor/apply", data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert '<a href="#statement">' in response.get_data(as_text=True)  # the statement's own error
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(MentorApplication)) == 0


@pytest.mark.parametrize(
    ("given", "kept"), [("req-123.abc", True), ("bad id;drop", False), ("x" * 65, False)]
)
def test_a_500_logs_one_line_with_the_request_id_the_page_shows(app, caplog, given, kept):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/test-boom")
    def boom():
        raise RuntimeError("kaboom")

    with caplog.at_level(logging.INFO):
        response = app.test_client().get("/test-boom", headers={"X-Request-ID": given})
    assert response.status_code == 500
    lines = [record for record in caplog.records if "kaboom" in record.getMessage()]
    assert len(lines) == 1 and lines[0].exc_info is None
    message = lines[0].getMessage()
    assert message.startswith("500 GET /test-boom request_id=") and "test_bad_input.py:" in message
    request_id = message.split("request_id=", 1)[1].split(":", 1)[0]
    assert (request_id == given) is kept
    assert f"quote this: {request_id}." in response.get_data(as_text=True)


def test_a_refused_form_logs_nothing_as_an_exception(app, client, caplog):
    with caplog.at_level(logging.DEBUG):
        response = submit(client, "/auth/signup", {**SIGNUP, "email": "not an address"})
    assert response.status_code == 422
    assert not [record for record in caplog.records if record.exc_info or record.levelno >= logging.ERROR]
