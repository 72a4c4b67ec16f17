"""Badge codes and the check-ins at the door."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from .codes import new_badge_code


def badge_storage():
    """Where rendered badges are kept: the ``badges`` storage when ``STORAGES`` names one, else the default
    (files under ``MEDIA_ROOT``)."""
    from django.core.files.storage import storages

    return storages["badges" if "badges" in settings.STORAGES else "default"]


def badge_pdf_path(badge, filename):
    return f"badges/{badge.registration.conference_id}/{filename}"


class Badge(models.Model):
    """One issued badge code. Reissuing revokes the old row and adds a new one,
    so the history of every code stays; a delegate has at most one current badge.

    ``pdf`` is the badge as last rendered and ``pdf_fingerprint`` what it was
    rendered from (``badges.stored``): a badge is drawn once and served from
    storage until its delegate's details, its design or the renderer change.
    """

    registration = models.ForeignKey("registration.Registration", on_delete=models.CASCADE, related_name="badges")
    code = models.CharField(max_length=60, unique=True, default=new_badge_code, editable=False)
    issued_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=200, blank=True)
    printed_at = models.DateTimeField(null=True, blank=True)
    pdf = models.FileField(upload_to=badge_pdf_path, storage=badge_storage, blank=True, editable=False)
    pdf_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_current_badge_per_registration",
            )
        ]

    def __str__(self):
        return f"{self.code} ({'revoked' if self.revoked_at else 'current'})"


class CheckIn(models.Model):
    """An admission at the door. An undone check-in keeps its row with ``undone_at``.

    ``day`` is the conference day of the admission (1 for the first; the
    conference-time-zone date of the scan, see ``badges.checkin.services.conference_day``).
    ``session`` is set for an admission at a session's door (a workshop room),
    empty for the main door. The database refuses a second live (not undone)
    check-in of a registration on the same day at the main door, or in the
    same session, whatever the application does.
    """

    conference = models.ForeignKey("conference.Conference", on_delete=models.CASCADE, related_name="checkins")
    registration = models.ForeignKey("registration.Registration", on_delete=models.CASCADE, related_name="checkins")
    badge = models.ForeignKey(Badge, on_delete=models.SET_NULL, null=True, blank=True, related_name="checkins")
    gate = models.CharField(max_length=100, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    checked_in_at = models.DateTimeField(default=timezone.now, db_index=True)
    day = models.PositiveIntegerField(default=1, help_text="The conference day of the admission: 1 for the first.")
    session = models.ForeignKey(
        "conference.Session",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="checkins",
        help_text="The session whose door admitted the delegate; empty for the main door.",
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-checked_in_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "day"],
                condition=models.Q(undone_at__isnull=True, session__isnull=True),
                name="one_live_checkin_per_registration_per_day",
            ),
            models.UniqueConstraint(
                fields=["registration", "session"],
                condition=models.Q(undone_at__isnull=True, session__isnull=False),
                name="one_live_checkin_per_registration_per_session",
            ),
        ]

    def __str__(self):
        return f"{self.registration} at {self.gate or 'the door'}"


class Scan(models.Model):
    """Every scan at a door, admitted or refused, with the answer it got."""

    conference = models.ForeignKey("conference.Conference", on_delete=models.CASCADE, related_name="scans")
    code = models.CharField(max_length=200)
    badge = models.ForeignKey(Badge, on_delete=models.SET_NULL, null=True, blank=True, related_name="scans")
    checkin = models.ForeignKey(CheckIn, on_delete=models.SET_NULL, null=True, blank=True, related_name="scans")
    gate = models.CharField(max_length=100, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    result = models.CharField(max_length=30)
    nonce = models.CharField(max_length=100, blank=True)
    response = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    scanned_at = models.DateTimeField(
        null=True, blank=True, help_text="When the door says the scan happened (scans queued while offline)."
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "nonce"], condition=~models.Q(nonce=""), name="scan_nonce_unique_per_conference"
            )
        ]

    def __str__(self):
        return f"{self.code} → {self.result}"


class BadgePrintJob(models.Model):
    """A bulk badge PDF rendered in the background (a Celery task).

    Progress and the finished file live here (the file under MEDIA_ROOT), so
    whichever process serves the progress page or the download sees them.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Rendering"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    class Layout(models.TextChoices):
        A6 = "a6", "A6, one badge a page"
        A4 = "a4", "A4, four badges a sheet with cut marks"

    conference = models.ForeignKey("conference.Conference", on_delete=models.CASCADE, related_name="badge_print_jobs")
    layout = models.CharField(max_length=2, choices=Layout.choices, default=Layout.A6)
    category = models.CharField(max_length=20, blank=True)
    not_printed = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    pages = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="badge-prints/", blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Badges of {self.conference} ({self.layout}, {self.status})"

    @property
    def percent(self):
        return 100 if self.status == self.Status.DONE else (100 * self.done // self.total if self.total else 0)

    @property
    def is_finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED)


class BadgeDesign(models.Model):
    """How a conference's badges look: chosen by its organisers on the badge design page.

    A conference without a row prints the default design (``badges.design.design_of``
    gives an unsaved one). Only choices are stored, never markup: the badge
    template stays the project's.
    """

    class Sides(models.TextChoices):
        SINGLE = "single", "Single-sided: one A6 page a badge"
        DOUBLE = "double", "Double-sided: two A6 pages a badge (print duplex)"
        FOLD = "fold", "Fold-over: one A5 page a badge, folded to A6"

    class Layout(models.TextChoices):
        A6 = "a6", "A6, one badge a page"
        A4 = "a4", "A4, four badges a sheet with cut marks"

    conference = models.OneToOneField(
        "conference.Conference", on_delete=models.CASCADE, related_name="badge_design", primary_key=True
    )
    sides = models.CharField(max_length=10, choices=Sides.choices, default=Sides.DOUBLE)
    layout = models.CharField(
        max_length=2, choices=Layout.choices, default=Layout.A6, help_text="The print page's layout, remembered."
    )
    logo = models.FileField(upload_to="badge-logos/", blank=True)
    primary_colour = models.CharField(max_length=7, default="#1d4ed8")
    category_colours = models.JSONField(default=dict, blank=True, help_text='{"speaker": "#b91c1c", ...}')
    show_full_name = models.BooleanField(default=True)
    show_job_title = models.BooleanField(default=True)
    show_organisation = models.BooleanField(default=True)
    show_answers = models.BooleanField(default=True, help_text="Answers to questions marked to print on the badge.")
    show_workshops = models.BooleanField(default=True, help_text="The delegate's workshops, on the back.")
    wifi_network = models.CharField(max_length=60, blank=True)
    wifi_password = models.CharField(max_length=60, blank=True)
    help_desk = models.CharField(max_length=120, blank=True)
    back_note = models.CharField(max_length=240, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Badge design of {self.conference_id}"
