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


def test_publish_concurrent_presses_make_one_version_and_one_notice():
    """Several organisers press "Publish" at once: one version; the others are told there is nothing to publish."""
    from conference.agenda.errors import NothingToPublish
    from conference.models import AgendaVersion
    from registration.models import OutboxMessage
    from tests.factories import RegistrationFactory, SessionFactory, published_agenda

    conference = ConferenceFactory()
    talk = SessionFactory(conference=conference, title="Robots")
    published_agenda(conference)
    RegistrationFactory(invitation__conference=conference).starred.add(talk)
    services.save_session(conference=conference, session=talk, starts_at=at(conference, 14), ends_at=at(conference, 15))
    organisers = 4
    barrier = threading.Barrier(organisers)
    outcomes = []

    def publish():
        try:
            barrier.wait(timeout=10)
            services.publish_agenda(conference=conference, notify=True)
            outcomes.append("published")
        except NothingToPublish:
            outcomes.append("nothing_to_publish")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=publish) for _ in range(organisers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["nothing_to_publish"] * (organisers - 1) + ["published"]
    assert AgendaVersion.objects.filter(conference=conference).count() == 2
    assert OutboxMessage.objects.filter(purpose="agenda_changed").count() == 1
