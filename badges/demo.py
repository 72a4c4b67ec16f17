"""Demo badges and check-ins.

Whatever delegates the registration demo made (names in several scripts
among them), each confirmed one without a current badge gets one; one
delegate's badge is reissued once (a corrected name) so the demo shows a
revoked code at the door too. Idempotent.
(The demo check-ins are :mod:`badges.checkin.demo`'s.)
"""

from registration.models import Registration

from .models import Badge
from .services import badges_to_print, reissue_badge


def load(conference, stdout):
    badges = badges_to_print(conference)
    first = (
        Registration.objects.filter(conference=conference, status=Registration.Status.CONFIRMED)
        .order_by("created_at", "pk")
        .first()
    )
    if first is not None and not Badge.objects.filter(registration=first, revoked_at__isnull=False).exists():
        reissue_badge(first, reason="Demo: name corrected on the badge")
    stdout.write(
        f"Badges: {len(badges)} current for confirmed delegates, "
        f"{Badge.objects.filter(registration__conference=conference, revoked_at__isnull=False).count()} revoked"
    )
