"""Writing a message to the outbox, in the transaction of the change that causes it."""

import datetime as dt

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from registration.models import OutboxMessage

from .tasks import dispatch_on_commit

# A new message belongs to the task it was handed to for this long; after that the
# sweep takes it (the broker was down, or the process died before sending).
FRESH_GRACE = dt.timedelta(minutes=2)


def queue(*, purpose, to, template, context, invitation=None, registration=None, attachments=None, dispatch=True):
    """Render ``template`` (``<template>_subject.txt``, ``.txt``, ``.html``) and record the message.

    With ``dispatch`` the message is handed to Celery once the surrounding
    transaction commits; batch senders pass ``dispatch=False`` and call
    :func:`~registration.outbox.tasks.dispatch_on_commit` once with every id.
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
