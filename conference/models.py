"""The conference, the organisations invited to it, and its agenda."""

import datetime as dt
import uuid
import zoneinfo

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

from .plumbing.validators import validate_name_text, validate_plausible_year

# Paths at the root of the site that a conference slug must not shadow.
RESERVED_SLUGS = frozenset(
    {
        "admin",
        "api",
        "door",
        "my",
        "rsvp",
        "organiser",
        "organisers",
        "healthz",
        "static",
        "media",
        "accounts",
        "login",
        "logout",
        "favicon.ico",
        "robots.txt",
    }
)


def validate_slug_not_reserved(value):
    if value.lower() in RESERVED_SLUGS:
        raise ValidationError(
            "“%(value)s” is a page of this site and cannot name a conference; choose another slug.",
            code="reserved_slug",
            params={"value": value},
        )


def validate_timezone(value):
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            "“%(value)s” is not a known time zone; use a name such as Europe/London.",
            code="invalid_timezone",
            params={"value": value},
        ) from None


colour_validator = RegexValidator(r"^#[0-9a-fA-F]{6}$", "Give a colour as #RRGGBB, for example #1d4ed8.")


class Category(models.TextChoices):
    """An invitation's category. Defined here because a conference's places name categories
    (exempt ones, reserved ones); ``registration.models`` re-exports it."""

    PARTNER = "partner", "Partner"
    COMPANY = "company", "Company"
    SPEAKER = "speaker", "Speaker"
    SPONSOR = "sponsor", "Sponsor"
    PRESS = "press", "Press"
    VIP = "vip", "VIP"
    STAFF = "staff", "Staff"


def default_exempt_categories():
    """Speakers, staff and VIPs are confirmed whatever the capacity, unless the organisers say otherwise."""
    return [Category.SPEAKER.value, Category.STAFF.value, Category.VIP.value]


def places_errors(*, capacity, exempt, reserved):
    """What is wrong with a conference's places settings: ``{field: message}``, empty when fine.

    ``exempt``: a list of categories confirmed whatever the capacity; ``reserved``:
    ``{category: N}``, places of the capacity held for a category. Known
    categories only, N a whole number ≥ 0, the reserved places together no
    more than the capacity, and a category is not both exempt and reserved.
    """
    known = set(Category.values)
    errors = {}
    if not isinstance(exempt, list) or not all(isinstance(c, str) for c in exempt):
        errors["capacity_exempt_categories"] = 'Give a list of categories, e.g. ["speaker", "vip"].'
    elif unknown := [c for c in exempt if c not in known]:
        errors["capacity_exempt_categories"] = (
            f"Unknown categor{'ies' if len(unknown) > 1 else 'y'}: {', '.join(unknown)}; "
            f"the categories are {', '.join(Category.values)}."
        )
    elif len(set(exempt)) != len(exempt):
        errors["capacity_exempt_categories"] = "A category is listed twice."
    if not isinstance(reserved, dict):
        errors["reserved_places"] = 'Give places per category, e.g. {"sponsor": 20}.'
    elif unknown := [c for c in reserved if c not in known]:
        errors["reserved_places"] = (
            f"Unknown categor{'ies' if len(unknown) > 1 else 'y'}: {', '.join(unknown)}; "
            f"the categories are {', '.join(Category.values)}."
        )
    elif bad := [c for c, n in reserved.items() if isinstance(n, bool) or not isinstance(n, int) or n < 0]:
        errors["reserved_places"] = f"Reserved places are a whole number, 0 or more ({', '.join(bad)})."
    elif capacity is not None and isinstance(capacity, int) and sum(reserved.values()) > capacity:
        errors["reserved_places"] = (
            f"{sum(reserved.values())} places are reserved but the capacity is {capacity}: "
            "reserve no more than the capacity."
        )
    elif isinstance(exempt, list) and (both := [c for c in reserved if c in exempt and reserved[c]]):
        errors["reserved_places"] = (
            f"{', '.join(both)} {'is' if len(both) == 1 else 'are'} exempt from capacity and need no reserved places."
        )
    return errors


class Organisation(models.Model):
    """A partner or company, reused from one year's conference to the next."""

    class Kind(models.TextChoices):
        PARTNER = "partner", "Partner"
        COMPANY = "company", "Company"
        SPONSOR = "sponsor", "Sponsor"
        PUBLIC_BODY = "public_body", "Public body"
        UNIVERSITY = "university", "University"
        SUPPORT_AGENCY = "support_agency", "Support agency"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200, unique=True, validators=[validate_name_text])
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.COMPANY)
    website = models.URLField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


def default_retain_until(ends_on):
    """One year after the conference's last day (28 February for a conference ending on 29 February)."""
    if isinstance(ends_on, str):  # a model built from text, before the database converts it
        ends_on = dt.date.fromisoformat(ends_on)
    try:
        return ends_on.replace(year=ends_on.year + 1)
    except ValueError:
        return ends_on.replace(year=ends_on.year + 1, day=28)


class ConferenceQuerySet(models.QuerySet):
    def current(self):
        """The conference the site is about now: the next or running one, else the latest."""
        today = timezone.localdate()
        upcoming = self.filter(ends_on__gte=today).order_by("starts_on").first()
        return upcoming or self.order_by("-starts_on").first()


class Conference(models.Model):
    """One year's conference. Past years stay readable."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True, validators=[validate_slug_not_reserved])
    starts_on = models.DateField(validators=[validate_plausible_year])
    ends_on = models.DateField(validators=[validate_plausible_year])
    timezone = models.CharField(max_length=64, default="Europe/London", validators=[validate_timezone])
    venue = models.CharField(max_length=200, blank=True)
    address = models.TextField(blank=True)
    capacity = models.PositiveIntegerField(
        help_text="Delegates the venue holds; past it, delegates go on the waiting list."
    )
    capacity_exempt_categories = models.JSONField(
        default=default_exempt_categories,
        blank=True,
        help_text="Categories whose delegates are confirmed whatever the capacity (they take no place of it).",
    )
    reserved_places = models.JSONField(
        default=dict,
        blank=True,
        help_text='Places of the capacity held for a category, e.g. {"sponsor": 20}; no other category takes them.',
    )
    registration_opens_at = models.DateTimeField(null=True, blank=True, validators=[validate_plausible_year])
    registration_closes_at = models.DateTimeField(null=True, blank=True, validators=[validate_plausible_year])
    contact_email = models.EmailField(blank=True)
    retain_until = models.DateField(
        null=True,
        blank=True,
        help_text="The day after which its delegates' personal data is anonymised; one year after the end if empty.",
    )
    colour = models.CharField(max_length=7, default="#1d4ed8", validators=[colour_validator])
    logo = models.ImageField(upload_to="logos/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ConferenceQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.retain_until is None and self.ends_on:
            self.retain_until = default_retain_until(self.ends_on)
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "retain_until"}
        super().save(*args, **kwargs)

    def clean(self):
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = ValidationError("The conference cannot end before it starts.", code="ends_before_start")
        if self.retain_until and self.ends_on and self.retain_until < self.ends_on:
            errors["retain_until"] = ValidationError(
                "Personal data cannot be deleted before the conference ends: give a date on or after its last day.",
                code="retain_before_end",
            )
        if (
            self.registration_opens_at
            and self.registration_closes_at
            and self.registration_closes_at < self.registration_opens_at
        ):
            errors["registration_closes_at"] = ValidationError(
                "Registration cannot close before it opens.", code="closes_before_opens"
            )
        for field, message in places_errors(
            capacity=self.capacity, exempt=self.capacity_exempt_categories, reserved=self.reserved_places
        ).items():
            errors[field] = ValidationError(message, code="invalid_places")
        if errors:
            raise ValidationError(errors)

    @property
    def tz(self):
        return zoneinfo.ZoneInfo(self.timezone)

    def registration_is_open(self, now=None):
        now = now or timezone.now()
        if self.registration_opens_at and now < self.registration_opens_at:
            return False
        if self.registration_closes_at and now >= self.registration_closes_at:
            return False
        return True


class Room(models.Model):
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(max_length=100)
    capacity = models.PositiveIntegerField(null=True, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        constraints = [models.UniqueConstraint(fields=["conference", "name"], name="room_name_unique_per_conference")]

    def __str__(self):
        return self.name


class Track(models.Model):
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="tracks")
    name = models.CharField(max_length=100)
    colour = models.CharField(max_length=7, default="#64748b", validators=[colour_validator])

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["conference", "name"], name="track_name_unique_per_conference")]

    def __str__(self):
        return self.name


class Speaker(models.Model):
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="speakers")
    name = models.CharField(max_length=200, validators=[validate_name_text])
    organisation = models.CharField(max_length=200, blank=True, validators=[validate_name_text])
    email = models.EmailField(
        blank=True,
        help_text="Never published. A confirmed delegate with this e-mail has the speaker's sessions in their agenda.",
    )
    bio = models.TextField(blank=True)
    photo = models.ImageField(upload_to="speakers/", blank=True)
    guid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Session(models.Model):
    """A slot of the working draft of the agenda.

    Deleting a session that was in a published version does not delete the
    row: it sets ``cancelled_at`` so the history and the feeds can say it was
    cancelled. ``guid`` is what feeds use as a stable identity.
    """

    class Kind(models.TextChoices):
        KEYNOTE = "keynote", "Keynote"
        TALK = "talk", "Talk"
        PANEL = "panel", "Panel"
        WORKSHOP = "workshop", "Workshop"
        BREAK = "break", "Break"
        NETWORKING = "networking", "Networking"

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.TALK)
    starts_at = models.DateTimeField(validators=[validate_plausible_year])
    ends_at = models.DateTimeField(validators=[validate_plausible_year])
    # RESTRICT, not PROTECT: a room with sessions cannot be deleted, but a whole conference can.
    room = models.ForeignKey(Room, on_delete=models.RESTRICT, related_name="sessions", null=True, blank=True)
    track = models.ForeignKey(Track, on_delete=models.SET_NULL, related_name="sessions", null=True, blank=True)
    speakers = models.ManyToManyField(Speaker, related_name="sessions", blank=True)
    capacity = models.PositiveIntegerField(null=True, blank=True, help_text="Places, for workshops.")
    abstract = models.TextField(blank=True)
    guid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    published_in = models.PositiveIntegerField(
        null=True, blank=True, editable=False, help_text="The first published agenda version that held this session."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "room__position", "title"]
        indexes = [models.Index(fields=["conference", "starts_at"])]

    def __str__(self):
        return self.title


class AgendaVersion(models.Model):
    """A published, frozen agenda: version N with its note and changelog."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="agenda_versions")
    number = models.PositiveIntegerField()
    note = models.TextField(blank=True)
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey("auth.User", on_delete=models.SET_NULL, null=True, blank=True)
    snapshot = models.JSONField(default=dict, help_text="The agenda as published: rooms, tracks, speakers, sessions.")
    changes = models.JSONField(default=dict, help_text="added, moved and cancelled sessions against version N-1.")

    class Meta:
        ordering = ["conference", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "number"], name="agenda_version_unique_per_conference")
        ]

    def __str__(self):
        return f"{self.conference} agenda v{self.number}"
