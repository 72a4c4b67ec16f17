"""The admin edits sessions through the agenda service: its lock, its clash checks, its save."""

import threading
import time

import pytest
from django.contrib import admin
from django.db import connections, transaction

from conference.admin import SessionForm
from conference.agenda import services
from conference.agenda.errors import RoomClash
from conference.models import Session
from tests.factories import ConferenceFactory, RoomFactory, SessionFactory, SpeakerFactory, UserFactory, at


def _form_data(conference, start, end, *, title="Admin session", room=None, speakers=(), cancelled=False):
    data = {
        "conference": conference.pk,
        "title": title,
        "kind": "talk",
        "starts_at_0": start.strftime("%d/%m/%Y"),
        "starts_at_1": start.strftime("%H:%M"),
        "ends_at_0": end.strftime("%d/%m/%Y"),
        "ends_at_1": end.strftime("%H:%M"),
        "room": room.pk if room else "",
        "speakers": [s.pk for s in speakers],
        "abstract": "",
    }
    if cancelled:
        data["cancelled_at_0"], data["cancelled_at_1"] = start.strftime("%d/%m/%Y"), "08:00"
    return data


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.django_db
def test_admin_adds_a_session_with_its_speakers(admin_client, conference):
    room = RoomFactory(conference=conference)
    speakers = SpeakerFactory.create_batch(2, conference=conference)
    data = _form_data(conference, at(conference, 10), at(conference, 11), room=room, speakers=speakers)
    response = admin_client.post("/admin/conference/session/add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    session = Session.objects.get(title="Admin session")
    assert session.room == room
    assert set(session.speakers.all()) == set(speakers)
    assert session.starts_at == at(conference, 10)


@pytest.mark.django_db
def test_admin_moves_a_session_and_changes_its_speakers(admin_client, conference):
    session = SessionFactory(conference=conference, title="Keynote")
    session.speakers.set([SpeakerFactory(conference=conference)])
    other = SpeakerFactory(conference=conference)
    data = _form_data(conference, at(conference, 14), at(conference, 15), title="Keynote", speakers=[other])
    response = admin_client.post(f"/admin/conference/session/{session.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    session.refresh_from_db()
    assert (session.starts_at, session.room) == (at(conference, 14), None)
    assert list(session.speakers.all()) == [other]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("case", "field", "message"),
    [
        ("room", "room", "Hall 1 is already taken by “Booked”"),
        ("speaker", "speakers", "already speaks at “Booked”"),
        ("outside", "starts_at", "The session is outside the conference"),
        ("backwards", "ends_at", "The session must end after it starts."),
    ],
)
def test_admin_shows_each_agenda_error_beside_its_field(admin_client, conference, case, field, message):
    room = RoomFactory(conference=conference, name="Hall 1")
    speaker = SpeakerFactory(conference=conference)
    booked = SessionFactory(
        conference=conference, title="Booked", room=room, starts_at=at(conference, 10), ends_at=at(conference, 11)
    )
    booked.speakers.set([speaker])
    start, end = at(conference, 10, 30), at(conference, 11, 30)
    data = {
        "room": _form_data(conference, start, end, room=room),
        "speaker": _form_data(conference, start, end, speakers=[speaker]),
        "outside": _form_data(conference, at(conference, 10, day=5), at(conference, 11, day=5)),
        "backwards": _form_data(conference, end, start),
    }[case]
    response = admin_client.post("/admin/conference/session/add/", data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == [field]
    assert message in errors[field][0]
    assert Session.objects.filter(conference=conference).count() == 1


@pytest.mark.django_db
def test_admin_cancelled_session_takes_no_room(admin_client, conference):
    """Cancelling by hand is no clash: a cancelled session holds neither room nor speaker."""
    room = RoomFactory(conference=conference)
    SessionFactory(conference=conference, room=room, starts_at=at(conference, 10), ends_at=at(conference, 11))
    data = _form_data(conference, at(conference, 10), at(conference, 11), room=room, cancelled=True)
    response = admin_client.post("/admin/conference/session/add/", data)
    assert response.status_code == 302
    assert Session.objects.get(title="Admin session").cancelled_at is not None


@pytest.mark.django_db(transaction=True)
def test_check_session_refuses_to_run_without_a_transaction_to_hold_the_lock():
    conference = ConferenceFactory()
    with pytest.raises(transaction.TransactionManagementError):
        services.check_session(conference=conference, starts_at=at(conference, 10), ends_at=at(conference, 11))


@pytest.mark.django_db(transaction=True)
def test_admin_holds_the_agenda_lock_from_validation_to_save():
    """An editor booking the room while the admin's form is between validation and save waits, then is refused."""
    conference = ConferenceFactory()
    room = RoomFactory(conference=conference)
    validated = threading.Event()
    outcomes = {}

    def admin_editor():
        try:
            with transaction.atomic():  # as the admin's change view does
                form = SessionForm(
                    data={
                        "conference": conference.pk,
                        "title": "Through the admin",
                        "kind": "talk",
                        "starts_at": at(conference, 10).strftime("%Y-%m-%d %H:%M"),
                        "ends_at": at(conference, 11).strftime("%Y-%m-%d %H:%M"),
                        "room": room.pk,
                        "abstract": "",
                    }
                )
                assert form.is_valid(), form.errors
                validated.set()
                time.sleep(1)  # the other editor tries now, and must wait for this transaction
                admin.site._registry[Session].save_model(None, form.save(commit=False), form, change=False)
            outcomes["admin"] = "saved"
        except RoomClash:
            outcomes["admin"] = "room_clash"
        finally:
            validated.set()
            connections.close_all()

    def api_editor():
        try:
            validated.wait(timeout=10)
            services.save_session(
                conference=conference,
                title="Through the API",
                starts_at=at(conference, 10, 30),
                ends_at=at(conference, 11, 30),
                room=room,
            )
            outcomes["api"] = "saved"
        except RoomClash:
            outcomes["api"] = "room_clash"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=admin_editor), threading.Thread(target=api_editor)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert outcomes == {"admin": "saved", "api": "room_clash"}
    assert list(Session.objects.filter(room=room).values_list("title", flat=True)) == ["Through the admin"]
