"""The public agenda on a wide screen: rooms side by side, sessions as long as they last, a key of track colours."""

import pytest
from playwright.sync_api import expect

from conference.models import Session
from tests.browser.axe import assert_accessible
from tests.factories import RoomFactory, SessionFactory, TrackFactory, at, published_agenda

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def wide(browser, live_server):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, base_url=live_server.url)
    page = context.new_page()
    yield page
    context.close()


def _agenda(conference):
    hall = RoomFactory(conference=conference, name="Hall 1", position=0)
    room5 = RoomFactory(conference=conference, name="Room 5", position=1)
    skills = TrackFactory(conference=conference, name="Digital Skills", colour="#1d4ed8")
    growth = TrackFactory(conference=conference, name="Innovation and Growth", colour="#b45309")
    SessionFactory(conference=conference, title="Apprenticeships", room=hall, track=skills, ends_at=at(conference, 11))
    SessionFactory(conference=conference, title="Robots", room=room5, track=growth, ends_at=at(conference, 10, 30))
    SessionFactory(
        conference=conference, title="Lunch", kind=Session.Kind.BREAK, room=None, starts_at=at(conference, 13)
    )
    published_agenda(conference)


def _box(page, title):
    return page.locator(".session", has=page.get_by_role("heading", name=title, exact=True)).bounding_box()


def test_wide_agenda_shows_rooms_side_by_side(wide, live_server, conference):
    _agenda(conference)
    wide.goto(f"/{conference.slug}/agenda/")
    expect(wide.get_by_role("list", name="Colour key")).to_contain_text("Digital Skills")
    hall, room5, lunch = _box(wide, "Apprenticeships"), _box(wide, "Robots"), _box(wide, "Lunch")
    assert hall["x"] + hall["width"] <= room5["x"]  # Hall 1, then Room 5, side by side
    assert abs(hall["y"] - room5["y"]) < 2  # both at 10:00
    assert hall["height"] > room5["height"] * 1.7  # 60 minutes against 30
    assert lunch["width"] >= hall["width"] + room5["width"]  # a break for everyone spans the rooms
    assert_accessible(wide)


def test_phone_agenda_keeps_the_list(page, live_server, conference):
    _agenda(conference)
    page.goto(f"/{conference.slug}/agenda/")
    hall, room5 = _box(page, "Apprenticeships"), _box(page, "Robots")
    assert room5["y"] > hall["y"] + hall["height"] - 1  # one under the other
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(page)
