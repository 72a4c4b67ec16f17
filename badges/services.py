"""Issuing and reissuing badge codes."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Badge


def current_badge(registration):
    """The delegate's current badge, issued on first need.

    Issuing is lazy (the first render, the door's offline list) so that a
    registration never exists in a state the badge code depends on. Two
    requests racing to issue the first badge both end with the same row: the
    partial unique constraint lets only one current badge exist.
    """
    badge = Badge.objects.filter(registration=registration, revoked_at__isnull=True).first()
    if badge:
        return badge
    try:
        with transaction.atomic():
            return Badge.objects.create(registration=registration)
    except IntegrityError:
        return Badge.objects.get(registration=registration, revoked_at__isnull=True)


def reissue_badge(registration, reason=""):
    """Revoke the current code (if any) and issue a new one, in one transaction."""
    with transaction.atomic():
        now = timezone.now()
        Badge.objects.select_for_update().filter(registration=registration, revoked_at__isnull=True).update(
            revoked_at=now, revoked_reason=reason[:200]
        )
        return Badge.objects.create(registration=registration, issued_at=now)
