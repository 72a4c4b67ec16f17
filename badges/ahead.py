"""When badges are rendered ahead of need, and when a stored badge is deleted: signal receivers.

Rendering ahead is never needed for a print to be right (``badges.stored``
renders a missing or stale badge on the spot); it makes the print a merge.
Receivers queue ``badges.tasks.start_render_ahead`` once the transaction
commits: when a delegate is confirmed or edited, when their invitation or
organisation changes, and for everyone when the conference or its badge
design is saved. A delegate no longer confirmed, or erased, loses the stored
PDF (it names them). ``BADGE_RENDER_AHEAD = False`` turns rendering ahead off.
"""

from functools import partial

from django.conf import settings
from django.db import transaction

from registration.models import Registration

from .models import Badge, BadgeDesign
from .stored import forget
from .tasks import start_render_ahead


def _render_ahead_later(conference_id, registration_ids=None):
    """Queue ``badges.services.render_ahead`` once the transaction commits (a Celery task, or the renderer thread)."""
    if not getattr(settings, "BADGE_RENDER_AHEAD", True):
        return
    transaction.on_commit(partial(start_render_ahead, conference_id, registration_ids))


def registration_saved(sender, instance, created=False, update_fields=None, **kwargs):
    if instance.status == Registration.Status.CONFIRMED and instance.anonymised_at is None:
        _render_ahead_later(instance.conference_id, [instance.pk])
    elif not created:
        forget(Badge.objects.filter(registration=instance))


def registrations_anonymised(sender, registrations, **kwargs):
    """A badge names its delegate: erased data takes the stored PDFs with it."""
    forget(Badge.objects.filter(registration__in=registrations))


def invitation_saved(sender, instance, **kwargs):
    ids = list(
        Registration.objects.filter(invitation=instance, status=Registration.Status.CONFIRMED).values_list(
            "pk", flat=True
        )
    )
    if ids:
        _render_ahead_later(instance.conference_id, ids)


def organisation_saved(sender, instance, created=False, **kwargs):
    if created:
        return
    rows = Registration.objects.filter(
        invitation__organisation=instance, status=Registration.Status.CONFIRMED
    ).values_list("conference_id", "pk")
    by_conference = {}
    for conference_id, pk in rows:
        by_conference.setdefault(conference_id, []).append(pk)
    for conference_id, ids in by_conference.items():
        _render_ahead_later(conference_id, ids)


def conference_saved(sender, instance, created=False, **kwargs):
    if not created:
        _render_ahead_later(instance.pk)


def design_saved(sender, instance, **kwargs):
    """Everyone's badge again in the new design."""
    _render_ahead_later(instance.conference_id)


def connect():
    """Render ahead when what a badge shows changes (``BadgesConfig.ready``)."""
    from django.db.models.signals import post_save

    from conference.models import Conference, Organisation
    from registration.models import Invitation
    from registration.privacy import anonymising

    post_save.connect(registration_saved, sender=Registration, dispatch_uid="badges.ahead.registration")
    anonymising.connect(registrations_anonymised, dispatch_uid="badges.ahead.anonymised")
    post_save.connect(invitation_saved, sender=Invitation, dispatch_uid="badges.ahead.invitation")
    post_save.connect(organisation_saved, sender=Organisation, dispatch_uid="badges.ahead.organisation")
    post_save.connect(conference_saved, sender=Conference, dispatch_uid="badges.ahead.conference")
    post_save.connect(design_saved, sender=BadgeDesign, dispatch_uid="badges.ahead.design")
