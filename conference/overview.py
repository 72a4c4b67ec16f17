"""The organiser's figures at a glance (SPEC part 6).

Every figure is one aggregate query over the conference's rows, so the page
costs the same whatever the size of the conference.
"""

import datetime as dt

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
    return conference.registrations.aggregate(
        registered=Count("id", filter=Q(status=status.CONFIRMED)),
        waiting=Count("id", filter=Q(status=status.WAITLISTED)),
        cancelled=Count("id", filter=Q(status=status.CANCELLED)),
    )


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


def with_bars(rows, *keys):
    """Add a percentage width for each key, against the largest value, for CSS bar charts."""
    peak = max((row[key] for row in rows for key in keys), default=0) or 1
    for row in rows:
        for key in keys:
            row[f"{key}_pct"] = round(100 * row[key] / peak)
    return rows


def overview(conference):
    from badges.checkin import checkin_stats

    # Arrivals are the door's own figures: one service answers the door, the API and this page.
    arrivals = checkin_stats(conference=conference)
    figures = {
        **invitation_figures(conference),
        **registration_figures(conference),
        "checked_in": arrivals["checked_in"],
    }
    rsvps = with_bars(rsvps_per_day(conference), "accepted", "declined")
    quarters = [
        {"start": dt.datetime.fromisoformat(quarter["start"]), "count": quarter["count"]}
        for quarter in arrivals["per_quarter_hour"]
    ]
    return {"figures": figures, "rsvps": rsvps, "arrivals": with_bars(quarters, "count")}
