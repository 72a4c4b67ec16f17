"""Accepting meetings at the same moment, on the real database (SQLite and PostgreSQL): nobody is double-booked
in a slot and no table is given twice. Each thread has its own connection, as separate web servers would."""

import pytest
from django.db import connection

from conference.models import Session
from registration.models import Meeting
from registration.networking import services
from tests.factories import ConferenceFactory, SessionFactory, at, published_agenda
from tests.registration.test_concurrency import run_together

from .conftest import listed

pytestmark = pytest.mark.django_db(transaction=True)


def _slot(conference):
    slot = SessionFactory(conference=conference, kind=Session.Kind.NETWORKING, room=None, starts_at=at(conference, 12))
    published_agenda(conference)
    return slot


def test_simultaneous_accepts_of_one_delegate_book_one_meeting():
    conference = ConferenceFactory()
    slot = _slot(conference)
    bob = listed(conference, first_name="Bob")
    askers = [listed(conference) for _ in range(8)]
    meetings = [services.request_meeting(registration=a, with_id=bob.pk, slot_id=slot.pk) for a in askers]
    connection.close()

    def accept(meeting):
        return lambda: services.accept_meeting(registration=bob, meeting_id=meeting.pk)

    results, errors = run_together([accept(m) for m in meetings])
    assert sum(r is not None for r in results) == 1
    assert {e.code for e in errors if e is not None} <= {"slot_taken", "meeting_closed"}
    assert Meeting.objects.filter(slot=slot, status="accepted").count() == 1


def test_simultaneous_accepts_share_out_the_tables_once():
    conference = ConferenceFactory()
    slot = _slot(conference)
    services.set_tables(session=slot, names=["Oak", "Ash", "Elm"])
    pairs = [(listed(conference), listed(conference)) for _ in range(6)]
    meetings = [services.request_meeting(registration=a, with_id=b.pk, slot_id=slot.pk) for a, b in pairs]
    connection.close()

    def accept(meeting, invitee):
        return lambda: services.accept_meeting(registration=invitee, meeting_id=meeting.pk)

    results, errors = run_together([accept(m, b) for m, (_, b) in zip(meetings, pairs, strict=True)])
    accepted = [r for r in results if r is not None]
    assert sorted(m.table for m in accepted) == ["Ash", "Elm", "Oak"]
    assert [e.code for e in errors if e is not None] == ["no_table_free"] * 3
    tables = list(Meeting.objects.filter(slot=slot, status="accepted").values_list("table", flat=True))
    assert sorted(tables) == ["Ash", "Elm", "Oak"]
