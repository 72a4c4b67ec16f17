"""Answers where they are read: the exports (a column per question, counts for the caterer), the door, the badge."""

import csv
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from badges.checkin.services import scan_badge
from badges.rendering import render_badge
from badges.services import current_badge
from registration import exports
from tests.badges.pdfcheck import page_texts
from tests.factories import InvitationFactory, QuestionFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

DIETS = ["none", "vegetarian", "vegan", "halal", "kosher", "gluten-free", "other"]


@pytest.fixture
def asked(conference):
    diet = QuestionFactory(conference=conference, label="Diet", kind="choice", choices=DIETS, position=0)
    access = QuestionFactory(
        conference=conference, label="Access", kind="text", show_at_door=True, on_badge=True, position=50
    )
    topics = QuestionFactory(
        conference=conference, label="Topics", kind="multiple_choice", choices=["AI", "Cloud"], position=60
    )
    invitation = InvitationFactory(conference=conference, seats=5)
    ada = RegistrationFactory(
        invitation=invitation,
        first_name="Ada",
        answers={str(diet.pk): "vegan", str(access.pk): "needs step-free access", str(topics.pk): ["AI", "Cloud"]},
    )
    RegistrationFactory(invitation=invitation, first_name="Bo", answers={str(diet.pk): "vegan"})
    RegistrationFactory(invitation=invitation, first_name="Cy", answers={str(diet.pk): "halal"}, status="waitlisted")
    RegistrationFactory(invitation=invitation, first_name="Di", answers={str(diet.pk): "kosher"}, status="cancelled")
    return {"diet": diet, "access": access, "topics": topics, "ada": ada}


def test_delegates_export_has_a_column_per_question_in_csv_and_xlsx(client, organiser, conference, asked):
    _, header, rows = exports.delegates_table(conference)
    assert header[-3:] == ["Diet", "Access", "Topics"]
    ada = next(r for r in rows if r[1] == "Ada")
    assert ada[-3:] == ["vegan", "needs step-free access", "AI, Cloud"]
    csv_body = exports.export_response(conference, "delegates", "csv").content.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(csv_body)))
    assert table[0][-3:] == ["Diet", "Access", "Topics"]
    assert ["vegan", "needs step-free access", "AI, Cloud"] in [row[-3:] for row in table]
    workbook = openpyxl.load_workbook(io.BytesIO(exports.export_response(conference, "delegates", "xlsx").content))
    sheet = list(workbook.active.iter_rows(values_only=True))
    assert list(sheet[0][-3:]) == ["Diet", "Access", "Topics"]
    assert ("vegan", "needs step-free access", "AI, Cloud") in [tuple(row[-3:]) for row in sheet]


def test_needs_export_counts_each_choice(conference, asked):
    _, header, rows = exports.needs_table(conference)
    counts = {(r[1], r[2]): (r[3], r[4]) for r in rows if r and r[0] == "count" and r[1] != "question"}
    assert counts[("Diet", "vegan")] == (2, 0)
    assert counts[("Diet", "halal")] == (0, 1)
    assert counts[("Diet", "kosher")] == (0, 0), "a cancelled delegate is not counted"
    assert counts[("Diet", "none")] == (0, 0)
    assert counts[("Topics", "AI")] == (1, 0)
    assert "Di" not in [r[0] for r in rows if r]


def test_a_scan_tells_the_door_the_show_at_door_answers(door_api, conference, asked, django_assert_max_num_queries):
    code = current_badge(asked["ada"]).code
    url = f"/api/conferences/{conference.slug}/checkin/scan/"
    body = door_api.post(url, {"code": code, "nonce": "n-1"}, format="json").json()
    assert body["result"] == "admitted"
    assert body["registration"]["door_notes"] == ["Access: needs step-free access"]
    again = door_api.post(url, {"code": code, "nonce": "n-2"}, format="json").json()
    assert again["result"] == "already_checked_in"
    assert again["registration"]["door_notes"] == ["Access: needs step-free access"]


def test_a_scan_of_a_delegate_without_answers_costs_no_extra_query(conference, asked):
    bo = asked["ada"].invitation.registrations.get(first_name="Bo")
    bo.answers = {}
    bo.save()
    code = current_badge(bo).code
    with CaptureQueriesContext(connection) as counted:
        scan_badge(conference=conference, code=code, nonce="n-a")
    without = len(counted.captured_queries)
    code = current_badge(asked["ada"]).code
    with CaptureQueriesContext(connection) as counted:
        body = scan_badge(conference=conference, code=code, nonce="n-b").body
    assert body["registration"]["door_notes"] == ["Access: needs step-free access"]
    assert len(counted.captured_queries) == without + 1


def test_the_badge_prints_on_badge_answers(conference, asked):
    ada = asked["ada"]
    text = page_texts(render_badge(current_badge(ada)))[0]
    assert "Access\nneeds step-free access" in text  # the label, then the answer
    assert "Diet" not in text


def test_exports_with_questions_use_a_fixed_number_of_queries(client, organiser, conference, asked):
    client.force_login(organiser)
    invitation = asked["ada"].invitation
    invitation.seats = 40
    invitation.save()
    for n in range(20):
        RegistrationFactory(invitation=invitation, answers={str(asked["diet"].pk): DIETS[n % len(DIETS)]})
    for table in ("delegates", "needs"):
        with CaptureQueriesContext(connection) as counted:
            response = client.get(f"/organiser/{conference.slug}/exports/{table}.csv")
        assert response.status_code == 200
        assert len(counted.captured_queries) <= 9, (table, len(counted.captured_queries))
