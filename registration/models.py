"""Invitations, the delegates they register, and the e-mail outbox."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from conference.models import Category
from conference.plumbing.validators import validate_name_text

from .networking.models import NOTE_LIMIT, Meeting, NetworkingSettings, SlotTables, Topic, validate_note_text

__all__ = [
    "Category",
    "CATEGORY_COLOURS",
    "Invitation",
    "Question",
    "Registration",
    "OutboxMessage",
    "SendBatch",
    "AuditEntry",
    "new_token",
    # Networking (registration.networking).
    "Meeting",
    "NetworkingSettings",
    "SlotTables",
    "Topic",
]


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
    anonymised_at = models.DateTimeField(
        null=True, blank=True, help_text="When the contact's name and e-mail were erased (registration.privacy)."
    )
    # Bumped by every full save (an edited category); the door's offline list's ETag reads it.
    updated_at = models.DateTimeField(auto_now=True)

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
    answers = models.JSONField(
        default=dict,
        blank=True,
        help_text="Answers to the conference's questions, keyed by question id (as text); see registration.questions.",
    )
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
    anonymised_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When this delegate's personal data was erased (registration.privacy); the link stops working.",
    )
    # Bumped by every save, even one of a few fields: the door's offline list's ETag reads it.
    updated_at = models.DateTimeField(auto_now=True)
    # Networking (registration.networking): listed in the delegate directory only when they opt in.
    directory_opt_in = models.BooleanField(
        default=False, help_text="Listed in the delegate directory, and may ask for and be asked for meetings."
    )
    interests = models.ManyToManyField("registration.Topic", related_name="delegates", blank=True)
    networking_note = models.CharField(max_length=NOTE_LIMIT, blank=True, validators=[validate_note_text])

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

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "updated_at" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "updated_at"]
        super().save(*args, **kwargs)

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


class Question(models.Model):
    """A question a conference asks each delegate, beyond the fixed fields (see ``registration.questions``).

    The answers live on the registration (``Registration.answers``), keyed by
    this question's id; the rules of asking and answering are
    ``registration.questions``'.
    """

    class Kind(models.TextChoices):
        TEXT = "text", "Text"
        CHOICE = "choice", "Choice"
        MULTIPLE_CHOICE = "multiple_choice", "Multiple choice"
        YES_NO = "yes_no", "Yes or no"
        NUMBER = "number", "Number"
        DATE = "date", "Date"

    conference = models.ForeignKey("conference.Conference", on_delete=models.CASCADE, related_name="questions")
    label = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.TEXT)
    choices = models.JSONField(default=list, blank=True, help_text="The answers offered (choice, multiple choice).")
    required = models.BooleanField(default=False)
    categories = models.JSONField(
        default=list, blank=True, help_text="Asked of these categories only; empty: everyone."
    )
    depends_on = models.JSONField(
        null=True, blank=True, help_text='{"question": id, "answer": value}: asked only when that answer was given.'
    )
    show_at_door = models.BooleanField(default=False, help_text="The answer is shown to door staff at the scan.")
    on_badge = models.BooleanField(default=False, help_text="The answer is printed on the badge.")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["conference", "position", "pk"]

    def __str__(self):
        return self.label


class SendBatch(models.Model):
    """One press of "Send" (or "Remind"): the invitations it e-mails, whose messages are prepared after it commits.

    The request that sends decides which invitations are sent and changes
    their status in the same transaction as this row; the e-mails themselves
    are rendered and written to the outbox afterwards, a chunk at a time, by a
    worker (``registration.batches``). ``prepared`` counts the invitations of
    ``invitation_ids`` done so far (advanced in the transaction that writes
    their messages), ``prepared_at`` is set when all are. ``subject`` and
    ``body`` are the wording as it was when Send was pressed.
    ``next_attempt_at`` is when the sweep takes over a batch that nobody is
    preparing (its worker died, the broker was down).
    """

    conference = models.ForeignKey("conference.Conference", on_delete=models.CASCADE, related_name="send_batches")
    kind = models.CharField(max_length=30, help_text="invitation or reminder (registration.outbox.templates)")
    subject = models.CharField(max_length=300)
    body = models.TextField()
    invitation_ids = models.JSONField(default=list)
    total = models.PositiveIntegerField(default=0)
    prepared = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    prepared_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["prepared_at", "next_attempt_at"], name="send_batch_unprepared_idx")]

    def __str__(self):
        return f"{self.kind} to {self.total} ({self.prepared} prepared)"


class OutboxMessage(models.Model):
    """Every e-mail the application sends, recorded before it is sent.

    A message is written in the same transaction as the change that causes it
    (a send of invitations: its ``SendBatch`` is, and its messages are written
    after it commits, ``batch`` naming it) and handed to a Celery task only
    after that transaction commits; a failed
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
    batch = models.ForeignKey(
        SendBatch, on_delete=models.SET_NULL, null=True, blank=True, related_name="messages", editable=False
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="outbox_due_idx")]
        constraints = [
            # A batch's chunk prepared twice (a retried task, the sweep beside a slow worker) writes nothing twice.
            models.UniqueConstraint(
                fields=["batch", "invitation"],
                condition=models.Q(batch__isnull=False, invitation__isnull=False),
                name="outbox_one_message_per_batch_invitation",
            )
        ]

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


class AuditEntry(models.Model):
    """Who exported or erased personal data, or which retention run anonymised it, and when.

    Written by ``registration.privacy.audit`` (exports, erasure, retention);
    read by organisers. It names a registration by id only: an erased
    delegate's name is not kept here either.
    """

    class Action(models.TextChoices):
        EXPORT = "export", "Export"
        ERASE = "erase", "Erase"
        RETENTION = "retention", "Retention run"

    DELEGATE_THEMSELF = "delegate themself"
    RETENTION = "scheduled retention"

    conference = models.ForeignKey(
        "conference.Conference", on_delete=models.CASCADE, null=True, blank=True, related_name="audit_entries"
    )
    registration = models.ForeignKey(
        Registration, on_delete=models.SET_NULL, null=True, blank=True, related_name="audit_entries"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor = models.CharField(max_length=150, help_text='A username, "delegate themself" or "scheduled retention".')
    action = models.CharField(max_length=20, choices=Action.choices, db_index=True)
    detail = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "audit entries"

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor}: {self.get_action_display()} {self.detail}"
