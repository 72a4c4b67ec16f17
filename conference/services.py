"""Rules of the conference itself (the agenda's are in :mod:`conference.agenda.services`)."""

from django.db import transaction

from .models import Conference
from .plumbing.errors import Conflict


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
