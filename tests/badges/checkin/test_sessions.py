"""Session doors (a workshop room): admitted, already in, not booked, full; stats per session."""

import pytest

from badges.models import CheckIn, Scan
from badges.services import current_badge
from registration.models import Registration
from tests.factories import ConferenceFactory, InvitationFactory, RegistrationFactory, SessionFactory, WorkshopFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitation(conference):
    return InvitationFactory(conference=conference, seats=10)


@pytest.fixture
def workshop(conference):
    return WorkshopFactory(conference=conference, title="Data for SMEs", capacity=2)


def scan(api, conference, code, session, **extra):
    payload = {"code": code, "gate": "Room 5", "session": session, **extra}
    return api.post(f"/api/conferences/{conference.slug}/checkin/scan/", payload, format="json")


def booked(invitation, *workshops):
    registration = RegistrationFactory(invitation=invitation)
    registration.workshops.set(workshops)
    return registration


def test_booked_delegate_is_admitted_to_the_workshop_without_the_main_door(door_api, conference, invitation, workshop):
    ada = booked(invitation, workshop)
    response = scan(door_api, conference, current_badge(ada).code, workshop.pk)
    assert response.status_code == 200
    body = response.json()
    assert (body["result"], body["session"], body["registration"]["id"]) == ("admitted", workshop.pk, ada.pk)
    assert "Data for SMEs" in body["detail"]
    checkin = CheckIn.objects.get()
    assert checkin.session == workshop and checkin.gate == "Room 5"
    # The main door is another matter: still a first arrival.
    main = door_api.post(
        f"/api/conferences/{conference.slug}/checkin/scan/", {"code": current_badge(ada).code}, format="json"
    )
    assert (main.status_code, main.json()["returning"]) == (200, False)


def test_second_scan_in_the_session_is_already_checked_in(door_api, conference, invitation, workshop):
    ada = booked(invitation, workshop)
    code = current_badge(ada).code
    scan(door_api, conference, code, workshop.pk, gate="Room 5")
    again = scan(door_api, conference, code, workshop.pk)
    assert again.status_code == 409
    body = again.json()
    assert (body["result"], body["first_gate"], body["session"]) == ("already_checked_in", "Room 5", workshop.pk)
    assert "Data for SMEs" in body["detail"]
    assert CheckIn.objects.count() == 1


def test_unbooked_delegate_is_refused_not_booked(door_api, conference, invitation, workshop):
    other = WorkshopFactory(conference=conference)
    bob = booked(invitation, other)
    response = scan(door_api, conference, current_badge(bob).code, workshop.pk)
    assert response.status_code == 409
    body = response.json()
    assert body["result"] == "not_booked"
    assert body["registration"]["id"] == bob.pk and "not booked" in body["detail"]
    assert not CheckIn.objects.exists()
    assert Scan.objects.get().result == "not_booked"


def test_a_session_at_capacity_is_session_full(door_api, conference, invitation):
    talk = SessionFactory(conference=conference, title="Keynote", capacity=2)
    people = [RegistrationFactory(invitation=invitation) for _ in range(3)]
    answers = [scan(door_api, conference, current_badge(p).code, talk.pk) for p in people]
    assert [a.status_code for a in answers] == [200, 200, 409]
    assert answers[2].json()["result"] == "session_full"
    assert "full" in answers[2].json()["detail"]
    # An undo frees a place.
    door_api.post(f"/api/conferences/{conference.slug}/checkin/{answers[0].json()['checkin_id']}/undo/")
    assert scan(door_api, conference, current_badge(people[2]).code, talk.pk).status_code == 200


def test_a_session_without_capacity_admits_everyone_confirmed(door_api, conference, invitation):
    talk = SessionFactory(conference=conference, capacity=None)
    ada = RegistrationFactory(invitation=invitation)
    assert scan(door_api, conference, current_badge(ada).code, talk.pk).json()["result"] == "admitted"
    cancelled = RegistrationFactory(invitation=invitation, status=Registration.Status.CANCELLED)
    assert scan(door_api, conference, current_badge(cancelled).code, talk.pk).json()["result"] == "cancelled"
    assert scan(door_api, conference, "Q" * 26, talk.pk).status_code == 404


def test_session_check_in_by_registration_and_nonce_replay(door_api, conference, invitation, workshop):
    ada = booked(invitation, workshop)
    url = f"/api/conferences/{conference.slug}/checkin/scan/"
    payload = {"registration": ada.pk, "session": workshop.pk, "nonce": "s-1"}
    first = door_api.post(url, payload, format="json")
    again = door_api.post(url, payload, format="json")
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert CheckIn.objects.count() == 1 and Scan.objects.count() == 1


@pytest.mark.parametrize("bad", ["other-conference", "cancelled", "missing"])
def test_unknown_session_is_404_and_records_nothing(door_api, conference, invitation, bad):
    ada = RegistrationFactory(invitation=invitation)
    if bad == "other-conference":
        session_id = SessionFactory(conference=ConferenceFactory()).pk
    elif bad == "cancelled":
        from django.utils import timezone

        session_id = SessionFactory(conference=conference, cancelled_at=timezone.now()).pk
    else:
        session_id = 999999
    response = scan(door_api, conference, current_badge(ada).code, session_id)
    assert response.status_code == 404
    assert response.json()["code"] == "session_not_found"
    sync = door_api.post(
        f"/api/conferences/{conference.slug}/checkin/sync/",
        {"scans": [{"code": current_badge(ada).code, "nonce": "a"}, {"code": "x", "session": session_id}]},
        format="json",
    )
    assert sync.status_code == 404
    assert not Scan.objects.exists() and not CheckIn.objects.exists()


def test_stats_of_a_session(door_api, conference, invitation, workshop):
    ada, bob = booked(invitation, workshop), booked(invitation, workshop)
    RegistrationFactory(invitation=invitation)  # confirmed, not booked
    scan(door_api, conference, current_badge(ada).code, workshop.pk)
    door_api.post(f"/api/conferences/{conference.slug}/checkin/scan/", {"code": current_badge(bob).code}, format="json")
    stats = door_api.get(f"/api/conferences/{conference.slug}/checkin/stats/", {"session": workshop.pk}).json()
    assert (stats["registered"], stats["checked_in"], stats["today"]) == (2, 1, 1)
    assert stats["by_gate"] == {"Room 5": 1}
    assert stats["session"] == {"id": workshop.pk, "title": "Data for SMEs", "capacity": 2}
    main = door_api.get(f"/api/conferences/{conference.slug}/checkin/stats/").json()
    assert (main["registered"], main["checked_in"]) == (3, 1)  # the session door is not the main door
    bad = door_api.get(f"/api/conferences/{conference.slug}/checkin/stats/", {"session": "abc"})
    assert (bad.status_code, bad.json()["code"]) == (404, "session_not_found")


def test_session_scan_with_invalid_session_value_is_400(door_api, conference):
    response = scan(door_api, conference, "A" * 26, "workshop")
    assert response.status_code == 400 and "session" in response.json()
