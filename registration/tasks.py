"""Celery tasks of registration (the outbox's own are in :mod:`registration.outbox.tasks`)."""

from celery import shared_task

from . import privacy, services
from .batches import prepare_invitation_emails

__all__ = ["apply_retention", "expire_invitations", "prepare_invitation_emails"]


@shared_task(name="registration.expire_invitations", ignore_result=True)
def expire_invitations():
    return services.expire_invitations()


@shared_task(name="registration.apply_retention", ignore_result=True)
def apply_retention():
    """Daily (Celery beat): anonymise what is past keeping (``registration.privacy.apply_retention``)."""
    return privacy.apply_retention()
