"""Networking in a real Chromium at phone size: two delegates opt in, find each other by interest, one asks for a
meeting, the other accepts from the e-mail's link, and both see it with its table in their agendas; a third who
did not opt in sees, and is seen by, nobody."""

import pytest

from conference.models import Session
from registration.models import OutboxMessage, Topic
from tests.browser.axe import assert_accessible
from tests.factories import RegistrationFactory, SessionFactory, at, published_agenda

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _world(conference):
    for n, name in enumerate(["Cyber security", "Funding bids", "Skills"]):
        Topic.objects.create(conference=conference, name=name, position=n)
    SessionFactory(
        conference=conference,
        kind=Session.Kind.NETWORKING,
        title="Networking lunch",
        room=None,
        starts_at=at(conference, 12, 30),
        ends_at=at(conference, 13, 30),
    )
    published_agenda(conference)
    ada = RegistrationFactory(invitation__conference=conference, first_name="Ada", last_name="Łukasiewicz")
    bob = RegistrationFactory(invitation__conference=conference, first_name="Bob", last_name="Stone")
    carol = RegistrationFactory(invitation__conference=conference, first_name="Carol", last_name="Hidden")
    return ada, bob, carol


def _path(url):
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_two_delegates_meet_and_a_third_stays_unseen(page, live_server, conference):
    ada, bob, carol = _world(conference)

    # Ada opts in on her page, with an interest and a note.
    page.goto(f"/my/{ada.token}/")
    page.get_by_label("List me in the delegate directory").check()
    page.get_by_label("Funding bids").check()
    page.get_by_label("A note for other delegates").fill("Looking for a company partner for a KTP")
    assert_accessible(page)
    page.get_by_role("button", name="Save my changes").click()
    page.wait_for_load_state()

    # Bob is not in the directory yet: the page says why and offers to join.
    page.goto(f"/my/{bob.token}/people/")
    assert page.get_by_text("Ada Łukasiewicz").count() == 0
    assert_accessible(page)
    page.get_by_role("button", name="List me in the directory").click()
    page.wait_for_load_state()

    # Bob finds Ada by interest, accent-blind search too, and asks her for a meeting.
    page.get_by_label("Interest").select_option(label="Funding bids")
    page.get_by_label("Search").fill("lukasiewicz")
    page.get_by_role("button", name="Search").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Ada Łukasiewicz").is_visible()
    assert page.get_by_text("Carol Hidden").count() == 0
    page.get_by_text("Ask Ada Łukasiewicz for a meeting").click()
    page.get_by_label("Message").fill("Shall we talk about a KTP?")
    assert_accessible(page)
    page.get_by_role("button", name="Ask for a meeting").click()
    page.wait_for_load_state()
    assert page.get_by_text("Your request is sent to Ada Łukasiewicz").is_visible()

    # Ada accepts from the link in her e-mail.
    email = OutboxMessage.objects.get(purpose="meeting_requested", to=ada.email)
    accept = next(line for line in email.body_text.splitlines() if line.startswith("Accept: ")).split(" ", 1)[1]
    page.goto(_path(accept))
    assert page.get_by_role("heading", name="Meeting with Bob Stone").is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Accept").click()
    page.wait_for_load_state()
    assert page.get_by_text("Meeting accepted: Table 1").is_visible()
    assert_accessible(page)

    # Both agendas hold the meeting and its table.
    for me, other in ((ada, "Bob Stone"), (bob, "Ada Łukasiewicz")):
        page.goto(f"/my/{me.token}/agenda/")
        meeting = page.locator(".my-meetings")
        assert meeting.get_by_role("heading", name=f"Meeting with {other}").is_visible()
        assert meeting.get_by_text("Table 1").is_visible()
    assert_accessible(page)

    # Carol did not opt in: she sees nobody, and nobody sees her.
    page.goto(f"/my/{carol.token}/people/")
    assert page.get_by_text("Ada Łukasiewicz").count() == 0
    assert page.get_by_text("Bob Stone").count() == 0
    page.goto(f"/my/{ada.token}/people/")
    assert page.get_by_role("heading", name="Bob Stone").is_visible()
    assert page.get_by_text("Carol Hidden").count() == 0


def test_organiser_networking_page_at_phone_size(page, live_server, conference, organiser):
    from tests.conftest import login

    _world(conference)
    login(page, live_server, organiser.username, next_url=f"/organiser/{conference.slug}/networking/")
    assert page.get_by_role("heading", name="Networking", exact=True).is_visible()
    page.get_by_label("New topic").fill("Net zero")
    page.get_by_role("button", name="Add topic").click()
    page.wait_for_load_state()
    assert page.get_by_text("Topic “Net zero” added.").is_visible()
    page.get_by_label("Tables of “Networking lunch”").fill("Oak, Ash")
    page.get_by_role("button", name="Save the tables").click()
    page.wait_for_load_state()
    assert page.get_by_text("Now: Oak, Ash.").is_visible()
    assert_accessible(page)
