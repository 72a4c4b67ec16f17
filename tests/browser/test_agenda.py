"""The public agenda in a real Chromium at phone size: a track filter, without and with the keyboard."""

import pytest

from conference.models import Session
from tests.factories import RoomFactory, SessionFactory, SpeakerFactory, TrackFactory, at, published_agenda

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _agenda(conference):
    hall = RoomFactory(conference=conference, name="Hall 1", position=0)
    room5 = RoomFactory(conference=conference, name="Room 5", position=1)
    skills = TrackFactory(conference=conference, name="Digital Skills", colour="#1d4ed8")
    TrackFactory(conference=conference, name="Innovation and Growth", colour="#b45309")
    growth = conference.tracks.get(name="Innovation and Growth")
    speaker = SpeakerFactory(conference=conference, name="Hannah Price", organisation="Birmingham City University")
    talk = SessionFactory(
        conference=conference,
        title="Apprenticeships in software",
        room=hall,
        track=skills,
        abstract="Employers and a university on degree apprenticeships.",
    )
    talk.speakers.add(speaker)
    SessionFactory(conference=conference, title="Robots in the warehouse", room=room5, track=growth)
    SessionFactory(
        conference=conference, title="Lunch", kind=Session.Kind.BREAK, room=None, starts_at=at(conference, 13)
    )
    published_agenda(conference)


def test_agenda_page_filtered_by_track_on_phone(page, live_server, conference):
    _agenda(conference)
    page.goto(f"/{conference.slug}/agenda/")
    assert page.get_by_role("heading", level=1).inner_text() == "Agenda"
    assert page.get_by_role("heading", name="Robots in the warehouse").is_visible()

    page.get_by_label("Track").select_option(label="Digital Skills")
    page.get_by_role("button", name="Show sessions").click()
    page.wait_for_load_state()

    assert "track=" in page.url
    assert page.get_by_role("heading", name="Apprenticeships in software").is_visible()
    assert page.get_by_role("heading", name="Robots in the warehouse").count() == 0
    assert page.get_by_role("status").inner_text() == "1 session matches your filter."
    assert page.get_by_label("Track").evaluate("el => el.selectedOptions[0].text") == "Digital Skills"
    # The speaker, and the abstract behind its disclosure.
    assert page.get_by_text("Hannah Price").is_visible()
    page.get_by_text("About this session").click()
    assert page.get_by_text("Employers and a university on degree apprenticeships.").is_visible()
    # Readable on a phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.get_by_role("link", name="Show everything").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Robots in the warehouse").is_visible()


def test_organiser_publishes_draft_and_public_sees_it(page, live_server, conference):
    from tests.conftest import login
    from tests.factories import OrganiserFactory

    organiser = OrganiserFactory()
    hall = RoomFactory(conference=conference, name="Hall 1")
    SessionFactory(conference=conference, title="Opening keynote", kind=Session.Kind.KEYNOTE, room=hall)

    page.goto(f"/{conference.slug}/agenda/")
    assert page.get_by_role("heading", name="Not found").is_visible()

    login(page, live_server, organiser.username, next_url=f"/organiser/{conference.slug}/agenda/")
    # The editor's grid: a day of rooms × time, the room named at the head of its column.
    assert page.locator(".day-grid .room-head", has_text="Hall 1").first.is_visible()
    assert page.get_by_role("link", name="Opening keynote").is_visible()
    page.get_by_label("Note for this version").fill("First programme")
    page.get_by_role("button", name="Publish version 1").click()
    page.wait_for_load_state()
    assert page.get_by_text("Published version 1: 1 new, 0 moved, 0 cancelled.").is_visible()

    page.goto(f"/{conference.slug}/agenda/")
    assert page.get_by_role("heading", name="Opening keynote").is_visible()
