"""The people directory: full-text search, relevance, filters, paging and who is listed."""

from __future__ import annotations

import re

import pytest

from mentormatch.accounts.models import User
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.profiles.models import Profile
from mentormatch.profiles.service import refresh_search_text, tags_named


def add_member(app, name: str, *, stage="foundation_doctor", verified=True, deleted=False, **profile) -> int:
    """A member with a profile, straight into the database, searchable."""
    with app.app_context():
        user = User(
            email=f"{re.sub(r'[^a-z]', '', name.lower())}{db.session.query(User).count()}@example.org",
            name=name,
            career_stage=stage,
            email_verified_at=utcnow() if verified else None,
            deleted_at=utcnow() if deleted else None,
        )
        interests = profile.pop("interests", [])
        specialties = profile.pop("specialties", [])
        record = Profile(user=user, onboarded_at=utcnow(), **profile)
        record.specialties = specialties
        record.interests = tags_named(interests)
        refresh_search_text(user, record)
        db.session.add_all([user, record])
        db.session.commit()
        return user.id


@pytest.fixture
def people(app):
    """A small, varied population; returns their ids by first name."""
    return {
        "priya": add_member(
            app,
            "Priya Raman",
            stage="specialty_trainee",
            organisation="Leeds Teaching Hospitals",
            department="Cardiology",
            region="yorkshire_humber",
            specialties=["cardiology"],
            interests=["cycling"],
            mentor_status="approved",
            offers_mentoring=True,
        ),
        "tom": add_member(
            app,
            "Tom Okafor",
            stage="medical_student",
            organisation="University of Leeds",
            region="yorkshire_humber",
            specialties=["emergency_medicine"],
            interests=["running"],
            about="I love the pace of A&E and want to do cardiology research one day.",
        ),
        "siobhan": add_member(
            app,
            "Siobhán Ó Briain",
            stage="consultant",
            organisation="Royal Victoria Hospital",
            region="northern_ireland",
            specialties=["anaesthetics", "intensive_care"],
            interests=["line dancing"],
            mentor_status="pending",
            offers_mentoring=True,
        ),
        "lan": add_member(
            app,
            "Nguyễn Thị Lan",
            stage="nurse_midwife",
            organisation="Guy's and St Thomas'",
            department="Maternity",
            region="london",
            specialties=["obstetrics_gynaecology"],
            interests=["choir", "cycling"],
            looking_for="Leadership advice from a senior midwife",
        ),
        "lukasz": add_member(app, "Łukasz Wójcik", organisation="Ninewells Hospital", region="scotland"),
        "soren": add_member(app, "Søren Sørensen", organisation="Ninewells Hospital", region="scotland"),
    }


def names(client, **params) -> list[str]:
    page = client.get("/people", query_string=params).get_data(as_text=True)
    return re.findall(r'<h3><a href="/people/\d+">([^<]+)</a>', page)


@pytest.fixture
def member(client, login_as):
    login_as("member")
    return client


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Priya", ["Priya Raman"]),
        ("siobhan", ["Siobhán Ó Briain"]),  # typed without the accent
        ("Siobhán", ["Siobhán Ó Briain"]),
        ("nguyen", ["Nguyễn Thị Lan"]),
        ("lukasz", ["Łukasz Wójcik"]),  # letters Unicode doesn't decompose
        ("sorensen", ["Søren Sørensen"]),
        ("Royal Victoria", ["Siobhán Ó Briain"]),  # organisation
        ("maternity", ["Nguyễn Thị Lan"]),  # department
        ("intensive care", ["Siobhán Ó Briain"]),  # specialty label
        ("line dancing", ["Siobhán Ó Briain"]),  # interest
        ("leadership", ["Nguyễn Thị Lan"]),  # what they're looking for
        ("cardi", ["Priya Raman", "Tom Okafor"]),  # a prefix, while typing
        ("consulta", ["Siobhán Ó Briain"]),  # half a word, where stemming would find nothing
        ("runn", ["Tom Okafor"]),
        ("the", ["Priya Raman", "Tom Okafor"]),  # no stop words: "Yorkshire and the Humber", "the pace"
        ("a", None),  # one letter while typing still lists people
        ("royal vic", ["Siobhán Ó Briain"]),
        ("cycling leeds", ["Priya Raman"]),  # every word must match
        ("cycling london", ["Nguyễn Thị Lan"]),
        ("dermatology", []),
    ],
)
def test_search_finds_people_by_what_they_wrote(member, people, query, expected):
    found = names(member, q=query)
    if expected is None:
        assert len(found) >= 4
    else:
        assert sorted(found) == sorted(expected)


def test_results_are_ordered_by_relevance(member, people):
    # Priya's specialty is cardiology (weighs most); Tom only mentions it in his about text.
    assert names(member, q="cardiology") == ["Priya Raman", "Tom Okafor"]


def test_without_a_search_everyone_is_listed_by_name(member, people):
    listed = names(member)
    # The viewer (Amira Khan) has no profile yet, so isn't listed.
    assert set(listed) == {
        "Łukasz Wójcik",
        "Nguyễn Thị Lan",
        "Priya Raman",
        "Siobhán Ó Briain",
        "Søren Sørensen",
        "Tom Okafor",
    }
    # Where Ł and Ø sort depends on the database's collation; plain names are alphabetical.
    plain = [name for name in listed if name[0] in "NPST"]
    assert plain == ["Nguyễn Thị Lan", "Priya Raman", "Siobhán Ó Briain", "Søren Sørensen", "Tom Okafor"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"stage": "medical_student"}, ["Tom Okafor"]),
        ({"region": "yorkshire_humber"}, ["Priya Raman", "Tom Okafor"]),
        ({"specialty": "intensive_care"}, ["Siobhán Ó Briain"]),
        ({"mentors": "1"}, ["Priya Raman"]),  # approved mentors only, not pending ones
        ({"region": "yorkshire_humber", "q": "running"}, ["Tom Okafor"]),
        ({"region": "london", "specialty": "cardiology"}, []),
        ({"stage": "wizard"}, None),  # an unknown code is ignored, not an error
    ],
)
def test_filters(member, people, params, expected):
    found = names(member, **params)
    if expected is None:
        assert len(found) >= 4
    else:
        assert sorted(found) == sorted(expected)


def test_unverified_deleted_and_half_onboarded_people_are_not_listed(app, member, people):
    add_member(app, "Hidden Unverified", verified=False, organisation="Leeds")
    add_member(app, "Gone Deleted", deleted=True, organisation="Leeds")
    halfway = add_member(app, "Halfway There", organisation="Leeds")
    with app.app_context():
        db.session.get(Profile, halfway).onboarded_at = None
        db.session.commit()
    assert "Halfway There" not in names(member) and names(member, q="halfway") == []
    assert member.get(f"/people/{halfway}").status_code == 404
    assert "Hidden Unverified" not in names(member) and "Gone Deleted" not in names(member)
    assert names(member, q="hidden") == [] and names(member, q="gone") == []


def test_paging_keeps_the_search(app, member):
    for n in range(45):
        add_member(app, f"Paging Person {n:02d}", organisation="Leeds Teaching Hospitals")
    first = member.get("/people", query_string={"q": "leeds"}).get_data(as_text=True)
    assert "45 members matching" in first and "Page 1 of 3" in first
    assert len(re.findall(r'class="person-card', first)) == 20
    next_link = re.search(r'href="([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
    assert "q=leeds" in next_link and "page=2" in next_link
    third = member.get("/people", query_string={"q": "leeds", "page": 3}).get_data(as_text=True)
    assert len(re.findall(r'class="person-card', third)) == 5
    beyond = member.get("/people", query_string={"q": "leeds", "page": 9})
    assert beyond.status_code == 200  # past the end: an empty page, not an error
    assert 'class="person-card' not in beyond.get_data(as_text=True)
    assert "There are no more results" in beyond.get_data(as_text=True)


@pytest.mark.parametrize(
    "params",
    [
        {"page": "10" + "0" * 30},
        {"page": "-1"},
        {"page": "abc"},
        {"_method": "POST", "q": "leeds"},
        {"_external": "1", "_anchor": "x", "_scheme": "javascript", "q": "leeds"},
    ],
)
def test_odd_paging_parameters_are_harmless(member, people, params):
    response = member.get("/people", query_string=params)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "javascript" not in page and "_method" not in page and "_anchor" not in page


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "'",
        "cardio*",
        "a AND OR NOT",
        "NEAR(x y)",
        "-priya",
        "priya:*",
        "x & | ! ( )",
        "%",
        "_",
        "\\",
        "é" * 300,
    ],
)
def test_search_syntax_in_the_box_is_just_text(member, people, query):
    """Quotes, operators and wildcards are ignored: the same people as for the words alone."""
    response = member.get("/people", query_string={"q": query})
    assert response.status_code == 200
    words = " ".join(re.findall(r"\w+", query.replace("_", " ")))
    assert names(member, q=query) == names(member, q=words)


def test_an_operator_cannot_exclude_people(member, people):
    assert names(member, q="-priya") == ["Priya Raman"]
    assert names(member, q="priya OR tom") == []  # every word must match: nobody is "priya or tom"


def test_live_search_returns_just_the_results_with_a_count_for_screen_readers(member, people):
    response = member.get(
        "/people", query_string={"q": "leeds"}, headers={"HX-Request": "true", "HX-Target": "results"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in page and "<form" not in page
    assert "Priya Raman" in page
    assert 'id="status"' in page and "2 members found" in page
    assert "HX-Target" in response.headers["Vary"]


def test_the_page_reflects_the_search_so_it_can_be_shared(member, people):
    page = member.get("/people", query_string={"q": "cycling", "region": "london", "mentors": "1"}).get_data(
        as_text=True
    )
    assert 'value="cycling"' in page
    assert '<option value="london" selected>' in page
    assert 'id="mentors" name="mentors" value="1" checked' in page


def test_the_directory_is_for_verified_members(app, client, login_as, people):
    assert client.get("/people").status_code == 302
    login_as("unverified")
    assert client.get("/people").status_code == 403
