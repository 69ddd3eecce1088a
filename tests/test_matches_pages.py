"""/matches (tabs, cards, ask, "Not for me" and its undo, empty states) and the dashboard's suggestions."""

from __future__ import annotations

import re
from html import escape

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from mentormatch.accounts.models import User
from mentormatch.accounts.passwords import hash_password
from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.matching.models import Dismissal
from mentormatch.matching.service import suggestions_for
from mentormatch.mentoring.asking import send_request
from mentormatch.profiles.models import Profile
from mentormatch.profiles.service import tags_named
from tests.helpers import PASSWORD, ROLES, csrf_from, log_in, token_for

HTMX = {"HX-Request": "true"}
PRIYA = "priya@example.ac.uk"


def add_person(
    app: Flask,
    name: str,
    stage: str = "medical_student",
    *,
    email: str | None = None,
    verified: bool = True,
    onboarded: bool = True,
    organisation: str = "University of Leeds",
    region: str = "yorkshire_humber",
    specialties: tuple[str, ...] = ("cardiology",),
    goals: tuple[str, ...] = (),
    offers: tuple[str, ...] = (),
    interests: tuple[str, ...] = (),
    mentor: str | None = None,
    capacity: int = 3,
    about: str = "",
) -> int:
    """A member with a profile, straight into the database; `mentor` is a mentor_status ("approved")."""
    with app.app_context():
        user = User(
            email=email or re.sub(r"[^a-z]", "", name.lower()) + "@example.org",
            name=name,
            career_stage=stage,
            password_hash=hash_password(PASSWORD) if email else None,
            email_verified_at=utcnow() if verified else None,
            terms_accepted_at=utcnow(),
        )
        profile = Profile(
            user=user,
            organisation=organisation,
            region=region,
            about=about or f"{name} works in {', '.join(specialties)}.",
            onboarded_at=utcnow() if onboarded else None,
            offers_mentoring=mentor is not None,
            mentor_status=mentor,
            mentor_capacity=capacity if mentor else None,
        )
        profile.specialties = list(specialties)
        profile.goals = list(goals)
        profile.offers = list(offers)
        db.session.add_all([user, profile])
        profile.interests = tags_named(list(interests))
        db.session.commit()
        return user.id


@pytest.fixture
def people(app: Flask) -> dict[str, int]:
    """Priya, a student who logs in, and the people around her: mentors, peers, and some who never fit."""
    return {
        "priya": add_person(
            app, "Priya Shah", email=PRIYA, goals=("exams", "research"), interests=("cycling",)
        ),
        "tom": add_person(
            app,
            "Tom Okafor",
            "consultant",
            organisation="Leeds Teaching Hospitals",
            goals=("teaching",),
            offers=("exams", "research"),
            interests=("cycling",),
            mentor="approved",
        ),
        "ann": add_person(
            app,
            "Ann Lee",
            "specialty_trainee",
            organisation="Sheffield Teaching Hospitals",
            offers=("exams",),
            mentor="approved",
        ),
        "pete": add_person(app, "Pete Pending", "consultant", offers=("exams",), mentor="pending"),
        "bob": add_person(
            app,
            "Bob Brown",
            organisation="University of Manchester",
            region="north_west",
            goals=("exams",),
            interests=("cycling",),
        ),
        "cat": add_person(
            app, "Cat Jones", "foundation_doctor", organisation="North Bristol NHS Trust", region="south_west"
        ),
        "dan": add_person(app, "Dan Smith", "consultant"),  # not a mentor, and no peer of a student
        "una": add_person(app, "Una Unverified", verified=False),
        "ola": add_person(app, "Ola Onboarding", onboarded=False),
    }


@pytest.fixture
def priya(client: FlaskClient, people: dict[str, int]) -> FlaskClient:
    """The test client, logged in as Priya."""
    assert log_in(client, PRIYA).status_code == 303
    return client


def token(client: FlaskClient) -> str:
    return token_for(client)


def card_ids(html: str) -> set[int]:
    return {int(found) for found in re.findall(r'<li class="card match-card" id="match-(\d+)"', html)}


def expected_cards(app: Flask, user_id: int, kind: str) -> list[tuple[int, int, list[str]]]:
    with app.app_context():
        me = db.session.get(User, user_id)
        return [(s.user.id, s.percent, s.reasons) for s in suggestions_for(me, kind, k=10)]


def capitalised(reason: str) -> str:
    return escape(reason[:1].upper() + reason[1:])


# --- the tabs ------------------------------------------------------------------------------------


def test_mentors_tab_shows_the_service_suggestions_with_score_and_reasons(app, priya, people):
    response = priya.get("/matches")  # a student starts on mentors
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    expected = expected_cards(app, people["priya"], "mentor")
    assert [person for person, _, _ in expected] == [people["tom"], people["ann"]]
    assert card_ids(html) == {people["tom"], people["ann"]}
    for person, percent, reasons in expected:
        card = html[html.index(f'id="match-{person}"') :].split("</li>\n</ul>")[0]
        assert f"<strong>A top {percent}% match for you</strong>" in card
        assert reasons and all(capitalised(reason) in card for reason in reasons)
        assert f'href="/people/{person}"' in card
        assert f'href="/requests/new/{person}?kind=mentoring"' in card
        ask = f'data-hx-get="/requests/new/{person}?kind=mentoring" data-hx-target="#ask-slot-{person}"'
        assert ask in card
        assert f'id="ask-slot-{person}"' in card
    assert "Consultant" in html and "Leeds Teaching Hospitals · Yorkshire and the Humber" in html
    assert "Ask for mentoring" in html and "Not for me" in html and ">Connect<" not in html
    assert '<a href="/matches?tab=mentors" data-hx-get="/matches?tab=mentors"' in html
    assert re.search(
        r'tab=mentors" data-hx-target="#matches" data-hx-push-url="true" aria-current="true">Mentors', html
    )
    assert 'aria-current="true">Peers' not in html
    assert re.search(r'<a href="/matches" aria-current="page">Matches</a>', html)  # the site navigation


def test_peers_tab_shows_peers_with_connect(app, priya, people):
    html = priya.get("/matches?tab=peers").get_data(as_text=True)
    expected = expected_cards(app, people["priya"], "peer")
    assert {person for person, _, _ in expected} == {people["bob"], people["cat"]}
    assert card_ids(html) == {people["bob"], people["cat"]}
    for person, percent, _ in expected:
        assert f'href="/requests/new/{person}?kind=peer"' in html
        assert f"top {percent}% match for you" in html
    assert "Connect<span" in html and "Ask for mentoring" not in html
    assert 'aria-current="true">Peers' in html
    assert "<title>Peers · Your matches · MentorMatch</title>" in html


def test_never_suggested_people_stay_off_both_tabs(priya, people):
    shown = card_ids(priya.get("/matches?tab=mentors").get_data(as_text=True))
    shown |= card_ids(priya.get("/matches?tab=peers").get_data(as_text=True))
    for name in ("priya", "pete", "dan", "una", "ola"):
        assert people[name] not in shown


def test_an_unknown_tab_falls_back_to_the_default(priya, people):
    html = priya.get("/matches?tab=<script>").get_data(as_text=True)
    assert card_ids(html) == {people["tom"], people["ann"]}
    assert "<script>" not in html


def test_htmx_tab_switch_gets_the_panel_and_a_full_load_gets_the_page(priya, people):
    response = priya.get("/matches?tab=peers", headers={**HTMX, "HX-Target": "matches"})
    assert response.status_code == 200
    assert "HX-Target" in response.headers["Vary"]
    fragment = response.get_data(as_text=True)
    assert "<html" not in fragment and "<h1>" not in fragment
    assert fragment.lstrip().startswith("<title>Peers · Your matches · MentorMatch</title>")
    assert card_ids(fragment) == {people["bob"], people["cat"]}
    assert 'aria-current="true">Peers' in fragment  # the tab links come with the panel
    assert "data-focus-after-swap>Suggested peers</h2>" in fragment
    assert '<div id="status"' in fragment and 'data-hx-swap-oob="true"' in fragment
    assert "2 suggested peers" in fragment

    # htmx restoring history asks without HX-Target: the whole page.
    page = priya.get("/matches?tab=peers", headers=HTMX)
    assert page.status_code == 200 and "HX-Target" in page.headers["Vary"]
    html = page.get_data(as_text=True)
    assert "<html" in html and '<div id="matches">' in html and "<title>" in html
    assert card_ids(html) == {people["bob"], people["cat"]}


# --- asking from a card --------------------------------------------------------------------------


def test_the_ask_link_loads_the_inline_form_and_a_sent_request_leaves_the_list(app, priya, people):
    tom = people["tom"]
    response = priya.get(f"/requests/new/{tom}?kind=mentoring", headers=HTMX)
    assert response.status_code == 200
    fragment = response.get_data(as_text=True)
    assert fragment.lstrip().startswith(f'<div class="ask" id="ask-{tom}">')
    assert "<form" in fragment and "<html" not in fragment
    sent = priya.post(
        f"/requests/new/{tom}?kind=mentoring",
        data={"message": "I'd love help preparing for finals.", "csrf_token": csrf_from(fragment)},
        headers=HTMX,
    )
    assert sent.status_code == 200
    assert "Request sent to Tom Okafor" in sent.get_data(as_text=True)
    # A pending request takes Tom off the suggestions; Ann stays.
    assert card_ids(priya.get("/matches").get_data(as_text=True)) == {people["ann"]}


# --- "Not for me" and its undo -------------------------------------------------------------------


def test_not_for_me_with_htmx_hides_the_person_and_undo_brings_them_back(app, priya, people):
    bob = people["bob"]
    page = priya.get("/matches?tab=peers").get_data(as_text=True)
    dismiss = f'data-hx-post="/matches/dismiss/{bob}" data-hx-target="#match-{bob}" data-hx-swap="outerHTML"'
    assert dismiss in page
    headers = {**HTMX, "X-CSRFToken": csrf_from(page)}

    response = priya.post(f"/matches/dismiss/{bob}", data={"tab": "peers"}, headers=headers)
    assert response.status_code == 200
    fragment = response.get_data(as_text=True)
    assert fragment.lstrip().startswith(f'<li class="card match-card match-dismissed" id="match-{bob}">')
    assert "You won&#39;t see Bob Brown in your suggestions again." in fragment
    assert f'data-hx-post="/matches/undismiss/{bob}" data-hx-target="#match-{bob}"' in fragment
    assert "<html" not in fragment and 'data-hx-swap-oob="true"' in fragment
    assert card_ids(priya.get("/matches?tab=peers").get_data(as_text=True)) == {people["cat"]}
    with app.app_context():
        assert db.session.get(Dismissal, (people["priya"], bob)) is not None

    # Dismissing twice (a double click) changes nothing.
    assert priya.post(f"/matches/dismiss/{bob}", data={"tab": "peers"}, headers=headers).status_code == 200

    response = priya.post(f"/matches/undismiss/{bob}", data={"tab": "peers"}, headers=headers)
    assert response.status_code == 200
    card = response.get_data(as_text=True)
    assert card.lstrip().startswith(f'<li class="card match-card" id="match-{bob}">')
    percent = dict((p, pc) for p, pc, _ in expected_cards(app, people["priya"], "peer"))[bob]
    assert f"top {percent}% match for you" in card and "Connect<span" in card
    assert f'href="/people/{bob}" data-focus-after-swap>Bob Brown</a>' in card
    assert "Bob Brown is back in your suggestions." in card  # for the status region
    assert card_ids(priya.get("/matches?tab=peers").get_data(as_text=True)) == {bob, people["cat"]}


def test_not_for_me_without_javascript_redirects_with_a_flash_and_an_undo(priya, people):
    bob = people["bob"]
    csrf = token(priya)
    response = priya.post(f"/matches/dismiss/{bob}", data={"tab": "peers", "csrf_token": csrf})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/matches?tab=peers&undo={bob}"
    html = priya.get(response.headers["Location"]).get_data(as_text=True)
    assert "You won&#39;t see Bob Brown in your suggestions again." in html  # the flash and the undo box
    assert f'<form class="inline-form" method="post" action="/matches/undismiss/{bob}">' in html
    assert card_ids(html) == {people["cat"]}

    response = priya.post(f"/matches/undismiss/{bob}", data={"tab": "peers", "csrf_token": csrf})
    assert response.status_code == 303 and response.headers["Location"] == "/matches?tab=peers"
    html = priya.get("/matches?tab=peers&undo=" + str(bob)).get_data(as_text=True)
    assert "Bob Brown is back in your suggestions." in html
    assert "/matches/undismiss/" not in html  # nothing to undo any more
    assert card_ids(html) == {bob, people["cat"]}


def test_undo_of_someone_not_suggested_now_shows_a_plain_card(app, priya, people):
    tom = people["tom"]
    headers = {**HTMX, "X-CSRFToken": token(priya)}
    assert priya.post(f"/matches/dismiss/{tom}", data={"tab": "mentors"}, headers=headers).status_code == 200
    with app.app_context():  # meanwhile Tom's places fill up
        db.session.get(Profile, tom).mentor_places_taken = 3
        db.session.commit()
    card = priya.post(f"/matches/undismiss/{tom}", data={"tab": "mentors"}, headers=headers)
    html = card.get_data(as_text=True)
    assert card.status_code == 200 and f'id="match-{tom}"' in html
    assert "% match" not in html and "Back in your suggestions" in html


@pytest.mark.parametrize("path", ["/matches/dismiss/{}", "/matches/undismiss/{}"])
@pytest.mark.parametrize("htmx", [False, True], ids=["form", "htmx"])
def test_not_for_me_and_undo_need_the_csrf_token(app, priya, people, path, htmx):
    bob = people["bob"]
    response = priya.post(path.format(bob), data={"tab": "peers"}, headers=HTMX if htmx else {})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalars(select(Dismissal)).all() == []
    assert bob in card_ids(priya.get("/matches?tab=peers").get_data(as_text=True))


@pytest.mark.parametrize("path", ["/matches/dismiss/{}", "/matches/undismiss/{}"])
@pytest.mark.parametrize("htmx", [False, True], ids=["form", "htmx"])
def test_not_for_me_refuses_unknown_hidden_people_and_yourself(app, priya, people, path, htmx):
    data = {"csrf_token": token(priya), "tab": "peers"}
    headers = HTMX if htmx else {}
    for nobody in (999_999, people["una"], people["ola"]):
        assert priya.post(path.format(nobody), data=data, headers=headers).status_code == 404
    response = priya.post(path.format(people["priya"]), data=data, headers=headers)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "That&#39;s you" in html and "nobody to hide or bring back" in html
    assert ("<html" in html) is not htmx
    with app.app_context():
        assert db.session.scalars(select(Dismissal)).all() == []


# --- empty states --------------------------------------------------------------------------------


@pytest.mark.parametrize("tab", ["mentors", "peers"])
def test_members_who_havent_finished_onboarding_are_asked_to(app, client, login_as, tab):
    user_id = login_as("member")  # no profile at all
    html = client.get(f"/matches?tab={tab}").get_data(as_text=True)
    assert '<a class="button" href="/profile/about">Complete your profile to get suggestions</a>' in html
    assert card_ids(html) == set()
    with app.app_context():  # halfway through onboarding: the same
        db.session.add(Profile(user_id=user_id, organisation="Leeds"))
        db.session.commit()
    html = client.get(f"/matches?tab={tab}").get_data(as_text=True)
    assert "Complete your profile to get suggestions" in html
    fragment = client.get(f"/matches?tab={tab}", headers={**HTMX, "HX-Target": "matches"})
    status_region = fragment.get_data(as_text=True).split('<div id="status"')[1]
    assert "Complete your profile to get suggestions." in status_region


def test_no_mentors_yet_says_to_try_peers_or_broaden(app, client):
    add_person(app, "Priya Shah", email=PRIYA, goals=("exams",))
    add_person(app, "Bob Brown", goals=("exams",))
    log_in(client, PRIYA)
    html = client.get("/matches?tab=mentors").get_data(as_text=True)
    assert "No approved mentors fit your profile yet" in html
    assert '<a href="/matches?tab=peers" data-hx-get="/matches?tab=peers" data-hx-target="#matches"' in html
    assert "try peers</a>" in html
    assert '<a href="/profile/focus">broaden your specialties and goals</a>' in html
    assert card_ids(html) == set()
    assert len(card_ids(client.get("/matches?tab=peers").get_data(as_text=True))) == 1


def test_no_peers_yet_points_to_the_profile_and_the_directory(app, client):
    add_person(app, "Priya Shah", email=PRIYA)
    log_in(client, PRIYA)
    html = client.get("/matches?tab=peers").get_data(as_text=True)
    assert "No peers fit your profile yet." in html
    assert 'href="/profile/interests"' in html and 'href="/people"' in html


def test_consultants_are_told_mentoring_is_for_people_earlier_in_their_career(app, client):
    add_person(app, "Grace Hopper", "consultant", email="grace@example.org")
    add_person(app, "Omar Consultant", "consultant", organisation="Bradford Royal Infirmary")
    add_person(app, "Tia Trainee", "specialty_trainee", mentor="approved", offers=("exams",))
    log_in(client, "grace@example.org")
    default = client.get("/matches").get_data(as_text=True)
    assert 'aria-current="true">Peers' in default  # nobody is further along: peers come first
    assert "Omar Consultant" in default and "Tia Trainee" in default
    html = client.get("/matches?tab=mentors").get_data(as_text=True)
    assert "Mentoring here is for people earlier in their career" in html
    assert "as a consultant nobody on MentorMatch is further along than you" in html
    assert "peers at your stage</a>" in html and card_ids(html) == set()


# --- access ------------------------------------------------------------------------------------


@pytest.fixture
def someone(app: Flask) -> int:
    return add_person(app, "Sam Someone")


ENDPOINTS = [
    ("GET", "/matches", {}, 200),
    ("GET", "/matches?tab=peers", {"HX-Target": "matches"}, 200),
    ("POST", "/matches/dismiss/{}", {}, 303),
    ("POST", "/matches/undismiss/{}", {}, 303),
]


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "path", "extra", "allowed"), ENDPOINTS)
def test_access(client, login_as, someone, role, method, path, extra, allowed, htmx):
    login_as(role)
    headers = {**(HTMX if htmx else {}), **extra}
    data = {"csrf_token": token(client)} if method == "POST" else None
    response = client.open(path.format(someone), method=method, headers=headers, data=data)
    html = response.get_data(as_text=True)
    if role == "anonymous":
        if htmx:
            assert response.status_code == 401
            assert response.headers["HX-Redirect"].startswith("/auth/login")
        else:
            assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login")
    elif role == "unverified":
        assert response.status_code == 403
        assert "Confirm your email address first" in html
        assert ("<html" in html) is not htmx
    else:
        assert response.status_code == (200 if htmx else allowed)


# --- the dashboard -------------------------------------------------------------------------------


def test_dashboard_shows_the_top_three_suggestions_and_requests_waiting(app, priya, people):
    eve = add_person(app, "Eve Evans", organisation="University of Glasgow", region="scotland")
    fay = add_person(app, "Fay Fox", organisation="Cardiff University", region="wales")
    with app.app_context():
        me = db.session.get(User, people["priya"])
        send_request(db.session.get(User, eve), me, "peer", "Hello from Glasgow")
        send_request(db.session.get(User, fay), me, "peer")
        db.session.commit()
        # Eve and Fay wait for an answer, so they aren't suggested; the rest compete on score.
        both = suggestions_for(me, "mentor", 3) + suggestions_for(me, "peer", 3)
        top = [
            (s.user.id, s.percent, s.reasons[0])
            for s in sorted(both, key=lambda s: s.score, reverse=True)[:3]
        ]
    assert {person for person, _, _ in top} < {people[name] for name in ("tom", "ann", "bob", "cat")}
    html = priya.get("/").get_data(as_text=True)
    section = html[html.index('<h2 id="top-title">') : html.index('id="steps-title"')]
    shown = [int(found) for found in re.findall(r'<h3><a href="/people/(\d+)">', section)]
    assert len(top) == 3 and shown == [person for person, _, _ in top]
    for _, percent, reason in top:
        assert f"<strong>A top {percent}% match for you</strong>" in section
        assert capitalised(reason) in section
    assert '<a class="button" href="/matches">See all your matches</a>' in section
    assert f'href="/matches?tab=mentors#match-{people["tom"]}"' in section

    waiting = html[html.index('<h2 id="waiting-title">') : html.index('<h2 id="top-title">')]
    assert "2 requests waiting for your answer." in waiting
    assert "Fay Fox</strong> would like to connect" in waiting and "Eve Evans" in waiting
    assert '<a class="button" href="/requests">Answer your requests</a>' in waiting
    assert "Your next step" in html  # still there, for what is left to do


def test_dashboard_without_requests_or_suggestions_says_so(app, client):
    add_person(app, "Priya Shah", email=PRIYA)
    log_in(client, PRIYA)
    html = client.get("/").get_data(as_text=True)
    assert "Nothing is waiting for your answer." in html
    assert "No suggestions for you yet." in html


def test_dashboard_before_onboarding_keeps_to_the_next_steps(client, login_as):
    login_as("member")
    html = client.get("/").get_data(as_text=True)
    assert "Your next steps" in html and "Set up your profile" in html
    assert "Top suggestions" not in html and "Requests waiting" not in html
