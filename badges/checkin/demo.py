"""Demo check-ins, so the stats and the arrivals page have something to show.

Loaded after the badges' demo (``DEMO_LOADERS`` in settings). Idempotent: a conference that already
has check-ins is left as it is. Works with whatever confirmed delegates the
registration demo made (none: nothing to do).
"""

import datetime as dt

from badges.services import current_badge
from registration.models import Registration

from .services import scan_badge

GATES = ("North door", "South door")
SHARE = 0.4  # of the confirmed delegates
MAX_CHECKINS = 80


def load(conference, stdout):
    if conference.checkins.exists():
        stdout.write("Kept the demo check-ins")
        return
    confirmed = list(
        Registration.objects.filter(conference=conference, status=Registration.Status.CONFIRMED).order_by("pk")
    )
    chosen = confirmed[: min(MAX_CHECKINS, int(len(confirmed) * SHARE))]
    if not chosen:
        stdout.write("No confirmed delegates: no demo check-ins")
        return
    # Arrivals between 08:15 and 09:45 of a morning that has passed (the scan service never believes a future time).
    morning = dt.datetime.combine(dt.date.today() - dt.timedelta(days=1), dt.time(8, 15), tzinfo=conference.tz)
    step = dt.timedelta(minutes=90) / len(chosen)
    for i, registration in enumerate(chosen):
        scan_badge(
            conference=conference,
            code=current_badge(registration).code,
            gate=GATES[i % 3 == 2],
            nonce=f"demo-{conference.slug}-{registration.pk}",
            scanned_at=morning + step * i * (1 + (i % 5) / 10),
        )
    stdout.write(f"Checked in {len(chosen)} demo delegates")
