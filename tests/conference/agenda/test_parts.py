"""Rooms, tracks and speakers: the services' rules, the editor page's forms and the API, one rule each."""

import pytest
from django.utils import timezone

from conference.agenda import services
from conference.agenda.errors import NameTaken, RoomInUse, SpeakerInUse, TrackInUse
from conference.models import Room, Speaker, Track
from tests.factories import ConferenceFactory, RoomFactory, SessionFactory, SpeakerFactory, TrackFactory, UserFactory

pytestmark = pytest.mark.django_db


def _editor(conference):
    return f"/organiser/{conference.slug}/agenda/"


# --- The services -------------------------------------------------------------------------


def test_save_room_creates_and_renames(conference):
    room = services.save_room(conference=conference, name="Hall 1", capacity=1500)
    services.save_room(conference=conference, room=room, name="Hall One", capacity=1400)
    room.refresh_from_db()
    assert (room.conference, room.name, room.capacity) == (conference, "Hall One", 1400)


def test_save_room_refuses_a_name_taken_in_any_case(conference):
    RoomFactory(conference=conference, name="Hall 1")
    other = RoomFactory(conference=conference, name="Hall 3")
    with pytest.raises(NameTaken) as raised:
        services.save_room(conference=conference, name="hall 1")
    assert raised.value.code == "name_taken"
    with pytest.raises(NameTaken):
        services.save_room(conference=conference, room=other, name="HALL 1")
    assert sorted(Room.objects.values_list("name", flat=True)) == ["Hall 1", "Hall 3"]


def test_save_room_keeps_its_own_name_and_allows_it_in_another_conference(conference):
    room = RoomFactory(conference=conference, name="Hall 1")
    services.save_room(conference=conference, room=room, name="HALL 1")
    services.save_room(conference=ConferenceFactory(), name="Hall 1")
    assert Room.objects.filter(name__iexact="hall 1").count() == 2


def test_delete_room_unused_and_refused_when_used(conference):
    unused = RoomFactory(conference=conference, name="Spare")
    used = RoomFactory(conference=conference, name="Hall 1")
    SessionFactory(conference=conference, room=used, cancelled_at=timezone.now())
    services.delete_room(room=unused)
    with pytest.raises(RoomInUse) as raised:
        services.delete_room(room=used)
    assert raised.value.code == "room_in_use" and raised.value.status_code == 409
    assert "Hall 1 still has 1 session (cancelled ones too" in raised.value.message
    assert list(Room.objects.values_list("name", flat=True)) == ["Hall 1"]


def test_track_colour_and_delete_rules(conference):
    track = services.save_track(conference=conference, name="Skills", colour="#1d4ed8")
    services.save_track(conference=conference, track=track, colour="#b45309")
    track.refresh_from_db()
    assert (track.name, track.colour) == ("Skills", "#b45309")
    with pytest.raises(NameTaken):
        services.save_track(conference=conference, name="SKILLS", colour="#000000")
    SessionFactory(conference=conference, track=track)
    with pytest.raises(TrackInUse) as raised:
        services.delete_track(track=track)
    assert "The track Skills still has 1 session" in raised.value.message
    assert Track.objects.filter(pk=track.pk).exists()  # not silently taken off its sessions
    services.delete_track(track=services.save_track(conference=conference, name="Unused", colour="#000000"))
    assert list(Track.objects.values_list("name", flat=True)) == ["Skills"]


def test_speaker_edit_and_delete_rules(conference):
    speaker = services.save_speaker(conference=conference, name="Mei Chen", email="mei@example.org")
    services.save_speaker(
        conference=conference, speaker=speaker, organisation="Solihull Cyber Labs", bio="Security engineer."
    )
    speaker.refresh_from_db()
    assert (speaker.name, speaker.organisation, speaker.email, speaker.bio) == (
        "Mei Chen",
        "Solihull Cyber Labs",
        "mei@example.org",
        "Security engineer.",
    )
    services.save_speaker(conference=conference, name="Mei Chen")  # two people may share a name
    session = SessionFactory(conference=conference)
    session.speakers.set([speaker])
    with pytest.raises(SpeakerInUse) as raised:
        services.delete_speaker(speaker=speaker)
    assert raised.value.message.startswith("Mei Chen still speaks in 1 session")
    session.speakers.clear()
    services.delete_speaker(speaker=speaker)
    assert Speaker.objects.count() == 1


def test_save_part_refuses_unknown_fields(conference):
    with pytest.raises(TypeError):
        services.save_room(conference=conference, name="Hall 1", colour="#000000")


# --- The editor page's forms --------------------------------------------------------------


def test_editor_lists_parts_with_add_forms(client, organiser, conference):
    room = RoomFactory(conference=conference, name="Hall 1", capacity=1500)
    track = TrackFactory(conference=conference, name="Skills", colour="#1d4ed8")
    speaker = SpeakerFactory(conference=conference, name="Mei Chen", organisation="Solihull Cyber Labs")
    client.force_login(organiser)
    html = client.get(_editor(conference)).content.decode()
    parts = html[html.index('id="parts-heading"') :]
    assert (
        f'href="/organiser/{conference.slug}/agenda/rooms/{room.pk}/">Hall 1</a> <span class="muted">1500 seats'
        in parts
    )
    assert f'href="/organiser/{conference.slug}/agenda/tracks/{track.pk}/">Skills</a>' in parts
    assert f'href="/organiser/{conference.slug}/agenda/speakers/{speaker.pk}/">Mei Chen</a>' in parts
    for label in ("Add room", "Add track", "Add speaker"):
        assert f'<button type="submit">{label}</button>' in parts
    assert "admin/conference/room" not in html  # edited here now, not in the admin


def test_add_forms_save_through_the_service(client, organiser, conference):
    client.force_login(organiser)
    base = f"/organiser/{conference.slug}/agenda"
    response = client.post(f"{base}/rooms/new/", {"room-name": "Hall 1", "room-capacity": "1500"})
    assert response.status_code == 302 and response["Location"].endswith("/agenda/#parts")
    client.post(f"{base}/tracks/new/", {"track-name": "Skills", "track-colour": "#1d4ed8"})
    client.post(
        f"{base}/speakers/new/",
        {"speaker-name": "Mei Chen", "speaker-organisation": "Solihull Cyber Labs", "speaker-email": "mei@example.org"},
    )
    assert Room.objects.get(conference=conference).capacity == 1500
    assert Track.objects.get(conference=conference).colour == "#1d4ed8"
    assert Speaker.objects.get(conference=conference).email == "mei@example.org"


def test_add_form_refusals_come_back_beside_the_field(client, organiser, conference):
    RoomFactory(conference=conference, name="Hall 1")
    client.force_login(organiser)
    base = f"/organiser/{conference.slug}/agenda"
    taken = client.post(f"{base}/rooms/new/", {"room-name": "hall 1"})
    assert taken.status_code == 400
    assert "This conference already has a room “hall 1”: choose another name." in taken.content.decode()
    bad = client.post(f"{base}/tracks/new/", {"track-name": "Growth", "track-colour": "blue"})
    assert bad.status_code == 400 and "Give a colour as #RRGGBB" in bad.content.decode()
    assert Room.objects.count() == 1 and Track.objects.count() == 0


def test_edit_page_renames_and_delete_refuses_a_room_in_use(client, organiser, conference):
    room = RoomFactory(conference=conference, name="Hall 1")
    SessionFactory(conference=conference, room=room, title="Opening")
    client.force_login(organiser)
    url = f"/organiser/{conference.slug}/agenda/rooms/{room.pk}/"
    page = client.get(url).content.decode()
    assert 'value="Hall 1"' in page and "Opening</a>" in page
    client.post(url, {"room-name": "Main hall", "room-capacity": "900"})
    room.refresh_from_db()
    assert (room.name, room.capacity) == ("Main hall", 900)
    refused = client.post(f"{url}delete/")
    assert refused.status_code == 409
    assert "Main hall still has 1 session" in refused.content.decode()
    assert Room.objects.filter(pk=room.pk).exists()


def test_edit_page_deletes_an_unused_speaker(client, organiser, conference):
    speaker = SpeakerFactory(conference=conference, name="Mei Chen")
    client.force_login(organiser)
    response = client.post(f"/organiser/{conference.slug}/agenda/speakers/{speaker.pk}/delete/")
    assert response.status_code == 302
    assert not Speaker.objects.exists()


def test_parts_pages_are_for_organisers_of_that_conference_only(client, organiser, conference):
    room = RoomFactory(conference=ConferenceFactory(), name="Theirs")
    client.force_login(organiser)
    assert client.get(f"/organiser/{conference.slug}/agenda/rooms/{room.pk}/").status_code == 404
    assert client.post(f"/organiser/{conference.slug}/agenda/rooms/{room.pk}/delete/").status_code == 404
    client.force_login(UserFactory())
    own = RoomFactory(conference=conference)
    assert client.post(f"/organiser/{conference.slug}/agenda/rooms/{own.pk}/delete/").status_code in (302, 403)
    assert client.post(f"/organiser/{conference.slug}/agenda/rooms/new/", {"room-name": "X"}).status_code in (302, 403)
    assert Room.objects.filter(pk=own.pk).exists() and not Room.objects.filter(name="X").exists()


# --- The API calls the same functions -----------------------------------------------------


def _url(conference, path):
    return f"/api/conferences/{conference.slug}/{path}"


def test_api_refuses_deleting_a_track_or_speaker_in_use(organiser_api, conference):
    track = TrackFactory(conference=conference)
    speaker = SpeakerFactory(conference=conference)
    session = SessionFactory(conference=conference, track=track)
    session.speakers.set([speaker])
    for path, code in ((f"tracks/{track.pk}/", "track_in_use"), (f"speakers/{speaker.pk}/", "speaker_in_use")):
        response = organiser_api.delete(_url(conference, path))
        assert response.status_code == 409 and response.json()["code"] == code
    session.refresh_from_db()
    assert session.track == track and list(session.speakers.all()) == [speaker]


def test_api_name_taken_has_a_code_and_the_field(organiser_api, conference):
    TrackFactory(conference=conference, name="Skills")
    response = organiser_api.post(_url(conference, "tracks/"), {"name": "skills", "colour": "#000000"}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "name_taken" and response.json()["name"]


# --- The admin deletes through the same functions -----------------------------------------


def test_admin_refuses_deleting_a_track_in_use_and_deletes_an_unused_one(client, conference):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    used = TrackFactory(conference=conference, name="Skills")
    SessionFactory(conference=conference, track=used)
    page = client.get(f"/admin/conference/track/{used.pk}/delete/").content.decode()
    assert "The track Skills still has 1 session" in page
    client.post(f"/admin/conference/track/{used.pk}/delete/", {"post": "yes"})
    assert Track.objects.filter(pk=used.pk).exists()
    unused = TrackFactory(conference=conference, name="Spare")
    client.post(f"/admin/conference/track/{unused.pk}/delete/", {"post": "yes"})
    assert not Track.objects.filter(pk=unused.pk).exists()
