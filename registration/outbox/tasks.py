"""Celery tasks of the outbox, and handing new messages over once their transaction commits.

With ``CELERY_BROKER_URL`` set, new messages go to Celery workers; with none
(the embedded default) to the process's background sender
(:mod:`registration.outbox.background`): never sent inside the request
either way. The tasks never raise, so a mail server that is down never breaks
anything. The task names are stable: the beat schedule in settings names them.
"""

import logging

from celery import shared_task
from django.conf import settings
from django.db import transaction

from . import sending, signals
from .background import sender

log = logging.getLogger(__name__)


@shared_task(name="registration.send_messages", ignore_result=True)
def send_messages(ids):
    """Send freshly queued messages, then any retries that are due (``sending.send_new``)."""
    return sending.send_new(ids)


@shared_task(name="registration.send_due_messages", ignore_result=True)
def send_due_messages():
    """The sweep (Celery beat runs it every minute): finishes left-over work, then retries every due message."""
    signals.finish_left_over()
    return sending.send_due()


@shared_task(name="registration.retry_messages", ignore_result=True)
def retry_messages(ids):
    """Send messages an organiser asked to retry (``sending.send_retried``)."""
    return sending.send_retried(ids)


def dispatch(ids):
    """Hand messages to Celery workers, or with no broker to the background sender; returns at once.

    If the broker cannot be reached they stay pending for the sweep.
    """
    if not settings.CELERY_BROKER_URL:
        for start in range(0, len(ids), sending.BATCH):
            sender.submit(sending.send_new, ids[start : start + sending.BATCH])
        return
    try:
        for start in range(0, len(ids), sending.BATCH):
            send_messages.delay(ids[start : start + sending.BATCH])
    except Exception:  # a broker that is down must never break the request
        log.exception("Could not hand %d outbox message(s) to Celery; the sweep will send them.", len(ids))


def dispatch_on_commit(ids):
    ids = list(ids)
    if ids:
        transaction.on_commit(lambda: dispatch(ids), robust=True)


def retry(ids):
    """An organiser's "Retry": the unsent messages of ``ids`` are sent again in the background; returns how many.

    Never inside the request: after the transaction commits they go to a
    worker, or with no broker to the background sender.
    """
    ids = sending.make_due(ids)
    if ids:
        transaction.on_commit(lambda: _hand_over_retry(ids), robust=True)
    return len(ids)


def _hand_over_retry(ids):
    if not settings.CELERY_BROKER_URL:
        sender.submit(sending.send_retried, ids)
        return
    try:
        retry_messages.delay(ids)
    except Exception:  # a broker that is down must never break the request
        log.exception("Could not hand %d retried message(s) to Celery; the sweep will send them.", len(ids))
