"""The agenda API: organisers write rooms, tracks, speakers and sessions, and publish."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from conference.models import AgendaVersion, Room, Session
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


def _url(conference, path):
    return f"/api/conferences/{conference.slug}/{path}"


def _session_body(conference, **fields):
    body = {
        "title": "Threat modelling",
        "kind": "workshop",
        "starts_at": at(conference, 11, 15).isoformat(),
        "ends_at": at(conference, 12, 45).isoformat(),
        "capacity": 24,
        "abstract": "Hands on.",
    }
    body.update(fields)
    return body


# --- Permissions --------------------------------------------------------------------

ENDPOINTS = ["rooms/", "tracks/", "speakers/", "sessions/"]


@pytest.mark.parametrize("path", ENDPOINTS)
def test_agenda_api_anonymous_is_refused(anon_api, conference, path):
    response = anon_api.get(_url(conference, path))
    assert response.status_code in (401, 403)
    assert "code" in response.json()


@pytest.mark.parametrize("path", ENDPOINTS)
def test_agenda_api_door_staff_is_refused(door_api, conference, path):
    assert door_api.get(_url(conference, path)).status_code == 403
    assert door_api.post(_url(conference, path), {"name": "X"}, format="json").status_code == 403


def test_agenda_api_user_without_role_cannot_publish(conference):
    client = APIClient()
    client.force_authenticate(UserFactory())
    assert client.post(_url(conference, "agenda/publish/"), {"note": "x"}, format="json").status_code == 403
    assert not AgendaVersion.objects.exists()


def test_agenda_api_unknown_conference_is_404(organiser_api):
    response = organiser_api.get("/api/conferences/nope/sessions/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


# --- Rooms, tracks, speakers ------------------------------------------------------------


def test_rooms_api_creates_lists_and_updates(organiser_api, conference):
    response = organiser_api.post(_url(conference, "rooms/"), {"name": "Hall 1", "capacity": 1500}, format="json")
    assert response.status_code == 201
    room_id = response.json()["id"]
    assert response.json()["name"] == "Hall 1" and response.json()["capacity"] == 1500
    listing = organiser_api.get(_url(conference, "rooms/")).json()
    assert listing["count"] == 1 and listing["results"][0]["id"] == room_id
    patched = organiser_api.patch(_url(conference, f"rooms/{room_id}/"), {"capacity": 1400}, format="json")
    assert patched.json()["capacity"] == 1400


def test_rooms_api_duplicate_name_is_field_error(organiser_api, conference):
    RoomFactory(conference=conference, name="Hall 1")
    response = organiser_api.post(_url(conference, "rooms/"), {"name": "hall 1"}, format="json")
    assert response.status_code == 400
    assert "name" in response.json()


def test_rooms_api_delete_room_with_sessions_is_conflict(organiser_api, conference):
    room = RoomFactory(conference=conference)
    SessionFactory(conference=conference, room=room)
    response = organiser_api.delete(_url(conference, f"rooms/{room.pk}/"))
    assert response.status_code == 409
    assert response.json()["code"] == "room_in_use"
    assert Room.objects.filter(pk=room.pk).exists()


def test_rooms_api_lists_only_rooms_of_that_conference(organiser_api, conference):
    RoomFactory(conference=conference, name="Ours")
    RoomFactory(conference=ConferenceFactory(), name="Theirs")
    names = [r["name"] for r in organiser_api.get(_url(conference, "rooms/")).json()["results"]]
    assert names == ["Ours"]


def test_tracks_api_creates_with_colour_and_refuses_bad_colour(organiser_api, conference):
    ok = organiser_api.post(_url(conference, "tracks/"), {"name": "Skills", "colour": "#1d4ed8"}, format="json")
    assert ok.status_code == 201 and ok.json()["colour"] == "#1d4ed8" and ok.json()["id"]
    bad = organiser_api.post(_url(conference, "tracks/"), {"name": "Growth", "colour": "blue"}, format="json")
    assert bad.status_code == 400 and "colour" in bad.json()


def test_speakers_api_creates_speaker(organiser_api, conference):
    body = {"name": "Mei Chen", "organisation": "Solihull Cyber Labs", "bio": "Security engineer."}
    response = organiser_api.post(_url(conference, "speakers/"), body, format="json")
    assert response.status_code == 201
    data = response.json()
    assert {k: data[k] for k in body} == body and data["id"]


# --- Sessions ---------------------------------------------------------------------------


def test_sessions_api_creates_session_with_room_track_speakers(organiser_api, conference):
    room = RoomFactory(conference=conference)
    track = TrackFactory(conference=conference)
    speaker = SpeakerFactory(conference=conference)
    body = _session_body(conference, room=room.pk, track=track.pk, speakers=[speaker.pk])
    response = organiser_api.post(_url(conference, "sessions/"), body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["id"] and data["guid"]
    assert (data["room"], data["track"], data["speakers"], data["capacity"]) == (room.pk, track.pk, [speaker.pk], 24)
    assert data["starts_at"] == at(conference, 11, 15).isoformat()
    session = Session.objects.get(pk=data["id"])
    assert session.starts_at == at(conference, 11, 15)


def test_sessions_api_reads_times_in_any_offset(organiser_api, conference):
    start = at(conference, 11).astimezone(dt.UTC)
    body = _session_body(conference, starts_at=start.isoformat(), ends_at=(start + dt.timedelta(hours=1)).isoformat())
    data = organiser_api.post(_url(conference, "sessions/"), body, format="json").json()
    assert dt.datetime.fromisoformat(data["starts_at"]) == start


def test_sessions_api_room_clash_is_400_room_clash(organiser_api, conference):
    room = RoomFactory(conference=conference)
    SessionFactory(conference=conference, room=room, starts_at=at(conference, 11), ends_at=at(conference, 12))
    response = organiser_api.post(_url(conference, "sessions/"), _session_body(conference, room=room.pk), format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "room_clash"
    assert response.json()["detail"]
    assert Session.objects.count() == 1


def test_sessions_api_speaker_clash_is_400_speaker_clash(organiser_api, conference):
    speaker = SpeakerFactory(conference=conference)
    SessionFactory(conference=conference, starts_at=at(conference, 11), ends_at=at(conference, 12)).speakers.add(
        speaker
    )
    body = _session_body(conference, speakers=[speaker.pk])
    response = organiser_api.post(_url(conference, "sessions/"), body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "speaker_clash"


def test_sessions_api_outside_conference_is_400(organiser_api, conference):
    body = _session_body(
        conference, starts_at=at(conference, 10, day=3).isoformat(), ends_at=at(conference, 11, day=3).isoformat()
    )
    response = organiser_api.post(_url(conference, "sessions/"), body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "outside_conference"


def test_sessions_api_end_before_start_is_400(organiser_api, conference):
    body = _session_body(conference, starts_at=at(conference, 12).isoformat(), ends_at=at(conference, 11).isoformat())
    response = organiser_api.post(_url(conference, "sessions/"), body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "ends_before_start"


def test_sessions_api_patch_into_clash_is_refused_and_unchanged(organiser_api, conference):
    room = RoomFactory(conference=conference)
    SessionFactory(conference=conference, room=room, starts_at=at(conference, 10), ends_at=at(conference, 11))
    other = SessionFactory(conference=conference, room=room, starts_at=at(conference, 14), ends_at=at(conference, 15))
    response = organiser_api.patch(
        _url(conference, f"sessions/{other.pk}/"), {"starts_at": at(conference, 10, 30).isoformat()}, format="json"
    )
    assert response.json()["code"] == "room_clash"
    other.refresh_from_db()
    assert other.starts_at == at(conference, 14)


def test_sessions_api_patch_keeps_speakers(organiser_api, conference):
    session = SessionFactory(conference=conference)
    speaker = SpeakerFactory(conference=conference)
    session.speakers.add(speaker)
    response = organiser_api.patch(_url(conference, f"sessions/{session.pk}/"), {"title": "Renamed"}, format="json")
    assert response.status_code == 200
    assert response.json()["speakers"] == [speaker.pk]


def test_sessions_api_room_of_other_conference_is_field_error(organiser_api, conference):
    room = RoomFactory(conference=ConferenceFactory())
    response = organiser_api.post(_url(conference, "sessions/"), _session_body(conference, room=room.pk), format="json")
    assert response.status_code == 400
    assert "room" in response.json()


def test_sessions_api_bad_kind_and_missing_times_are_field_errors(organiser_api, conference):
    response = organiser_api.post(_url(conference, "sessions/"), {"title": "X", "kind": "party"}, format="json")
    assert response.status_code == 400
    assert {"kind", "starts_at", "ends_at"} <= set(response.json())


def test_sessions_api_delete_unpublished_session_removes_it(organiser_api, conference):
    session = SessionFactory(conference=conference)
    assert organiser_api.delete(_url(conference, f"sessions/{session.pk}/")).status_code == 204
    assert not Session.objects.filter(pk=session.pk).exists()


def test_sessions_api_delete_published_session_cancels_it(organiser_api, conference):
    session = SessionFactory(conference=conference)
    published_agenda(conference)
    assert organiser_api.delete(_url(conference, f"sessions/{session.pk}/")).status_code == 204
    session.refresh_from_db()
    assert session.cancelled_at is not None
    assert organiser_api.get(_url(conference, f"sessions/{session.pk}/")).status_code == 404
    assert organiser_api.get(_url(conference, "sessions/")).json()["count"] == 0


# --- Publish ------------------------------------------------------------------------------


def test_publish_api_returns_version_and_changes(organiser_api, conference):
    first = SessionFactory(conference=conference, title="First")
    response = organiser_api.post(_url(conference, "agenda/publish/"), {"note": "Programme"}, format="json")
    assert response.status_code == 201
    data = response.json()
    assert data["version"] == 1
    assert [c["id"] for c in data["changes"]["added"]] == [first.pk]
    assert data["changes"]["moved"] == [] and data["changes"]["cancelled"] == []
    assert AgendaVersion.objects.get(conference=conference).note == "Programme"


def test_publish_api_second_version_reports_moved_and_cancelled(organiser_api, conference):
    room = RoomFactory(conference=conference)
    moved = SessionFactory(conference=conference, title="Moved", room=room)
    dropped = SessionFactory(conference=conference, title="Dropped", starts_at=at(conference, 15))
    organiser_api.post(_url(conference, "agenda/publish/"), {"note": "v1"}, format="json")
    organiser_api.patch(
        _url(conference, f"sessions/{moved.pk}/"),
        {"starts_at": at(conference, 16).isoformat(), "ends_at": at(conference, 17).isoformat()},
        format="json",
    )
    organiser_api.delete(_url(conference, f"sessions/{dropped.pk}/"))
    added = organiser_api.post(_url(conference, "sessions/"), _session_body(conference, title="Added"), format="json")
    data = organiser_api.post(_url(conference, "agenda/publish/"), {"note": "v2"}, format="json").json()
    assert data["version"] == 2
    assert [c["id"] for c in data["changes"]["added"]] == [added.json()["id"]]
    assert [c["title"] for c in data["changes"]["moved"]] == ["Moved"]
    assert [c["title"] for c in data["changes"]["cancelled"]] == ["Dropped"]


def test_publish_api_without_note_is_accepted(organiser_api, conference):
    assert organiser_api.post(_url(conference, "agenda/publish/"), {}, format="json").status_code == 201


def test_publish_api_with_clashes_is_400(organiser_api, conference):
    room = RoomFactory(conference=conference)
    SessionFactory(conference=conference, room=room)
    SessionFactory(conference=conference, room=room)
    response = organiser_api.post(_url(conference, "agenda/publish/"), {"note": ""}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "agenda_clashes"


def test_agenda_api_is_in_openapi_schema(organiser_api):
    schema = organiser_api.get("/api/schema/?format=json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in ("rooms", "tracks", "speakers", "sessions"):
        assert f"/api/conferences/{{slug}}/{path}/" in paths
    assert "/api/conferences/{slug}/agenda/publish/" in paths


@pytest.mark.parametrize("path", ["rooms/", "tracks/", "speakers/", "sessions/"])
def test_agenda_api_list_query_count_is_fixed(organiser_api, path):
    organiser_api.get("/api/conferences/")  # the organiser's roles are read once per user
    counts = []
    for sessions in (3, 30):
        conference = ConferenceFactory()
        build_agenda(conference, sessions=sessions)
        with CaptureQueriesContext(connection) as queries:
            assert organiser_api.get(_url(conference, path)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 5


def test_versions_api_lists_published_versions_for_anyone(anon_api, conference):
    session = SessionFactory(conference=conference)
    published_agenda(conference, note="First")
    from conference.agenda import services

    services.remove_session(session=session)
    published_agenda(conference, note="Second")
    response = anon_api.get(_url(conference, "agenda/versions/"))
    assert response.status_code == 200
    results = response.json()["results"]
    assert [(v["number"], v["note"]) for v in results] == [(2, "Second"), (1, "First")]
    assert [c["id"] for c in results[0]["changes"]["cancelled"]] == [session.pk]
    assert "snapshot" not in results[0]
    assert anon_api.post(_url(conference, "agenda/versions/"), {}, format="json").status_code == 405


def test_speakers_api_accepts_optional_photo(organiser_api, conference, settings, tmp_path):
    import io

    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    image = io.BytesIO()
    Image.new("RGB", (32, 32), "#1d4ed8").save(image, "PNG")
    image.name = "priya.png"
    image.seek(0)
    response = organiser_api.post(
        _url(conference, "speakers/"), {"name": "Priya Sharma", "photo": image}, format="multipart"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["photo"].endswith(".png")
    assert list((tmp_path / "speakers").iterdir())
    not_an_image = io.BytesIO(b"plain text")
    not_an_image.name = "notes.png"
    bad = organiser_api.post(_url(conference, "speakers/"), {"name": "X", "photo": not_an_image}, format="multipart")
    assert bad.status_code == 400 and "photo" in bad.json()
