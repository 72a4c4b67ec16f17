"""The frozen form of an agenda, and the changelog between two of them.

A snapshot is plain JSON, stored on :class:`~conference.models.AgendaVersion`
when a version is published; every public output is built from it alone, so
what the public sees can never be the draft, and a version once published
never changes. :class:`Agenda` wraps a snapshot for templates and exporters.
"""

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from django.utils import timezone

from conference.models import Room, Session, Track

# Kinds every delegate attends: they belong in each "my agenda".
PLENARY_KINDS = frozenset({Session.Kind.KEYNOTE, Session.Kind.BREAK, Session.Kind.NETWORKING})

# With a move, the fields whose change makes a calendar client update its copy of an event.
EDIT_FIELDS = ("title", "kind", "room", "track", "speakers", "abstract", "cancelled")


def draft_sessions(conference):
    """The sessions a snapshot holds: live ones, and the cancelled ones that were once published
    (they stay in the history and in the calendar feed as cancelled), with their speakers."""
    return (
        Session.objects.filter(conference=conference)
        .exclude(cancelled_at__isnull=False, published_in__isnull=True)
        .prefetch_related("speakers")
        .order_by("starts_at", "pk")
    )


def build_snapshot(conference, sessions=None):
    """The draft as it stands, in snapshot form (five queries whatever its size).

    ``sessions``: :func:`draft_sessions` already loaded by the caller (the
    editor page reads them once for its grid too); then three queries.
    """
    tz = conference.tz
    if sessions is None:
        sessions = list(draft_sessions(conference))
    else:
        sessions = sorted(sessions, key=lambda s: (s.starts_at, s.pk))
    by_pk = {p.pk: p for s in sessions for p in s.speakers.all()}
    speakers = sorted(by_pk.values(), key=lambda p: (p.name, p.pk))
    return {
        "conference": {
            "name": conference.name,
            "slug": conference.slug,
            "starts_on": conference.starts_on.isoformat(),
            "ends_on": conference.ends_on.isoformat(),
            "timezone": conference.timezone,
            "venue": conference.venue,
            "address": conference.address,
            "colour": conference.colour,
        },
        "rooms": [
            {"id": r.pk, "name": r.name, "capacity": r.capacity, "position": r.position}
            for r in Room.objects.filter(conference=conference).order_by("position", "name")
        ],
        "tracks": [
            {"id": t.pk, "name": t.name, "colour": t.colour}
            for t in Track.objects.filter(conference=conference).order_by("name")
        ],
        "speakers": [
            {
                "id": p.pk,
                "guid": str(p.guid),
                "name": p.name,
                "organisation": p.organisation,
                "bio": p.bio,
                "photo": p.photo.url if p.photo else "",
            }
            for p in speakers
        ],
        "sessions": [
            {
                "id": s.pk,
                "guid": str(s.guid),
                "title": s.title,
                "kind": s.kind,
                "starts_at": timezone.localtime(s.starts_at, tz).isoformat(),
                "ends_at": timezone.localtime(s.ends_at, tz).isoformat(),
                "room": s.room_id,
                "track": s.track_id,
                "speakers": sorted(p.pk for p in s.speakers.all()),
                "capacity": s.capacity,
                "abstract": s.abstract,
                "cancelled": s.cancelled_at is not None,
                "sequence": 0,
            }
            for s in sessions
        ],
    }


def _where(entry, rooms):
    return {
        "starts_at": entry["starts_at"],
        "ends_at": entry["ends_at"],
        "room": rooms.get(entry["room"]),
    }


def _moved(old, new):
    """Moved means another time or another room (an edited title is not a move)."""
    return (
        dt.datetime.fromisoformat(old["starts_at"]) != dt.datetime.fromisoformat(new["starts_at"])
        or dt.datetime.fromisoformat(old["ends_at"]) != dt.datetime.fromisoformat(new["ends_at"])
        or old["room"] != new["room"]
    )


def diff_snapshots(previous, current):
    """The changelog of ``current`` against ``previous`` (None before the first version).

    ``added``: sessions new to the public (or brought back); ``moved``: another
    time or room; ``cancelled``: live before, cancelled (or gone) now.
    """
    previous = previous or {"sessions": [], "rooms": []}
    rooms = {r["id"]: r["name"] for r in previous.get("rooms", [])} | {r["id"]: r["name"] for r in current["rooms"]}
    before = {s["guid"]: s for s in previous["sessions"] if not s["cancelled"]}
    now = {s["guid"]: s for s in current["sessions"]}
    added, moved, cancelled = [], [], []
    for guid, new in now.items():
        old = before.get(guid)
        if new["cancelled"]:
            if old is not None:
                cancelled.append({"id": new["id"], "guid": guid, "title": new["title"], **_where(old, rooms)})
        elif old is None:
            added.append({"id": new["id"], "guid": guid, "title": new["title"], **_where(new, rooms)})
        elif _moved(old, new):
            moved.append(
                {
                    "id": new["id"],
                    "guid": guid,
                    "title": new["title"],
                    "from": _where(old, rooms),
                    "to": _where(new, rooms),
                }
            )
    for guid, old in before.items():
        if guid not in now:
            cancelled.append({"id": old["id"], "guid": guid, "title": old["title"], **_where(old, rooms)})
    return {"added": added, "moved": moved, "cancelled": cancelled}


def carry_sequences(previous, current):
    """Give each session its iCalendar SEQUENCE: one more each time it changes."""
    old = {s["guid"]: s for s in (previous or {}).get("sessions", [])}
    for entry in current["sessions"]:
        before = old.get(entry["guid"])
        if before is None:
            entry["sequence"] = 0
        elif _moved(before, entry) or any(before.get(name) != entry.get(name) for name in EDIT_FIELDS):
            entry["sequence"] = before.get("sequence", 0) + 1
        else:
            entry["sequence"] = before.get("sequence", 0)
    return current


# --- Reading a snapshot -------------------------------------------------------


@dataclass
class Item:
    """A session of a snapshot, with its room, track and speakers resolved."""

    id: int
    guid: str
    title: str
    kind: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    room: dict | None
    track: dict | None
    speakers: list
    capacity: int | None
    abstract: str
    cancelled: bool
    sequence: int = 0

    @property
    def kind_label(self):
        return Session.Kind(self.kind).label if self.kind in Session.Kind.values else self.kind

    @property
    def minutes(self):
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def is_plenary(self):
        return self.kind in PLENARY_KINDS


GRID_STEP = 5  # minutes a row of the room grid stands for


@dataclass
class Day:
    date: dt.date
    items: list
    grid_rows: int = 0
    grid_hours: tuple = ()

    def place_in_grid(self, rooms):
        """Give each item its room column and rows in the day's room grid (wide screens).

        Column 1 holds the times, then a column a room in the agenda's order; a
        session without a room (lunch, a keynote for everyone) spans them all.
        Row 1 names the rooms; then a row every GRID_STEP minutes.
        """
        column = {room["id"]: n + 2 for n, room in enumerate(rooms)}
        starts = [i.starts_at.hour * 60 + i.starts_at.minute for i in self.items]
        ends = [self._end_minute(i) for i in self.items]
        first = min(starts, default=9 * 60) // 60 * 60
        last = max(ends, default=17 * 60)
        for item, start, end in zip(self.items, starts, ends, strict=True):
            item.grid_column = f"{column[item.room['id']]}" if item.room and item.room["id"] in column else "2 / -1"
            item.grid_from = (start - first) // GRID_STEP + 2
            item.grid_to = max(item.grid_from + 1, (end - first) // GRID_STEP + 2)
        self.grid_rows = max(1, -(-(last - first) // GRID_STEP))
        self.grid_hours = tuple(
            {"label": f"{m // 60:02d}:00", "row": (m - first) // GRID_STEP + 2} for m in range(first, last, 60)
        )

    def _end_minute(self, item):
        end = item.ends_at
        return 24 * 60 if end.date() > self.date else end.hour * 60 + end.minute

    @property
    def slots(self):
        """The day's sessions grouped by start time: [(start, [items])]."""
        groups = {}
        for item in self.items:
            groups.setdefault(item.starts_at, []).append(item)
        return list(groups.items())


class Agenda:
    """A snapshot, read: days of sessions in the conference's time zone."""

    def __init__(self, snapshot, *, number=None, published_at=None, note=""):
        self.snapshot = snapshot
        self.number = number
        self.published_at = published_at
        self.note = note
        info = snapshot["conference"]
        self.conference = info
        self.name = info["name"]
        self.slug = info["slug"]
        self.timezone = info["timezone"]
        self.starts_on = dt.date.fromisoformat(info["starts_on"])
        self.ends_on = dt.date.fromisoformat(info["ends_on"])
        self.rooms = snapshot["rooms"]
        self.tracks = snapshot["tracks"]
        self.speakers = snapshot["speakers"]

    @property
    def tz(self):
        import zoneinfo

        return zoneinfo.ZoneInfo(self.timezone)

    @cached_property
    def items(self):
        """Every session, cancelled ones included, in start and room order."""
        rooms = {r["id"]: r for r in self.rooms}
        tracks = {t["id"]: t for t in self.tracks}
        speakers = {p["id"]: p for p in self.speakers}
        items = [
            Item(
                id=s["id"],
                guid=s["guid"],
                title=s["title"],
                kind=s["kind"],
                starts_at=dt.datetime.fromisoformat(s["starts_at"]),
                ends_at=dt.datetime.fromisoformat(s["ends_at"]),
                room=rooms.get(s["room"]),
                track=tracks.get(s["track"]),
                speakers=[speakers[i] for i in s["speakers"] if i in speakers],
                capacity=s["capacity"],
                abstract=s["abstract"],
                cancelled=s["cancelled"],
                sequence=s.get("sequence", 0),
            )
            for s in self.snapshot["sessions"]
        ]
        items.sort(
            key=lambda i: (i.starts_at, i.room["position"] if i.room else -1, i.room["name"] if i.room else "", i.title)
        )
        return items

    @cached_property
    def live_items(self):
        return [i for i in self.items if not i.cancelled]

    def days(self, items=None):
        """[Day] for every conference day, each with its live sessions."""
        by_date = {}
        for item in self.live_items if items is None else items:
            by_date.setdefault(item.starts_at.date(), []).append(item)
        days = []
        day = self.starts_on
        while day <= self.ends_on:
            days.append(Day(date=day, items=by_date.pop(day, [])))
            day += dt.timedelta(days=1)
        # Sessions outside the conference days (possible only if the dates moved after publishing).
        days.extend(Day(date=d, items=i) for d, i in sorted(by_date.items()))
        for day in days:
            day.place_in_grid(self.rooms)
        return days

    def filtered(self, *, track=None, room=None, ids=None, plenary=False):
        items = self.live_items
        if track is not None:
            items = [i for i in items if i.track and i.track["id"] == track]
        if room is not None:
            items = [i for i in items if i.room and i.room["id"] == room]
        if ids is not None:
            items = [i for i in items if i.id in ids or (plenary and i.is_plenary)]
        return items

    def now_and_next(self, now):
        """During the event: the sessions running at ``now`` and the next ones to start."""
        live = self.live_items
        if not live:
            return [], []
        now = now.astimezone(self.tz)
        if now.date() < self.starts_on or now.date() > self.ends_on:
            return [], []
        running = [i for i in live if i.starts_at <= now < i.ends_at]
        upcoming = [i for i in live if i.starts_at > now]
        following = [i for i in upcoming if i.starts_at == upcoming[0].starts_at] if upcoming else []
        return running, following
