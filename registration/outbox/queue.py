"""Writing a message to the outbox, in the transaction of the change that causes it."""

import datetime as dt

from django.utils import timezone

from registration.models import OutboxMessage

from . import templates
from .tasks import dispatch_on_commit

# A new message belongs to the task it was handed to for this long; after that the
# sweep takes it (the broker was down, or the process died before sending).
FRESH_GRACE = dt.timedelta(minutes=2)


def queue(
    *, purpose, to, kind, conference, values, invitation=None, registration=None, attachments=None, dispatch=True
):
    """Render a message of ``kind`` (one of ``templates.KINDS``) and record it.

    The conference's own wording of that kind is used, or the default, filled
    with ``values``. With ``dispatch`` the message is handed to Celery once the
    surrounding transaction commits; batch senders pass ``dispatch=False`` and
    call :func:`~registration.outbox.tasks.dispatch_on_commit` once with every id.
    """
    subject, body_text, body_html = templates.render_kind(conference=conference, kind=kind, values=values)
    return record(
        purpose=purpose,
        to=to,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        invitation=invitation,
        registration=registration,
        attachments=attachments,
        dispatch=dispatch,
    )


def record(
    *, purpose, to, subject, body_text, body_html, invitation=None, registration=None, attachments=None, dispatch=True
):
    """Write one rendered message to the outbox (and hand it to Celery after the commit, with ``dispatch``)."""
    message = OutboxMessage.objects.create(
        purpose=purpose,
        to=to,
        subject=subject[:300],
        body_text=body_text,
        body_html=body_html,
        attachments=attachments or [],
        invitation=invitation,
        registration=registration,
        next_attempt_at=timezone.now() + FRESH_GRACE,
    )
    if dispatch:
        dispatch_on_commit([message.pk])
    return message


def queue_many(*, purpose, kind, conference, recipients, wording=None, batch=None):
    """Render and record one message of ``kind`` for each ``(to, values, invitation)`` of ``recipients``.

    What :func:`queue` does for each, with the conference's wording read once
    and the rows written in bulk; nothing is dispatched (the caller hands the
    ids to :func:`~registration.outbox.tasks.dispatch_on_commit` once). Returns the messages.
    """
    messages = render_many(
        purpose=purpose, kind=kind, conference=conference, recipients=recipients, wording=wording, batch=batch
    )
    return OutboxMessage.objects.bulk_create(messages, batch_size=500)


def render_many(*, purpose, kind, conference, recipients, wording=None, batch=None):
    """The unsaved messages :func:`queue_many` writes: rendered, ready for ``bulk_create``.

    ``wording``: a ``(subject, body)`` kept from earlier (a send batch's, as it
    was when Send was pressed) instead of the conference's wording now;
    ``batch``: the send batch the messages belong to. A send batch renders
    before it takes its write lock, so that the lock is held only to write.
    """
    recipients = list(recipients)
    subject, body = wording or templates.template_for(conference, kind)[:2]
    rendered = templates.render_many(
        conference=conference, subject=subject, body=body, values_list=[values for _, values, _ in recipients]
    )
    next_attempt_at = timezone.now() + FRESH_GRACE
    return [
        OutboxMessage(
            purpose=purpose,
            to=to,
            subject=message_subject[:300],
            body_text=body_text,
            body_html=body_html,
            attachments=[],
            invitation=invitation,
            batch=batch,
            next_attempt_at=next_attempt_at,
        )
        for (to, _, invitation), (message_subject, body_text, body_html) in zip(recipients, rendered, strict=True)
    ]
