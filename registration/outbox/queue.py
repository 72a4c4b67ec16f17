"""Writing a message to the outbox, in the transaction of the change that causes it."""

import datetime as dt

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from registration.models import OutboxMessage

from . import templates
from .tasks import dispatch_on_commit

# A new message belongs to the task it was handed to for this long; after that the
# sweep takes it (the broker was down, or the process died before sending).
FRESH_GRACE = dt.timedelta(minutes=2)


def queue(
    *,
    purpose,
    to,
    template=None,
    context=None,
    kind=None,
    conference=None,
    values=None,
    invitation=None,
    registration=None,
    attachments=None,
    dispatch=True,
):
    """Render the message and record it.

    With ``kind`` (one of ``templates.KINDS``): the conference's own wording
    of that kind, or the default, filled with ``values``. With ``template``:
    Django templates ``<template>_subject.txt``, ``.txt``, ``.html`` rendered
    with ``context``. With ``dispatch`` the message is handed to Celery once
    the surrounding transaction commits; batch senders pass
    ``dispatch=False`` and call
    :func:`~registration.outbox.tasks.dispatch_on_commit` once with every id.
    """
    if kind is not None:
        subject, body_text, body_html = templates.render_kind(conference=conference, kind=kind, values=values or {})
    else:
        context = {"site_url": settings.SITE_URL, **(context or {})}
        base = f"registration/email/{template}"
        subject = " ".join(render_to_string(f"{base}_subject.txt", context).split())
        body_text = render_to_string(f"{base}.txt", context)
        body_html = render_to_string(f"{base}.html", context)
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
