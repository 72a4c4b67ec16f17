"""The organiser's agenda editor page and its session form (the way in without JavaScript)."""

import pytest

from conference.models import Session
from tests.conference.agenda.helpers import build_agenda, clean_cache  # noqa: F401
from tests.factories import (
    ConferenceFactory,
    RoomFactory,
    SessionFactory,
    SpeakerFactory,
    TrackFactory,
    UserFactory,
    at,
    published_agenda,
)

pytestmark = pytest.mark.django_db


def _editor(conference):
    return f"/organiser/{conference.slug}/agenda/"


def _form(conference, pk=None):
    return f"/organiser/{conference.slug}/agenda/sessions/{pk or 'new'}/"


def _body(conference, **fields):
    body = {
        "title": "Cyber essentials clinic",
        "kind": "workshop",
        "room": "",
        "starts_at": f"{conference.starts_on.isoformat()}T14:00",
        "ends_at": f"{conference.starts_on.isoformat()}T15:30",
        "track": "",
        "capacity": "24",
        "abstract": "Bring a laptop.",
    }
    body.update(fields)
    return body


def test_editor_places_sessions_by_room_and_time(client, organiser, conference):
    hall1 = RoomFactory(conference=conference, name="Hall 1", position=0)
    hall3 = RoomFactory(conference=conference, name="Hall 3", position=1)
    track = TrackFactory(conference=conference, name="Digital Skills", colour="#b45309")
    talk = SessionFactory(
        conference=conference, room=hall3, track=track, starts_at=at(conference, 10), ends_at=at(conference, 11, 30)
    )
    lunch = SessionFactory(conference=conference, title="Lunch", room=None, starts_at=at(conference, 13))
    client.force_login(organiser)
    html = client.get(_editor(conference)).content.decode()
    # 08:00 is row 2 (row 1 names the rooms), a row every 5 minutes: 10:00 is row 26, 11:30 row 44.
    assert f'id="session-{talk.pk}"' in html
    assert "grid-column: 3; grid-row: 26 / 44; --track: #b45309;" in html
    assert f'data-room="{hall1.pk}" data-room-name="Hall 1"' in html
    unscheduled = html[html.index('id="unscheduled-heading"') :]
    assert f'id="session-{lunch.pk}"' in unscheduled
    assert "Digital Skills</li>" in html  # the legend of track colours
    assert "data-add-session>Add session</a>" in html


def test_editor_shows_a_clash_on_both_cards(client, organiser, conference):
    hall = RoomFactory(conference=conference, name="Hall 1")
    a = SessionFactory(conference=conference, room=hall, title="First")
    Session.objects.filter(pk=SessionFactory(conference=conference, room=RoomFactory(conference=conference)).pk).update(
        room=hall
    )  # a clash made behind the service's back (an old import), shown, not hidden
    client.force_login(organiser)
    html = client.get(_editor(conference)).content.decode()
    assert html.count("card kind-talk clash") == 2
    assert f'id="session-{a.pk}"' in html
    assert "Hall 1: “First” and" in html


def test_editor_query_count_is_fixed_whatever_the_size(client, organiser, django_assert_max_num_queries):
    client.force_login(organiser)
    for size in (4, 60):
        conference = ConferenceFactory()
        build_agenda(conference, sessions=size, rooms=4)
        published_agenda(conference)
        with django_assert_max_num_queries(20):
            assert client.get(_editor(conference)).status_code == 200


def test_editor_is_for_organisers_only(client, conference):
    client.force_login(UserFactory())
    assert client.get(_editor(conference)).status_code in (302, 403)
    assert client.get(_form(conference)).status_code in (302, 403)
    assert Session.objects.count() == 0


def test_editor_publish_part_answers_the_publishing_section_only(client, organiser, conference):
    SessionFactory(conference=conference)
    client.force_login(organiser)
    html = client.get(_editor(conference) + "?part=publish").content.decode()
    assert "Publish version 1" in html
    assert "<html" not in html


def test_session_form_creates_through_the_service(client, organiser, conference):
    room = RoomFactory(conference=conference, name="Room 5")
    speaker = SpeakerFactory(conference=conference)
    client.force_login(organiser)
    response = client.post(_form(conference), _body(conference, room=room.pk, speakers=[speaker.pk]))
    created = Session.objects.get(title="Cyber essentials clinic")
    assert response.status_code == 302 and response["Location"].endswith(f"#session-{created.pk}")
    assert (created.starts_at, created.ends_at) == (at(conference, 14), at(conference, 15, 30))
    assert (created.room, created.capacity, list(created.speakers.all())) == (room, 24, [speaker])


def test_session_form_clash_is_refused_with_the_rule_message(client, organiser, conference):
    room = RoomFactory(conference=conference, name="Room 5")
    SessionFactory(conference=conference, room=room, title="Taken", starts_at=at(conference, 14))
    client.force_login(organiser)
    response = client.post(_form(conference), _body(conference, room=room.pk))
    assert response.status_code == 200
    assert "Room 5 is already taken by “Taken”" in response.content.decode()
    assert not Session.objects.filter(title="Cyber essentials clinic").exists()


def test_session_form_bad_input_is_a_clear_message(client, organiser, conference):
    client.force_login(organiser)
    response = client.post(_form(conference), _body(conference, title="", starts_at="tomorrow", capacity="-3"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "This field is required." in html and "Enter a valid date/time." in html
    assert not Session.objects.exists()


def test_session_form_edits_and_removes(client, organiser, conference):
    session = SessionFactory(conference=conference, title="Old title")
    client.force_login(organiser)
    page = client.get(_form(conference, session.pk)).content.decode()
    assert 'value="Old title"' in page and f'value="{conference.starts_on.isoformat()}T10:00"' in page
    client.post(_form(conference, session.pk), _body(conference, title="New title", room=session.room_id))
    session.refresh_from_db()
    assert session.title == "New title"
    client.post(f"/organiser/{conference.slug}/agenda/sessions/{session.pk}/remove/")
    assert not Session.objects.filter(pk=session.pk).exists()


def test_session_form_of_another_conference_is_404(client, organiser, conference):
    other = SessionFactory(conference=ConferenceFactory())
    client.force_login(organiser)
    assert client.get(_form(conference, other.pk)).status_code == 404


def test_session_form_marks_the_sessions_speakers_chosen(client, organiser, conference):
    """The speakers' list is written in one pass (QuickSelectMultiple): still the session's speakers chosen."""
    mei = SpeakerFactory(conference=conference, name="Mei Chen")
    SpeakerFactory(conference=conference, name="Tom <Whitfield>")
    session = SessionFactory(conference=conference, starts_at=at(conference, 10), ends_at=at(conference, 11))
    session.speakers.set([mei])
    client.force_login(organiser)
    html = client.get(_form(conference, session.pk)).content.decode()
    assert f'<option value="{mei.pk}" selected>Mei Chen</option>' in html
    assert "Tom &lt;Whitfield&gt;</option>" in html
    assert '<select name="speakers" aria-describedby="id_speakers_helptext" id="id_speakers" multiple>' in html
    assert 'id="id_speakers_helptext"' in html
