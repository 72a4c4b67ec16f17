"""Shared set-up of the agenda tests: an agenda of any size, and a clean cache."""

import datetime as dt

import pytest
from django.core.cache import cache

from conference.models import Session
from tests.factories import RoomFactory, SessionFactory, SpeakerFactory, TrackFactory, at

FRAB_SCHEMA = __import__("pathlib").Path(__file__).resolve().parents[2] / "data" / "frab-schedule-schema.json"


@pytest.fixture(autouse=True)
def clean_cache():
    """Rendered outputs are cached per version; each test starts with none."""
    cache.clear()
    yield
    cache.clear()


def build_agenda(conference, sessions=12, rooms=4, days=None):
    """``sessions`` talks spread over ``rooms`` rooms and every conference day, with tracks and speakers."""
    days = days or (conference.ends_on - conference.starts_on).days + 1
    room_list = [RoomFactory(conference=conference, name=f"Room {n + 1}", position=n) for n in range(rooms)]
    tracks = [TrackFactory(conference=conference, name=name) for name in ("Skills", "Growth")]
    created = []
    slots_per_day = -(-sessions // (rooms * days))
    n = 0
    for day in range(days):
        for slot in range(slots_per_day):
            for room in room_list:
                if n >= sessions:
                    break
                start = at(conference, 9, 0, day) + dt.timedelta(minutes=30 * slot)
                session = SessionFactory(
                    conference=conference,
                    title=f"Talk {n + 1}",
                    room=room,
                    track=tracks[n % 2],
                    starts_at=start,
                    ends_at=start + dt.timedelta(minutes=30),
                    kind=Session.Kind.TALK,
                    abstract=f"Abstract of talk {n + 1}.",
                )
                session.speakers.set([SpeakerFactory(conference=conference, name=f"Speaker {n + 1}")])
                created.append(session)
                n += 1
    return created
