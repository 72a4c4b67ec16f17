"""Registration questions on a phone: the organiser adds a conditional question, an invitee answers it on the
RSVP page, the answer is in the export and at the door; and a conference is copied into next year."""

import datetime as dt

import pytest
from playwright.sync_api import expect
from rest_framework.test import APIClient

from badges.services import current_badge
from conference.models import Conference
from registration.models import Question, Registration
from tests.browser.axe import assert_accessible
from tests.conftest import login
from tests.factories import ConferenceFactory, DoorStaffFactory, InvitationFactory, OrganiserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def add_question(page, label, kind, choices="", required=False, after=None, answer="", at_door=False):
    form = page.locator("#question-form")
    form.get_by_label("Question (required)", exact=True).fill(label)
    form.get_by_label("Kind of answer").select_option(kind)
    if choices:
        form.get_by_label("Answers offered").fill(choices)
    if required:
        form.get_by_label("An answer is required").check()
    if after:
        form.get_by_label("Ask only after another answer: the question").select_option(label=after)
        form.get_by_label("… and the answer it waits for").fill(answer)
    if at_door:
        form.get_by_label("Show the answer to door staff at the scan").check()
    form.get_by_role("button", name="Add the question").click()
    assert f"“{label}” is saved." in page.get_by_role("status").inner_text()


def test_a_conditional_question_from_the_organiser_to_the_rsvp_the_export_and_the_door(page, live_server):
    conference = ConferenceFactory(name="COG Annual Conference 2027")
    invitation = InvitationFactory(conference=conference, seats=1, status="sent")
    organiser = OrganiserFactory()
    login(page, live_server, organiser.username, next_url=f"/organiser/{conference.slug}/questions/")
    assert page.get_by_role("heading", level=1).inner_text() == "Registration questions"
    assert_accessible(page)

    add_question(page, "Diet", "choice", "none\nvegan\nother", required=True)
    add_question(page, "Which other diet?", "text", required=True, after="Diet", answer="other", at_door=True)
    assert "Asked only when “Diet” is answered “other”" in page.locator("#questions").inner_text()

    # The preview: the follow-up appears only once "other" is chosen.
    preview = page.get_by_role("form", name="Preview of the RSVP form's questions")
    follow_up = preview.get_by_label("Which other diet?")
    assert not follow_up.is_visible()
    preview.get_by_label("Diet (required)").select_option("other")
    assert follow_up.is_visible()
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # The preview follows a question as it is typed, before it is saved.
    page.locator("#question-form").get_by_label("Question (required)", exact=True).fill("T-shirt size")
    page.locator("#question-form").get_by_label("Kind of answer").select_option("choice")
    page.locator("#question-form").get_by_label("Answers offered").fill("S\nM\nL")
    expect(preview.get_by_label("T-shirt size")).to_have_count(1)
    assert preview.get_by_label("T-shirt size").locator("option").all_inner_texts() == ["Choose…", "S", "M", "L"]
    assert not Question.objects.filter(label="T-shirt size").exists()

    # The invitee, on a phone.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/rsvp/{invitation.token}/")
    delegate = page.get_by_role("group", name="Delegate 1")
    delegate.get_by_label("First name").fill("Ada")
    delegate.get_by_label("Last name").fill("Lovelace")
    delegate.get_by_label("E-mail").fill("ada@example.org")
    delegate.get_by_label("I agree to the privacy notice").check()
    assert not delegate.get_by_label("Which other diet?").is_visible()
    delegate.get_by_label("Diet (required)").select_option("other")
    assert delegate.get_by_label("Which other diet?").is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Accept").click()
    # Asked, required, not answered: the server says so beside the field.
    which = Question.objects.get(label="Which other diet?")
    assert "Answer this question." in page.locator(f"#d-0-q{which.pk}-error").inner_text()
    assert not Registration.objects.exists()
    assert_accessible(page)
    page.get_by_role("group", name="Delegate 1").get_by_label("Which other diet?").fill("needs nut-free food")
    page.get_by_role("button", name="Accept").click()
    assert "1 delegate registered" in page.get_by_role("status").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    ada = Registration.objects.get(email="ada@example.org")

    # The export, as the organiser downloads it.
    login(page, live_server, organiser.username, next_url=f"/organiser/{conference.slug}/registration/")
    export = page.request.get(f"{live_server.url}/organiser/{conference.slug}/exports/delegates.csv")
    header, row = export.text().lstrip("\ufeff").splitlines()[:2]
    assert header.endswith("Diet,Which other diet?")
    assert row.endswith("other,needs nut-free food")

    # At the door: the scan's answer carries the note.
    door = APIClient()
    door.force_authenticate(DoorStaffFactory())
    body = door.post(
        f"/api/conferences/{conference.slug}/checkin/scan/", {"code": current_badge(ada).code}, format="json"
    ).json()
    assert body["result"] == "admitted"
    assert body["registration"]["door_notes"] == ["Which other diet?: needs nut-free food"]


def test_answers_are_edited_on_the_delegates_own_page(page, live_server):
    conference = ConferenceFactory()
    diet = Question.objects.create(conference=conference, label="Diet", kind="choice", choices=["none", "vegan"])
    ada = Registration.objects.create(
        conference=conference,
        invitation=InvitationFactory(conference=conference),
        first_name="Ada",
        last_name="Lovelace",
        email="ada@example.org",
        answers={str(diet.pk): "none"},
    )
    page.goto(f"{live_server.url}/my/{ada.token}/")
    page.get_by_label("Diet", exact=True).select_option("vegan")
    assert_accessible(page)
    page.get_by_role("button", name="Save my changes").click()
    assert "Your changes are saved." in page.get_by_role("status").inner_text()
    ada.refresh_from_db()
    assert ada.answers == {str(diet.pk): "vegan"}


def test_copy_to_next_year_from_the_overview_on_a_phone(page, live_server):
    conference = ConferenceFactory(name="COG 2027", slug="cog-2027", starts_on=dt.date(2027, 5, 20))
    InvitationFactory(conference=conference, seats=3)
    organiser = OrganiserFactory()
    login(page, live_server, organiser.username, next_url=f"/organiser/{conference.slug}/")
    copy = page.get_by_role("region", name="Copy to next year")
    assert copy.get_by_label("Name of the new conference").input_value() == "COG 2028"
    assert_accessible(page)
    copy.get_by_label("Its address (slug)").fill("cog 2028")
    copy.get_by_role("button", name="Copy to next year").click()
    assert page.locator("#copy-slug-error").is_visible()
    assert_accessible(page)
    page.get_by_label("Its address (slug)").fill("cog-2028")
    page.get_by_role("button", name="Copy to next year").click()
    assert "nothing was sent" in page.get_by_role("status").inner_text()
    new = Conference.objects.get(slug="cog-2028")
    assert new.invitations.get().status == "draft"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
