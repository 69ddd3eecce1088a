"""Pages kept in memory (core/pagecache.py) and the write count that keeps them honest
(core/writes.py): a page is served again only to the session it was made for, only while nothing
at all has been written since, and never for longer than PAGE_CACHE_SECONDS."""

from __future__ import annotations

import pytest
from flask import Flask, template_rendered
from flask.testing import FlaskClient
from sqlalchemy import select, text, update

from mentormatch.accounts.models import User
from mentormatch.core.extensions import db
from mentormatch.core.pagecache import EXTENSION, PageCache
from mentormatch.core.writes import writes_so_far
from tests.factories import make_member
from tests.helpers import change_password, csrf_from, log_in
from tests.query_count import statements_sent

SEARCH = "/people?q=cardiology"
NEW_PASSWORD = "a different long passphrase"


@pytest.fixture
def people(app: Flask) -> dict[str, int]:
    return {
        "amira": make_member(app, "Amira Khan", email="amira@example.org", specialties=["cardiology"]),
        "bola": make_member(app, "Bola Adeyemi", email="bola@example.org", specialties=["cardiology"]),
    }


def signed_in(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    assert log_in(client, email).status_code == 303
    client.get("/")  # the welcome message is shown, so the session is plain from here on
    return client


def get(app: Flask, client: FlaskClient, path: str, **kwargs: object) -> tuple[str, list[str]]:
    """The page's text and the statements it sent."""
    with statements_sent(app) as sent:
        response = client.get(path, **kwargs)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True), sent


def test_a_page_asked_again_with_nothing_written_costs_one_statement(app, people):
    amira = signed_in(app, "amira@example.org")
    first, made = get(app, amira, SEARCH)
    again, served = get(app, amira, SEARCH)

    assert again == first
    assert "Bola Adeyemi" in again
    assert len(made) > 1
    assert [s.split()[:4] for s in served] == [["SELECT", "write_count.value", "FROM", "write_count"]]
    assert amira.get(SEARCH).headers["Cache-Control"] == "no-store"  # still never kept by a browser


@pytest.mark.parametrize("path", ["/", "/matches", "/matches?tab=peers", "/requests", "/connections", SEARCH])
def test_every_kept_page_is_kept(app, people, path):
    amira = signed_in(app, "amira@example.org")
    get(app, amira, path)
    assert len(get(app, amira, path)[1]) == 1


def test_any_write_by_anyone_makes_the_page_again(app, people):
    amira = signed_in(app, "amira@example.org")
    get(app, amira, SEARCH)

    make_member(app, "Chidi Okafor", specialties=["cardiology"])  # another process, a command: committed

    page, sent = get(app, amira, SEARCH)
    assert "Chidi Okafor" in page
    assert len(sent) > 1


def test_a_write_seen_by_another_process_on_the_same_database(app, make_app, people):
    """Two workers, two caches, one database: a write through one outdates the other's pages."""
    worker_a, worker_b = app, make_app()
    amira_on_a = signed_in(worker_a, "amira@example.org")
    bola_on_b = signed_in(worker_b, "bola@example.org")
    get(worker_a, amira_on_a, SEARCH)
    assert "Bola Adeyemi" in get(worker_a, amira_on_a, SEARCH)[0]

    # Bola hides from the directory, through the other worker's own form.
    with worker_b.app_context():
        db.session.execute(update(User).where(User.email == "bola@example.org").values(name="Bola A."))
        db.session.commit()
    assert bola_on_b.get("/settings").status_code == 200

    assert "Bola A." in get(worker_a, amira_on_a, SEARCH)[0]


def test_a_page_is_only_ever_served_to_the_session_it_was_made_for(app, people):
    amira = signed_in(app, "amira@example.org")
    amira_on_her_phone = signed_in(app, "amira@example.org")
    bola = signed_in(app, "bola@example.org")
    laptop = get(app, amira, "/matches")[0]
    get(app, amira, "/matches")

    phone, sent = get(app, amira_on_her_phone, "/matches")
    assert len(sent) > 1  # made for this session
    assert csrf_from(phone) != csrf_from(laptop)  # each carries its own session's token

    bola_page, sent = get(app, bola, "/matches")
    assert len(sent) > 1
    assert f'href="/people/{people["bola"]}"' in bola_page  # "My profile" is Bola's own
    assert f'href="/people/{people["amira"]}"' not in bola_page


def test_a_visitor_never_gets_a_members_page(app, people):
    amira = signed_in(app, "amira@example.org")
    get(app, amira, "/matches")
    get(app, amira, "/matches")

    visitor = app.test_client().get("/matches")
    assert visitor.status_code == 302
    assert visitor.headers["Location"].startswith("/auth/login")


def test_a_message_waiting_to_be_shown_is_shown(app, people):
    amira = signed_in(app, "amira@example.org")
    get(app, amira, "/matches")
    with amira.session_transaction() as session:
        session["_flashes"] = [("success", "Your email preferences are saved.")]

    page, sent = get(app, amira, "/matches")
    assert "Your email preferences are saved." in page
    assert len(sent) > 1
    assert "Your email preferences are saved." not in get(app, amira, "/matches")[0]  # shown once


def test_a_password_changed_elsewhere_ends_this_session_at_once(app, people):
    amira = signed_in(app, "amira@example.org")
    other_device = signed_in(app, "amira@example.org")
    get(app, other_device, "/matches")
    get(app, other_device, "/matches")

    assert change_password(amira, NEW_PASSWORD).status_code == 303

    assert other_device.get("/matches").status_code == 302  # to the login page, not the kept page


def test_an_htmx_fragment_and_the_whole_page_are_kept_apart(app, people):
    amira = signed_in(app, "amira@example.org")
    whole = get(app, amira, SEARCH)[0]
    fragment = get(app, amira, SEARCH, headers={"HX-Request": "true", "HX-Target": "results"})[0]
    assert "<html" in whole and "<html" not in fragment
    assert get(app, amira, SEARCH)[0] == whole
    assert get(app, amira, SEARCH, headers={"HX-Request": "true", "HX-Target": "results"})[0] == fragment


def test_no_page_outlives_its_time(app, people):
    cache: PageCache = app.extensions[EXTENSION]
    now = [1000.0]
    cache.clock = lambda: now[0]
    amira = signed_in(app, "amira@example.org")
    get(app, amira, "/")
    assert len(get(app, amira, "/")[1]) == 1

    now[0] += app.config["PAGE_CACHE_SECONDS"]

    assert len(get(app, amira, "/")[1]) > 1


def test_a_page_is_as_old_as_its_first_read_not_its_last(app, people):
    """A page that took long to make (an engine refit first) is older when kept than when made."""
    cache: PageCache = app.extensions[EXTENSION]
    now = [1000.0]
    cache.clock = lambda: now[0]

    def slow(sender, template, context, **extra) -> None:
        now[0] += app.config["PAGE_CACHE_SECONDS"]  # the whole allowance goes on making it

    amira = signed_in(app, "amira@example.org")
    with template_rendered.connected_to(slow, app):
        get(app, amira, "/matches")
    assert len(get(app, amira, "/matches")[1]) > 1  # already too old to serve


@pytest.mark.parametrize("app_config", [{"PAGE_CACHE_SECONDS": 0}])
def test_turned_off_every_page_is_made(app, people):
    assert app.extensions[EXTENSION] is None
    amira = signed_in(app, "amira@example.org")
    get(app, amira, "/")
    assert len(get(app, amira, "/")[1]) > 1


def test_a_visitors_landing_page_is_the_same_for_everyone_and_starts_no_session(app):
    first = app.test_client().get("/")
    with statements_sent(app) as sent:
        second = app.test_client().get("/")

    assert second.get_data() == first.get_data()
    assert sent == []
    assert "Set-Cookie" not in first.headers and "Set-Cookie" not in second.headers
    assert "csrf" not in first.get_data(as_text=True).lower()
    # Made-up query strings are not kept: they would push members' pages out.
    app.test_client().get("/?utm_source=1")
    assert len(app.extensions[EXTENSION]) == 1
    # A visitor's forms still carry their token, from the form itself.
    assert csrf_from(app.test_client().get("/auth/login").get_data(as_text=True))


def test_a_remembered_member_gets_their_dashboard_not_the_visitors_page(app, people):
    app.test_client().get("/")  # the visitors' landing page, kept
    remembered = app.test_client()
    assert log_in(remembered, "amira@example.org", remember="y").status_code == 303
    remembered.delete_cookie("session")  # the browser was closed: only the remember-me cookie is left

    page = remembered.get("/").get_data(as_text=True)
    assert "Create your free account" not in page
    assert f'href="/people/{people["amira"]}"' in page  # her own "My profile": signed in again


def test_errors_and_writes_are_never_kept(app, people):
    amira = signed_in(app, "amira@example.org")
    assert amira.get("/people/999999").status_code == 404
    assert amira.get("/people/999999").status_code == 404
    cache: PageCache = app.extensions[EXTENSION]
    assert len(cache) == 0


# --- the cache itself --------------------------------------------------------------------------


def test_the_least_recently_used_pages_go_first_when_memory_is_full():
    cache = PageCache(seconds=60, max_bytes=250)
    for name in ("a", "b", "c"):
        cache.put((name,), 1, b"x" * 100, ())
    assert cache.get(("a",), 1) is None  # 300 bytes: the oldest went
    assert cache.get(("b",), 1) is not None  # now the most recently used
    cache.put(("d",), 1, b"x" * 100, ())
    assert cache.get(("c",), 1) is None
    assert cache.get(("b",), 1) is not None and cache.get(("d",), 1) is not None
    cache.put(("huge",), 1, b"x" * 251, ())
    assert cache.get(("huge",), 1) is None and len(cache) == 2


def test_a_newer_write_count_lets_every_older_page_go():
    cache = PageCache(seconds=60, max_bytes=10_000)
    cache.put(("a",), 1, b"page", ())
    cache.put(("visitor",), "visitor", b"landing", ())
    assert cache.get(("b",), 2) is None
    assert len(cache) == 1  # only the visitor's page, which no write outdates
    cache.put(("a",), 1, b"made from an older count", ())
    assert cache.get(("a",), 1) is None and len(cache) == 1


# --- the write count ---------------------------------------------------------------------------


def count(app: Flask) -> int:
    with app.app_context():
        value = writes_so_far()
        db.session.rollback()
    return value


def test_every_committed_write_moves_the_count_on_once(app, people):
    before = count(app)
    with app.app_context():
        user = db.session.get(User, people["amira"])
        user.name = "Amira K."  # an ORM flush
        db.session.execute(update(User).where(User.id == people["bola"]).values(name="Bola A."))  # bulk
        db.session.commit()
    assert count(app) == before + 1

    with app.app_context():
        db.session.execute(
            text("UPDATE user_account SET name = 'Bola B.' WHERE id = :id"), {"id": people["bola"]}
        )
        db.session.commit()
    assert count(app) == before + 2


def test_reads_rollbacks_and_savepoints_count_as_they_should(app, people):
    before = count(app)
    with app.app_context():
        db.session.scalars(select(User)).all()
        db.session.execute(select(User).with_for_update()).all()  # a row lock writes nothing
        db.session.commit()
    assert count(app) == before

    with app.app_context():
        db.session.execute(update(User).values(name="Nobody"))
        db.session.rollback()
        db.session.commit()
    assert count(app) == before

    with app.app_context():
        with db.session.begin_nested():
            db.session.execute(update(User).where(User.id == people["amira"]).values(name="Amira K."))
        db.session.commit()
    assert count(app) == before + 1


def test_a_write_before_a_savepoint_that_only_reads_still_counts(app, people):
    before = count(app)
    with app.app_context():
        db.session.execute(update(User).where(User.id == people["amira"]).values(name="Amira K."))
        savepoint = db.session.begin_nested()
        db.session.scalars(select(User)).all()
        savepoint.rollback()
        db.session.commit()
    assert count(app) == before + 1


def test_a_commit_whose_first_sql_is_its_own_flush_counts(app, people):
    before = count(app)
    with app.app_context():
        db.session.add(User(email="new@example.org", name="New Member", career_stage="medical_student"))
        db.session.commit()
        user = db.session.scalar(select(User).where(User.email == "new@example.org"))
        db.session.commit()  # expires it: the next change sends no SELECT before its UPDATE
        user.name = "Renamed Member"
        db.session.commit()
    assert count(app) == before + 2


def test_a_get_that_writes_nothing_moves_nothing_on(app, people):
    amira = signed_in(app, "amira@example.org")
    before = count(app)
    for path in ("/", "/matches", SEARCH, "/requests", "/connections", "/settings"):
        assert amira.get(path).status_code == 200
    assert count(app) == before
