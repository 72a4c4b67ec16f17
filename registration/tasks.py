"""Celery tasks of registration (the outbox's own are in :mod:`registration.outbox.tasks`)."""

from celery import shared_task

from . import services


@shared_task(name="registration.expire_invitations", ignore_result=True)
def expire_invitations():
    return services.expire_invitations()
