"""The public outputs of the published agenda: .ics, frab JSON, PDF; ETags; fixed query counts."""

import datetime as dt
import io
import json
import uuid

import icalendar
import jsonschema
import pytest
from django.test import Client
from pypdf import PdfReader

from conference.agenda import services
from conference.models import Session
from tests.conference.agenda.helpers import FRAB_SCHEMA, build_agenda, clean_cache  # noqa: F401
from tests.factories import (
    ConferenceFactory,
    RoomFactory,
    SessionFactory,
    SpeakerFactory,
    TrackFactory,
    at,
    published_agenda,
)

pytestmark = pytest.mark.django_db

OUTPUTS = ["agenda/", "agenda.ics", "agenda.json", "agenda.pdf"]


@pytest.fixture
def client():
    return Client()


def _events(body):
    calendar = icalendar.Calendar.from_ical(body)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def _frab(client, conference):
    response = client.get(f"/{conference.slug}/agenda.json")
    assert response.status_code == 200
    return json.loads(response.content)


def _all_events(document):
    return [e for day in document["schedule"]["conference"]["days"] for events in day["rooms"].values() for e in events]


# --- Before the first publish, and never the draft ---------------------------------


@pytest.mark.parametrize("path", OUTPUTS + ["agenda/changes/", "agenda/v/1/"])
def test_public_output_before_first_publish_is_404(client, conference, path):
    SessionFactory(conference=conference)
    response = client.get(f"/{conference.slug}/{path}")
    assert response.status_code == 404
    assert b"not published" in response.content


@pytest.mark.parametrize("path", OUTPUTS)
def test_public_output_of_unknown_conference_is_404(client, path):
    assert client.get(f"/no-such-conference/{path}").status_code == 404


def test_public_outputs_never_show_draft(client, conference):
    SessionFactory(conference=conference, title="Published keynote")
    published_agenda(conference)
    SessionFactory(conference=conference, title="Draft workshop", starts_at=at(conference, 14))
    page = client.get(f"/{conference.slug}/agenda/").content.decode()
    assert "Published keynote" in page and "Draft workshop" not in page
    ics = client.get(f"/{conference.slug}/agenda.ics").content.decode()
    assert "Published keynote" in ics and "Draft workshop" not in ics
    titles = [e["title"] for e in _all_events(_frab(client, conference))]
    assert titles == ["Published keynote"]
    pdf = PdfReader(io.BytesIO(client.get(f"/{conference.slug}/agenda.pdf").content))
    text = " ".join(p.extract_text() for p in pdf.pages)
    assert "Published keynote" in text and "Draft workshop" not in text


def test_public_outputs_follow_latest_version_after_republish(client, conference):
    session = SessionFactory(conference=conference, title="Old title")
    published_agenda(conference)
    assert "Old title" in client.get(f"/{conference.slug}/agenda.ics").content.decode()
    services.save_session(conference=conference, session=session, title="New title")
    published_agenda(conference)
    ics = client.get(f"/{conference.slug}/agenda.ics").content.decode()
    assert "New title" in ics and "Old title" not in ics


# --- iCalendar --------------------------------------------------------------------


def test_ics_parses_back_with_times_in_conference_time_zone(client, conference):
    room = RoomFactory(conference=conference, name="Hall 1")
    speaker = SpeakerFactory(conference=conference, name="Priya Sharma", organisation="WMCA")
    session = SessionFactory(
        conference=conference,
        title="Keynote",
        room=room,
        starts_at=at(conference, 9, 30),
        ends_at=at(conference, 10, 15),
    )
    session.speakers.add(speaker)
    published_agenda(conference)
    response = client.get(f"/{conference.slug}/agenda.ics")
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Keynote"
    start = event.decoded("DTSTART")
    assert start == at(conference, 9, 30)
    assert str(start.tzinfo) == "Europe/London"
    assert event.decoded("DTEND") == at(conference, 10, 15)
    assert str(event["STATUS"]) == "CONFIRMED"
    assert "Hall 1" in str(event["LOCATION"])
    assert "Priya Sharma (WMCA)" in str(event["DESCRIPTION"])
    assert str(event["UID"]).startswith(str(session.guid))


def test_ics_uids_stay_the_same_across_versions(client, conference):
    build_agenda(conference, sessions=6)
    published_agenda(conference)
    first = set(_events(client.get(f"/{conference.slug}/agenda.ics").content))
    moved = Session.objects.filter(conference=conference).first()
    services.save_session(
        conference=conference,
        session=moved,
        starts_at=at(conference, 18),
        ends_at=at(conference, 19),
    )
    published_agenda(conference)
    events = _events(client.get(f"/{conference.slug}/agenda.ics").content)
    assert set(events) == first
    moved_event = next(e for uid, e in events.items() if uid.startswith(str(moved.guid)))
    assert moved_event.decoded("DTSTART") == at(conference, 18)
    assert int(moved_event["SEQUENCE"]) == 1


def test_ics_keeps_cancelled_session_with_status_cancelled(client, conference):
    kept = SessionFactory(conference=conference, title="Kept")
    dropped = SessionFactory(conference=conference, title="Dropped", starts_at=at(conference, 14))
    published_agenda(conference)
    services.remove_session(session=dropped)
    # Until the next version is published, the feed is unchanged.
    assert (
        str(_events(client.get(f"/{conference.slug}/agenda.ics").content)[f"{dropped.guid}@cog-conference"]["STATUS"])
        == "CONFIRMED"
    )
    published_agenda(conference)
    events = _events(client.get(f"/{conference.slug}/agenda.ics").content)
    assert str(events[f"{dropped.guid}@cog-conference"]["STATUS"]) == "CANCELLED"
    assert int(events[f"{dropped.guid}@cog-conference"]["SEQUENCE"]) == 1
    assert str(events[f"{kept.guid}@cog-conference"]["STATUS"]) == "CONFIRMED"


# --- frab JSON ----------------------------------------------------------------------


def test_json_validates_against_frab_schema(client, conference):
    build_agenda(conference, sessions=10)
    SessionFactory(
        conference=conference, title="Lunch", kind=Session.Kind.BREAK, room=None, starts_at=at(conference, 13)
    )
    published_agenda(conference)
    document = _frab(client, conference)
    schema = json.loads(FRAB_SCHEMA.read_text())
    validator = jsonschema.Draft6Validator(schema, format_checker=jsonschema.Draft6Validator.FORMAT_CHECKER)
    errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(document)]
    assert errors == []


def test_json_has_frab_conference_fields(client):
    conference = ConferenceFactory(
        name="COG Annual Conference 2027", slug="cog-2027", starts_on=dt.date(2027, 6, 10), ends_on=dt.date(2027, 6, 11)
    )
    RoomFactory(conference=conference, name="Hall 1", position=0, capacity=1500)
    RoomFactory(conference=conference, name="Room 5", position=1, capacity=30)
    TrackFactory(conference=conference, name="Digital Skills", colour="#1d4ed8")
    SessionFactory(conference=conference, room=conference.rooms.get(name="Hall 1"))
    published_agenda(conference)
    schedule = _frab(client, conference)["schedule"]
    assert schedule["version"] == "1"
    info = schedule["conference"]
    assert info["title"] == "COG Annual Conference 2027"
    assert info["acronym"] == "cog_2027"
    assert (info["start"], info["end"]) == ("2027-06-10", "2027-06-11")
    assert info["daysCount"] == 2
    assert info["time_zone_name"] == "Europe/London"
    assert [(r["name"], r["capacity"]) for r in info["rooms"]] == [("Hall 1", 1500), ("Room 5", 30)]
    assert all(uuid.UUID(r["guid"]) for r in info["rooms"])
    assert info["tracks"] == [{"name": "Digital Skills", "slug": "digital-skills", "color": "#1d4ed8"}]
    assert [(d["index"], d["date"]) for d in info["days"]] == [(1, "2027-06-10"), (2, "2027-06-11")]
    assert info["days"][0]["day_start"] == "2027-06-10T00:00:00+01:00"
    assert list(info["days"][0]["rooms"]) == ["Hall 1", "Room 5"]


def test_json_event_fields(client, conference):
    room = RoomFactory(conference=conference, name="Hall 3")
    track = TrackFactory(conference=conference, name="Growth")
    speaker = SpeakerFactory(conference=conference, name="Daniel Brooks", bio="Helps firms grow.")
    session = SessionFactory(
        conference=conference,
        title="Finding investment",
        kind=Session.Kind.WORKSHOP,
        room=room,
        track=track,
        capacity=20,
        abstract="Investors and what they look for.",
        starts_at=at(conference, 11, 15, day=1),
        ends_at=at(conference, 12, 45, day=1),
    )
    session.speakers.add(speaker)
    published_agenda(conference)
    days = _frab(client, conference)["schedule"]["conference"]["days"]
    assert days[0]["rooms"]["Hall 3"] == []
    (event,) = days[1]["rooms"]["Hall 3"]
    assert event["id"] == session.pk
    assert event["guid"] == str(session.guid)
    assert event["date"] == at(conference, 11, 15, day=1).isoformat()
    assert event["start"] == "11:15"
    assert event["duration"] == "01:30"
    assert event["room"] == "Hall 3"
    assert event["title"] == "Finding investment"
    assert event["type"] == "Workshop"
    assert event["track"] == "Growth"
    assert event["abstract"] == "Investors and what they look for."
    assert [(p["name"], p["public_name"], p["guid"], p["biography"]) for p in event["persons"]] == [
        ("Daniel Brooks", "Daniel Brooks", str(speaker.guid), "Helps firms grow.")
    ]


def test_json_session_without_room_is_under_venue(client, conference):
    SessionFactory(conference=conference, title="Lunch", kind=Session.Kind.BREAK, room=None)
    published_agenda(conference)
    info = _frab(client, conference)["schedule"]["conference"]
    assert [e["title"] for e in info["days"][0]["rooms"][conference.venue]] == ["Lunch"]
    assert conference.venue in [r["name"] for r in info["rooms"]]


def test_json_ids_and_guids_stay_the_same_across_versions(client, conference):
    sessions = build_agenda(conference, sessions=8)
    published_agenda(conference)
    before = {(e["id"], e["guid"]) for e in _all_events(_frab(client, conference))}
    services.save_session(
        conference=conference,
        session=sessions[0],
        title="Renamed",
        starts_at=at(conference, 17),
        ends_at=at(conference, 18),
    )
    published_agenda(conference)
    document = _frab(client, conference)
    assert document["schedule"]["version"] == "2"
    assert {(e["id"], e["guid"]) for e in _all_events(document)} == before
    assert before == {(s.pk, str(s.guid)) for s in sessions}


def test_json_leaves_out_cancelled_sessions(client, conference):
    dropped = SessionFactory(conference=conference, title="Dropped")
    published_agenda(conference)
    services.remove_session(session=dropped)
    published_agenda(conference)
    assert _all_events(_frab(client, conference)) == []


# --- PDF ------------------------------------------------------------------------------


def test_pdf_programme_renders_titles_speakers_and_rooms(client, conference):
    room = RoomFactory(conference=conference, name="Hall 1")
    speaker = SpeakerFactory(conference=conference, name="Aisha Okafor", organisation="Aston University")
    session = SessionFactory(conference=conference, title="Growing the cluster together", room=room)
    session.speakers.add(speaker)
    SessionFactory(conference=conference, title="Farewell", room=room, starts_at=at(conference, 16, day=1))
    published_agenda(conference)
    response = client.get(f"/{conference.slug}/agenda.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    for expected in (
        "Growing the cluster together",
        "Aisha Okafor",
        "Aston University",
        "Hall 1",
        "Farewell",
        conference.name,
    ):
        assert expected in text


# --- HTTP caching -------------------------------------------------------------------


@pytest.mark.parametrize("path", OUTPUTS + ["agenda/changes/", "agenda/v/1/"])
def test_public_output_answers_304_to_matching_etag(client, conference, path):
    build_agenda(conference, sessions=4)
    published_agenda(conference)
    first = client.get(f"/{conference.slug}/{path}")
    assert first.status_code == 200
    assert first["ETag"] and first["Last-Modified"]
    again = client.get(f"/{conference.slug}/{path}", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]


@pytest.mark.parametrize("path", OUTPUTS)
def test_public_output_etag_changes_with_new_version(client, conference, path):
    first, _ = build_agenda(conference, sessions=2)
    published_agenda(conference)
    old = client.get(f"/{conference.slug}/{path}")["ETag"]
    # A version with nothing changed is refused (nothing_to_publish): change a title.
    services.save_session(conference=conference, session=first, title="Renamed")
    published_agenda(conference)
    response = client.get(f"/{conference.slug}/{path}", HTTP_IF_NONE_MATCH=old)
    assert response.status_code == 200
    assert response["ETag"] != old


def test_public_output_answers_304_to_if_modified_since(client, conference):
    build_agenda(conference, sessions=2)
    published_agenda(conference)
    first = client.get(f"/{conference.slug}/agenda.ics")
    assert (
        client.get(f"/{conference.slug}/agenda.ics", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    )


@pytest.mark.parametrize("path", OUTPUTS)
def test_conditional_get_costs_one_query(client, conference, path, django_assert_num_queries):
    build_agenda(conference, sessions=20)
    published_agenda(conference)
    etag = client.get(f"/{conference.slug}/{path}")["ETag"]
    with django_assert_num_queries(1):
        assert client.get(f"/{conference.slug}/{path}", HTTP_IF_NONE_MATCH=etag).status_code == 304


@pytest.mark.parametrize("path", OUTPUTS + ["agenda/changes/", "agenda/v/1/", "agenda/?track=1"])
@pytest.mark.parametrize("sessions", [3, 60])
def test_public_output_query_count_is_fixed_whatever_the_sessions(
    client, path, sessions, django_assert_max_num_queries
):
    conference = ConferenceFactory()
    build_agenda(conference, sessions=sessions)
    published_agenda(conference)
    with django_assert_max_num_queries(2):
        assert client.get(f"/{conference.slug}/{path}").status_code == 200
    # Rendered once per version: the next request reads the cache.
    with django_assert_max_num_queries(1):
        assert client.get(f"/{conference.slug}/{path}").status_code == 200


def test_feeds_may_be_read_from_other_origins(client, conference):
    SessionFactory(conference=conference)
    published_agenda(conference)
    for path in ("agenda.ics", "agenda.json"):
        assert client.get(f"/{conference.slug}/{path}")["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("path", ["agenda/", "agenda.ics", "agenda.json"])
def test_public_output_is_gzipped_for_clients_that_accept_it(client, conference, path):
    import gzip

    build_agenda(conference, sessions=30)
    published_agenda(conference)
    plain = client.get(f"/{conference.slug}/{path}")
    packed = client.get(f"/{conference.slug}/{path}", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert gzip.decompress(packed.content) == plain.content
    assert len(packed.content) < len(plain.content) / 3
    assert packed["ETag"] != plain["ETag"]
    again = client.get(f"/{conference.slug}/{path}", HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=packed["ETag"])
    assert again.status_code == 304


def test_ics_description_of_session_without_speakers_is_its_abstract(client, conference):
    SessionFactory(conference=conference, kind=Session.Kind.BREAK, room=None, abstract="Coffee in the foyer.")
    published_agenda(conference)
    (event,) = icalendar.Calendar.from_ical(client.get(f"/{conference.slug}/agenda.ics").content).walk("VEVENT")
    assert str(event["DESCRIPTION"]) == "Coffee in the foyer."
    assert str(event["LOCATION"]) == conference.venue
