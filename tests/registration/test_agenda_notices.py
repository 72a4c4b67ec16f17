"""Publishing with a notice: delegates whose booked or starred sessions moved or were cancelled are e-mailed."""

import pytest

from conference.agenda import services
from registration.models import OutboxMessage, Registration
from tests.conference.agenda.helpers import clean_cache  # noqa: F401
from tests.factories import RegistrationFactory, RoomFactory, SessionFactory, WorkshopFactory, at, published_agenda

pytestmark = pytest.mark.django_db


def _agenda(conference):
    hall = RoomFactory(conference=conference, name="Hall 1")
    room5 = RoomFactory(conference=conference, name="Room 5")
    workshop = WorkshopFactory(
        conference=conference,
        title="Threat modelling",
        room=room5,
        starts_at=at(conference, 11),
        ends_at=at(conference, 12),
    )
    talk = SessionFactory(conference=conference, title="Robots", room=hall, starts_at=at(conference, 10))
    quiet = SessionFactory(conference=conference, title="Unchanged", room=hall, starts_at=at(conference, 15))
    published_agenda(conference)
    return workshop, talk, quiet


def _publish(organiser_api, conference, **body):
    return organiser_api.post(f"/api/conferences/{conference.slug}/agenda/publish/", body, format="json")


def test_publish_notify_emails_bookers_and_starrers_of_moved_and_cancelled(organiser_api, conference):
    workshop, talk, quiet = _agenda(conference)
    booker = RegistrationFactory(invitation__conference=conference, email="booker@example.org")
    booker.workshops.add(workshop)
    starrer = RegistrationFactory(invitation__conference=conference, email="starrer@example.org")
    starrer.starred.add(talk, workshop)
    bystander = RegistrationFactory(invitation__conference=conference, email="bystander@example.org")
    bystander.starred.add(quiet)
    waitlisted = RegistrationFactory(
        invitation__conference=conference, email="waiting@example.org", status=Registration.Status.WAITLISTED
    )
    waitlisted.starred.add(talk)

    services.save_session(
        conference=conference, session=workshop, starts_at=at(conference, 14), ends_at=at(conference, 15)
    )
    services.remove_session(session=talk)
    response = _publish(organiser_api, conference, note="Workshop after lunch", notify=True)

    assert response.status_code == 201
    assert response.json()["notified"] == 2
    messages = {m.to: m for m in OutboxMessage.objects.filter(purpose="agenda_changed")}
    assert set(messages) == {"booker@example.org", "starrer@example.org"}
    assert "“Threat modelling” has moved: now" in messages["booker@example.org"].body_text
    assert "14:00–15:00, Room 5 (was" in messages["booker@example.org"].body_text
    assert "Robots" not in messages["booker@example.org"].body_text
    starrer_text = messages["starrer@example.org"].body_text
    assert "“Robots” (" in starrer_text and "is cancelled." in starrer_text
    assert "Workshop after lunch" in starrer_text
    assert f"/my/{starrer.token}/agenda/" in starrer_text
    assert messages["starrer@example.org"].subject == f"Agenda change: {conference.name}"
    assert "Threat modelling" in messages["starrer@example.org"].body_html


def test_publish_without_notify_emails_nobody(organiser_api, conference):
    workshop, _talk, _quiet = _agenda(conference)
    RegistrationFactory(invitation__conference=conference).workshops.add(workshop)
    services.save_session(
        conference=conference, session=workshop, starts_at=at(conference, 14), ends_at=at(conference, 15)
    )
    response = _publish(organiser_api, conference)
    assert response.status_code == 201 and response.json()["notified"] == 0
    assert not OutboxMessage.objects.filter(purpose="agenda_changed").exists()


def test_publish_notify_ignores_title_edits_and_other_conferences(organiser_api, conference):
    workshop, _talk, _quiet = _agenda(conference)
    RegistrationFactory(invitation__conference=conference).starred.add(workshop)
    services.save_session(conference=conference, session=workshop, title="Threat modelling, hands on")
    response = _publish(organiser_api, conference, notify=True)
    assert response.status_code == 201 and response.json()["notified"] == 0
    assert not OutboxMessage.objects.exists()


def test_refused_publish_queues_no_notice(organiser_api, conference):
    workshop, talk, _quiet = _agenda(conference)
    RegistrationFactory(invitation__conference=conference).starred.add(workshop)
    services.save_session(
        conference=conference, session=workshop, starts_at=at(conference, 14), ends_at=at(conference, 15)
    )
    seen = services.pending_publication(conference)["fingerprint"]
    services.save_session(conference=conference, session=talk, starts_at=at(conference, 16), ends_at=at(conference, 17))
    response = _publish(organiser_api, conference, notify=True, expected=seen)
    assert response.status_code == 409 and response.json()["code"] == "draft_changed"
    assert not OutboxMessage.objects.exists()
