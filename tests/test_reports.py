"""Programme reports at /admin/reports: exact figures for a known population, CSV exports, SVG charts.

The population is small and written straight into the database, with requests and connections at
known times, so every figure on the page can be worked out by hand (the comments do).
"""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

import pytest
from flask import Flask

from mentormatch.core.database import utcnow
from mentormatch.core.extensions import db
from mentormatch.mentoring.models import (
    ACCEPTED,
    DECLINED,
    EXPIRED,
    MENTORING,
    PEER,
    PENDING,
    WITHDRAWN,
    Connection,
    MentoringRequest,
)
from mentormatch.profiles.models import ProfileSpecialty
from mentormatch.reports import activity, members, queries
from mentormatch.reports.charts import nice_maximum, requests_per_week_chart, supply_and_demand_chart
from mentormatch.reports.tables import format_duration
from mentormatch.web.admin.reports import defuse, table_as_csv
from tests.factories import make_member

SVG = "{http://www.w3.org/2000/svg}"
H = timedelta(hours=1)
W = timedelta(weeks=1)
CSV_NAMES = list(queries.REPORTS)
# The health tables need meetings and paused mentors, which this population has none of:
# tests/test_health_reports.py plants its own.
# The event report has its own population (tests/test_events.py).
PLANTED_NAMES = [name for name in CSV_NAMES if name not in queries.HEALTH and name != "events"]


@dataclass
class Population:
    monday: datetime  # 00:00 UTC on this week's Monday
    ids: dict[str, int]


def this_monday() -> datetime:
    today = utcnow().date()
    return datetime.combine(today - timedelta(days=today.weekday()), time(), UTC)


def add_request(sender: int, recipient: int, kind: str, status: str, sent: datetime, took=None) -> None:
    db.session.add(
        MentoringRequest(
            kind=kind,
            sender_id=sender,
            recipient_id=recipient,
            status=status,
            created_at=sent,
            expires_at=sent + 2 * W,
            decided_at=sent + took if took is not None else None,
        )
    )


def add_connection(kind: str, first: int, second: int, *, ended: bool = False) -> None:
    started = utcnow() - 10 * W
    db.session.add(
        Connection(
            kind=kind,
            first_id=first,
            second_id=second,
            started_at=started,
            ended_at=utcnow() if ended else None,
        )
    )


@pytest.fixture
def population(app: Flask) -> Population:
    """Seven counted members, four people who don't count, eight requests and four connections."""
    ids = {
        "s1": make_member(app, region="london", specialties=["cardiology", "paediatrics"]),
        "s2": make_member(app, region="london", specialties=["cardiology"]),
        "s3": make_member(app),  # no region, no specialty
        "f1": make_member(app, stage="foundation_doctor", region="wales", specialties=["paediatrics"]),
        "m1": make_member(
            app,
            stage="consultant",
            region="london",
            specialties=["cardiology"],
            mentor=True,
            capacity=3,
            places_taken=1,
        ),
        "m2": make_member(
            app,
            stage="gp",
            region="wales",
            specialties=["cardiology", "general_practice"],
            mentor=True,
            capacity=1,
            places_taken=1,
        ),
        "m3": make_member(
            app,
            stage="specialty_trainee",
            region="wales",
            specialties=["paediatrics"],
            mentor="pending",
            capacity=2,
        ),
        # Not counted anywhere: unverified, deleted, not onboarded.
        "unverified": make_member(app, region="london", specialties=["cardiology"], verified=False),
        "deleted": make_member(
            app, stage="consultant", specialties=["cardiology"], mentor=True, deleted=True, capacity=5
        ),
        "new": make_member(app, specialties=["cardiology"], onboarded=False),
    }
    monday = this_monday()
    with app.app_context():
        i = ids
        # Mentoring answers: 2 h and 10 h and 4 h (accepted), 30 h (declined).
        add_request(i["s1"], i["m1"], MENTORING, ACCEPTED, monday - W + 10 * H, took=2 * H)
        add_request(i["f1"], i["m2"], MENTORING, ACCEPTED, monday - 3 * W, took=10 * H)
        add_request(i["s2"], i["m2"], MENTORING, DECLINED, monday - W + 11 * H, took=30 * H)
        add_request(i["s3"], i["m1"], MENTORING, ACCEPTED, monday - 30 * W, took=4 * H)  # before the 26 weeks
        add_request(i["s2"], i["m1"], MENTORING, PENDING, monday + H)
        add_request(i["s3"], i["m3"], MENTORING, EXPIRED, monday - 5 * W)
        # Peers: answers that don't count as a mentor's; one sent at 23:30 on a Sunday.
        add_request(i["s1"], i["s2"], PEER, ACCEPTED, monday - W + 12 * H, took=H)
        add_request(i["s2"], i["s3"], PEER, WITHDRAWN, monday - W - timedelta(minutes=30))
        add_connection(MENTORING, i["m1"], i["s1"])
        add_connection(MENTORING, i["m2"], i["f1"])
        add_connection(MENTORING, i["m1"], i["s3"], ended=True)
        add_connection(PEER, i["s1"], i["s2"])
        add_connection(PEER, i["s2"], i["s3"], ended=True)
        db.session.commit()
    return Population(monday, ids)


def rows_of(app: Flask, build) -> list[tuple]:
    with app.app_context():
        return build().rows


# --- the figures ---------------------------------------------------------------------------------


def test_members_by_stage(app, population):
    rows = rows_of(app, members.members_by_stage)
    assert rows == [
        ("Medical student (year 1–6)", 3, 0),
        ("Foundation doctor (FY1–FY2)", 1, 0),
        ("Core or early specialty trainee (CT/IMT/ST1–2)", 0, 0),
        ("Nurse or midwife", 0, 0),
        ("Allied health professional (sonographer, physiotherapist, pharmacist, …)", 0, 0),
        ("Higher specialty trainee (ST3+)", 1, 0),  # m3 is waiting for approval
        ("Specialty and specialist (SAS) doctor", 0, 0),
        ("General practitioner", 1, 1),
        ("Consultant", 1, 1),  # the deleted consultant doesn't count
        ("All members", 7, 2),
    ]


def test_members_by_region(app, population):
    rows = rows_of(app, members.members_by_region)
    assert rows[0] == ("London", 3, 2, 1)  # s1, s2, m1 (the unverified Londoner doesn't count)
    assert rows[12] == ("Wales", 3, 1, 1)  # f1, m2, m3
    assert rows[-2:] == [("Not given", 1, 1, 0), ("All members", 7, 4, 2)]
    assert [row[1] for row in rows[:14]].count(0) == 12
    assert len(rows) == 16


def test_mentors_approved_and_waiting(app, population):
    assert rows_of(app, members.mentors_by_status) == [
        # m1 3 places, 1 taken; m2 1 place, taken. The deleted mentor's 5 places don't count.
        ("Approved", 2, 4, 2, 2),
        ("Waiting for approval", 1, 2, 0, 0),
    ]


def test_paused_and_suspended_mentors_follow_and_have_no_free_places(app, population):
    make_member(
        app, stage="consultant", specialties=["cardiology"], mentor="paused", capacity=2, places_taken=1
    )
    make_member(app, stage="gp", mentor="suspended", capacity=3)

    assert rows_of(app, members.mentors_by_status) == [
        ("Approved", 2, 4, 2, 2),
        ("Waiting for approval", 1, 2, 0, 0),
        ("Paused by the mentor", 1, 2, 1, 0),
        ("Suspended by an admin", 1, 3, 0, 0),
    ]
    assert rows_of(app, members.supply_and_demand)[0] == ("Cardiology", 2, 1, 2, 2)


def test_requests_sent_and_accepted(app, population):
    assert rows_of(app, activity.requests_by_kind) == [
        ("Mentoring", 6, 3, 1, 0, 1, 1, 50.0),
        ("Peer", 2, 1, 0, 1, 0, 0, 50.0),
        ("All requests", 8, 4, 1, 1, 1, 1, 50.0),
    ]


def test_median_time_to_a_mentors_answer(app, population):
    assert rows_of(app, activity.mentor_answers) == [
        ("Accepted", 3, timedelta(hours=4)),  # 2, 4, 10 hours
        ("Declined", 1, timedelta(hours=30)),
        ("All answers", 4, timedelta(hours=7)),  # 2, 4, 10, 30: between 4 and 10
    ]


def test_median_of_an_odd_number_and_of_none(app, population):
    with app.app_context():
        assert activity.median_answer_time((WITHDRAWN,)) == (0, None)  # never a mentor's answer
        assert activity.median_answer_time((ACCEPTED,)) == (3, timedelta(hours=4))


def test_requests_per_week(app, population):
    monday = population.monday
    with app.app_context():
        rows = activity.requests_per_week(now=monday + 3 * 24 * H).rows
    assert len(rows) == 26
    assert rows[0][0] == (monday - 25 * W).date() and rows[-1][0] == monday.date()
    assert all(row[0].weekday() == 0 for row in rows)
    busy = {row[0]: row[1:] for row in rows if row[1] or row[2]}
    assert busy == {
        monday.date(): (1, 0),  # the pending request
        (monday - W).date(): (3, 2),  # two mentoring and one peer sent; s1's and the peer's accepted
        (monday - 2 * W).date(): (1, 0),  # the peer request sent at 23:30 on Sunday
        (monday - 3 * W).date(): (1, 1),
        (monday - 5 * W).date(): (1, 0),
    }


def test_active_connections(app, population):
    assert rows_of(app, activity.connections_by_kind) == [
        ("Mentoring", 2, 1),
        ("Peer", 1, 1),
        ("All connections", 3, 2),
    ]


def test_mentees_without_a_mentor(app, population):
    assert rows_of(app, activity.unmatched_mentees) == [
        # s1 has m1; s2 (waiting for m1's answer) and s3 (whose mentoring ended) have no mentor.
        ("Medical student (year 1–6)", 3, 1, 2, 1),
        ("Foundation doctor (FY1–FY2)", 1, 1, 0, 0),
        ("All mentees", 4, 2, 2, 1),
    ]


def test_supply_and_demand_by_specialty(app, population):
    assert rows_of(app, members.supply_and_demand) == [
        ("Cardiology", 2, 1, 2, 2),  # s1, s2 (s2 without a mentor); m1 with 2 free, m2 full
        ("Paediatrics", 2, 0, 0, 0),  # s1, f1; m3 is waiting for approval, so no places
        ("General practice", 0, 0, 1, 0),
    ]


def test_an_empty_database_has_no_rows_and_says_so(app):
    with app.app_context():
        tables = queries.all_reports()
    assert list(tables) == CSV_NAMES
    for table in tables.values():
        assert table.rows == [], table.slug
        assert table.empty_message


# --- the page ---------------------------------------------------------------------------------------


def test_the_page_shows_every_table_with_its_figures(client, login_as, population):
    login_as("admin")

    response = client.get("/admin/reports")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for name in PLANTED_NAMES:
        assert f'href="/admin/reports/{name}.csv"' in html
    assert 'id="caption-mentees"' in html
    cells = re.sub(r">\s+<", "><", html)
    assert '<th scope="row">All answers</th><td class="number">4</td><td class="number">7 hours</td>' in cells
    assert '<th scope="row">All members</th><td class="number">7</td><td class="number">4</td>' in cells
    assert '<td class="number">50%</td></tr>' in cells
    assert "(Medical student (year 1–6); Foundation doctor (FY1–FY2))" in html  # who counts as a mentee
    assert "style=" not in html
    # Both charts, each followed by its table.
    assert html.index('id="chart-weeks"') < html.index('id="caption-requests-per-week"')
    assert html.index('id="chart-specialties"') < html.index('id="caption-specialties"')


def test_an_empty_page_says_what_is_missing(client, login_as):
    login_as("admin")

    response = client.get("/admin/reports")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<table" not in html and "<svg" not in html
    assert "No members yet" in html
    assert "No requests were sent or accepted in the last 26 weeks." in html
    assert "No mentee or approved mentor has listed a specialty yet." in html
    for name in CSV_NAMES:
        response = client.get(f"/admin/reports/{name}.csv")
        assert response.status_code == 200
        assert len(read_csv(response)) == 1  # the header alone


def test_text_from_the_database_is_escaped_on_the_page(client, app, login_as):
    make_member(app, region="<b>Atlantis</b>", specialties=["cardiology"])
    login_as("admin")

    html = client.get("/admin/reports").get_data(as_text=True)

    assert "&lt;b&gt;Atlantis&lt;/b&gt;" in html and "<b>Atlantis" not in html


# --- the charts -------------------------------------------------------------------------------------


def parse_svg(markup: str) -> ET.Element:
    svg = ET.fromstring(markup)  # noqa: S314 (our own output); fails unless well formed
    assert svg.tag == f"{SVG}svg"
    assert svg.get("role") == "img"
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert title is not None and title.text and desc is not None and desc.text
    assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert not any(element.get("style") for element in svg.iter())
    assert not any(element.tag.endswith("script") for element in svg.iter())
    return svg


def test_supply_and_demand_chart_has_a_bar_for_each_figure(app, population):
    with app.app_context():
        table = members.supply_and_demand()
    svg = parse_svg(supply_and_demand_chart(table))

    assert svg.find(f"{SVG}title").text == "Supply and demand by specialty"
    description = svg.find(f"{SVG}desc").text
    assert "3 specialties" in description and "Most wanted: Cardiology, 2 mentees interested" in description
    bars = [
        (bar.find(f"{SVG}title").text, bar.get("data-value"))
        for bar in svg.iter(f"{SVG}rect")
        if bar.get("class") == "chart-bar"
    ]
    assert bars == [
        ("Cardiology: 2 mentees interested", "2"),
        ("Cardiology: 2 free mentor places", "2"),
        ("Paediatrics: 2 mentees interested", "2"),
        ("Paediatrics: 0 free mentor places", "0"),
        ("General practice: 0 mentees interested", "0"),
        ("General practice: 0 free mentor places", "0"),
    ]
    labels = [text.text for text in svg.iter(f"{SVG}text")]
    for name in ("Cardiology", "Paediatrics", "General practice", "Mentees interested", "Free mentor places"):
        assert name in labels
    # Told apart by pattern as well as colour: the places are hatched.
    fills = {bar.get("fill") for bar in svg.iter(f"{SVG}rect") if bar.get("class") == "chart-bar"}
    assert fills == {"#0b5563", "url(#chart-specialties-hatch)"}
    assert svg.find(f".//{SVG}pattern[@id='chart-specialties-hatch']") is not None
    # The bars are to scale: 2 of an axis running to 2 fills the plot.
    widths = [float(bar.get("width")) for bar in svg.iter(f"{SVG}rect") if bar.get("class") == "chart-bar"]
    assert widths[0] == widths[1] == widths[2] > 0 and widths[3] == widths[4] == 0


def test_the_weekly_chart_has_a_point_for_each_week(app, population):
    with app.app_context():
        table = activity.requests_per_week(now=population.monday + H)
    svg = parse_svg(requests_per_week_chart(table))

    series = {group.get("data-series"): group for group in svg.iter(f"{SVG}g") if group.get("data-series")}
    assert set(series) == {"sent", "accepted"}
    assert len(series["sent"].findall(f"{SVG}circle")) == 26
    assert len(series["accepted"].findall(f"{SVG}rect")) == 26  # squares, not circles: shape tells them apart
    assert series["accepted"].find(f"{SVG}polyline").get("stroke-dasharray")
    last_week = series["sent"].findall(f"{SVG}circle")[-2].find(f"{SVG}title").text
    assert last_week.endswith(": 3 sent")
    description = svg.find(f"{SVG}desc").text
    assert "7 sent and 3 accepted in all" in description


def test_chart_labels_are_escaped(app):
    member = make_member(app, stage="medical_student")
    with app.app_context():
        db.session.add(ProfileSpecialty(user_id=member, code='<x y="1">&'))
        db.session.commit()
        table = members.supply_and_demand()
    markup = str(supply_and_demand_chart(table))

    svg = parse_svg(markup)
    assert '<x y="1">&' in [text.text for text in svg.iter(f"{SVG}text")]
    assert '&lt;x y="1"&gt;&amp;' in markup


@pytest.mark.parametrize(
    ("value", "top"), [(0, 1), (1, 1), (2, 2), (3, 5), (7, 10), (12, 20), (23, 25), (37, 50)]
)
def test_axes_end_at_a_round_number(value, top):
    assert nice_maximum(value) == top


@pytest.mark.parametrize(
    ("hours", "text"),
    [
        (0.001, "under a minute"),
        (0.5, "30 minutes"),
        (7, "7 hours"),
        (7.25, "7 hours 15 minutes"),
        (25, "1 day 1 hour"),
        (48.5, "2 days"),
    ],
)
def test_durations_read_naturally(hours, text):
    assert format_duration(timedelta(hours=hours)) == text


# --- CSV ------------------------------------------------------------------------------------------


def read_csv(response) -> list[list[str]]:
    assert response.mimetype == "text/csv"
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")  # so Excel reads UTF-8
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def test_each_csv_holds_its_table(client, login_as, population):
    login_as("admin")

    response = client.get("/admin/reports/answer-times.csv")

    assert response.status_code == 200
    assert re.fullmatch(
        r'attachment; filename="mentormatch-answer-times-\d{4}-\d\d-\d\d\.csv"',
        response.headers["Content-Disposition"],
    )
    assert read_csv(response) == [
        ["Answer", "Requests answered", "Median time to answer (hours)"],
        ["Accepted", "3", "4.0"],
        ["Declined", "1", "30.0"],
        ["All answers", "4", "7.0"],
    ]
    assert read_csv(client.get("/admin/reports/requests.csv"))[0][-1] == "Accepted, of those sent (%)"
    assert read_csv(client.get("/admin/reports/specialties.csv")) == [
        [
            "Specialty",
            "Mentees interested",
            "Mentees without a mentor",
            "Approved mentors",
            "Free mentor places",
        ],
        ["Cardiology", "2", "1", "2", "2"],
        ["Paediatrics", "2", "0", "0", "0"],
        ["General practice", "0", "0", "1", "0"],
    ]
    weeks = read_csv(client.get("/admin/reports/requests-per-week.csv"))
    assert weeks[0] == ["Week beginning", "Sent", "Accepted"]
    assert weeks[-1] == [population.monday.date().isoformat(), "1", "0"]
    assert len(weeks) == 27


@pytest.mark.parametrize("name", PLANTED_NAMES)
def test_every_csv_matches_the_page(client, app, login_as, population, name):
    login_as("admin")

    rows = read_csv(client.get(f"/admin/reports/{name}.csv"))

    with app.app_context():
        table = queries.REPORTS[name]()
    assert rows == list(csv.reader(io.StringIO(table_as_csv(table))))
    assert len(rows) == len(table.rows) + 1 and len(rows) > 1


def test_csv_cells_that_a_spreadsheet_would_run_are_defused(client, app, login_as):
    for region in ('=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "safe"):
        make_member(app, region=region)
    login_as("admin")

    rows = read_csv(client.get("/admin/reports/members-by-region.csv"))

    labels = [row[0] for row in rows]
    for cell in ('\'=HYPERLINK("http://evil.example","x")', "'+1+1", "'-2+3", "'@SUM(A1)", "'\tx", "safe"):
        assert cell in labels
    assert not any(label.startswith(("=", "+", "-", "@", "\t")) for label in labels)


def test_defuse_leaves_numbers_alone():
    assert defuse(-3) == -3 and defuse(2.5) == 2.5
    assert defuse("-3") == "'-3" and defuse("Cardiology") == "Cardiology"


def test_an_unknown_csv_is_not_found(client, login_as):
    login_as("admin")
    assert client.get("/admin/reports/passwords.csv").status_code == 404


# --- who may see them ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/admin/reports", *(f"/admin/reports/{name}.csv" for name in CSV_NAMES)])
@pytest.mark.parametrize(
    ("role", "expected"), [("anonymous", "login"), ("unverified", 403), ("member", 403), ("admin", 200)]
)
def test_only_admins_see_the_reports(client, login_as, role, expected, path):
    login_as(role)

    response = client.get(path)

    if expected == "login":
        assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login")
    else:
        assert response.status_code == expected
    if expected == 403:
        assert "You can&#39;t do that" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/admin/reports", "/admin/reports/mentors.csv"])
def test_an_htmx_request_from_an_anonymous_visitor_is_sent_to_log_in(client, path):
    response = client.get(path, headers={"HX-Request": "true"})

    assert response.status_code == 401 and response.headers["HX-Redirect"].startswith("/auth/login")
