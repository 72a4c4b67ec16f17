"""Celery tasks of the outbox, and handing new messages to them.

Eager in-process when no ``CELERY_BROKER_URL`` is set, on workers otherwise.
The tasks never raise, so a mail server that is down never breaks the
request that queued the message. The task names are stable: the beat
schedule in settings names them.
"""

import logging

from celery import shared_task
from django.db import transaction

from . import sending

log = logging.getLogger(__name__)


@shared_task(name="registration.send_messages", ignore_result=True)
def send_messages(ids):
    """Send freshly queued messages; if that went well and earlier ones wait for a retry, send those too.

    So even with no worker and no cron (the embedded default), a message that
    failed while the mail server was down goes out with the next one after it
    is back.
    """
    sent, failed = sending.deliver(ids=ids, limit=len(ids), fresh=True)
    if sent and not failed and sending.retries_due():
        sending.send_due(limit=sending.BATCH)
    return sent, failed


@shared_task(name="registration.send_due_messages", ignore_result=True)
def send_due_messages():
    """The sweep (Celery beat runs it every minute): retries every due message."""
    return sending.send_due()


def dispatch(ids):
    """Hand messages to Celery. If the broker cannot be reached they stay pending for the sweep."""
    try:
        for start in range(0, len(ids), sending.BATCH):
            send_messages.delay(ids[start : start + sending.BATCH])
    except Exception:  # a broker that is down must never break the request
        log.exception("Could not hand %d outbox message(s) to Celery; the sweep will send them.", len(ids))


def dispatch_on_commit(ids):
    ids = list(ids)
    if ids:
        transaction.on_commit(lambda: dispatch(ids), robust=True)
