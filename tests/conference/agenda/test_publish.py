"""Publishing versions, the changelog against the last one, and cancelling published sessions."""

import datetime as dt

import pytest

from conference.agenda import services
from conference.agenda.errors import AgendaHasClashes
from conference.models import AgendaVersion, Session
from tests.conference.agenda.helpers import clean_cache  # noqa: F401
from tests.factories import RoomFactory, SessionFactory, at, published_agenda

pytestmark = pytest.mark.django_db


def test_publish_first_version_lists_every_session_as_added(conference, organiser):
    a = SessionFactory(conference=conference, title="Opening")
    b = SessionFactory(conference=conference, title="Closing", starts_at=at(conference, 16))
    version = services.publish_agenda(conference=conference, note="First programme", user=organiser)
    assert version.number == 1
    assert version.note == "First programme"
    assert version.published_by == organiser
    assert [c["guid"] for c in version.changes["added"]] == [str(a.guid), str(b.guid)]
    assert version.changes["moved"] == [] and version.changes["cancelled"] == []
    assert {s["title"] for s in version.snapshot["sessions"]} == {"Opening", "Closing"}
    assert set(Session.objects.values_list("published_in", flat=True)) == {1}


def test_publish_numbers_versions_in_order(conference):
    session = SessionFactory(conference=conference)
    numbers = []
    for n in range(3):
        services.save_session(conference=conference, session=session, title=f"Title {n}")
        numbers.append(published_agenda(conference).number)
    assert numbers == [1, 2, 3]


def test_publish_numbers_are_per_conference(conference):
    from tests.factories import ConferenceFactory

    other = ConferenceFactory()
    SessionFactory(conference=other)
    published_agenda(other)
    SessionFactory(conference=other, starts_at=at(other, 14))
    published_agenda(other)
    assert published_agenda(conference).number == 1


def test_publish_after_adding_session_lists_it_as_added(conference):
    SessionFactory(conference=conference, title="Old")
    published_agenda(conference)
    new = SessionFactory(conference=conference, title="New", starts_at=at(conference, 14))
    changes = published_agenda(conference).changes
    assert [c["title"] for c in changes["added"]] == ["New"]
    assert changes["added"][0]["id"] == new.pk
    assert changes["moved"] == [] and changes["cancelled"] == []


def test_publish_after_new_time_lists_session_as_moved(conference):
    session = SessionFactory(
        conference=conference, title="Panel", starts_at=at(conference, 10), ends_at=at(conference, 11)
    )
    published_agenda(conference)
    services.save_session(
        conference=conference, session=session, starts_at=at(conference, 14), ends_at=at(conference, 15)
    )
    changes = published_agenda(conference).changes
    assert changes["added"] == [] and changes["cancelled"] == []
    (moved,) = changes["moved"]
    assert moved["guid"] == str(session.guid)
    assert dt.datetime.fromisoformat(moved["from"]["starts_at"]) == at(conference, 10)
    assert dt.datetime.fromisoformat(moved["to"]["starts_at"]) == at(conference, 14)


def test_publish_after_new_room_lists_session_as_moved(conference):
    session = SessionFactory(conference=conference, room=RoomFactory(conference=conference, name="Hall 1"))
    published_agenda(conference)
    services.save_session(
        conference=conference, session=session, room=RoomFactory(conference=conference, name="Hall 3")
    )
    (moved,) = published_agenda(conference).changes["moved"]
    assert (moved["from"]["room"], moved["to"]["room"]) == ("Hall 1", "Hall 3")


def test_publish_after_new_title_only_is_not_a_move(conference):
    session = SessionFactory(conference=conference)
    published_agenda(conference)
    services.save_session(conference=conference, session=session, title="A better title")
    changes = published_agenda(conference).changes
    assert changes == {"added": [], "moved": [], "cancelled": []}


def test_remove_published_session_cancels_it_and_publish_lists_it(conference):
    session = SessionFactory(conference=conference, title="Dropped talk")
    published_agenda(conference)
    assert services.remove_session(session=session) == "cancelled"
    session.refresh_from_db()
    assert session.cancelled_at is not None
    version = published_agenda(conference)
    assert [c["title"] for c in version.changes["cancelled"]] == ["Dropped talk"]
    (entry,) = version.snapshot["sessions"]
    assert entry["cancelled"] is True


def test_remove_unpublished_session_deletes_it(conference):
    session = SessionFactory(conference=conference)
    assert services.remove_session(session=session) == "deleted"
    assert not Session.objects.filter(pk=session.pk).exists()
    assert published_agenda(conference).snapshot["sessions"] == []


def test_remove_session_added_after_last_publish_deletes_it(conference):
    SessionFactory(conference=conference)
    published_agenda(conference)
    late = SessionFactory(conference=conference, starts_at=at(conference, 15))
    assert services.remove_session(session=late) == "deleted"
    assert published_agenda(conference).changes["cancelled"] == []


def test_cancelled_session_stays_cancelled_in_later_versions_without_new_changelog(conference):
    session = SessionFactory(conference=conference)
    published_agenda(conference)
    services.remove_session(session=session)
    published_agenda(conference)
    SessionFactory(conference=conference, starts_at=at(conference, 16))  # a third version needs a change
    third = published_agenda(conference)
    assert third.changes["cancelled"] == []
    assert third.snapshot["sessions"][0]["cancelled"] is True


def test_publish_keeps_earlier_versions_unchanged(conference):
    session = SessionFactory(conference=conference, title="Before")
    first = published_agenda(conference)
    services.save_session(conference=conference, session=session, title="After")
    published_agenda(conference)
    first.refresh_from_db()
    assert first.snapshot["sessions"][0]["title"] == "Before"


def test_publish_raises_sequence_of_changed_sessions_only(conference):
    moved = SessionFactory(conference=conference, starts_at=at(conference, 10), ends_at=at(conference, 11))
    still = SessionFactory(conference=conference, starts_at=at(conference, 12), ends_at=at(conference, 13))
    published_agenda(conference)
    services.save_session(
        conference=conference, session=moved, starts_at=at(conference, 14), ends_at=at(conference, 15)
    )
    snapshot = published_agenda(conference).snapshot
    sequences = {s["id"]: s["sequence"] for s in snapshot["sessions"]}
    assert sequences == {moved.pk: 1, still.pk: 0}


def test_publish_with_clashing_draft_is_refused_and_writes_nothing(conference):
    room = RoomFactory(conference=conference)
    SessionFactory(conference=conference, room=room)
    SessionFactory(conference=conference, room=room)  # written past the checks
    with pytest.raises(AgendaHasClashes) as exc:
        published_agenda(conference)
    assert exc.value.code == "agenda_clashes"
    assert not AgendaVersion.objects.exists()
    assert not Session.objects.filter(published_in__isnull=False).exists()


def test_unpublished_changes_compare_draft_with_latest_version(conference):
    session = SessionFactory(conference=conference)
    published_agenda(conference)
    assert services.unpublished_changes(conference) == {"added": [], "moved": [], "cancelled": []}
    services.remove_session(session=session)
    assert [c["guid"] for c in services.unpublished_changes(conference)["cancelled"]] == [str(session.guid)]


def test_conference_with_published_agenda_can_be_deleted(conference):
    from conference.models import Conference

    SessionFactory(conference=conference, room=RoomFactory(conference=conference))
    published_agenda(conference)
    conference.delete()
    assert not Conference.objects.filter(pk=conference.pk).exists()
    assert not Session.objects.exists()


def test_room_with_sessions_cannot_be_deleted(conference):
    from django.db.models import RestrictedError

    room = RoomFactory(conference=conference)
    SessionFactory(conference=conference, room=room)
    with pytest.raises(RestrictedError):
        room.delete()
