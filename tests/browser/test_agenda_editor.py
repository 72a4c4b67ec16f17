"""The agenda editor in a real Chromium, as an organiser: create, drag, keyboard, resize, clashes, publish.

At laptop size (the editor's home) for the mouse work, and at phone size for
the accessibility checks. Every change is checked in the database, not only
on the screen.
"""

import pytest
from playwright.sync_api import expect

from conference.models import Room, Session, Speaker, Track
from registration.models import OutboxMessage
from tests.browser.axe import assert_accessible
from tests.conftest import login
from tests.factories import (
    OrganiserFactory,
    RegistrationFactory,
    RoomFactory,
    SessionFactory,
    TrackFactory,
    at,
    published_agenda,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def laptop(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def draft(conference):
    hall1 = RoomFactory(conference=conference, name="Hall 1", position=0)
    hall3 = RoomFactory(conference=conference, name="Hall 3", position=1)
    skills = TrackFactory(conference=conference, name="Digital Skills", colour="#1d4ed8")
    talk = SessionFactory(
        conference=conference,
        title="Robots in the warehouse",
        room=hall1,
        track=skills,
        starts_at=at(conference, 10),
        ends_at=at(conference, 10, 45),
    )
    panel = SessionFactory(
        conference=conference,
        title="Skills panel",
        room=hall1,
        starts_at=at(conference, 11),
        ends_at=at(conference, 12),
    )
    return {"hall1": hall1, "hall3": hall3, "talk": talk, "panel": panel}


def _open_editor(page, live_server, conference):
    organiser = OrganiserFactory()
    login(page, live_server, organiser.username, next_url=f"/organiser/{conference.slug}/agenda/")
    expect(page.locator("[data-editor]")).to_have_attribute("data-ready", "true")


def _card(page, session):
    return page.locator(f"#session-{session.pk}")


def _saved(page, text):
    expect(page.locator("[data-status]")).to_contain_text(text)


def _times(session):
    session.refresh_from_db()
    tz = session.conference.tz
    return (
        session.starts_at.astimezone(tz).strftime("%H:%M"),
        session.ends_at.astimezone(tz).strftime("%H:%M"),
        session.room.name if session.room else None,
    )


def _lane_point(page, conference, room, hour, minute=0):
    """The page coordinates of a time in a room's column, on the first day."""
    lane = page.locator(f".day-grid[data-day='{conference.starts_on.isoformat()}'] .lane[data-room='{room.pk}']")
    # The first day's grid at the top of the window, so 08:00 to 17:00 are all on the screen.
    lane.evaluate("l => l.closest('.day-grid').scrollIntoView({block: 'start'})")
    box = lane.bounding_box()
    grid = lane.locator("xpath=..")
    first = int(grid.get_attribute("data-first"))
    rows = int(grid.evaluate("g => g.style.getPropertyValue('--rows')"))
    row_height = box["height"] / rows
    return box["x"] + box["width"] / 2, box["y"] + (hour * 60 + minute - first) / 5 * row_height


def _drag(page, card, to_x, to_y):
    """Press near the card's top edge and drop so that its top edge lands on (to_x, to_y)."""
    box = card.bounding_box()
    grab_x, grab_y = box["x"] + box["width"] / 2, box["y"] + 4
    page.mouse.move(grab_x, grab_y)
    page.mouse.down()
    page.mouse.move(grab_x + 10, grab_y + 10, steps=3)
    page.mouse.move(to_x, to_y + 4, steps=8)
    page.mouse.up()


def test_editor_creates_a_session_with_add_session(laptop, live_server, conference, draft):
    page = laptop
    _open_editor(page, live_server, conference)
    page.get_by_role("link", name="Add session").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Title").fill("Cyber essentials clinic")
    dialog.get_by_label("Kind").select_option(label="Workshop")
    dialog.get_by_label("Room").select_option(label="Hall 3")
    day = conference.starts_on.isoformat()
    dialog.get_by_label("Starts").fill(f"{day}T14:00")
    dialog.get_by_label("Ends").fill(f"{day}T15:30")
    dialog.get_by_label("Capacity").fill("24")
    dialog.get_by_role("button", name="Save").click()

    expect(page.locator(".card", has_text="Cyber essentials clinic")).to_be_visible()
    created = Session.objects.get(title="Cyber essentials clinic")
    assert _times(created) == ("14:00", "15:30", "Hall 3")
    assert (created.kind, created.capacity) == ("workshop", 24)


def test_editor_create_clash_is_refused_in_the_dialog(laptop, live_server, conference, draft):
    page = laptop
    _open_editor(page, live_server, conference)
    page.get_by_role("link", name="Add session").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Title").fill("Double booking")
    dialog.get_by_label("Room").select_option(label="Hall 1")
    day = conference.starts_on.isoformat()
    dialog.get_by_label("Starts").fill(f"{day}T10:15")
    dialog.get_by_label("Ends").fill(f"{day}T10:30")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog.locator("[data-form-error]")).to_contain_text("Hall 1 is already taken by “Robots in the warehouse”")
    assert not Session.objects.filter(title="Double booking").exists()


def test_editor_moves_a_session_by_drag_and_drop(laptop, live_server, conference, draft):
    page = laptop
    _open_editor(page, live_server, conference)
    x, y = _lane_point(page, conference, draft["hall3"], 14)
    _drag(page, _card(page, draft["talk"]), x, y)
    _saved(page, "Saved: “Robots in the warehouse”, 14:00–14:45, Hall 3.")
    assert _times(draft["talk"]) == ("14:00", "14:45", "Hall 3")
    # The card sits in Hall 3's column at its new rows.
    lane_box = page.locator(f".lane[data-room='{draft['hall3'].pk}']").first.bounding_box()
    card_box = _card(page, draft["talk"]).bounding_box()
    assert lane_box["x"] <= card_box["x"] < lane_box["x"] + lane_box["width"]
    assert abs(card_box["y"] - y) < 4


def test_editor_moves_and_resizes_with_the_keyboard(laptop, live_server, conference, draft):
    page = laptop
    _open_editor(page, live_server, conference)
    link = _card(page, draft["talk"]).locator(".card-main")
    link.focus()
    page.keyboard.press("ArrowUp")
    _saved(page, "09:45–10:30, Hall 1.")
    assert _times(draft["talk"]) == ("09:45", "10:30", "Hall 1")
    page.keyboard.press("Alt+ArrowDown")
    _saved(page, "09:50–10:35, Hall 1.")
    page.keyboard.press("ArrowRight")
    _saved(page, "09:50–10:35, Hall 3.")
    assert _times(draft["talk"]) == ("09:50", "10:35", "Hall 3")
    page.keyboard.press("Shift+ArrowDown")
    _saved(page, "09:50–10:50, Hall 3.")
    assert _times(draft["talk"]) == ("09:50", "10:50", "Hall 3")
    # Focus stays on the session, and Enter opens it for editing.
    expect(link).to_be_focused()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_label("Title")).to_have_value("Robots in the warehouse")
    dialog.get_by_label("Title").fill("Robots in the warehouse, revisited")
    dialog.get_by_role("button", name="Save").click()
    expect(page.locator(".card", has_text="Robots in the warehouse, revisited")).to_be_visible()
    draft["talk"].refresh_from_db()
    assert draft["talk"].title == "Robots in the warehouse, revisited"


def test_editor_resizes_by_dragging_the_lower_edge(laptop, live_server, conference, draft):
    page = laptop
    _open_editor(page, live_server, conference)
    _x, y_1045 = _lane_point(page, conference, draft["hall1"], 10, 45)
    _x, y_1100 = _lane_point(page, conference, draft["hall1"], 11, 0)
    box = _card(page, draft["talk"]).locator(".resize").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2 + (y_1100 - y_1045) / 2, steps=3)
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2 + (y_1100 - y_1045), steps=3)
    page.mouse.up()
    _saved(page, "10:00–11:00, Hall 1.")
    assert _times(draft["talk"]) == ("10:00", "11:00", "Hall 1")


def test_editor_refuses_a_clash_on_the_card(laptop, live_server, conference, draft):
    page = laptop
    _open_editor(page, live_server, conference)
    x, y = _lane_point(page, conference, draft["hall1"], 11, 15)
    card = _card(page, draft["talk"])
    _drag(page, card, x, y)
    expect(card.get_by_role("alert")).to_have_text(f"Hall 1 is already taken by “Skills panel” ({_span(conference)}).")
    expect(card).to_have_class("card kind-talk clash")
    assert _times(draft["talk"]) == ("10:00", "10:45", "Hall 1")
    # Back where it was.
    x, y = _lane_point(page, conference, draft["hall1"], 10)
    assert abs(card.bounding_box()["y"] - y) < 4
    assert_accessible(page)


def _span(conference):
    day = at(conference, 11)
    return f"{day:%a %d %b} 11:00–12:00"


def test_editor_publishes_with_a_preview_and_tells_the_starring_delegate(laptop, live_server, conference, draft):
    page = laptop
    published_agenda(conference)
    delegate = RegistrationFactory(invitation__conference=conference, email="starrer@example.org")
    delegate.starred.add(draft["talk"])
    _open_editor(page, live_server, conference)
    expect(page.get_by_role("button", name="Nothing to publish")).to_be_disabled()

    _card(page, draft["talk"]).locator(".card-main").focus()
    page.keyboard.press("ArrowRight")
    _saved(page, "Hall 3.")
    publish = page.locator("[data-publish]")
    expect(publish.get_by_role("heading", name="Moved")).to_be_visible()
    expect(publish).to_contain_text("Robots in the warehouse: from")
    publish.get_by_label("Note for this version").fill("Robots move to Hall 3")
    publish.get_by_label("E-mail the delegates who booked or starred a session that moved or was cancelled").check()
    publish.get_by_role("button", name="Publish version 2").click()
    expect(page.get_by_text("Published version 2: 0 new, 1 moved, 0 cancelled. 1 delegate e-mailed.")).to_be_visible()
    (notice,) = OutboxMessage.objects.filter(purpose="agenda_changed")
    assert notice.to == "starrer@example.org"
    assert "“Robots in the warehouse” has moved" in notice.body_text
    expect(page.get_by_role("button", name="Nothing to publish")).to_be_disabled()


def test_editor_is_accessible_at_phone_size(page, live_server, conference, draft):
    SessionFactory(conference=conference, title="Lunch", kind="break", room=None, starts_at=at(conference, 13))
    _open_editor(page, live_server, conference)
    assert page.get_by_role("heading", name="Unscheduled").is_visible()
    expect(page.locator(".unscheduled .card", has_text="Lunch")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Add session").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    assert_accessible(page)
    # The form page the editor falls back on without JavaScript, after a refused save.
    page.goto(f"/organiser/{conference.slug}/agenda/sessions/{draft['talk'].pk}/")
    page.get_by_label("Starts").fill(f"{conference.starts_on.isoformat()}T11:15")
    page.get_by_label("Ends").fill(f"{conference.starts_on.isoformat()}T11:45")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert").first).to_contain_text("Hall 1 is already taken by “Skills panel”")
    assert_accessible(page)


def test_editor_places_an_unscheduled_session_with_the_keyboard(page, live_server, conference, draft):
    lunch = SessionFactory(conference=conference, title="Lunch", kind="break", room=None, starts_at=at(conference, 13))
    _open_editor(page, live_server, conference)
    _card(page, lunch).locator(".card-main").focus()
    page.keyboard.press("ArrowRight")
    _saved(page, "Saved: “Lunch”, 13:00–13:45, Hall 1.")
    assert _times(lunch) == ("13:00", "13:45", "Hall 1")
    expect(page.locator(f".day-grid #session-{lunch.pk}")).to_be_visible()


def test_session_form_without_javascript(browser, live_server, conference, draft):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, base_url=live_server.url, java_script_enabled=False
    )
    page = context.new_page()
    try:
        organiser = OrganiserFactory()
        login(page, live_server, organiser.username, next_url=f"/organiser/{conference.slug}/agenda/")
        page.get_by_role("link", name="Add session").click()
        page.get_by_label("Title").fill("Evening reception")
        page.get_by_label("Kind").select_option(label="Networking")
        day = conference.starts_on.isoformat()
        page.get_by_label("Starts").fill(f"{day}T17:00")
        page.get_by_label("Ends").fill(f"{day}T18:30")
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_text("Saved “Evening reception”.")).to_be_visible()
        assert _times(Session.objects.get(title="Evening reception")) == ("17:00", "18:30", None)
    finally:
        context.close()


def test_rooms_tracks_and_speakers_on_the_editor_at_phone_size(page, live_server, conference, draft):
    """Add, rename, refuse deleting one in use and delete one unused, with the keyboard only, axe-clean."""
    _open_editor(page, live_server, conference)
    parts = page.get_by_role("region", name="Rooms, tracks and speakers")
    add_room = parts.get_by_role("form", name="Add a room")
    add_room.get_by_label("Name").fill("Studio 2")
    add_room.get_by_label("Capacity").fill("40")
    add_room.get_by_label("Capacity").press("Enter")
    expect(page.get_by_text("Added the room “Studio 2”.")).to_be_visible()
    assert Room.objects.get(conference=conference, name="Studio 2").capacity == 40
    assert_accessible(page)

    add_speaker = parts.get_by_role("form", name="Add a speaker")
    add_speaker.get_by_label("Name").fill("Mei Chen")
    add_speaker.get_by_label("Organisation").fill("Solihull Cyber Labs")
    add_speaker.get_by_label("E-mail").fill("mei@example.org")
    add_speaker.get_by_label("Bio").fill("Security engineer.")
    add_speaker.get_by_role("button", name="Add speaker").press("Enter")
    expect(page.get_by_text("Added the speaker “Mei Chen”.")).to_be_visible()
    assert Speaker.objects.get(conference=conference).email == "mei@example.org"

    # A track in use: rename it and change its colour, then try to delete it.
    parts.get_by_role("link", name="Digital Skills").press("Enter")
    page.get_by_label("Name").fill("Skills")
    page.get_by_label("Colour").fill("#b45309")
    page.get_by_role("button", name="Save").press("Enter")
    expect(page.get_by_text("Saved the track “Skills”.")).to_be_visible()
    track = Track.objects.get(conference=conference)
    assert (track.name, track.colour) == ("Skills", "#b45309")
    parts.get_by_role("link", name="Skills").press("Enter")
    page.get_by_role("button", name="Delete this track").press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("The track Skills still has 1 session")
    assert Track.objects.filter(pk=track.pk).exists()
    assert_accessible(page)

    # The room no session uses goes.
    page.goto(f"/organiser/{conference.slug}/agenda/")
    parts.get_by_role("link", name="Studio 2").press("Enter")
    page.get_by_role("button", name="Delete this room").press("Enter")
    expect(page.get_by_text("Deleted the room “Studio 2”.")).to_be_visible()
    assert not Room.objects.filter(name="Studio 2").exists()
    expect(parts.get_by_role("link", name="Studio 2")).to_have_count(0)
