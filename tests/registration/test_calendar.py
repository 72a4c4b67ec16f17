"""One session, one calendar event: the confirmation's .ics, the public feed and my-agenda.ics agree."""

import datetime as dt

import icalendar
import pytest

from conference.agenda import services as agenda
from registration import emails, services
from registration.models import OutboxMessage, Registration
from tests.conference.agenda.helpers import clean_cache  # noqa: F401
from tests.factories import InvitationFactory, RoomFactory, SessionFactory, WorkshopFactory, at, delegate_data

pytestmark = pytest.mark.django_db


def _events(ics):
    return {str(event["UID"]): event for event in icalendar.Calendar.from_ical(ics).walk("VEVENT")}


def _attachment(message):
    (attachment,) = message.attachments
    assert attachment["mimetype"] == "text/calendar"
    return attachment["content"]


@pytest.fixture
def setting():
    invitation = InvitationFactory(seats=1)
    conference = invitation.conference
    room = RoomFactory(conference=conference, name="Lab A")
    workshop = WorkshopFactory(
        conference=conference,
        title="Cyber essentials clinic",
        room=room,
        starts_at=at(conference, 14),
        ends_at=at(conference, 15, 30),
    )
    SessionFactory(conference=conference, title="Opening keynote", kind="keynote", starts_at=at(conference, 9))
    agenda.publish_agenda(conference=conference)
    (registration,) = services.accept_invitation(
        invitation=invitation, delegates=[delegate_data(workshops=[workshop.pk])]
    )
    return conference, workshop, registration


def test_a_workshop_is_one_event_in_every_calendar(client, setting):
    conference, workshop, registration = setting
    confirmation = OutboxMessage.objects.get(registration=registration, purpose="confirmation")
    calendars = {
        "confirmation": _events(_attachment(confirmation)),
        "feed": _events(client.get(f"/{conference.slug}/agenda.ics").content),
        "my agenda": _events(client.get(f"/my/{registration.token}/agenda.ics").content),
    }
    uid = f"{workshop.guid}@cog-conference"  # the feed's UIDs, unchanged: subscribed calendars see no duplicate
    for name, events in calendars.items():
        assert uid in events, name
        assert [u for u in events if str(workshop.guid) in u] == [uid], name
        event = events[uid]
        assert event.decoded("DTSTART") == at(conference, 14), name
        assert event.decoded("DTEND") == at(conference, 15, 30), name
        assert str(event["SUMMARY"]) == "Cyber essentials clinic", name
        assert str(event["LOCATION"]) == f"Lab A, {conference.venue}", name
        assert str(event["STATUS"]) == "CONFIRMED", name
    # Not just alike: the very same event, property for property.
    assert len({events[uid].to_ical() for events in calendars.values()}) == 1


def test_the_confirmation_takes_the_published_times_not_the_draft(setting):
    conference, workshop, registration = setting
    agenda.save_session(
        conference=conference, session=workshop, starts_at=at(conference, 16), ends_at=at(conference, 17)
    )
    event = _events(_attachment(emails.confirmation_email(registration)))[f"{workshop.guid}@cog-conference"]
    assert event.decoded("DTSTART") == at(conference, 14)
    agenda.publish_agenda(conference=conference)
    event = _events(_attachment(emails.confirmation_email(registration)))[f"{workshop.guid}@cog-conference"]
    assert event.decoded("DTSTART") == at(conference, 16)
    assert event.decoded("DTEND") - event.decoded("DTSTART") == dt.timedelta(hours=1)


def test_a_workshop_not_yet_published_is_left_out_of_the_attachment_but_named_in_the_text(setting):
    conference, workshop, registration = setting
    draft = WorkshopFactory(conference=conference, title="Draft-only lab", starts_at=at(conference, 11))
    registration.workshops.add(draft)
    message = emails.confirmation_email(Registration.objects.get(pk=registration.pk))
    events = _events(_attachment(message))
    assert f"{workshop.guid}@cog-conference" in events
    assert not any(str(draft.guid) in uid for uid in events)
    assert len(events) == 2  # the conference days and the published workshop
    assert "Draft-only lab" in message.body_text


def test_before_any_publish_the_attachment_holds_the_conference_days_only():
    invitation = InvitationFactory(seats=1)
    workshop = WorkshopFactory(conference=invitation.conference)
    (registration,) = services.accept_invitation(
        invitation=invitation, delegates=[delegate_data(workshops=[workshop.pk])]
    )
    confirmation = OutboxMessage.objects.get(registration=registration, purpose="confirmation")
    (event,) = _events(_attachment(confirmation)).values()
    assert event.decoded("DTSTART") == invitation.conference.starts_on
