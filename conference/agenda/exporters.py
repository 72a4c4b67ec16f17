"""The public formats of a published agenda: iCalendar, frab schedule JSON, PDF.

Each takes an :class:`~conference.agenda.snapshot.Agenda` (a frozen version)
and returns bytes; nothing here reads the draft.
"""

import datetime as dt
import json
import re
import uuid

import icalendar
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.text import slugify

# Fixed namespace for the uuid5 of things that have no guid of their own (rooms).
GUID_NAMESPACE = uuid.UUID("5f0c7a52-1d7e-4b8a-9d7c-3c0f6c2b9e11")
GENERATOR = {"name": "cog-conference", "version": "1.0"}
FRAB_KINDS = {"keynote": "Keynote", "talk": "Talk", "panel": "Panel", "workshop": "Workshop"}


def agenda_url(agenda, path="agenda/"):
    return f"{settings.SITE_URL}/{agenda.slug}/{path}"


# --- iCalendar ---------------------------------------------------------------


def _describe(item):
    lines = []
    if item.speakers:
        lines.append(
            "Speakers: "
            + ", ".join(p["name"] + (f" ({p['organisation']})" if p["organisation"] else "") for p in item.speakers)
        )
    if item.track:
        lines.append(f"Track: {item.track['name']}")
    if item.abstract:
        lines.extend(["", item.abstract] if lines else [item.abstract])
    return "\n".join(lines)


def event_uid(item):
    """A session's UID in every calendar: its guid, which survives republishing.

    Subscribed calendars know the sessions by these UIDs: never change the form.
    """
    return f"{item.guid}@cog-conference"


def session_event(agenda, item):
    """The one calendar event of a session of a published version.

    The public feed, a delegate's ``my-agenda.ics`` and the confirmation
    e-mail's attachment all take a session's event from here (UID, times,
    title, location, status), so a calendar that receives a session from
    several of them holds it once. Cancelled sessions keep their event, with
    STATUS:CANCELLED and a higher SEQUENCE, so a calendar strikes them out
    instead of keeping a ghost. Times are in the conference's zone.
    """
    tz = agenda.tz
    event = icalendar.Event()
    event.add("uid", event_uid(item))
    event.add("dtstamp", agenda.published_at or dt.datetime.now(dt.UTC))
    event.add("sequence", item.sequence)
    event.add("dtstart", item.starts_at.astimezone(tz))
    event.add("dtend", item.ends_at.astimezone(tz))
    event.add("summary", item.title)
    event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
    location = ", ".join(x for x in ((item.room or {}).get("name"), agenda.conference.get("venue")) if x)
    if location:
        event.add("location", location)
    description = _describe(item)
    if description:
        event.add("description", description)
    event.add("categories", [item.kind_label] + ([item.track["name"]] if item.track else []))
    event.add("url", f"{agenda_url(agenda)}#s{item.id}")
    return event


def add_timezone(calendar, agenda):
    """The VTIMEZONE of the conference's zone, for the years of the conference only (not 1970 to 2038)."""
    calendar.add_missing_timezones(
        first_date=dt.date(agenda.starts_on.year, 1, 1), last_date=dt.date(agenda.ends_on.year + 1, 1, 1)
    )


def ics(agenda, items=None, *, name=None, extra=()):
    """An iCalendar feed: one :func:`session_event` per session (cancelled ones included), then ``extra`` events
    (a delegate's meetings)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//COG Conference//Agenda//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name or agenda.name)
    calendar.add("x-wr-timezone", agenda.timezone)
    calendar.add("refresh-interval", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    for item in agenda.items if items is None else items:
        calendar.add_component(session_event(agenda, item))
    for event in extra:
        calendar.add_component(event)
    add_timezone(calendar, agenda)
    return calendar.to_ical()


# --- frab schedule JSON ------------------------------------------------------


def acronym(slug):
    """The schema's acronym pattern: lowercase letters, digits and underscores, four or more."""
    text = re.sub(r"[^a-z0-9_]", "_", slug.lower())
    return text.ljust(4, "_")


def _duration(minutes):
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _event_slug(agenda, item):
    words = slugify(item.title)[:50].strip("-_")
    return "-".join(x for x in (slugify(agenda.slug), str(item.id), words) if x)


def _track_slug(track):
    slug = slugify(track["name"]).strip("-_")
    return slug if len(slug) >= 2 else f"track-{track['id']}"


def room_guid(agenda, room_name):
    return str(uuid.uuid5(GUID_NAMESPACE, f"{agenda.slug}/room/{room_name}"))


def _person(speaker):
    # "name" (pretalx style) and "public_name" (frab style) for older readers;
    # no integer "id", so the person matches exactly one of the schema's shapes.
    person = {
        "guid": speaker["guid"],
        "name": speaker["name"],
        "public_name": speaker["name"],
        "biography": speaker["bio"] or None,
        "organisation": speaker["organisation"],
    }
    if speaker.get("photo"):
        person["avatar"] = f"{settings.SITE_URL}{speaker['photo']}"
    return person


def _frab_room_names(agenda):
    """The schedule's rooms in order; sessions without a room are placed in the venue itself."""
    room_names = [r["name"] for r in agenda.rooms]
    venue_room = _venue_room(agenda)
    if any(i.room is None for i in agenda.live_items) and venue_room not in room_names:
        room_names.append(venue_room)
    return room_names


def _venue_room(agenda):
    return agenda.conference.get("venue") or "Venue"


def _frab_event(agenda, item, room):
    """One session as a frab event (``id`` and ``guid`` stable across versions)."""
    tz = agenda.tz
    start = item.starts_at.astimezone(tz)
    return {
        "id": item.id,
        "guid": item.guid,
        "logo": "",
        "date": start.isoformat(),
        "start": start.strftime("%H:%M"),
        "end": item.ends_at.astimezone(tz).isoformat(),
        "duration": _duration(item.minutes),
        "room": room,
        "slug": _event_slug(agenda, item),
        "url": f"{agenda_url(agenda)}#s{item.id}",
        "title": item.title,
        "subtitle": "",
        "track": item.track["name"] if item.track else None,
        "type": FRAB_KINDS.get(item.kind, item.kind_label),
        "language": "en",
        "abstract": item.abstract,
        "description": "",
        "recording_license": "",
        "do_not_record": False,
        "persons": [_person(p) for p in item.speakers],
        "links": [],
        "attachments": [],
    }


def _frab_day(agenda, index, day, room_names):
    """One conference day: its events grouped by room (every room listed, empty or not)."""
    tz = agenda.tz
    rooms = {name: [] for name in room_names}
    for item in day.items:
        room = item.room["name"] if item.room else _venue_room(agenda)
        rooms.setdefault(room, []).append(_frab_event(agenda, item, room))
    return {
        "index": index,
        "date": day.date.isoformat(),
        "day_start": dt.datetime.combine(day.date, dt.time(0, 0), tzinfo=tz).isoformat(),
        "day_end": dt.datetime.combine(day.date, dt.time(23, 59), tzinfo=tz).isoformat(),
        "rooms": rooms,
    }


def _frab_conference(agenda, room_names, days):
    """The schedule's conference block: dates, zone, rooms, tracks and the days."""
    capacities = {r["name"]: r["capacity"] for r in reversed(agenda.rooms)}
    return {
        "acronym": acronym(agenda.slug),
        "title": agenda.name,
        "start": agenda.starts_on.isoformat(),
        "end": agenda.ends_on.isoformat(),
        "daysCount": len(days),
        "timeslot_duration": "00:05",
        "time_zone_name": agenda.timezone,
        "url": agenda_url(agenda),
        "colors": {"primary": agenda.conference.get("colour") or "#1d4ed8"},
        "rooms": [
            {"name": name, "guid": room_guid(agenda, name), "capacity": capacities.get(name)} for name in room_names
        ],
        "tracks": [{"name": t["name"], "slug": _track_slug(t), "color": t["colour"]} for t in agenda.tracks],
        "days": days,
    }


def frab(agenda):
    """The schedule in the frab JSON shape that Giggity, ConfClerk and EventFahrplan read.

    Event ``id`` is the session's id and ``guid`` its guid: both stable across
    versions. Cancelled sessions are left out (they stay in the .ics).
    """
    room_names = _frab_room_names(agenda)
    days = [_frab_day(agenda, index, day, room_names) for index, day in enumerate(agenda.days(), start=1)]
    document = {
        "$schema": "https://c3voc.de/schedule/schema.json",
        "generator": GENERATOR,
        "schedule": {
            "version": str(agenda.number),
            "base_url": agenda_url(agenda, ""),
            "conference": _frab_conference(agenda, room_names, days),
        },
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


# --- PDF programme -----------------------------------------------------------


def pdf(agenda):
    """A printable programme, one section a day, rendered with WeasyPrint."""
    from weasyprint import HTML

    html = render_to_string("conference/agenda/programme_pdf.html", {"agenda": agenda, "days": agenda.days()})
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
