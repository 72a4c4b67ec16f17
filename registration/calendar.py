"""The delegate's calendar entry (.ics), built with ``icalendar``.

The conference days are one all-day event of the registration's own. Each
chosen workshop is the session's event from the latest published agenda
(:func:`conference.agenda.exporters.session_event`), the very event of the
public feed and of ``my-agenda.ics``: same UID, same times, so a calendar
that has more than one of them shows the workshop once.
"""

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from icalendar import Calendar, Event

from conference.agenda import exporters, published
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

    _add_workshops(calendar, conference, workshops if workshops is not None else registration.workshops.all())
    return calendar.to_ical().decode()


def _add_workshops(calendar, conference, workshops):
    """The chosen workshops as published; one not published yet is left out (the e-mail's text names it)."""
    workshops = list(workshops)
    ref = published.version_ref_for_conference(conference.pk) if workshops else None
    if ref is None:
        return
    agenda = published.load_agenda(ref)
    items = {item.id: item for item in agenda.items}
    chosen = [items[session.pk] for session in workshops if session.pk in items]
    for item in chosen:
        calendar.add_component(exporters.session_event(agenda, item))
    if chosen:
        exporters.add_timezone(calendar, agenda)
