"""Two editors booking one room at the same moment: the lock on the conference admits one."""

import threading

import pytest
from django.db import connection, connections

from conference.agenda import services
from conference.agenda.errors import RoomClash
from conference.models import Session
from tests.conference.agenda.helpers import clean_cache  # noqa: F401
from tests.factories import ConferenceFactory, RoomFactory, at

pytestmark = pytest.mark.django_db(transaction=True)


def test_save_session_concurrent_bookings_of_one_room_admit_one():
    conference = ConferenceFactory()
    room = RoomFactory(conference=conference)
    editors = 4
    barrier = threading.Barrier(editors)
    outcomes = []

    def book(n):
        try:
            barrier.wait(timeout=10)
            services.save_session(
                conference=conference,
                title=f"Booking {n}",
                kind=Session.Kind.TALK,
                starts_at=at(conference, 10),
                ends_at=at(conference, 11),
                room=room,
            )
            outcomes.append("saved")
        except RoomClash:
            outcomes.append("room_clash")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=book, args=(n,)) for n in range(editors)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["room_clash"] * (editors - 1) + ["saved"]
    assert Session.objects.filter(room=room).count() == 1
    assert connection.vendor in ("postgresql", "sqlite")
