"""E-mail through the outbox.

Every message is rendered (plain text and HTML, from the templates under
``templates/registration/email/``) and written to :class:`OutboxMessage` in
the transaction of the change that causes it. Only after that transaction
commits is it handed to Celery (``transaction.on_commit``): eagerly in this
process when no broker is configured, on a worker otherwise. A failed send
stays ``pending`` with a later ``next_attempt_at`` (exponential back-off); the
sweep (``manage.py send_outbox``, the Celery beat task, and every later send)
picks it up again, so nothing is lost while the mail server is down.
"""

import contextlib
import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .models import OutboxMessage

log = logging.getLogger(__name__)

# A claimed message is leased for this long; if the sender dies, it is due again after.
LEASE = dt.timedelta(minutes=10)
# A new message belongs to the task it was handed to for this long; after that the
# sweep takes it (the broker was down, or the process died before sending).
FRESH_GRACE = dt.timedelta(minutes=2)
MAX_ATTEMPTS = 12
BATCH = 100


def backoff(attempts):
    """1, 2, 4, 8 ... minutes after each failure, at most 6 hours."""
    return dt.timedelta(seconds=min(60 * 2 ** max(attempts - 1, 0), 6 * 3600))


# Links.


def absolute(path):
    return settings.SITE_URL + path


def rsvp_url(invitation):
    return absolute(reverse("rsvp", args=[invitation.token]))


def manage_url(registration):
    return absolute(reverse("manage", args=[registration.token]))


def personal_links(registration):
    """The delegate's personal links; badge and agenda routes belong to the badges and agenda parts."""
    base = manage_url(registration)
    return {
        "manage_url": base,
        "badge_url": base + "badge.pdf",
        "agenda_url": base + "agenda/",
        "agenda_ics_url": base + "agenda.ics",
    }


# Writing to the outbox.


def queue(*, purpose, to, template, context, invitation=None, registration=None, attachments=None, dispatch=True):
    """Render ``template`` (``<template>_subject.txt``, ``.txt``, ``.html``) and record the message.

    With ``dispatch`` the message is handed to Celery once the surrounding
    transaction commits; batch senders pass ``dispatch=False`` and call
    :func:`dispatch_on_commit` once with every id.
    """
    context = {"site_url": settings.SITE_URL, **context}
    base = f"registration/email/{template}"
    subject = " ".join(render_to_string(f"{base}_subject.txt", context).split())
    message = OutboxMessage.objects.create(
        purpose=purpose,
        to=to,
        subject=subject[:300],
        body_text=render_to_string(f"{base}.txt", context),
        body_html=render_to_string(f"{base}.html", context),
        attachments=attachments or [],
        invitation=invitation,
        registration=registration,
        next_attempt_at=timezone.now() + FRESH_GRACE,
    )
    if dispatch:
        dispatch_on_commit([message.pk])
    return message


def dispatch_on_commit(ids):
    ids = list(ids)
    if ids:
        transaction.on_commit(lambda: dispatch(ids), robust=True)


def dispatch(ids):
    """Hand messages to Celery. If the broker cannot be reached they stay pending for the sweep."""
    from . import tasks

    try:
        for start in range(0, len(ids), BATCH):
            tasks.send_messages.delay(ids[start : start + BATCH])
    except Exception:  # a broker that is down must never break the request
        log.exception("Could not hand %d outbox message(s) to Celery; the sweep will send them.", len(ids))


# The messages.


def invitation_email(invitation, reminder=False, dispatch=True):
    conference = invitation.conference
    return queue(
        purpose="reminder" if reminder else "invitation",
        to=invitation.email,
        template="reminder" if reminder else "invitation",
        context={
            "invitation": invitation,
            "conference": conference,
            "organisation": invitation.organisation,
            "rsvp_url": rsvp_url(invitation),
        },
        invitation=invitation,
        dispatch=dispatch,
    )


def _registration_context(registration):
    # A registration just created carries its workshops; saves a query on the RSVP's path.
    workshops = getattr(registration, "chosen_workshops", None)
    if workshops is None:
        workshops = list(registration.workshops.select_related("room").order_by("starts_at"))
    return {
        "registration": registration,
        "conference": registration.conference,
        "organisation": registration.invitation.organisation,
        "workshops": workshops,
        **personal_links(registration),
    }


def confirmation_email(registration, template="confirmation", purpose="confirmation"):
    from .calendar import registration_ics

    context = _registration_context(registration)
    return queue(
        purpose=purpose,
        to=registration.email,
        template=template,
        context=context,
        invitation=registration.invitation,
        registration=registration,
        attachments=[
            {
                "filename": f"{registration.conference.slug}.ics",
                "content": registration_ics(registration, workshops=context["workshops"]),
                "mimetype": "text/calendar",
            }
        ],
    )


def waitlist_offer_email(registration):
    """A place came free and the delegate, first on the waiting list, now has it."""
    return confirmation_email(registration, template="waitlist_offer", purpose="waitlist_offer")


def waitlisted_email(registration):
    return queue(
        purpose="waitlisted",
        to=registration.email,
        template="waitlisted",
        context=_registration_context(registration),
        invitation=registration.invitation,
        registration=registration,
    )


def cancellation_email(registration):
    return queue(
        purpose="cancellation",
        to=registration.email,
        template="cancellation",
        context=_registration_context(registration),
        invitation=registration.invitation,
        registration=registration,
    )


# Sending.


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
    import smtplib

    return isinstance(exc, smtplib.SMTPRecipientsRefused | smtplib.SMTPDataError | smtplib.SMTPSenderRefused)


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
