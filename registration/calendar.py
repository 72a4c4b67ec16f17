"""The delegate's calendar entry (.ics), built with ``icalendar``."""

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from icalendar import Calendar, Event

from conference.plumbing.links import absolute_url


def registration_ics(registration, workshops=None):
    """The conference days as one all-day event, plus each chosen workshop at its time."""
    conference = registration.conference
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    links = absolute_url("my", registration.token)
    calendar = Calendar()
    calendar.add("prodid", "-//COG Conference//Registration//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", conference.name)

    event = Event()
    event.add("uid", f"registration-{registration.pk}-{conference.slug}@{host}")
    event.add("summary", conference.name)
    event.add("dtstart", conference.starts_on)
    event.add("dtend", conference.ends_on + dt.timedelta(days=1))
    event.add("dtstamp", registration.created_at)
    address = ", ".join(line.strip(" ,") for line in conference.address.splitlines() if line.strip(" ,"))
    location = ", ".join(part for part in [conference.venue, address] if part)
    if location:
        event.add("location", location)
    event.add("url", links)
    event.add(
        "description",
        f"Registered: {registration.full_name}"
        f" ({registration.invitation.organisation.name}).\n"
        f"Manage your registration: {links}",
    )
    event.add("transp", "TRANSPARENT")
    calendar.add_component(event)

    for session in workshops if workshops is not None else registration.workshops.all():
        item = Event()
        item.add("uid", f"{session.guid}@{host}")
        item.add("summary", f"Workshop: {session.title}")
        item.add("dtstart", session.starts_at)
        item.add("dtend", session.ends_at)
        item.add("dtstamp", registration.created_at)
        if session.room_id:
            item.add("location", f"{session.room.name}, {conference.venue}")
        calendar.add_component(item)
    return calendar.to_ical().decode()
