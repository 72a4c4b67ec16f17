"""A delegate's own agenda: the sessions they booked, starred or speak at.

:func:`agenda_session_ids` decides what "my agenda" holds, for the page, the
``.ics`` and its ETag; :func:`star_session` and :func:`unstar_session` are
the one way to change the stars (the API calls them).
"""

from django.db.models import BooleanField, Exists, OuterRef, Q, Value

from conference.models import Session
from conference.plumbing.errors import Conflict, ServiceError

from .models import Registration


class UnknownSession(ServiceError):
    code = "unknown_session"


def _check_can_star(registration):
    if registration.status == Registration.Status.CANCELLED:
        raise Conflict(
            "This registration is cancelled: its agenda can no longer change.", code="registration_cancelled"
        )


def starred_ids(registration):
    return sorted(registration.starred.values_list("pk", flat=True))


def star_session(*, registration, session_id):
    """Star a session of the delegate's conference that the published agenda holds; starring twice is harmless."""
    _check_can_star(registration)
    session = Session.objects.filter(
        pk=session_id, conference_id=registration.conference_id, published_in__isnull=False, cancelled_at__isnull=True
    ).first()
    if session is None:
        raise UnknownSession("There is no such session in this conference's published agenda.")
    # An auto-created through table: add() inserts with ON CONFLICT DO NOTHING, so two taps at once star once.
    registration.starred.add(session)
    return session


def unstar_session(*, registration, session_id):
    """Unstar; a session that was not starred is left as it was."""
    _check_can_star(registration)
    registration.starred.remove(*Session.objects.filter(pk=session_id, conference_id=registration.conference_id))


def _speaks(registration):
    """A speaker is a person: this confirmed delegate, when a speaker has their e-mail."""
    return registration.status == Registration.Status.CONFIRMED and bool(registration.email)


def agenda_session_ids(registration):
    """{"booked", "starred", "speaking"}: the session ids of this delegate's agenda, by why they are in it.

    Booked: their workshops.
    Starred: :func:`star_session`. Speaking: sessions whose speaker has this
    confirmed delegate's e-mail, in any case. The sessions for everyone
    (keynotes, breaks, networking) come on top, from the published agenda
    itself. One query, whatever the numbers.
    """

    def mark(through, **match):
        return Exists(through.objects.filter(session_id=OuterRef("pk"), **match))

    sessions = Session.objects.filter(conference_id=registration.conference_id).annotate(
        is_booked=mark(Registration.workshops.through, registration_id=registration.pk),
        is_starred=mark(Registration.starred.through, registration_id=registration.pk),
        is_speaking=(
            mark(Session.speakers.through, speaker__email__iexact=registration.email)
            if _speaks(registration)
            else Value(False, output_field=BooleanField())
        ),
    )
    rows = sessions.filter(Q(is_booked=True) | Q(is_starred=True) | Q(is_speaking=True)).values_list(
        "pk", "is_booked", "is_starred", "is_speaking"
    )
    booked, starred, speaking = set(), set(), set()
    for pk, is_booked, is_starred, is_speaking in rows:
        for group, member in ((booked, is_booked), (starred, is_starred), (speaking, is_speaking)):
            if member:
                group.add(pk)
    return {"booked": booked, "starred": starred, "speaking": speaking}


def all_ids(groups):
    return set().union(*groups.values())
