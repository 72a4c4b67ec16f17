"""A meeting's calendar event: its networking session's event (times, status, place), as a meeting.

Built on ``conference.agenda.exporters.session_event``, the one calendar
event of a session, with its own UID (one event a meeting, beside the
session's own) and the other delegate and the table in its summary and
location.
"""

import hashlib

from conference.agenda import exporters


def meeting_uid(meeting):
    return f"meeting-{meeting.pk}@cog-conference"


def meeting_title(meeting, registration):
    return f"Meeting with {meeting.other(registration).full_name}"


def meeting_event(agenda, item, meeting, registration):
    """The event of an accepted ``meeting`` in the networking session ``item`` of the published ``agenda``."""
    other = meeting.other(registration)
    event = exporters.session_event(agenda, item)
    for name in ("uid", "summary", "location", "description", "categories"):
        event.pop(name, None)
    event.add("uid", meeting_uid(meeting))
    event.add("summary", f"{meeting_title(meeting, registration)} ({meeting.table})")
    where = ", ".join(x for x in (meeting.table, (item.room or {}).get("name"), agenda.conference.get("venue")) if x)
    event.add("location", where)
    about = (
        f"{other.full_name}, {other.job_title + ', ' if other.job_title else ''}{other.invitation.organisation.name}"
    )
    event.add("description", f"{about}\n{item.title}" + (f"\n\n{meeting.message}" if meeting.message else ""))
    event.add("categories", ["Meeting"])
    return event


def signature(meetings, registration):
    """What of a delegate's meetings makes their calendar (for its ETag and its cache key): empty without any.

    The delegate is part of it: two delegates of one meeting see it with
    different titles.
    """
    if not meetings:
        return ""
    parts = [str(registration.pk)] + [
        f"{m.pk}:{m.slot_id}:{m.table}:{m.other(registration).full_name}" for m in meetings
    ]
    return "m" + hashlib.sha256("|".join(parts).encode()).hexdigest()[:24]
