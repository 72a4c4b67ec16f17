"""The public agenda page, earlier versions, the changelog, "my agenda" and the organiser's page."""

import datetime as dt
import io

import icalendar
import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from conference.agenda import services
from conference.models import AgendaVersion, Conference, Session
from tests.conference.agenda.helpers import clean_cache  # noqa: F401
from tests.factories import (
    ConferenceFactory,
    RegistrationFactory,
    RoomFactory,
    SessionFactory,
    SpeakerFactory,
    TrackFactory,
    UserFactory,
    at,
    published_agenda,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    return Client()


def _two_track_agenda(conference):
    hall = RoomFactory(conference=conference, name="Hall 1", position=0)
    room5 = RoomFactory(conference=conference, name="Room 5", position=1)
    skills = TrackFactory(conference=conference, name="Digital Skills")
    growth = TrackFactory(conference=conference, name="Innovation and Growth")
    speaker = SpeakerFactory(conference=conference, name="Hannah Price", organisation="BCU")
    a = SessionFactory(conference=conference, title="Apprenticeships that work", room=hall, track=skills)
    a.speakers.add(speaker)
    SessionFactory(conference=conference, title="Robots in the warehouse", room=room5, track=growth)
    SessionFactory(
        conference=conference, title="Lunch", kind=Session.Kind.BREAK, room=None, starts_at=at(conference, 13)
    )
    published_agenda(conference)
    return hall, room5, skills, growth


def test_agenda_page_shows_days_sessions_speakers_and_abstracts(client, conference):
    _two_track_agenda(conference)
    response = client.get(f"/{conference.slug}/agenda/")
    page = response.content.decode()
    assert response.status_code == 200
    for text in ("Apprenticeships that work", "Robots in the warehouse", "Lunch", "Hannah Price", "BCU", "Hall 1"):
        assert text in page
    assert conference.starts_on.strftime("%-d %B %Y") in page
    assert '<label for="filter-track">Track</label>' in page
    assert '<label for="filter-room">Room</label>' in page
    assert f'href="/{conference.slug}/agenda.ics"' in page


def test_agenda_page_filter_by_track_works_without_javascript(client, conference):
    _, _, skills, _ = _two_track_agenda(conference)
    page = client.get(f"/{conference.slug}/agenda/?track={skills.pk}").content.decode()
    assert "Apprenticeships that work" in page
    assert "Robots in the warehouse" not in page
    assert f'<option value="{skills.pk}" selected>' in page
    assert "1 session matches your filter" in page


def test_agenda_page_filter_by_room(client, conference):
    _, room5, _, _ = _two_track_agenda(conference)
    page = client.get(f"/{conference.slug}/agenda/?room={room5.pk}").content.decode()
    assert "Robots in the warehouse" in page and "Apprenticeships that work" not in page


def test_agenda_page_ignores_unknown_filter_values(client, conference):
    _two_track_agenda(conference)
    response = client.get(f"/{conference.slug}/agenda/?track=abc&room=99999")
    assert response.status_code == 200
    assert "Robots in the warehouse" in response.content.decode()


def test_agenda_page_shows_now_and_next_during_event(client):
    now = timezone.localtime(timezone.now())
    # The event runs from yesterday to tomorrow, so "now" is inside it whatever the hour.
    conference = ConferenceFactory(
        starts_on=now.date() - dt.timedelta(days=1), ends_on=now.date() + dt.timedelta(days=1)
    )
    SessionFactory(
        conference=conference,
        title="Running talk",
        starts_at=now - dt.timedelta(minutes=10),
        ends_at=now + dt.timedelta(minutes=20),
    )
    SessionFactory(
        conference=conference,
        title="Upcoming talk",
        starts_at=now + dt.timedelta(minutes=20),
        ends_at=now + dt.timedelta(minutes=50),
    )
    published_agenda(conference)
    page = client.get(f"/{conference.slug}/agenda/").content.decode()
    assert "Happening now" in page
    now_section = page[page.index("Happening now") : page.index('class="day"')]
    assert "Running talk" in now_section and "Upcoming talk" in now_section
    assert now_section.index("Running talk") < now_section.index("Next") < now_section.index("Upcoming talk")


def test_agenda_page_before_event_has_no_now_section(client, conference):
    _two_track_agenda(conference)
    assert "Happening now" not in client.get(f"/{conference.slug}/agenda/").content.decode()


def test_earlier_version_stays_viewable(client, conference):
    session = SessionFactory(conference=conference, title="Original title")
    published_agenda(conference)
    services.save_session(conference=conference, session=session, title="Second title")
    published_agenda(conference)
    old = client.get(f"/{conference.slug}/agenda/v/1/").content.decode()
    assert "Original title" in old and "Second title" not in old
    assert "earlier version" in old
    assert "Second title" in client.get(f"/{conference.slug}/agenda/").content.decode()
    assert client.get(f"/{conference.slug}/agenda/v/3/").status_code == 404


def test_changelog_page_lists_versions_notes_and_changes(client, conference):
    session = SessionFactory(
        conference=conference, title="Panel", room=RoomFactory(conference=conference, name="Hall 1")
    )
    published_agenda(conference, note="First programme")
    services.save_session(
        conference=conference, session=session, room=RoomFactory(conference=conference, name="Hall 3")
    )
    published_agenda(conference, note="Panel moved to Hall 3")
    page = client.get(f"/{conference.slug}/agenda/changes/").content.decode()
    assert page.index("Version 2") < page.index("Version 1")
    assert "Panel moved to Hall 3" in page and "First programme" in page
    assert "Moved" in page and "in Hall 1" in page and "in Hall 3" in page


def test_agenda_page_for_logged_in_organiser_is_private(client, conference, organiser):
    _two_track_agenda(conference)
    client.force_login(organiser)
    response = client.get(f"/{conference.slug}/agenda/")
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert "Log out" in response.content.decode()


# --- My agenda ----------------------------------------------------------------------------


def _delegate_with_workshop(conference):
    workshop = SessionFactory(
        conference=conference,
        title="Threat modelling",
        kind=Session.Kind.WORKSHOP,
        capacity=24,
        starts_at=at(conference, 11),
    )
    SessionFactory(
        conference=conference, title="Other workshop", kind=Session.Kind.WORKSHOP, starts_at=at(conference, 14)
    )
    SessionFactory(
        conference=conference, title="Opening keynote", kind=Session.Kind.KEYNOTE, starts_at=at(conference, 9)
    )
    SessionFactory(
        conference=conference, title="Lunch", kind=Session.Kind.BREAK, room=None, starts_at=at(conference, 13)
    )
    SessionFactory(conference=conference, title="A talk", kind=Session.Kind.TALK, starts_at=at(conference, 16))
    registration = RegistrationFactory(invitation__conference=conference)
    registration.workshops.add(workshop)
    return registration


def test_my_agenda_shows_chosen_workshops_and_plenary_sessions(client, conference):
    registration = _delegate_with_workshop(conference)
    published_agenda(conference)
    response = client.get(f"/my/{registration.token}/agenda/")
    page = response.content.decode()
    assert response.status_code == 200
    assert registration.full_name in page
    for title in ("Threat modelling", "Opening keynote", "Lunch"):
        assert title in page
    assert "Other workshop" not in page and "A talk" not in page


def test_my_agenda_ics_holds_chosen_workshops_and_plenary_sessions(client, conference):
    registration = _delegate_with_workshop(conference)
    published_agenda(conference)
    response = client.get(f"/my/{registration.token}/agenda.ics")
    assert response.status_code == 200
    calendar = icalendar.Calendar.from_ical(response.content)
    titles = sorted(str(e["SUMMARY"]) for e in calendar.walk("VEVENT"))
    assert titles == ["Lunch", "Opening keynote", "Threat modelling"]
    assert client.get(f"/my/{registration.token}/agenda.ics", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    # A new choice changes the feed.
    registration.workshops.add(Session.objects.get(title="Other workshop"))
    changed = client.get(f"/my/{registration.token}/agenda.ics", HTTP_IF_NONE_MATCH=response["ETag"])
    assert changed.status_code == 200 and b"Other workshop" in changed.content


def test_my_agenda_unknown_token_is_friendly_404(client):
    response = client.get("/my/not-a-real-token/agenda/")
    assert response.status_code == 404
    assert "confirmation e-mail" in response.content.decode()
    assert client.get("/my/not-a-real-token/agenda.ics").status_code == 404


def test_my_agenda_before_publish_says_so(client, conference):
    registration = _delegate_with_workshop(conference)
    response = client.get(f"/my/{registration.token}/agenda/")
    assert response.status_code == 200
    assert "not been published yet" in response.content.decode()
    assert client.get(f"/my/{registration.token}/agenda.ics").status_code == 404


# --- Organiser page -------------------------------------------------------------------------


def test_organiser_agenda_page_needs_organiser(client, conference):
    response = client.get(f"/organiser/{conference.slug}/agenda/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(UserFactory())
    assert client.get(f"/organiser/{conference.slug}/agenda/").status_code == 403
    assert client.post(f"/organiser/{conference.slug}/agenda/publish/", {"note": "x"}).status_code == 403
    assert not AgendaVersion.objects.exists()


def test_organiser_agenda_page_shows_grid_clashes_and_unpublished_changes(client, conference, organiser):
    room = RoomFactory(conference=conference, name="Hall 1")
    SessionFactory(conference=conference, room=room, title="Keynote A")
    SessionFactory(conference=conference, room=room, title="Keynote B")  # clashes
    client.force_login(organiser)
    page = client.get(f"/organiser/{conference.slug}/agenda/").content.decode()
    assert "Hall 1" in page and "Keynote A" in page and "Keynote B" in page
    assert "room_clash" in page
    assert "Publish version 1" in page
    assert '<label for="id_note">Note for this version</label>' in page
    assert "New" in page  # both sessions are unpublished additions


def test_organiser_publish_button_publishes_version(client, conference, organiser):
    SessionFactory(conference=conference, title="Opening")
    client.force_login(organiser)
    response = client.post(f"/organiser/{conference.slug}/agenda/publish/", {"note": "Ready"}, follow=True)
    assert "Published version 1: 1 new, 0 moved, 0 cancelled." in response.content.decode()
    version = AgendaVersion.objects.get(conference=conference)
    assert (version.number, version.note, version.published_by) == (1, "Ready", organiser)
    page = client.get(f"/organiser/{conference.slug}/agenda/").content.decode()
    assert "The draft is the same as the published agenda." in page


def test_organiser_publish_with_clashes_shows_error_and_publishes_nothing(client, conference, organiser):
    room = RoomFactory(conference=conference)
    SessionFactory(conference=conference, room=room)
    SessionFactory(conference=conference, room=room)
    client.force_login(organiser)
    response = client.post(f"/organiser/{conference.slug}/agenda/publish/", {"note": ""}, follow=True)
    assert "clash" in response.content.decode()
    assert not AgendaVersion.objects.exists()


def test_organiser_page_query_count_is_fixed(client, organiser, django_assert_max_num_queries):
    from tests.conference.agenda.helpers import build_agenda

    client.force_login(organiser)
    for sessions in (4, 40):
        conference = ConferenceFactory()
        build_agenda(conference, sessions=sessions)
        published_agenda(conference)
        with django_assert_max_num_queries(20):
            assert client.get(f"/organiser/{conference.slug}/agenda/").status_code == 200


# --- Admin ------------------------------------------------------------------------------------


def test_admin_delete_of_published_session_cancels_it(client, conference):
    admin = UserFactory(is_staff=True, is_superuser=True)
    session = SessionFactory(conference=conference)
    published_agenda(conference)
    client.force_login(admin)
    response = client.post(f"/admin/conference/session/{session.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.cancelled_at is not None


def test_admin_add_session_with_room_clash_shows_error(client, conference):
    admin = UserFactory(is_staff=True, is_superuser=True)
    room = RoomFactory(conference=conference, name="Hall 1")
    SessionFactory(conference=conference, room=room, starts_at=at(conference, 10), ends_at=at(conference, 11))
    client.force_login(admin)
    start = at(conference, 10, 30)
    response = client.post(
        "/admin/conference/session/add/",
        {
            "conference": conference.pk,
            "title": "Clashing",
            "kind": "talk",
            "starts_at_0": start.strftime("%d/%m/%Y"),
            "starts_at_1": start.strftime("%H:%M"),
            "ends_at_0": start.strftime("%d/%m/%Y"),
            "ends_at_1": "11:30",
            "room": room.pk,
            "abstract": "",
        },
    )
    assert response.status_code == 200
    assert "Hall 1 is already taken" in response.content.decode()
    assert not Session.objects.filter(title="Clashing").exists()


# --- Demo ---------------------------------------------------------------------------------------


def test_demo_loads_published_two_track_agenda_idempotently():
    call_command("demo", stdout=io.StringIO())
    conference = Conference.objects.get(slug="cog-2027")
    sessions = Session.objects.filter(conference=conference).count()
    assert list(conference.agenda_versions.order_by("number").values_list("number", flat=True)) == [1, 2]
    assert conference.agenda_versions.get(number=2).changes["moved"]
    kinds = set(Session.objects.filter(conference=conference).values_list("kind", flat=True))
    assert kinds == {"keynote", "talk", "panel", "workshop", "break", "networking"}
    assert set(conference.rooms.values_list("name", flat=True)) >= {"Hall 1", "Hall 3", "Room 5", "Room 6"}
    assert conference.tracks.count() == 2
    assert all(s.capacity for s in Session.objects.filter(conference=conference, kind="workshop"))
    call_command("demo", stdout=io.StringIO())
    assert Session.objects.filter(conference=conference).count() == sessions
    assert conference.agenda_versions.count() == 2
    assert Client().get("/cog-2027/agenda/").status_code == 200


@pytest.mark.parametrize("path", ["agenda/", "agenda.ics"])
def test_my_agenda_query_count_is_fixed_whatever_the_choices(client, path, django_assert_max_num_queries):
    conference = ConferenceFactory()
    registration = RegistrationFactory(invitation__conference=conference)
    workshops = [
        SessionFactory(conference=conference, kind=Session.Kind.WORKSHOP, starts_at=at(conference, 9 + n))
        for n in range(8)
    ]
    published_agenda(conference)
    for chosen in (workshops[:1], workshops):
        registration.workshops.set(chosen)
        # The registration, the version, the delegate's sessions, their accepted meetings (networking), the body.
        with django_assert_max_num_queries(5):
            assert client.get(f"/my/{registration.token}/{path}").status_code == 200


def test_agenda_page_unknown_filters_share_the_unfiltered_page(client, conference):
    _two_track_agenda(conference)
    plain = client.get(f"/{conference.slug}/agenda/")["ETag"]
    assert client.get(f"/{conference.slug}/agenda/?track=987654")["ETag"] == plain
    assert client.get(f"/{conference.slug}/agenda/?room=123456&track=x")["ETag"] == plain
