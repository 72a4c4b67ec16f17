"""Editing the draft and publishing it: the agenda's rules, whoever calls them.

The API, the admin and the organiser's page call these functions; they raise
:class:`~conference.agenda.errors.AgendaError` subclasses with the codes the
README documents and never leave anything half-written.
"""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from conference.models import AgendaVersion, Conference, Session

from . import rules
from .errors import AgendaHasClashes
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


def latest_version(conference):
    return AgendaVersion.objects.filter(conference=conference).order_by("-number").first()


def unpublished_changes(conference):
    """The changelog the next publish would write (the draft against the latest version)."""
    latest = latest_version(conference)
    return diff_snapshots(latest.snapshot if latest else None, build_snapshot(conference))


@transaction.atomic
def publish_agenda(*, conference, note="", user=None):
    """Freeze the draft as version N, with its note and its changelog against N-1.

    Refused (code ``agenda_clashes``) while the draft has clashes: the public
    must never be shown a room or a speaker in two places at once.
    """
    conference = _lock(conference)
    problems = rules.find_clashes(conference)
    if problems:
        raise AgendaHasClashes(
            f"The draft has {len(problems)} clash{'es' if len(problems) != 1 else ''} to resolve first: "
            + "; ".join(p["message"] for p in problems[:3]),
            extra={"clashes": [p["message"] for p in problems]},
        )
    previous = latest_version(conference)
    number = (AgendaVersion.objects.filter(conference=conference).aggregate(n=Max("number"))["n"] or 0) + 1
    snapshot = carry_sequences(previous.snapshot if previous else None, build_snapshot(conference))
    changes = diff_snapshots(previous.snapshot if previous else None, snapshot)
    version = AgendaVersion.objects.create(
        conference=conference,
        number=number,
        note=note or "",
        published_at=timezone.now(),
        published_by=user if user is not None and user.is_authenticated else None,
        snapshot=snapshot,
        changes=changes,
    )
    Session.objects.filter(conference=conference, published_in__isnull=True, cancelled_at__isnull=True).update(
        published_in=number
    )
    return version
