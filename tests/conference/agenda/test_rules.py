"""The clash checks: one service, used by the API, the admin and the organiser page."""

import datetime as dt

import pytest

from conference.admin import SessionForm
from conference.agenda import rules, services
from conference.agenda.errors import EndsBeforeStart, OutsideConference, RoomClash, SpeakerClash
from conference.models import Session
from tests.conference.agenda.helpers import clean_cache  # noqa: F401
from tests.factories import RoomFactory, SessionFactory, SpeakerFactory, at

pytestmark = pytest.mark.django_db


def _new(conference, **fields):
    speakers = fields.pop("speakers", [])
    defaults = dict(title="New session", kind=Session.Kind.TALK, starts_at=at(conference, 10), room=None)
    defaults.update(fields)
    defaults.setdefault("ends_at", defaults["starts_at"] + dt.timedelta(minutes=45))
    return services.save_session(conference=conference, speakers=speakers, **defaults)


def test_save_session_in_free_room_is_saved(conference):
    room = RoomFactory(conference=conference)
    session = _new(conference, room=room)
    assert Session.objects.get(pk=session.pk).room == room


def test_save_session_ending_before_start_is_refused(conference):
    with pytest.raises(EndsBeforeStart) as exc:
        _new(conference, starts_at=at(conference, 11), ends_at=at(conference, 10))
    assert exc.value.code == "ends_before_start"
    assert not Session.objects.exists()


def test_save_session_ending_when_it_starts_is_refused(conference):
    with pytest.raises(EndsBeforeStart):
        _new(conference, starts_at=at(conference, 11), ends_at=at(conference, 11))


def test_save_session_before_first_day_is_outside_conference(conference):
    with pytest.raises(OutsideConference) as exc:
        _new(conference, starts_at=at(conference, 10, day=-1))
    assert exc.value.code == "outside_conference"


def test_save_session_after_last_day_is_outside_conference(conference):
    with pytest.raises(OutsideConference):
        _new(conference, starts_at=at(conference, 10, day=2))


def test_save_session_running_past_midnight_of_last_day_is_outside_conference(conference):
    with pytest.raises(OutsideConference):
        _new(conference, starts_at=at(conference, 23, day=1), ends_at=at(conference, 1, day=2))


def test_save_session_ending_at_midnight_of_last_day_is_inside(conference):
    session = _new(conference, starts_at=at(conference, 23, day=1), ends_at=at(conference, 0, day=2))
    assert session.pk


def test_save_session_outside_is_judged_in_conference_time_zone(conference):
    conference.timezone = "America/New_York"
    conference.save()
    # 21:00 in New York on the last day is already the next day in UTC: still inside.
    session = _new(conference, starts_at=at(conference, 21, day=1), ends_at=at(conference, 22, day=1))
    assert session.pk


def test_save_session_in_booked_room_is_room_clash(conference):
    room = RoomFactory(conference=conference, name="Hall 1")
    other = SessionFactory(conference=conference, room=room, title="Opening keynote")
    with pytest.raises(RoomClash) as exc:
        _new(conference, room=room, starts_at=other.starts_at + dt.timedelta(minutes=30))
    assert exc.value.code == "room_clash"
    assert "Hall 1" in exc.value.message and "Opening keynote" in exc.value.message
    assert Session.objects.count() == 1


def test_save_session_back_to_back_in_same_room_is_no_clash(conference):
    room = RoomFactory(conference=conference)
    other = SessionFactory(conference=conference, room=room)
    session = _new(conference, room=room, starts_at=other.ends_at)
    assert session.pk


def test_save_session_enclosing_another_in_same_room_is_room_clash(conference):
    room = RoomFactory(conference=conference)
    SessionFactory(conference=conference, room=room, starts_at=at(conference, 10), ends_at=at(conference, 10, 30))
    with pytest.raises(RoomClash):
        _new(conference, room=room, starts_at=at(conference, 9), ends_at=at(conference, 12))


def test_save_session_in_other_room_at_same_time_is_no_clash(conference):
    other = SessionFactory(conference=conference)
    session = _new(conference, room=RoomFactory(conference=conference), starts_at=other.starts_at)
    assert session.pk


def test_save_session_beside_cancelled_session_is_no_clash(conference):
    room = RoomFactory(conference=conference)
    other = SessionFactory(conference=conference, room=room, published_in=1)
    services.remove_session(session=other)
    session = _new(conference, room=room, starts_at=other.starts_at)
    assert session.pk


def test_save_session_with_busy_speaker_is_speaker_clash(conference):
    speaker = SpeakerFactory(conference=conference, name="Priya Sharma")
    other = SessionFactory(conference=conference, title="Panel")
    other.speakers.add(speaker)
    with pytest.raises(SpeakerClash) as exc:
        _new(conference, room=RoomFactory(conference=conference), starts_at=other.starts_at, speakers=[speaker])
    assert exc.value.code == "speaker_clash"
    assert "Priya Sharma" in exc.value.message and "Panel" in exc.value.message


def test_save_session_with_speaker_free_at_that_time_is_saved(conference):
    speaker = SpeakerFactory(conference=conference)
    other = SessionFactory(conference=conference)
    other.speakers.add(speaker)
    session = _new(conference, starts_at=other.ends_at, speakers=[speaker])
    assert list(session.speakers.all()) == [speaker]


def test_save_session_moving_itself_is_no_clash_with_itself(conference):
    session = SessionFactory(conference=conference)
    moved = services.save_session(
        conference=conference,
        session=session,
        starts_at=session.starts_at + dt.timedelta(minutes=15),
        ends_at=session.ends_at + dt.timedelta(minutes=15),
    )
    assert moved.starts_at == session.starts_at


def test_save_session_in_other_conference_room_booking_is_no_clash(conference):
    from tests.factories import ConferenceFactory

    other_conference = ConferenceFactory()
    SessionFactory(conference=other_conference, starts_at=at(conference, 10))
    assert _new(conference, room=RoomFactory(conference=conference)).pk


def test_find_clashes_lists_room_and_speaker_clashes_of_draft(conference):
    room = RoomFactory(conference=conference)
    speaker = SpeakerFactory(conference=conference)
    a = SessionFactory(conference=conference, room=room, title="A")
    # Written directly, as an import or a change of dates could leave them.
    b = SessionFactory(conference=conference, room=room, title="B")
    c = SessionFactory(conference=conference, title="C")
    a.speakers.add(speaker)
    c.speakers.add(speaker)
    SessionFactory(conference=conference, title="D", starts_at=at(conference, 10, day=5))
    codes = sorted(p["code"] for p in rules.find_clashes(conference))
    assert codes == ["outside_conference", "room_clash", "speaker_clash"]
    room_clash = next(p for p in rules.find_clashes(conference) if p["code"] == "room_clash")
    assert {s.title for s in room_clash["sessions"]} == {a.title, b.title}


def test_find_clashes_of_clean_draft_is_empty(conference):
    SessionFactory(conference=conference)
    SessionFactory(conference=conference, starts_at=at(conference, 11))
    assert rules.find_clashes(conference) == []


def _admin_data(conference, start, end, room=None, speakers=()):
    return {
        "conference": conference.pk,
        "title": "Admin session",
        "kind": "talk",
        "starts_at": start.strftime("%Y-%m-%d %H:%M"),
        "ends_at": end.strftime("%Y-%m-%d %H:%M"),
        "room": room.pk if room else "",
        "speakers": [s.pk for s in speakers],
        "abstract": "",
    }


def test_admin_session_form_refuses_room_clash(conference):
    room = RoomFactory(conference=conference)
    SessionFactory(conference=conference, room=room)
    form = SessionForm(data=_admin_data(conference, at(conference, 10), at(conference, 11), room=room))
    assert not form.is_valid()
    assert form.errors["room"][0].startswith(room.name)


def test_admin_session_form_refuses_speaker_clash(conference):
    speaker = SpeakerFactory(conference=conference)
    SessionFactory(conference=conference).speakers.add(speaker)
    form = SessionForm(data=_admin_data(conference, at(conference, 10), at(conference, 11), speakers=[speaker]))
    assert not form.is_valid()
    assert "speakers" in form.errors


def test_admin_session_form_refuses_outside_conference_and_end_before_start(conference):
    outside = SessionForm(data=_admin_data(conference, at(conference, 10, day=4), at(conference, 11, day=4)))
    assert not outside.is_valid() and "starts_at" in outside.errors
    backwards = SessionForm(data=_admin_data(conference, at(conference, 11), at(conference, 10)))
    assert not backwards.is_valid() and "ends_at" in backwards.errors


def test_admin_session_form_accepts_free_slot(conference):
    form = SessionForm(data=_admin_data(conference, at(conference, 10), at(conference, 11)))
    assert form.is_valid(), form.errors
