"""The figures of invitations and registrations: one definition of each, for every page.

The organiser overview, the invitations page and the delegates page show the
same numbers, and each figure's tile leads to the list it counts, because
both the count and the list's filter are read here. Every figure is an
aggregate query, so the cost does not grow with the conference.

Invitations are to organisations (one contact each); delegates are people.
The two are kept apart:

- ``organisations``: organisations invited (in any state, drafts included).
- ``invited``: invitations sent (every state but ``draft``); ``drafts``: not sent yet.
- ``opened``: invitations whose link was ever followed (answered ones included);
  ``awaiting``: sent and never opened; ``unanswered``: opened, no answer yet;
  ``to_remind``: sent or opened, no answer (those a reminder goes to).
- ``accepted``, ``declined``, ``expired``: invitations in that state.
- ``registered``: confirmed delegates; ``waiting``: on the waiting list; ``cancelled``;
  ``named``: people named on invitations (confirmed or waiting).
"""

from django.db.models import Count, Q
from django.db.models.functions import TruncDate

from .models import Invitation, Registration

_S = Invitation.Status

# figure → (the invitations page's ``status`` filter value, what the tile says, which invitations).
INVITATION_GROUPS = {
    "drafts": ("draft", "Not sent yet", Q(status=_S.DRAFT)),
    "invited": ("invited", "Sent", ~Q(status=_S.DRAFT)),
    "awaiting": ("sent", "Sent, not opened", Q(status=_S.SENT)),
    "opened": ("ever_opened", "Opened", Q(opened_at__isnull=False)),
    "unanswered": ("opened", "Opened, no answer", Q(status=_S.OPENED)),
    "to_remind": ("unanswered", "Not answered", Q(status__in=(_S.SENT, _S.OPENED))),
    "accepted": ("accepted", "Accepted", Q(status=_S.ACCEPTED)),
    "declined": ("declined", "Declined", Q(status=_S.DECLINED)),
    "expired": ("expired", "Expired", Q(status=_S.EXPIRED)),
}

# figure → (the delegates page's ``status`` filter value, what the tile says, which registrations).
REGISTRATION_GROUPS = {
    "registered": ("confirmed", "Confirmed", Q(status=Registration.Status.CONFIRMED)),
    "waiting": ("waitlisted", "Waiting list", Q(status=Registration.Status.WAITLISTED)),
    "cancelled": ("cancelled", "Cancelled", Q(status=Registration.Status.CANCELLED)),
    "named": ("", "Named", ~Q(status=Registration.Status.CANCELLED)),
}


def invitation_status_choices():
    """The invitations page's ``status`` filter: every state, and the groups the figures count."""
    return [(value, label) for value, label, _ in INVITATION_GROUPS.values()]


def invitations_in(queryset, status):
    """``queryset`` narrowed to the invitations that a ``status`` filter value names (any other: unchanged)."""
    for value, _, condition in INVITATION_GROUPS.values():
        if value == status:
            return queryset.filter(condition)
    return queryset


def invitation_figures(conference):
    """Every figure of invitations and delegates (two queries), with the conference's capacity."""
    figures = Invitation.objects.filter(conference=conference).aggregate(
        organisations=Count("organisation", distinct=True),
        **{name: Count("pk", filter=condition) for name, (_, _, condition) in INVITATION_GROUPS.items()},
    )
    figures.update(
        Registration.objects.filter(conference=conference).aggregate(
            **{name: Count("pk", filter=condition) for name, (_, _, condition) in REGISTRATION_GROUPS.items()}
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
