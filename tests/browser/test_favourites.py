"""Stars in a real Chromium at phone size: a delegate who came through their link stars talks on the public agenda."""

import pytest
from playwright.sync_api import expect

from conference.models import Session
from tests.browser.axe import assert_accessible
from tests.factories import RegistrationFactory, RoomFactory, SessionFactory, at, published_agenda

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _agenda(conference):
    hall = RoomFactory(conference=conference, name="Hall 1", position=0)
    SessionFactory(conference=conference, title="Robots in the warehouse", room=hall)
    SessionFactory(conference=conference, title="Cyber essentials", room=hall, starts_at=at(conference, 11))
    SessionFactory(
        conference=conference, title="Lunch", kind=Session.Kind.BREAK, room=None, starts_at=at(conference, 13)
    )
    published_agenda(conference)


def test_delegate_stars_on_public_agenda_and_finds_it_in_my_agenda(page, live_server, conference):
    _agenda(conference)
    delegate = RegistrationFactory(invitation__conference=conference)

    page.goto(f"/my/{delegate.token}/agenda/")
    assert page.get_by_role("heading", name="Lunch").is_visible()
    assert page.get_by_role("heading", name="Robots in the warehouse").count() == 0
    page.get_by_role("link", name="the full agenda").click()
    page.wait_for_load_state()

    star = page.get_by_role("button", name="Star “Robots in the warehouse”")
    star.click()
    expect(page.get_by_role("status")).to_have_text("Added “Robots in the warehouse” to your agenda.")
    pressed = page.get_by_role("button", name="Starred “Robots in the warehouse”")
    assert pressed.get_attribute("aria-pressed") == "true"
    assert list(delegate.starred.values_list("title", flat=True)) == ["Robots in the warehouse"]
    # Sessions for everyone are in every agenda: no star for the lunch break.
    assert page.get_by_role("button", name="Star “Lunch”").count() == 0
    assert_accessible(page)

    page.goto(f"/my/{delegate.token}/agenda/")
    assert page.get_by_role("heading", name="Robots in the warehouse").is_visible()
    starred = page.get_by_role("button", name="Starred “Robots in the warehouse”")
    assert starred.get_attribute("aria-pressed") == "true"
    assert_accessible(page)
    starred.click()
    expect(page.get_by_role("status")).to_have_text("Removed “Robots in the warehouse” from your agenda.")
    assert not delegate.starred.exists()


def test_public_agenda_without_a_link_has_no_stars(page, live_server, conference):
    _agenda(conference)
    page.goto(f"/{conference.slug}/agenda/")
    assert page.get_by_role("heading", name="Robots in the warehouse").is_visible()
    page.wait_for_load_state("networkidle")
    assert page.locator("button.star").count() == 0
