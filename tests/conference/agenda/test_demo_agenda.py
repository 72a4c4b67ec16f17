"""The demo agenda is built through the agenda services: it passes the clash checks, a clashing one would not."""

import io

import pytest

from conference.agenda import rules
from conference.agenda.errors import OutsideConference, RoomClash, SpeakerClash
from conference.demo import agenda as demo_agenda
from conference.models import Room, Session, Speaker, Track
from tests.factories import ConferenceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_days():
    return ConferenceFactory(name="Demo-shaped", timezone="Europe/London")


def test_demo_agenda_passes_the_clash_checks_and_is_published(two_days):
    demo_agenda.load(two_days, io.StringIO())
    sessions = list(Session.objects.filter(conference=two_days, cancelled_at__isnull=True))
    assert len(sessions) == len(demo_agenda.SESSIONS)
    assert rules.find_clashes(two_days) == []
    for session in sessions:  # each one again, as save_session checked it
        rules.check_session(
            conference=two_days,
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            room=session.room,
            speakers=list(session.speakers.all()),
            session=session,
        )
    assert list(two_days.agenda_versions.values_list("number", flat=True).order_by("number")) == [1, 2]
    assert Room.objects.filter(conference=two_days).count() == len(demo_agenda.ROOMS)
    assert Track.objects.filter(conference=two_days).count() == len(demo_agenda.TRACKS)
    assert Speaker.objects.filter(conference=two_days).count() == len(demo_agenda.SPEAKERS)


def test_demo_agenda_loads_once(two_days):
    demo_agenda.load(two_days, io.StringIO())
    out = io.StringIO()
    demo_agenda.load(two_days, out)
    assert "Kept the demo agenda" in out.getvalue()
    assert Session.objects.filter(conference=two_days).count() == len(demo_agenda.SESSIONS)


def _with(session):
    return [*demo_agenda.SESSIONS, session]


@pytest.mark.parametrize(
    ("extra", "refusal"),
    [
        # Hall 1 already holds the opening keynote at 09:15.
        ((0, "09:30", "09:45", "Hall 1", None, "talk", "Double-booked hall", [], None, ""), RoomClash),
        # Priya Sharma gives that keynote: she cannot be in Room 6 at the same time.
        ((0, "09:30", "09:45", "Room 6", None, "talk", "Priya twice", ["Priya Sharma"], None, ""), SpeakerClash),
        # The conference has two days.
        ((5, "09:00", "10:00", "Room 6", None, "talk", "After the end", [], None, ""), OutsideConference),
    ],
)
def test_a_clashing_demo_session_is_refused(two_days, monkeypatch, extra, refusal):
    monkeypatch.setattr(demo_agenda, "SESSIONS", _with(extra))
    with pytest.raises(refusal):
        demo_agenda.load(two_days, io.StringIO())
    assert not Session.objects.filter(title=extra[6]).exists()
    assert not two_days.agenda_versions.exists()
