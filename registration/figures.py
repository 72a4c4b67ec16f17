"""The figures of invitations and registrations: one definition of each, for every page.

The organiser overview and the invitations page show the same numbers
because both read them here. Every figure is an aggregate query, so the cost
does not grow with the conference.

- ``invited``: invitations sent (every state but ``draft``); ``drafts``: not sent yet.
- ``opened``: invitations whose link was ever followed (answered ones included);
  ``awaiting``: sent and never opened; ``unanswered``: opened, no answer yet.
- ``accepted``, ``declined``, ``expired``: invitations in that state.
- ``registered``: confirmed delegates; ``waiting``: on the waiting list; ``cancelled``.
"""

from django.db.models import Count, Q
from django.db.models.functions import TruncDate

from .models import Invitation, Registration


def invitation_figures(conference):
    """Every figure of invitations and delegates (two queries), with the conference's capacity."""
    status = Invitation.Status
    figures = Invitation.objects.filter(conference=conference).aggregate(
        invited=Count("pk", filter=~Q(status=status.DRAFT)),
        drafts=Count("pk", filter=Q(status=status.DRAFT)),
        opened=Count("pk", filter=Q(opened_at__isnull=False)),
        awaiting=Count("pk", filter=Q(status=status.SENT)),
        unanswered=Count("pk", filter=Q(status=status.OPENED)),
        accepted=Count("pk", filter=Q(status=status.ACCEPTED)),
        declined=Count("pk", filter=Q(status=status.DECLINED)),
        expired=Count("pk", filter=Q(status=status.EXPIRED)),
    )
    figures.update(
        Registration.objects.filter(conference=conference).aggregate(
            registered=Count("pk", filter=Q(status=Registration.Status.CONFIRMED)),
            waiting=Count("pk", filter=Q(status=Registration.Status.WAITLISTED)),
            cancelled=Count("pk", filter=Q(status=Registration.Status.CANCELLED)),
        )
    )
    figures["capacity"] = conference.capacity
    return figures


def rsvps_per_day(conference):
    """Answers per day in the conference's time zone: [{"day", "accepted", "declined"}], oldest first."""
    rows = (
        Invitation.objects.filter(conference=conference, responded_at__isnull=False)
        .annotate(day=TruncDate("responded_at", tzinfo=conference.tz))
        .values("day")
        .annotate(
            accepted=Count("pk", filter=Q(status=Invitation.Status.ACCEPTED)),
            declined=Count("pk", filter=Q(status=Invitation.Status.DECLINED)),
        )
        .order_by("day")
    )
    return list(rows)
