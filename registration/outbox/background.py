"""The background sender of the embedded default: no web request ever waits on the mail server.

With no ``CELERY_BROKER_URL``, new messages are handed to one daemon thread
per process, started lazily by the first message. It sends what it is handed
(and then any retries that are due), and every ``OUTBOX_SWEEP_SECONDS`` it
sweeps due retries on its own. A mail server that is down or accepts and never
answers holds this thread (up to ``EMAIL_TIMEOUT`` a connection), never a
request; a message it could not send stays pending and is retried, and one in
hand when the process stops is taken by the sweep after its grace.

``flush()`` is for tests: it returns once everything handed over has been
dealt with. Where the thread is not started (``OUTBOX_SENDER_THREAD = False``,
as the test suite sets, whose transactions a thread of its own could not see),
``flush()`` sends the handed messages in the calling thread.
"""

from conference.plumbing.background import Runner

from . import sending, signals


def sweep():
    """Finish work left over (``signals.sweeping``), then send the retries that are due, if any.

    One indexed query each when there is nothing to do.
    """
    signals.finish_left_over()
    if sending.retries_due():
        sending.send_due()


# The plumbing's runner: jobs are ``sending.send_new`` (or ``send_retried``) on a batch of ids.
sender = Runner("outbox-sender", enabled="OUTBOX_SENDER_THREAD", idle_job=sweep, idle_seconds="OUTBOX_SWEEP_SECONDS")
