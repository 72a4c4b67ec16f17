"""Celery tasks of the e-mail outbox.

Eager in-process when no ``CELERY_BROKER_URL`` is set, on workers otherwise.
The work itself is in :mod:`registration.emails`; these never raise, so a
mail server that is down never breaks the request that queued the message.
"""

from celery import shared_task

from . import emails, services


@shared_task(name="registration.send_messages", ignore_result=True)
def send_messages(ids):
    """Send freshly queued messages; if that went well and earlier ones wait for a retry, send those too.

    So even with no worker and no cron (the embedded default), a message that
    failed while the mail server was down goes out with the next one after it
    is back.
    """
    sent, failed = emails.deliver(ids=ids, limit=len(ids), fresh=True)
    if sent and not failed and emails.retries_due():
        emails.send_due(limit=emails.BATCH)
    return sent, failed


@shared_task(name="registration.send_due_messages", ignore_result=True)
def send_due_messages():
    """The sweep (Celery beat runs it every minute): retries every due message."""
    return emails.send_due()


@shared_task(name="registration.expire_invitations", ignore_result=True)
def expire_invitations():
    return services.expire_invitations()
