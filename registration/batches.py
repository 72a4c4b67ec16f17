"""A send of invitations (or reminders): decided in the request, its e-mails prepared after it commits.

"Send 5,000 draft invitations" answers at once. The request
(:func:`registration.services.send_invitations`) decides, under the
invitations' row locks, which invitations are sent and changes their status;
in the same transaction it records a :class:`~registration.models.SendBatch`
(:func:`record`): the invitations' ids and the wording as it is when Send is
pressed. Once that commits, the batch is handed to a worker (a Celery task
with a broker, the process's background runner without one), which renders
the e-mails and writes them to the outbox ``CHUNK`` at a time
(:func:`prepare_chunk`), handing each chunk to the outbox's sender as soon as
it is written, so the first e-mails go out while the rest are written.

A chunk is one transaction under the batch's row lock: its messages and the
batch's progress are written together or not at all, so a chunk retried, or
prepared by two workers at once, never writes two e-mails for one invitation
(the constraint ``outbox_one_message_per_batch_invitation`` holds it too). A
batch nobody is preparing (the process died after the commit, the broker was
down) is finished by the outbox's next sweep once its lease has run out
(:func:`finish_left_over`, a receiver of ``outbox.signals.sweeping``).
"""

import datetime as dt

from celery import shared_task
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from conference.plumbing.background import run_in_background

from . import emails
from .models import Invitation, OutboxMessage, SendBatch
from .outbox import templates
from .outbox.tasks import dispatch

CHUNK = 500
# A batch belongs to the worker it was handed to for this long (renewed by each chunk); then the sweep takes it.
LEASE = dt.timedelta(minutes=2)
# The invitations a prepared e-mail still goes to: one answered, expired or erased since Send was pressed gets none.
STILL_WAITING = (Invitation.Status.SENT, Invitation.Status.OPENED)


def record(*, conference, invitation_ids, remind):
    """Record the send of these invitations (chosen and locked by the caller); hand it over once it commits.

    Call inside the transaction that changes the invitations' status. The
    wording (the conference's template of the kind, or the default) is kept
    as it is now: the e-mails say what the organiser saw when pressing Send,
    even if the template is edited while they are prepared.
    """
    kind = templates.REMINDER if remind else templates.INVITATION
    subject, body, _ = templates.template_for(conference, kind)
    batch = SendBatch.objects.create(
        conference=conference,
        kind=kind,
        subject=subject,
        body=body,
        invitation_ids=list(invitation_ids),
        total=len(invitation_ids),
        next_attempt_at=timezone.now() + LEASE,
    )
    transaction.on_commit(lambda: hand_over(batch.pk), robust=True)
    return batch


@shared_task(name="registration.prepare_invitation_emails", ignore_result=True)
def prepare_invitation_emails(batch_id):
    """The worker's job: write a batch's e-mails (see :func:`prepare`)."""
    prepare(batch_id)


def hand_over(batch_id):
    """Give a batch to a worker, or with no broker to the process's background runner."""
    run_in_background(prepare_invitation_emails, batch_id)


def prepare(batch_id, hand=dispatch):
    """Write a batch's e-mails chunk after chunk, handing each chunk to the sender as soon as it is committed.

    One job for the whole batch, so that the writing is never queued behind
    the sending it feeds (other workers, or the sender thread, send the
    first chunks while this one writes the next). Runs outside any
    transaction (a worker, the background runner); a job that dies midway is
    taken up where it stopped (a redelivered task, or the sweep).
    """
    more = True
    while more:
        message_ids, more = prepare_chunk(batch_id)
        if message_ids:
            hand(message_ids)


def prepare_chunk(batch_id, size=None, now=None):
    """Write the outbox messages of a batch's next ``size`` invitations; returns ``(message ids, more to do)``.

    The chunk is read and rendered first, with no lock; then, in one short
    transaction under the batch's row lock (on SQLite, an IMMEDIATE
    transaction, so the sender's writes wait only for the insert), the
    messages are written and the batch's progress advanced, only if no other
    worker has written that chunk meanwhile (then nothing is written, and the
    caller goes on with the next). An invitation that has been answered, has
    expired or was erased since Send was pressed is passed over; one that was
    deleted is gone from the list.
    """
    size, now = size or CHUNK, now or timezone.now()
    batch = SendBatch.objects.select_related("conference").filter(pk=batch_id, prepared_at__isnull=True).first()
    if batch is None:
        return [], False
    start = batch.prepared
    ids = batch.invitation_ids[start : start + size]
    invitations = list(
        Invitation.objects.filter(pk__in=ids, status__in=STILL_WAITING, anonymised_at__isnull=True)
        .select_related("organisation")
        .order_by("pk")
    )
    for invitation in invitations:
        invitation.conference = batch.conference
    messages = emails.invitation_emails(
        batch.conference,
        invitations,
        reminder=batch.kind == templates.REMINDER,
        wording=(batch.subject, batch.body),
        batch=batch,
        write=False,
    )
    with transaction.atomic():
        locked = SendBatch.objects.select_for_update().filter(pk=batch_id).values("prepared", "prepared_at").first()
        if locked is None or locked["prepared_at"] is not None:
            return [], False
        if locked["prepared"] != start:  # another worker wrote this chunk first
            return [], True
        messages = OutboxMessage.objects.bulk_create(messages, batch_size=500)
        prepared = min(start + size, batch.total)
        SendBatch.objects.filter(pk=batch_id).update(
            prepared=prepared, next_attempt_at=now + LEASE, prepared_at=now if prepared >= batch.total else None
        )
    return [message.pk for message in messages], prepared < batch.total


def finish_left_over(sender=None, *, everything=False, now=None, hand=dispatch, **kwargs):
    """The outbox sweep's receiver: prepare every batch nobody is preparing; returns how many batches.

    A batch whose lease has run out (or, with ``everything``, every
    unfinished one) is prepared here, chunk after chunk, each chunk's message
    ids handed to ``hand`` as it is written (the outbox's sender; ``manage.py
    send_outbox`` sends them itself). Safe beside a worker still on it (see
    :func:`prepare_chunk`).
    """
    now = now or timezone.now()
    left = SendBatch.objects.filter(prepared_at__isnull=True)
    if not everything:
        left = left.filter(next_attempt_at__lte=now)
    batch_ids = list(left.order_by("pk").values_list("pk", flat=True))
    for batch_id in batch_ids:
        prepare(batch_id, hand=hand)
    return len(batch_ids)


def to_prepare(conference):
    """How many e-mails of the conference's sends are still to be written to the outbox (0 when none).

    What the invitations and e-mails pages show while a large send is being prepared.
    """
    left = SendBatch.objects.filter(conference=conference, prepared_at__isnull=True).aggregate(
        n=Sum(F("total") - F("prepared"))
    )
    return left["n"] or 0
