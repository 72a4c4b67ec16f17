"""Editing the draft and publishing it: the agenda's rules, whoever calls them.

The API, the admin and the organiser's page call these functions; they raise
:class:`~conference.agenda.errors.AgendaError` subclasses with the codes the
README documents and never leave anything half-written.
"""

import hashlib
import json

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from conference.models import AgendaVersion, Conference, Room, Session, Speaker, Track

from . import rules
from .errors import (
    AgendaHasClashes,
    DraftChanged,
    NameTaken,
    NothingToPublish,
    RoomInUse,
    SpeakerInUse,
    TrackInUse,
)
from .signals import agenda_published
from .snapshot import build_snapshot, carry_sequences, diff_snapshots

SESSION_FIELDS = ("title", "kind", "starts_at", "ends_at", "room", "track", "capacity", "abstract", "cancelled_at")


def _lock(conference):
    """Serialise edits of one conference's agenda (a no-op lock on SQLite, whose writers queue anyway)."""
    return Conference.objects.select_for_update().get(pk=conference.pk)


def _check(conference, session, speakers, fields):
    """The clash checks of the session as ``fields`` would leave it (the session itself is not touched)."""
    unknown = set(fields) - set(SESSION_FIELDS)
    if unknown:
        raise TypeError(f"unexpected session fields: {', '.join(sorted(unknown))}")

    def value(name):
        return fields[name] if name in fields else getattr(session, name, None)

    if value("cancelled_at") is not None:
        return  # a cancelled session takes no room and no speaker
    if speakers is None:
        speakers = list(session.speakers.all()) if session is not None and session.pk else []
    rules.check_session(
        conference=conference,
        starts_at=value("starts_at"),
        ends_at=value("ends_at"),
        room=value("room"),
        speakers=speakers,
        session=session,
    )


def check_session(*, conference, session=None, speakers=None, **fields):
    """The clash checks of :func:`save_session`, under its lock, without saving.

    For a form that validates before it saves (the admin's): call it inside
    the transaction that will save, so the lock on the conference is held
    from the check to the save and no other editor can book the room between.
    """
    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError(
            "check_session() holds the agenda lock until the transaction ends: call it inside the one that saves."
        )
    _lock(conference)
    _check(conference, session, speakers, fields)


@transaction.atomic
def save_session(*, conference, session=None, speakers=None, **fields):
    """Create a session (``session`` None) or change one, after the clash checks.

    ``fields`` are any of SESSION_FIELDS; ``speakers`` (when given) replaces
    the session's speakers. The check and the write happen under a lock on the
    conference so two editors cannot book one room at once. A cancelled
    session (``cancelled_at`` set) is not checked: it takes no room and no speaker.
    """
    _lock(conference)
    _check(conference, session, speakers, fields)
    if session is None:
        session = Session(conference=conference)
    for name, value in fields.items():
        setattr(session, name, value)
    if speakers is None:
        speakers = list(session.speakers.all()) if session.pk else []
    session.save()
    session.speakers.set(speakers)
    return session


@transaction.atomic
def remove_session(*, session):
    """Delete from the draft: a published session is cancelled, a never-published one removed.

    Returns ``"cancelled"`` or ``"deleted"``.
    """
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.published_in is None:
        session.delete()
        return "deleted"
    if session.cancelled_at is None:
        session.cancelled_at = timezone.now()
        session.save(update_fields=["cancelled_at", "updated_at"])
    return "cancelled"


# --- Rooms, tracks, speakers -------------------------------------------------------------
#
# What sessions stand on. The API's viewsets and the editor's forms both call
# these; the forms and serializers only check the fields' shapes.

ROOM_FIELDS = ("name", "capacity", "position")
TRACK_FIELDS = ("name", "colour")
SPEAKER_FIELDS = ("name", "organisation", "email", "bio", "photo")


def _save_part(model, allowed, conference, instance, fields, unique_name):
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unexpected {model._meta.model_name} fields: {', '.join(sorted(unknown))}")
    _lock(conference)  # two editors cannot both take one name
    if unique_name and "name" in fields:
        others = model.objects.filter(conference=conference, name__iexact=fields["name"])
        if instance is not None and instance.pk:
            others = others.exclude(pk=instance.pk)
        if others.exists():
            message = (
                f"This conference already has a {model._meta.verbose_name} “{fields['name']}”: choose another name."
            )
            raise NameTaken(message, extra={"name": [message]})
    if instance is None:
        instance = model(conference=conference)
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.save()
    return instance


def _sessions_count(sessions):
    n = sessions.count()
    return f"{n} session{'s' if n != 1 else ''}"


@transaction.atomic
def save_room(*, conference, room=None, **fields):
    """Create a room (``room`` None) or change one: ``name`` (unique in the conference, in any case), ``capacity``."""
    return _save_part(Room, ROOM_FIELDS, conference, room, fields, unique_name=True)


def check_room_deletable(*, room):
    """Refuse (``room_in_use``) a room that sessions use, cancelled ones too: they stay in the history."""
    sessions = Session.objects.filter(room=room)
    if sessions.exists():
        raise RoomInUse(
            f"{room.name} still has {_sessions_count(sessions)} (cancelled ones too: they stay in the history): "
            "move them to another room first."
        )


@transaction.atomic
def delete_room(*, room):
    """Delete a room no session uses (:func:`check_room_deletable`)."""
    _lock(room.conference)
    check_room_deletable(room=room)
    room.delete()


@transaction.atomic
def save_track(*, conference, track=None, **fields):
    """Create a track (``track`` None) or change one: ``name`` (unique in the conference), ``colour`` (#rrggbb)."""
    return _save_part(Track, TRACK_FIELDS, conference, track, fields, unique_name=True)


def check_track_deletable(*, track):
    """Refuse (``track_in_use``) a track sessions are in: they would silently lose it."""
    sessions = Session.objects.filter(track=track)
    if sessions.exists():
        raise TrackInUse(
            f"The track {track.name} still has {_sessions_count(sessions)} (cancelled ones too: they stay in "
            "the history): give them another track first."
        )


@transaction.atomic
def delete_track(*, track):
    """Delete a track no session is in (:func:`check_track_deletable`)."""
    _lock(track.conference)
    check_track_deletable(track=track)
    track.delete()


@transaction.atomic
def save_speaker(*, conference, speaker=None, **fields):
    """Create a speaker (``speaker`` None) or change one: name, organisation, e-mail, bio, photo.

    Two speakers may share a name (two people can); the e-mail is what ties a
    speaker to a delegate.
    """
    return _save_part(Speaker, SPEAKER_FIELDS, conference, speaker, fields, unique_name=False)


def check_speaker_deletable(*, speaker):
    """Refuse (``speaker_in_use``) a speaker of any session."""
    sessions = Session.objects.filter(speakers=speaker)
    if sessions.exists():
        raise SpeakerInUse(
            f"{speaker.name} still speaks in {_sessions_count(sessions)} (cancelled ones too: they stay in the "
            "history): take them off those sessions first."
        )


@transaction.atomic
def delete_speaker(*, speaker):
    """Delete a speaker of no session (:func:`check_speaker_deletable`)."""
    _lock(speaker.conference)
    check_speaker_deletable(speaker=speaker)
    speaker.delete()


def latest_version(conference):
    return AgendaVersion.objects.filter(conference=conference).order_by("-number").first()


def _next_snapshot(conference, previous, sessions=None):
    """The draft as the next version would freeze it (sequences carried from ``previous``)."""
    return carry_sequences(previous.snapshot if previous else None, build_snapshot(conference, sessions=sessions))


def unpublished_changes(conference):
    """The changelog the next publish would write (the draft against the latest version)."""
    return pending_publication(conference)["changes"]


def pending_publication(conference, sessions=None):
    """What publishing now would do: ``changes`` (added, moved, cancelled) and ``changed``.

    ``changed`` is False when the draft is the latest version exactly (an
    edited title or abstract is a change too, though not a move). Before the
    first version there is always something to publish. The organiser's page
    and :func:`publish_agenda` both decide with this. ``sessions``: the
    draft's sessions (``snapshot.draft_sessions``) when the caller holds them;
    ``previous`` in the answer is the latest version (None before the first).
    """
    previous = latest_version(conference)
    snapshot = _next_snapshot(conference, previous, sessions=sessions)
    changes = diff_snapshots(previous.snapshot if previous else None, snapshot)
    return {
        "changes": changes,
        "changed": previous is None or snapshot != previous.snapshot,
        # Names this exact draft: a publish confirmed from a preview is refused if the draft moved on since.
        "fingerprint": hashlib.sha256(json.dumps(snapshot, sort_keys=True).encode()).hexdigest()[:20],
        "next_number": (previous.number if previous else 0) + 1,
        "previous": previous,
        "snapshot": snapshot,
    }


@transaction.atomic
def publish_agenda(*, conference, note="", user=None, notify=False, expected=None):
    """Freeze the draft as version N, with its note and its changelog against N-1.

    Refused (code ``agenda_clashes``) while the draft has clashes: the public
    must never be shown a room or a speaker in two places at once; refused
    (409 ``nothing_to_publish``) when the draft is the latest version exactly.
    With ``notify``, the delegates who booked or starred a session this
    version moved or cancelled are e-mailed (by the receivers of
    :data:`~conference.agenda.signals.agenda_published`, in this transaction);
    ``version.notified`` is how many were. ``expected`` (a preview's
    ``fingerprint``) refuses (409 ``draft_changed``) a draft that changed since
    the organiser saw what would be published.
    """
    conference = _lock(conference)
    problems = rules.find_clashes(conference)
    if problems:
        raise AgendaHasClashes(
            f"The draft has {len(problems)} clash{'es' if len(problems) != 1 else ''} to resolve first: "
            + "; ".join(p["message"] for p in problems[:3]),
            extra={"clashes": [p["message"] for p in problems]},
        )
    pending = pending_publication(conference)
    if not pending["changed"]:
        raise NothingToPublish(f"Nothing to publish: the draft is the same as version {pending['next_number'] - 1}.")
    if expected and expected != pending["fingerprint"]:
        raise DraftChanged("The draft changed since you reviewed it: check the changes again, then publish.")
    number = (AgendaVersion.objects.filter(conference=conference).aggregate(n=Max("number"))["n"] or 0) + 1
    version = AgendaVersion.objects.create(
        conference=conference,
        number=number,
        note=note or "",
        published_at=timezone.now(),
        published_by=user if user is not None and user.is_authenticated else None,
        snapshot=pending["snapshot"],
        changes=pending["changes"],
    )
    Session.objects.filter(conference=conference, published_in__isnull=True, cancelled_at__isnull=True).update(
        published_in=number
    )
    answers = agenda_published.send(sender=AgendaVersion, version=version, notify=bool(notify))
    version.notified = sum(n for _receiver, n in answers if isinstance(n, int))
    return version


def shift_local(moment, tz, delta):
    """``moment`` moved by ``delta`` (whole days) on the conference's wall clock: 09:30 stays 09:30 across DST."""
    local = moment.astimezone(tz)
    return (local.replace(tzinfo=None) + delta).replace(tzinfo=tz)


def copy_agenda(*, source, target, delta):
    """Copy ``source``'s rooms, tracks, speakers and live sessions to ``target`` as an unpublished draft.

    Each session moves by ``delta`` (a whole number of days) on the
    conference's wall clock; cancelled sessions and published versions are
    left behind, so the new conference has nothing published. Call inside
    the caller's transaction.
    """
    rooms = {
        room.pk: Room.objects.create(conference=target, name=room.name, capacity=room.capacity, position=room.position)
        for room in source.rooms.all()
    }
    tracks = {
        track.pk: Track.objects.create(conference=target, name=track.name, colour=track.colour)
        for track in source.tracks.all()
    }
    speakers = {
        speaker.pk: Speaker.objects.create(
            conference=target,
            name=speaker.name,
            organisation=speaker.organisation,
            email=speaker.email,
            bio=speaker.bio,
            photo=speaker.photo,
        )
        for speaker in source.speakers.all()
    }
    tz = source.tz
    sessions = source.sessions.filter(cancelled_at__isnull=True).prefetch_related("speakers").order_by("starts_at")
    for session in sessions:
        copy = Session.objects.create(
            conference=target,
            title=session.title,
            kind=session.kind,
            starts_at=shift_local(session.starts_at, tz, delta),
            ends_at=shift_local(session.ends_at, tz, delta),
            room=rooms.get(session.room_id),
            track=tracks.get(session.track_id),
            capacity=session.capacity,
            abstract=session.abstract,
        )
        copy.speakers.set([speakers[s.pk] for s in session.speakers.all()])
    return len(sessions)
