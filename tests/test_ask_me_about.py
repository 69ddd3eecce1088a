"""Ask me about: the practical-skills vocabulary, editing the list, the directory, and asking for help."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select

from mentormatch.accounts.models import User
from mentormatch.core.extensions import db
from mentormatch.core.skills import PRACTICAL_SKILLS, concepts_in, fold, skill_key
from mentormatch.mentoring.models import PEER, MentoringRequest
from mentormatch.profiles.helping import add_help_topic, who_can_help
from mentormatch.profiles.models import HelpTopic, Profile
from tests.factories import make_member
from tests.helpers import csrf_from, log_in, outbox, token_for
from tests.query_count import shapes, statements_of_get

HTMX = {"HX-Request": "true"}


def give_topics(app: Flask, user_id: int, *labels: str, **where: str) -> list[int]:
    """Add these entries (and department/site/usually_around) through the owning module."""
    with app.app_context():
        user = db.session.get(User, user_id)
        for name, value in where.items():
            setattr(user.profile, name, value)
        ids = [add_help_topic(user, label).id for label in labels]
        db.session.commit()
        return ids


def labels_of(app: Flask, user_id: int) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(HelpTopic.label).where(HelpTopic.user_id == user_id).order_by(HelpTopic.position)
            )
        )


# --- the vocabulary, table-driven ------------------------------------------------------------------

PHRASES = [(concept, phrase) for concept, (_, phrases) in PRACTICAL_SKILLS.items() for phrase in phrases]


@pytest.mark.parametrize(("concept", "phrase"), PHRASES)
def test_every_phrase_in_the_table_names_its_concept(concept, phrase):
    assert concepts_in(phrase) == [concept]
    assert concepts_in(phrase.upper() + "!") == [concept]


@pytest.mark.parametrize("concept", PRACTICAL_SKILLS)
def test_every_concept_s_label_names_it(concept):
    label, _ = PRACTICAL_SKILLS[concept]
    assert concepts_in(label) == [concept]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("cannulas", "cannulation"),
        ("Cannulas", "IV access"),
        ("venflons", "IV cannula"),
        ("Bloods", "phlebotomy"),
        ("ABGs", "arterial blood gases"),
        ("Urgent scans", "ultrasound"),
        ("ECGs", "EKG"),
        ("ITU referrals", "ICU referral"),
        ("ePortfolio sign-off", "e-portfolio"),
        ("Lumbar punctures", "LPs"),
        ("NG tubes", "nasogastric tube"),
        ("Suturing", "stitches"),
        ("Chest drains", "Seldinger drain"),
        ("Prescribing", "drug charts"),
        ("Catheters", "catheterisation"),
        ("wound care", "Wound  CARE!"),
    ],
)
def test_synonyms_share_one_key(first, second):
    assert skill_key(first) == skill_key(second)


def test_different_skills_have_different_keys():
    keys = {skill_key(label) for label, _ in PRACTICAL_SKILLS.values()}
    assert len(keys) == len(PRACTICAL_SKILLS)
    assert skill_key("cannulas") != skill_key("wound care")


def test_longest_phrase_wins_and_each_concept_is_named_once():
    assert concepts_in("IV cannulation and taking blood, venflons too") == ["cannula", "phlebotomy"]
    assert fold("  Sign-Off ") == "sign off"


# --- editing the list ---------------------------------------------------------------------------------


@pytest.fixture
def sister(app) -> int:
    """Marian, a ward sister: the member who edits her list."""
    return make_member(app, "Marian Doyle", email="marian@example.org", stage="nurse_midwife")


def _post(client, path: str, data: dict, **kwargs):
    token = csrf_from(client.get("/profile/ask-me-about").get_data(as_text=True))
    return client.post(path, data={**data, "csrf_token": token}, **kwargs)


def test_adding_and_removing_entries_without_javascript(app, client, sister):
    log_in(client, "marian@example.org")
    response = _post(client, "/profile/ask-me-about", {"topic": "  Cannulas "})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/profile/ask-me-about")
    _post(client, "/profile/ask-me-about", {"topic": "Bloods"})
    assert labels_of(app, sister) == ["Cannulas", "Bloods"]
    page = client.get("/profile/ask-me-about").get_data(as_text=True)
    assert "Cannulas" in page and "(2 of 10)" in page

    with app.app_context():
        first = db.session.scalar(select(HelpTopic.id).where(HelpTopic.label == "Cannulas"))
    response = _post(client, f"/profile/ask-me-about/{first}/remove", {})
    assert response.status_code == 303
    assert labels_of(app, sister) == ["Bloods"]


def test_adding_with_htmx_returns_the_list_fragment(app, client, sister):
    log_in(client, "marian@example.org")
    response = _post(client, "/profile/ask-me-about", {"topic": "ECGs"}, headers=HTMX)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="help-topics"' in html and "ECGs" in html and "<h1>" not in html
    assert labels_of(app, sister) == ["ECGs"]


@pytest.mark.parametrize(
    ("existing", "typed", "message"),
    [
        ((), "", "Enter something you can help with"),
        ((), "   ", "Enter something you can help with"),
        ((), "x" * 61, "60 characters or fewer"),
        ((), "cannulas\x00", "control characters"),
        ((), "bloods\x1b[31m", "control characters"),
        ((), "!!!", "Use some letters or numbers"),
        (("Cannulas",), "cannulas", "already on your list"),
        (("Cannulas",), "Venflons", "already on your list as “Cannulas”"),
        (("Cannulas",), "IV access", "already on your list as “Cannulas”"),
        (tuple(f"Skill number {n}" for n in range(10)), "one more", "up to 10"),
    ],
)
def test_bad_entries_are_refused_with_422_and_change_nothing(app, client, sister, existing, typed, message):
    give_topics(app, sister, *existing)
    log_in(client, "marian@example.org")
    with app.app_context():
        before = db.session.get(Profile, sister).search_primary
    for headers in ({}, HTMX):
        response = _post(client, "/profile/ask-me-about", {"topic": typed}, headers=headers)
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
    assert labels_of(app, sister) == list(existing)
    with app.app_context():
        assert db.session.get(Profile, sister).search_primary == before


def test_someone_else_s_entry_cannot_be_removed(app, client, sister):
    other = make_member(app, "Steve Walsh", stage="allied_health")
    [theirs] = give_topics(app, other, "Urgent scans")
    log_in(client, "marian@example.org")
    assert _post(client, f"/profile/ask-me-about/{theirs}/remove", {}).status_code == 404
    assert _post(client, "/profile/ask-me-about/999999/remove", {}).status_code == 404
    assert labels_of(app, other) == ["Urgent scans"]


def test_where_and_when_are_saved_and_bad_values_refused(app, client, sister):
    log_in(client, "marian@example.org")
    data = {
        "department": "Ward 12",
        "site": "St James's University Hospital",
        "usually_around": "Weekday mornings",
    }
    assert _post(client, "/profile/ask-me-about/where", data).status_code == 303
    response = _post(client, "/profile/ask-me-about/where", {**data, "usually_around": "x" * 81})
    assert response.status_code == 422
    response = _post(client, "/profile/ask-me-about/where", {**data, "site": "St\x07James"}, headers=HTMX)
    assert response.status_code == 422
    with app.app_context():
        profile = db.session.get(Profile, sister)
        assert (profile.department, profile.site, profile.usually_around) == (
            "Ward 12",
            "St James's University Hospital",
            "Weekday mornings",
        )
        assert "St James" in profile.search_primary


def test_a_post_without_its_csrf_token_is_refused(app, client, sister):
    log_in(client, "marian@example.org")
    client.get("/profile/ask-me-about")
    assert client.post("/profile/ask-me-about", data={"topic": "Cannulas"}).status_code in (400, 403)
    assert labels_of(app, sister) == []


def test_the_entries_show_on_the_profile_with_a_way_to_ask(app, client, sister):
    give_topics(app, sister, "Cannulas", usually_around="Weekday mornings", site="St James's")
    make_member(app, "Priya Shah", email="priya@example.org", stage="medical_student")
    log_in(client, "priya@example.org")
    html = client.get(f"/people/{sister}").get_data(as_text=True)
    assert "Ask me about" in html and "Cannulas" in html and "Weekday mornings" in html
    assert f"/people/{sister}/ask-about/" in html


def test_personal_data_download_includes_the_entries(app, sister):
    from mentormatch.accounts.privacy import export_personal_data

    give_topics(app, sister, "Cannulas", site="St James's")
    with app.app_context():
        data = export_personal_data(db.session.get(User, sister))
    text = str(data)
    assert "Cannulas" in text and "St James's" in text


# --- the directory -------------------------------------------------------------------------------------


@pytest.fixture
def helpers(app) -> dict[str, int]:
    marian = make_member(app, "Marian Doyle", stage="nurse_midwife")
    give_topics(
        app, marian, "Cannulas", "Bloods", department="Ward 12", site="St James's", usually_around="Mornings"
    )
    steve = make_member(app, "Steve Walsh", stage="allied_health", interests=["cycling"])
    give_topics(
        app,
        steve,
        "Urgent scans",
        department="Ultrasound",
        site="Leeds General Infirmary",
        usually_around="Friday afternoons",
    )
    nobody = make_member(app, "Nadia Noone", stage="medical_student", about="I'd like to learn cannulation.")
    make_member(app, "Priya Shah", email="priya@example.org", stage="medical_student")
    return {"marian": marian, "steve": steve, "nadia": nobody}


def _found(client, query: str) -> str:
    response = client.get(f"/people?{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize(
    "typed", ["cannula", "Cannulation", "IV access", "venflon", "venflons", "cannul", "VENFLON"]
)
def test_the_directory_finds_entries_by_any_name_of_the_skill(app, client, helpers, typed):
    log_in(client, "priya@example.org")
    html = _found(client, f"q={typed}")
    assert "Marian Doyle" in html
    assert "Steve Walsh" not in html
    assert "Who can help with" in html


@pytest.mark.parametrize("typed", ["ultrasound", "urgent scan", "POCUS", "sonography"])
def test_the_directory_finds_the_sonographer(app, client, helpers, typed):
    log_in(client, "priya@example.org")
    html = _found(client, f"q={typed}")
    assert "Steve Walsh" in html and "Marian Doyle" not in html


def test_the_help_section_lists_only_people_with_entries(app, client, helpers):
    log_in(client, "priya@example.org")
    html = _found(client, "q=cannulation")
    section = html.split('id="helpers-title"')[1].split("</section>")[0]
    assert "Marian Doyle" in section and "Nadia Noone" not in section
    assert '<li class="help-match">Cannulas</li>' in section
    assert "Nadia Noone" in html  # she is a result (her about says cannulation), not a helper


def test_the_help_section_puts_people_whose_entries_name_it_first(app, helpers):
    # Someone who only mentions cannulas elsewhere in their profile, with entries for other things,
    # may rank above Marian in the results; in the section she comes after Marian, who offers it.
    writer = make_member(app, "Wendy Writer", stage="core_trainee", about="I write about cannula sites.")
    give_topics(app, writer, "ABGs")
    with app.app_context():
        ranked = select(User).join(Profile, Profile.user_id == User.id).order_by(User.name.desc())
        chosen, named = who_can_help(ranked, "cannula")
        assert [person.name for person in chosen] == ["Marian Doyle", "Wendy Writer", "Steve Walsh"]
        assert named[helpers["marian"]] and not named[writer] and not named[helpers["steve"]]
        chosen, _ = who_can_help(ranked, "")  # no search: the directory's own order
        assert [person.name for person in chosen] == ["Wendy Writer", "Steve Walsh", "Marian Doyle"]


def test_the_directory_filters_by_department_and_site(app, client, helpers):
    log_in(client, "priya@example.org")
    html = _found(client, "department=ultrasound")
    assert "Steve Walsh" in html and "Marian Doyle" not in html
    html = _found(client, "site=st+james")
    assert "Marian Doyle" in html and "Steve Walsh" not in html
    html = _found(client, "site=st+james&q=scan")
    assert "Marian Doyle" not in html and "Steve Walsh" not in html
    html = _found(client, "site=%25")  # LIKE's wildcard is a character like any other
    assert "Marian Doyle" not in html and "Steve Walsh" not in html
    html = _found(client, "q=cycling&department=Ultra&stage=allied_health")  # existing filters still apply
    assert "Steve Walsh" in html
    assert _found(client, "department=%00ward").count("Marian Doyle") >= 1  # a control character: no filter


def test_the_results_fragment_carries_the_help_section(app, client, helpers):
    log_in(client, "priya@example.org")
    response = client.get("/people?q=venflon", headers={**HTMX, "HX-Target": "results"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Who can help with" in html and "Marian Doyle" in html


def _helper_rows(app: Flask, n: int) -> None:
    for number in range(n):
        person = make_member(app, f"Helper {number}", stage="nurse_midwife", specialties=["cardiology"])
        give_topics(app, person, "Cannulas", "ECGs", site="St James's")


@pytest.mark.parametrize("headers", [{}, {**HTMX, "HX-Target": "results"}])
@pytest.mark.parametrize("path", ["/people", "/people?q=cannula", "/people?site=james"])
def test_the_help_section_sends_as_many_statements_for_30_helpers_as_for_1(app, client, path, headers):
    make_member(app, "Priya Shah", email="priya@example.org")
    log_in(client, "priya@example.org")
    _helper_rows(app, 1)
    one = statements_of_get(app, client, path, headers=headers)
    _helper_rows(app, 29)
    thirty = statements_of_get(app, client, path, headers=headers)
    assert "Who can help with" in client.get(path, headers=headers).get_data(as_text=True)
    assert len(thirty) == len(one), "\n".join(["1 row:", *shapes(one), "30 rows:", *shapes(thirty)])


def test_the_edit_page_sends_as_many_statements_for_10_entries_as_for_1(app, client, sister):
    log_in(client, "marian@example.org")
    give_topics(app, sister, "Cannulas")
    one = statements_of_get(app, client, "/profile/ask-me-about")
    give_topics(app, sister, *(f"Skill {n}" for n in range(9)))
    ten = statements_of_get(app, client, "/profile/ask-me-about")
    assert len(ten) == len(one), "\n".join(["1 row:", *shapes(one), "10 rows:", *shapes(ten)])


# --- asking for help ----------------------------------------------------------------------------------


def test_asking_for_help_sends_a_peer_request_naming_the_topic(app, client, helpers):
    [topic] = _topic_ids(app, helpers["marian"], "Cannulas")
    log_in(client, "priya@example.org")
    path = f"/people/{helpers['marian']}/ask-about/{topic}"
    page = client.get(path)
    assert page.status_code == 200 and "Ask Marian Doyle for help with Cannulas" in page.get_data(
        as_text=True
    )
    token = csrf_from(page.get_data(as_text=True))
    response = client.post(path, data={"message": "Could I shadow you one morning?", "csrf_token": token})
    assert response.status_code == 303 and response.headers["Location"].endswith("/requests")
    with app.app_context():
        [sent] = db.session.scalars(select(MentoringRequest)).all()
        assert sent.kind == PEER and sent.recipient_id == helpers["marian"]
        assert sent.message.startswith("Asking for help with: Cannulas.")
        assert "shadow you one morning" in sent.message
    [email] = [m for m in outbox(app) if "would like to connect" in m.subject]
    assert "Cannulas" in email.text_body

    # The existing rules hold: a second ask is refused, and nothing more is written.
    again = client.post(path, data={"message": "", "csrf_token": token})
    assert again.status_code == 409 and "already asked" in again.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(MentoringRequest)) == 1


def test_asking_about_someone_elses_topic_or_an_unknown_one_is_404(app, client, helpers):
    [steves] = _topic_ids(app, helpers["steve"], "Urgent scans")
    log_in(client, "priya@example.org")
    assert client.get(f"/people/{helpers['marian']}/ask-about/{steves}").status_code == 404
    assert client.get(f"/people/{helpers['marian']}/ask-about/999999").status_code == 404
    assert client.get(f"/people/999999/ask-about/{steves}").status_code == 404


def test_asking_yourself_for_help_is_refused(app, client, helpers):
    [topic] = _topic_ids(app, helpers["marian"], "Cannulas")
    with app.app_context():
        email = db.session.get(User, helpers["marian"]).email
    log_in(client, email)
    page = client.get(f"/people/{helpers['marian']}/ask-about/{topic}")
    assert "can&#39;t send a request to yourself" in page.get_data(as_text=True)


def test_a_too_long_note_is_refused_with_422(app, client, helpers):
    [topic] = _topic_ids(app, helpers["marian"], "Cannulas")
    log_in(client, "priya@example.org")
    path = f"/people/{helpers['marian']}/ask-about/{topic}"
    token = csrf_from(client.get(path).get_data(as_text=True))
    assert client.post(path, data={"message": "x" * 1001, "csrf_token": token}).status_code == 422
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(MentoringRequest)) == 0


def _topic_ids(app: Flask, user_id: int, *labels: str) -> list[int]:
    with app.app_context():
        return [
            db.session.scalar(
                select(HelpTopic.id).where(HelpTopic.user_id == user_id, HelpTopic.label == label)
            )
            for label in labels
        ]


# --- who may do what ----------------------------------------------------------------------------------


ROLES = ("anonymous", "unverified", "member", "other member", "admin")


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(app, client, login_as, role):
    owner = make_member(app, "Marian Doyle", email="marian@example.org", stage="nurse_midwife")
    [topic] = give_topics(app, owner, "Cannulas")
    if role == "member":
        me = owner
        log_in(client, "marian@example.org")
    elif role == "other member":
        me = make_member(app, "Priya Shah", email="priya@example.org")
        log_in(client, "priya@example.org")
    else:
        me = login_as(role)
    signed_in = role != "anonymous"
    with_profile = role in ("member", "other member")

    edit = client.get("/profile/ask-me-about")
    ask = client.get(f"/people/{owner}/ask-about/{topic}")
    if not signed_in:
        assert edit.status_code == 302 and "/auth/login" in edit.headers["Location"]
        assert ask.status_code == 302 and "/auth/login" in ask.headers["Location"]
        assert client.post(f"/profile/ask-me-about/{topic}/remove").status_code in (302, 400)
        assert labels_of(app, owner) == ["Cannulas"]
        return
    # Accounts without a profile are sent to start one; members see their own list.
    assert edit.status_code == (200 if with_profile else 303)
    assert ask.status_code == (403 if role == "unverified" else 200)
    if role != "unverified":
        assert "Ask Marian Doyle for help with Cannulas" in ask.get_data(as_text=True)
    token = csrf_from(client.get("/settings").get_data(as_text=True))
    added = client.post("/profile/ask-me-about", data={"topic": "Suturing", "csrf_token": token})
    where = client.post("/profile/ask-me-about/where", data={"site": "LGI", "csrf_token": token})
    asked = client.post(f"/people/{owner}/ask-about/{topic}", data={"message": "", "csrf_token": token})
    removed = client.post(f"/profile/ask-me-about/{topic}/remove", data={"csrf_token": token})
    mine = labels_of(app, me)
    with app.app_context():
        requests = db.session.scalar(select(func.count()).select_from(MentoringRequest))
    if with_profile:
        # Members change their own list only: another's entry is 404 and stays.
        assert (added.status_code, where.status_code) == (303, 303)
        assert removed.status_code == (303 if role == "member" else 404)
        assert labels_of(app, owner) == (["Suturing"] if role == "member" else ["Cannulas"])
        assert mine == ["Suturing"]
    else:
        # No profile yet (the admin, an unconfirmed account): sent to start one, nothing written.
        assert {added.status_code, where.status_code, removed.status_code} == {303}
        assert labels_of(app, owner) == ["Cannulas"] and mine == []
    # Asking: yourself is refused (409), an unconfirmed account can't (403), others send one request.
    assert asked.status_code == {"member": 409, "unverified": 403}.get(role, 303)
    assert requests == (1 if role in ("other member", "admin") else 0)


# --- the demo -----------------------------------------------------------------------------------------


def test_every_demo_entry_would_pass_the_form():
    from mentormatch.demo.helping import BY_DEPARTMENT, BY_STAGE, NAMED_HELPERS

    lists = [person.helps_with for person in NAMED_HELPERS] + [*BY_DEPARTMENT.values(), *BY_STAGE.values()]
    for labels in lists:
        assert len(labels) <= 10
        assert all(0 < len(label) <= 60 for label in labels)
        assert len({skill_key(label) for label in labels}) == len(labels), labels


def test_in_the_demo_priya_searching_cannula_finds_the_ward_sister(app, runner):
    from mentormatch.demo.logins import DEMO_LOGINS, DEMO_PASSWORD

    result = runner.invoke(args=["seed-demo", "--users", "100", "--seed", "3"])
    assert result.exit_code == 0, result.output
    client = app.test_client()
    log_in(client, DEMO_LOGINS["student"].email, DEMO_PASSWORD)
    html = client.get("/people?q=cannula").get_data(as_text=True)
    section = html.split('id="helpers-title"')[1].split("</section>")[0]
    assert "Marian Doyle" in section and "Cannulas" in section
    html = client.get("/people?q=urgent+scan").get_data(as_text=True)
    assert "Steve Marsh" in html and "Friday afternoons" in html
    with app.app_context():
        marian = db.session.scalar(select(User).where(User.name == "Marian Doyle"))
        assert [topic.label for topic in marian.profile.help_topics][:1] == ["Cannulas"]
        helpers = db.session.scalar(select(func.count(func.distinct(HelpTopic.user_id))))
        stages = set(
            db.session.scalars(
                select(User.career_stage).join(HelpTopic, HelpTopic.user_id == User.id).distinct()
            )
        )
    assert helpers > len(NAMED_HELPERS_NAMES)
    assert {"nurse_midwife", "allied_health", "core_trainee", "specialty_trainee"} <= stages


NAMED_HELPERS_NAMES = (
    "Marian Doyle",
    "Steve Marsh",
    "Aisha Rahman",
    "Dan Okoro",
    "Ellie Brooks",
    "Omar Siddiqui",
)


# --- markup ---------------------------------------------------------------------------------------------


def test_the_pages_and_fragments_are_valid_html(app, client, helpers, tmp_path):
    """Every page and htmx fragment of the feature through the Nu HTML checker, as the browser suite does."""
    from tests.browser.markup import Collected, missing

    if missing():
        pytest.skip("needs " + ", ".join(missing()))
    [topic] = _topic_ids(app, helpers["marian"], "Cannulas")
    with app.app_context():
        marian_email = db.session.get(User, helpers["marian"]).email
    collected = Collected()

    class Seen:  # what Collected reads from a Playwright response
        def __init__(self, url: str, response) -> None:
            self.url, self.status, self.headers = (
                f"http://127.0.0.1{url}",
                response.status_code,
                response.headers,
            )
            self._text = response.get_data(as_text=True)

        def text(self) -> str:
            return self._text

    def see(url: str, response) -> None:
        collected.add(Seen(url, response))

    log_in(client, "priya@example.org")
    for url in (
        "/people?q=cannula",
        f"/people/{helpers['marian']}",
        f"/people/{helpers['marian']}/ask-about/{topic}",
    ):
        see(url, client.get(url))
    see(
        "/people?q=venflon#results", client.get("/people?q=venflon", headers={**HTMX, "HX-Target": "results"})
    )
    client.post("/auth/logout", data={"csrf_token": token_for(client)})
    log_in(client, marian_email)
    see("/profile/ask-me-about", client.get("/profile/ask-me-about"))
    see("/profile/ask-me-about#bad", _post(client, "/profile/ask-me-about", {"topic": "x" * 61}))
    see(
        "/profile/ask-me-about#fragment",
        _post(client, "/profile/ask-me-about", {"topic": "ECGs"}, headers=HTMX),
    )
    see(
        "/profile/ask-me-about#bad-fragment",
        _post(client, "/profile/ask-me-about", {"topic": ""}, headers=HTMX),
    )
    see(
        "/profile/ask-me-about/where",
        _post(client, "/profile/ask-me-about/where", {"site": "x" * 200}, headers=HTMX),
    )
    see(f"/people/{helpers['marian']}#own", client.get(f"/people/{helpers['marian']}"))
    assert len(collected.documents) >= 9
    assert collected.check(tmp_path / "markup") == []


def test_a_deleted_account_leaves_no_entries(app, sister):
    from mentormatch.accounts.service import delete_account

    give_topics(app, sister, "Cannulas", "Bloods")
    with app.app_context():
        delete_account(db.session.get(User, sister))
        db.session.commit()
    assert labels_of(app, sister) == []
