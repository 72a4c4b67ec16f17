"""Telling delegates that sessions they care about moved or were cancelled.

The agenda (``conference``) may not import registration, so it announces a
published version with :data:`conference.agenda.signals.agenda_published`;
:func:`notify_agenda_changed` is connected to it (``RegistrationConfig.ready``)
and runs inside the publishing transaction, so the e-mails are recorded in
the outbox with the version or not at all.
"""

import datetime as dt
import zoneinfo

from .emails import registration_values
from .models import Registration
from .outbox import templates
from .outbox.queue import queue
from .outbox.tasks import dispatch_on_commit


def _when(place, tz):
    start = dt.datetime.fromisoformat(place["starts_at"]).astimezone(tz)
    end = dt.datetime.fromisoformat(place["ends_at"]).astimezone(tz)
    room = f", {place['room']}" if place.get("room") else ""
    return f"{start:%a %d %b %H:%M}–{end:%H:%M}{room}"


def _change_lines(changes, tz):
    """{session id: a sentence} for every moved or cancelled session of a changelog."""
    lines = {}
    for entry in changes.get("moved", []):
        lines[entry["id"]] = (
            f"“{entry['title']}” has moved: now {_when(entry['to'], tz)} (was {_when(entry['from'], tz)})."
        )
    for entry in changes.get("cancelled", []):
        lines[entry["id"]] = f"“{entry['title']}” ({_when(entry, tz)}) is cancelled."
    return lines


def delegates_concerned(conference_id, session_ids):
    """{registration id: {session ids}}: confirmed delegates who booked or starred one of ``session_ids``."""
    concerned = {}
    confirmed = {"registration__conference_id": conference_id, "registration__status": Registration.Status.CONFIRMED}
    for through in (Registration.workshops.through, Registration.starred.through):
        rows = through.objects.filter(session_id__in=session_ids, **confirmed).values_list(
            "registration_id", "session_id"
        )
        for registration_id, session_id in rows:
            concerned.setdefault(registration_id, set()).add(session_id)
    return concerned


def notify_agenda_changed(sender, *, version, notify, **kwargs):
    """E-mail (``agenda_changed``) each delegate concerned by a version's moves and cancellations.

    Returns how many delegates were told (0 unless ``notify``).
    """
    if not notify:
        return 0
    conference = version.conference
    lines = _change_lines(version.changes, zoneinfo.ZoneInfo(conference.timezone))
    concerned = delegates_concerned(conference.pk, list(lines))
    if not concerned:
        return 0
    registrations = Registration.objects.filter(pk__in=concerned).select_related("invitation__organisation")
    ids = []
    for registration in registrations.order_by("pk"):
        changes = "\n".join(f"- {lines[session_id]}" for session_id in sorted(concerned[registration.pk]))
        if version.note:
            changes += f"\n\nThe organisers' note: {version.note}"
        message = queue(
            purpose="agenda_changed",
            to=registration.email,
            kind=templates.AGENDA_CHANGED,
            conference=conference,
            values={**registration_values(registration), "changes": changes},
            invitation=registration.invitation,
            registration=registration,
            dispatch=False,
        )
        ids.append(message.pk)
    dispatch_on_commit(ids)
    return len(ids)
