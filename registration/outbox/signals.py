"""What the outbox's sweep tells the parts above it, which it never imports.

Every sweep (the background sender's idle sweep, Celery beat's
``registration.send_due_messages``, ``manage.py send_outbox``) first sends
:data:`sweeping`: a part that writes messages after its request has committed
(``registration.batches``, the e-mails of a send of invitations) writes those
it left unfinished (its worker died, the broker was down), so the sweep that
follows sends them too.
"""

import logging

from django.dispatch import Signal

log = logging.getLogger(__name__)

# Arguments: ``everything`` (True: ignore the leases of work another worker may hold, as ``send_outbox --now``).
sweeping = Signal()


def finish_left_over(everything=False):
    """Send :data:`sweeping`; a receiver that fails is logged and never stops the sweep's sending."""
    for receiver, result in sweeping.send_robust(sender=None, everything=everything):
        if isinstance(result, Exception):
            log.error("Finishing left-over outbox work (%s) failed.", receiver, exc_info=result)
