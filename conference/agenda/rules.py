"""The clash checks: one place, called by the admin, the API and the organiser page.

A session is refused when it ends before it starts, falls outside the
conference's days (in the conference's time zone), or puts a room or a
speaker in two places at once. Cancelled sessions take no room and no speaker.
"""

import datetime as dt

from django.utils import timezone

from conference.models import Session

from .errors import EndsBeforeStart, OutsideConference, RoomClash, SpeakerClash


def _local(conference, moment):
    return timezone.localtime(moment, conference.tz)


def _span(conference, session):
    start, end = _local(conference, session.starts_at), _local(conference, session.ends_at)
    return f"{start:%a %d %b %H:%M}–{end:%H:%M}"


def overlapping(conference, *, starts_at, ends_at, exclude=None):
    """Live sessions of the draft that overlap [starts_at, ends_at)."""
    sessions = Session.objects.filter(
        conference=conference, cancelled_at__isnull=True, starts_at__lt=ends_at, ends_at__gt=starts_at
    )
    if exclude is not None and exclude.pk:
        sessions = sessions.exclude(pk=exclude.pk)
    return sessions


def check_session(*, conference, starts_at, ends_at, room=None, speakers=(), session=None):
    """Raise the first rule the session breaks; return None when it may stand.

    ``session`` is the session being edited (so it does not clash with itself).
    """
    if starts_at is None or ends_at is None:
        return
    if ends_at <= starts_at:
        raise EndsBeforeStart("The session must end after it starts.")
    first_day = conference.starts_on
    last_day = conference.ends_on
    start_day = _local(conference, starts_at).date()
    # A session ending exactly at midnight still belongs to the day before.
    end_day = _local(conference, ends_at - dt.timedelta(microseconds=1)).date()
    if start_day < first_day or end_day > last_day:
        raise OutsideConference(
            f"The session is outside the conference, which runs from {first_day:%d %b %Y} to {last_day:%d %b %Y}."
        )
    others = overlapping(conference, starts_at=starts_at, ends_at=ends_at, exclude=session)
    if room is not None:
        other = others.filter(room=room).order_by("starts_at").first()
        if other is not None:
            raise RoomClash(
                f"{room.name} is already taken by “{other.title}” ({_span(conference, other)}).",
                extra={"clashes_with": other.pk},
            )
    speaker_ids = [s.pk for s in speakers]
    if speaker_ids:
        other = (
            others.filter(speakers__in=speaker_ids)
            .prefetch_related("speakers")
            .order_by("starts_at")
            .distinct()
            .first()
        )
        if other is not None:
            busy = sorted(s.name for s in other.speakers.all() if s.pk in speaker_ids)
            raise SpeakerClash(
                f"{', '.join(busy)} already speaks at “{other.title}” ({_span(conference, other)}).",
                extra={"clashes_with": other.pk},
            )


def find_clashes(conference, sessions=None):
    """Every problem of the whole draft, for the organiser's page: a list of dicts.

    Two queries whatever the size of the draft (none when the caller already
    holds the live sessions, with their rooms and speakers); the comparison is
    a sweep over the sessions in start order.
    """
    if sessions is None:
        sessions = (
            Session.objects.filter(conference=conference, cancelled_at__isnull=True)
            .select_related("room")
            .prefetch_related("speakers")
        )
    sessions = sorted(sessions, key=lambda s: (s.starts_at, s.pk))
    # Each session's speakers once: the sweep compares every pair that overlaps in time.
    speakers = {s.pk: {p.pk: p for p in s.speakers.all()} for s in sessions}
    problems = []
    for s in sessions:
        if s.ends_at <= s.starts_at:
            problems.append(
                {"code": EndsBeforeStart.code, "sessions": [s], "message": f"“{s.title}” ends before it starts."}
            )
        else:
            start_day = _local(conference, s.starts_at).date()
            end_day = _local(conference, s.ends_at - dt.timedelta(microseconds=1)).date()
            if start_day < conference.starts_on or end_day > conference.ends_on:
                problems.append(
                    {
                        "code": OutsideConference.code,
                        "sessions": [s],
                        "message": f"“{s.title}” is outside the conference days.",
                    }
                )
    active = []
    for s in sessions:
        active = [a for a in active if a.ends_at > s.starts_at]
        for a in active:
            if a.room_id and a.room_id == s.room_id:
                problems.append(
                    {
                        "code": RoomClash.code,
                        "sessions": [a, s],
                        "message": f"{s.room.name}: “{a.title}” and “{s.title}” overlap ({_span(conference, s)}).",
                    }
                )
            shared = speakers[a.pk].keys() & speakers[s.pk].keys()
            if shared:
                names = sorted(speakers[s.pk][pk].name for pk in shared)
                problems.append(
                    {
                        "code": SpeakerClash.code,
                        "sessions": [a, s],
                        "message": f"{', '.join(names)}: “{a.title}” and “{s.title}” overlap ({_span(conference, s)}).",
                    }
                )
        if s.ends_at > s.starts_at:
            active.append(s)
    return problems
