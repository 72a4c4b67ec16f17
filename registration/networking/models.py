"""The networking models: the conference's topics, its networking settings, the tables of a slot, meetings.

They belong to the ``registration`` app (imported by ``registration.models``)
and name the registration models by string only, so that this module imports
nothing of the app above it.
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from conference.plumbing.validators import BIDI_CONTROLS, validate_name_text

NOTE_LIMIT = 280
MESSAGE_LIMIT = 500
DEFAULT_TABLES = 10
NOTE_MESSAGE = "Remove the control or text-direction characters from this text (they change how it shows)."


def validate_note_text(value):
    """A delegate's note or message: like a printed name (no control or bidi-override characters), but line breaks
    and tabs are kept."""
    if not isinstance(value, str):
        return
    for char in value:
        if char in "\n\r\t":
            continue
        if char in BIDI_CONTROLS or unicodedata.category(char) == "Cc":
            raise ValidationError(NOTE_MESSAGE, code="invalid_characters")


class Topic(models.Model):
    """A subject delegates may say they are interested in ("cyber security", "funding bids"); organisers edit them."""

    conference = models.ForeignKey("conference.Conference", on_delete=models.CASCADE, related_name="topics")
    name = models.CharField(max_length=100, validators=[validate_name_text])
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        constraints = [models.UniqueConstraint(fields=["conference", "name"], name="topic_name_unique_per_conference")]

    def __str__(self):
        return self.name


class NetworkingSettings(models.Model):
    """A conference's networking switch and its default tables a slot; without a row, networking is on."""

    conference = models.OneToOneField("conference.Conference", on_delete=models.CASCADE, related_name="networking")
    enabled = models.BooleanField(
        default=True, help_text="Off: no directory and no meetings; delegates are not asked to opt in."
    )
    tables_per_slot = models.PositiveSmallIntegerField(
        default=DEFAULT_TABLES, help_text="Tables of a networking slot whose tables are not named (Table 1, 2, ...)."
    )

    class Meta:
        verbose_name_plural = "networking settings"

    @classmethod
    def of(cls, conference):
        """The conference's settings; unsaved defaults (on, 10 tables a slot) when it has none."""
        return cls.objects.filter(conference=conference).first() or cls(conference=conference)

    def __str__(self):
        return f"Networking of {self.conference}"


class SlotTables(models.Model):
    """The tables of one networking session, named by the organisers (otherwise Table 1 to N)."""

    session = models.OneToOneField("conference.Session", on_delete=models.CASCADE, related_name="meeting_tables")
    names = models.JSONField(default=list, help_text="The tables' names, in the order they are given out.")

    class Meta:
        verbose_name_plural = "slot tables"

    def __str__(self):
        return f"Tables of {self.session}"


class Meeting(models.Model):
    """A meeting one delegate asked another for, in a networking slot of the agenda."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        CANCELLED = "cancelled", "Cancelled"

    conference = models.ForeignKey("conference.Conference", on_delete=models.CASCADE, related_name="meetings")
    requester = models.ForeignKey(
        "registration.Registration", on_delete=models.CASCADE, related_name="meetings_requested"
    )
    invitee = models.ForeignKey("registration.Registration", on_delete=models.CASCADE, related_name="meetings_received")
    slot = models.ForeignKey("conference.Session", on_delete=models.CASCADE, related_name="meetings")
    message = models.TextField(max_length=MESSAGE_LIMIT, blank=True, validators=[validate_note_text])
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED, db_index=True)
    table = models.CharField(max_length=100, blank=True)
    requester_shares_contact = models.BooleanField(
        default=False, help_text="The requester agreed, when asking, to give their contact details after the event."
    )
    invitee_shares_contact = models.BooleanField(
        default=False, help_text="The one asked agreed, when accepting, to give their contact details after the event."
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        "registration.Registration", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["slot__starts_at", "created_at"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(requester=models.F("invitee")), name="meeting_not_with_oneself"),
            models.UniqueConstraint(
                fields=["slot", "table"], condition=models.Q(status="accepted"), name="meeting_one_per_table"
            ),
        ]
        indexes = [models.Index(fields=["requester", "created_at"], name="meeting_requests_by_day_idx")]

    def __str__(self):
        return f"{self.requester} → {self.invitee} ({self.slot}, {self.status})"

    def other(self, registration):
        """The other delegate of the meeting, seen from ``registration``."""
        return self.invitee if registration.pk == self.requester_id else self.requester
