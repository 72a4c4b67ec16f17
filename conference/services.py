"""Rules of the conference itself (the agenda's are in :mod:`conference.agenda.services`)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from .agenda.services import copy_agenda, shift_local
from .models import Conference
from .plumbing.errors import Conflict, ServiceError


class ConferenceInUse(Conflict):
    code = "conference_in_use"


def check_deletable(*, conference):
    """Refuse to delete a conference that has invitations (raises ConferenceInUse).

    Deleting it would delete its invitations, delegates, badges and check-ins
    with it. The invitations are read through the reverse relation, so this
    layer needs no import of registration.
    """
    if conference.invitations.exists():
        raise ConferenceInUse(
            f"{conference.name} has invitations; it cannot be deleted (its delegates, badges and check-ins would go)."
        )


def delete_conference(*, conference):
    """Delete a conference that has no invitations; refused (409 conference_in_use) when it has any."""
    with transaction.atomic():
        conference = Conference.objects.select_for_update().get(pk=conference.pk)
        check_deletable(conference=conference)
        conference.delete()


class CopyInvalid(ServiceError):
    """A copy's name, slug or first day refused: ``{field: [message]}``, answered as field errors."""

    code = "invalid"

    def __init__(self, errors):
        super().__init__("The new conference needs correcting.")
        self.errors = errors

    def as_dict(self):
        return self.errors


# What a conference's copy keeps as it is: its set-up (place, capacity rules, branding).
COPIED_FIELDS = (
    "timezone",
    "venue",
    "address",
    "capacity",
    "capacity_exempt_categories",
    "reserved_places",
    "contact_email",
    "colour",
    "logo",
)


def copy_conference(*, source, name, slug, starts_on):
    """A new conference from ``source``: its set-up, and its agenda as an unpublished draft, moved to ``starts_on``.

    The new conference lasts as many days as ``source``; the registration
    window and every session move by the same number of days (on the
    conference's wall clock). What the layers above keep of a conference
    (questions, e-mail templates, invitations) they copy themselves, in the
    caller's transaction: see ``registration.copying``. Returns ``(new
    conference, days moved)``.
    """
    delta = dt.timedelta(days=(starts_on - source.starts_on).days)
    tz = source.tz
    conference = Conference(
        name=(name or "").strip(),
        slug=(slug or "").strip(),
        starts_on=starts_on,
        ends_on=starts_on + (source.ends_on - source.starts_on),
        registration_opens_at=source.registration_opens_at and shift_local(source.registration_opens_at, tz, delta),
        registration_closes_at=source.registration_closes_at and shift_local(source.registration_closes_at, tz, delta),
        **{field: getattr(source, field) for field in COPIED_FIELDS},
    )
    try:
        conference.full_clean()
    except ValidationError as exc:
        raise CopyInvalid({field: list(messages) for field, messages in exc.message_dict.items()}) from None
    with transaction.atomic():
        conference.save()
        copy_agenda(source=source, target=conference, delta=delta)
    return conference, delta
