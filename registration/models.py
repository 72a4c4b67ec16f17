"""Invitations, the delegates they register, and the e-mail outbox."""

import secrets

from django.db import models
from django.utils import timezone

from conference.models import Category
from conference.plumbing.validators import validate_name_text

__all__ = ["Category", "CATEGORY_COLOURS", "Invitation", "Registration", "OutboxMessage", "new_token"]


def new_token():
    """An unguessable link token: 256 random bits, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


# The band colour printed on badges and used in the organiser's pages.
CATEGORY_COLOURS = {
    Category.PARTNER: "#1d4ed8",
    Category.COMPANY: "#047857",
    Category.SPEAKER: "#b91c1c",
    Category.SPONSOR: "#a16207",
    Category.PRESS: "#7c3aed",
    Category.VIP: "#111827",
    Category.STAFF: "#c2410c",
}


class Invitation(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SENT = "sent", "Sent"
        OPENED = "opened", "Opened"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        EXPIRED = "expired", "Expired"

    conference = models.ForeignKey("conference.Conference", on_delete=models.CASCADE, related_name="invitations")
    organisation = models.ForeignKey("conference.Organisation", on_delete=models.PROTECT, related_name="invitations")
    contact_name = models.CharField(max_length=200, validators=[validate_name_text])
    email = models.EmailField()
    category = models.CharField(max_length=20, choices=Category.choices, default=Category.COMPANY)
    seats = models.PositiveIntegerField(default=1)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organisation__name", "contact_name"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "email"], name="invitation_email_unique_per_conference"),
            models.CheckConstraint(condition=models.Q(seats__gte=1), name="invitation_seats_at_least_one"),
        ]

    def __str__(self):
        return f"{self.contact_name} ({self.organisation})"


class RegistrationQuerySet(models.QuerySet):
    def with_checked_in_at(self):
        """Annotate ``checked_in_at``: when the delegate first arrived, or None.

        The earliest live (not undone) check-in at the main door, whatever the
        day (a conference of several days admits once a day; a session's door
        does not count as arriving). Read from the check-ins themselves (one
        subquery), so an undone or edited check-in shows at once. Through the
        reverse relation: this app knows nothing of the check-in model.
        """
        checkin = self.model._meta.get_field("checkins").related_model
        live = checkin.objects.filter(
            registration=models.OuterRef("pk"), undone_at__isnull=True, session__isnull=True
        ).order_by("checked_in_at")
        return self.annotate(checked_in_at=models.Subquery(live.values("checked_in_at")[:1]))


class Registration(models.Model):
    """One delegate named on an invitation."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", "Confirmed"
        WAITLISTED = "waitlisted", "Waitlisted"
        CANCELLED = "cancelled", "Cancelled"

    conference = models.ForeignKey("conference.Conference", on_delete=models.CASCADE, related_name="registrations")
    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="registrations")
    first_name = models.CharField(max_length=100, validators=[validate_name_text])
    last_name = models.CharField(max_length=100, validators=[validate_name_text])
    email = models.EmailField()
    badge_name = models.CharField(
        max_length=100,
        blank=True,
        help_text="The name printed large; the first name if empty.",
        validators=[validate_name_text],
    )
    job_title = models.CharField(max_length=200, blank=True, validators=[validate_name_text])
    dietary = models.CharField(max_length=300, blank=True)
    accessibility = models.CharField(max_length=300, blank=True)
    consent_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CONFIRMED, db_index=True)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    workshops = models.ManyToManyField("conference.Session", related_name="attendees", blank=True)
    starred = models.ManyToManyField(
        "conference.Session",
        related_name="starred_by",
        blank=True,
        help_text="Sessions the delegate starred: in their agenda, their calendar and the agenda's notices.",
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name"]
        indexes = [
            models.Index(fields=["conference", "status", "created_at"]),
            # The places count (status and invitation read from the index alone) and the
            # delegates page's order (its offset walked on the index alone).
            models.Index(fields=["conference", "status", "invitation"], name="registration_places_idx"),
            models.Index(fields=["conference", "created_at", "id"], name="registration_queue_idx"),
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def display_badge_name(self):
        return self.badge_name or self.first_name

    @property
    def category(self):
        return self.invitation.category

    @property
    def organisation(self):
        return self.invitation.organisation


class OutboxMessage(models.Model):
    """Every e-mail the application sends, recorded before it is sent.

    A message is written in the same transaction as the change that causes it
    and handed to a Celery task only after that transaction commits; a failed
    send stays ``pending`` with a later ``next_attempt_at`` and is retried, so
    nothing is lost when the mail server is down.
    """

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    purpose = models.CharField(max_length=40, db_index=True)
    to = models.EmailField()
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    attachments = models.JSONField(default=list, blank=True, help_text="[{filename, content, mimetype}]")
    invitation = models.ForeignKey(Invitation, on_delete=models.SET_NULL, null=True, blank=True)
    registration = models.ForeignKey(Registration, on_delete=models.SET_NULL, null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="outbox_due_idx")]

    def __str__(self):
        return f"{self.purpose} to {self.to} ({self.state})"


class EmailTemplate(models.Model):
    """A conference's own wording of one kind of message; without a row, the default is used.

    ``subject`` and ``body`` are plain text with placeholders such as
    ``{first_name}`` (see ``registration.outbox.templates``); the HTML part is
    made from the text.
    """

    conference = models.ForeignKey("conference.Conference", on_delete=models.CASCADE, related_name="email_templates")
    kind = models.CharField(max_length=30)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["conference", "kind"]
        constraints = [models.UniqueConstraint(fields=["conference", "kind"], name="email_template_unique_per_kind")]

    def __str__(self):
        return f"{self.kind} ({self.conference})"


class RsvpAnswer(models.Model):
    """The answer given to an RSVP sent with an ``Idempotency-Key``, kept so that a retry gets it again.

    One per invitation and key (a database constraint); written in the
    transaction that registered the delegates, so an answer is stored exactly
    when its change happened.
    """

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="idempotent_answers")
    key = models.CharField(max_length=255)
    status_code = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["invitation", "key"], name="rsvp_answer_once_per_key")]

    def __str__(self):
        return f"{self.invitation_id}: {self.key}"
