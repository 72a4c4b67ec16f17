"""The organiser's figures at a glance (SPEC part 6).

Every figure is one aggregate query over the conference's rows, so the page
costs the same whatever the size of the conference.
"""

import datetime as dt
from collections import Counter

from django.db.models import Count, Q
from django.db.models.functions import TruncDate


def invitation_figures(conference):
    from registration.models import Invitation

    status = Invitation.Status
    return conference.invitations.aggregate(
        invited=Count("id", filter=~Q(status=status.DRAFT)),
        drafts=Count("id", filter=Q(status=status.DRAFT)),
        opened=Count("id", filter=Q(opened_at__isnull=False)),
        accepted=Count("id", filter=Q(status=status.ACCEPTED)),
        declined=Count("id", filter=Q(status=status.DECLINED)),
        expired=Count("id", filter=Q(status=status.EXPIRED)),
    )


def registration_figures(conference):
    from registration.models import Registration

    status = Registration.Status
    figures = conference.registrations.aggregate(
        registered=Count("id", filter=Q(status=status.CONFIRMED)),
        waiting=Count("id", filter=Q(status=status.WAITLISTED)),
        cancelled=Count("id", filter=Q(status=status.CANCELLED)),
    )
    figures["checked_in"] = conference.checkins.filter(
        undone_at__isnull=True, registration__status=status.CONFIRMED
    ).count()
    return figures


def rsvps_per_day(conference):
    """Answers per day: [{"day", "accepted", "declined"}], oldest first."""
    from registration.models import Invitation

    rows = (
        conference.invitations.filter(responded_at__isnull=False)
        .annotate(day=TruncDate("responded_at", tzinfo=conference.tz))
        .values("day")
        .annotate(
            accepted=Count("id", filter=Q(status=Invitation.Status.ACCEPTED)),
            declined=Count("id", filter=Q(status=Invitation.Status.DECLINED)),
        )
        .order_by("day")
    )
    return list(rows)


def arrivals_per_quarter_hour(conference):
    """Live check-ins per quarter hour in the conference's time zone: [(start, count)]."""
    times = conference.checkins.filter(undone_at__isnull=True).values_list("checked_in_at", flat=True)
    buckets = Counter()
    for moment in times:
        local = moment.astimezone(conference.tz)
        buckets[local.replace(minute=local.minute - local.minute % 15, second=0, microsecond=0)] += 1
    if not buckets:
        return []
    start, end = min(buckets), max(buckets)
    series = []
    while start <= end:
        series.append((start, buckets.get(start, 0)))
        start += dt.timedelta(minutes=15)
    return series


def with_bars(rows, *keys):
    """Add a percentage width for each key, against the largest value, for CSS bar charts."""
    peak = max((row[key] for row in rows for key in keys), default=0) or 1
    for row in rows:
        for key in keys:
            row[f"{key}_pct"] = round(100 * row[key] / peak)
    return rows


def overview(conference):
    figures = {**invitation_figures(conference), **registration_figures(conference)}
    rsvps = with_bars(rsvps_per_day(conference), "accepted", "declined")
    arrivals = with_bars(
        [{"start": start, "count": count} for start, count in arrivals_per_quarter_hour(conference)], "count"
    )
    return {"figures": figures, "rsvps": rsvps, "arrivals": arrivals}
