"""Delivering due outbox messages over SMTP, with leases, back-off and retries.

A failed send stays ``pending`` with a later ``next_attempt_at`` (exponential
back-off); after ``MAX_ATTEMPTS`` it is ``failed``. Nothing here raises: the
outcome is recorded on each message.
"""

import contextlib
import datetime as dt
import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from registration.models import OutboxMessage

log = logging.getLogger(__name__)

# A claimed message is leased for this long; if the sender dies, it is due again after.
LEASE = dt.timedelta(minutes=10)
MAX_ATTEMPTS = 12
BATCH = 100


def backoff(attempts):
    """1, 2, 4, 8 ... minutes after each failure, at most 6 hours."""
    return dt.timedelta(seconds=min(60 * 2 ** max(attempts - 1, 0), 6 * 3600))


def _claim(ids, now, limit, ignore_backoff=False):
    """Take due messages for sending (a lease), skipping rows another sender holds."""
    due = Q(state=OutboxMessage.State.PENDING)
    if not ignore_backoff:
        due &= Q(next_attempt_at__lte=now)
    # A message left ``sending`` by a sender that died is due again when its lease ends.
    due |= Q(state=OutboxMessage.State.SENDING, next_attempt_at__lte=now)
    with transaction.atomic():
        queryset = OutboxMessage.objects.select_for_update(skip_locked=True).filter(due).order_by("pk")
        if ids is not None:
            queryset = queryset.filter(pk__in=ids)
        messages = list(queryset[:limit])
        if messages:
            OutboxMessage.objects.filter(pk__in=[m.pk for m in messages]).update(
                state=OutboxMessage.State.SENDING, next_attempt_at=now + LEASE
            )
    return messages


def _fresh(ids, limit):
    """New messages handed to this task: no lease needed, nobody else sends them during their grace."""
    return list(
        OutboxMessage.objects.filter(pk__in=ids, state=OutboxMessage.State.PENDING, attempts=0).order_by("pk")[:limit]
    )


def _email(message, connection):
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to],
        connection=connection,
        headers={"X-COG-Outbox-Id": str(message.pk)},
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    for attachment in message.attachments or []:
        email.attach(attachment["filename"], attachment["content"], attachment.get("mimetype"))
    return email


def _failed(messages, error, now):
    error = f"{type(error).__name__}: {error}"[:2000]
    for message in messages:
        attempts = message.attempts + 1
        OutboxMessage.objects.filter(
            pk=message.pk, state__in=(OutboxMessage.State.PENDING, OutboxMessage.State.SENDING)
        ).update(
            state=OutboxMessage.State.FAILED if attempts >= MAX_ATTEMPTS else OutboxMessage.State.PENDING,
            attempts=F("attempts") + 1,
            last_error=error,
            next_attempt_at=now + backoff(attempts),
        )


def deliver(ids=None, now=None, limit=BATCH, ignore_backoff=False, fresh=False):
    """Send up to ``limit`` due messages (of ``ids`` if given) over one connection.

    ``fresh``: the messages ``ids`` were just queued and handed to this task;
    they are sent without taking a lease (one write less per message on the
    request's path). Otherwise due messages are claimed under a lease first.
    Returns ``(sent, failed)``. Never raises: a failure is recorded on the
    message and retried later. When the server cannot be reached at all, the
    rest of the batch is put back without trying each one.
    """
    now = now or timezone.now()
    messages = _fresh(ids, limit) if fresh else _claim(ids, now, limit, ignore_backoff)
    if not messages:
        return 0, 0
    sent = 0
    try:
        connection = get_connection(fail_silently=False)
        connection.open()
    except Exception as exc:
        log.warning("Mail server unavailable (%s); %d message(s) will be retried.", exc, len(messages))
        _failed(messages, exc, now)
        return 0, len(messages)
    try:
        for index, message in enumerate(messages):
            try:
                _email(message, connection).send()
            except Exception as exc:
                rest = messages[index:]
                connection_lost = isinstance(exc, OSError) and not _is_recipient_error(exc)
                _failed(rest if connection_lost else [message], exc, now)
                if connection_lost:
                    log.warning("Mail server lost (%s); %d message(s) will be retried.", exc, len(rest))
                    return sent, len(rest)
                continue
            OutboxMessage.objects.filter(pk=message.pk).exclude(state=OutboxMessage.State.SENT).update(
                state=OutboxMessage.State.SENT, attempts=F("attempts") + 1, sent_at=timezone.now(), last_error=""
            )
            sent += 1
    finally:
        with contextlib.suppress(Exception):  # closing a dead connection must not hide the outcome
            connection.close()
    return sent, len(messages) - sent


def _is_recipient_error(exc):
    return isinstance(exc, smtplib.SMTPRecipientsRefused | smtplib.SMTPDataError | smtplib.SMTPSenderRefused)


def send_new(ids):
    """Send freshly queued messages; if that went well and earlier ones wait for a retry, send those too.

    So even with no worker and no cron (the embedded default), a message that
    failed while the mail server was down goes out with the next one after it
    is back. Returns ``(sent, failed)`` of the new messages.
    """
    sent, failed = deliver(ids=ids, limit=len(ids), fresh=True)
    if sent and not failed and retries_due():
        send_due(limit=BATCH)
    return sent, failed


def retries_due(now=None):
    """Whether any message waits for the sweep: a retry that is due, or one whose task never sent it.

    One indexed query, no transaction.
    """
    now = now or timezone.now()
    return OutboxMessage.objects.filter(
        state__in=(OutboxMessage.State.PENDING, OutboxMessage.State.SENDING), next_attempt_at__lte=now
    ).exists()


def send_due(now=None, limit=10_000, ignore_backoff=False):
    """The sweep: send every due message, batch by batch; returns ``(sent, failed)``.

    Stops at the first batch that sends nothing (the server is down: the
    messages wait for their next attempt). ``ignore_backoff`` retries every
    pending message now (after an outage is over).
    """
    total_sent = total_failed = 0
    while total_sent + total_failed < limit:
        sent, failed = deliver(
            now=now, limit=min(BATCH, limit - total_sent - total_failed), ignore_backoff=ignore_backoff
        )
        total_sent += sent
        total_failed += failed
        if sent == 0:
            break
    return total_sent, total_failed


def make_due(ids):
    """An organiser's "Retry": unsent messages of ``ids`` become due now; returns their ids.

    A message that had used up its attempts gets one more; a message being sent
    or already sent is left alone.
    """
    ids = list(
        OutboxMessage.objects.filter(
            pk__in=ids, state__in=(OutboxMessage.State.PENDING, OutboxMessage.State.FAILED)
        ).values_list("pk", flat=True)
    )
    OutboxMessage.objects.filter(pk__in=ids).update(state=OutboxMessage.State.PENDING, next_attempt_at=timezone.now())
    return ids


def send_retried(ids):
    """Send messages made due by ``make_due`` (they are claimed under a lease like any retry)."""
    return deliver(ids=ids, limit=max(len(ids), 1), ignore_backoff=True)
