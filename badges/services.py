"""Issuing, reissuing and finding badge codes, and choosing the badges to print.

Every caller (the badge PDFs, the bulk print, the door's check-in) goes
through these functions, so the rules about which code is current live here
only.
"""

import logging
import tempfile

from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from conference.plumbing.errors import ServiceError
from registration.models import Category, Registration

from . import codes
from .models import Badge, BadgePrintJob

logger = logging.getLogger(__name__)


class BadgeError(ServiceError):
    code = "badge_error"


def current_badge(registration):
    """The delegate's current badge, issued on first need.

    Issuing is lazy (the first render, the door's offline list) so that a
    registration never exists in a state the badge code depends on. Two
    requests racing to issue the first badge both end with the same row: the
    partial unique constraint lets only one current badge exist.
    """
    badge = Badge.objects.filter(registration=registration, revoked_at__isnull=True).first()
    if badge:
        return badge
    try:
        with transaction.atomic():
            return Badge.objects.create(registration=registration)
    except IntegrityError:
        return Badge.objects.get(registration=registration, revoked_at__isnull=True)


def reissue_badge(registration, reason=""):
    """Revoke the current code (if any) and issue a new one, in one transaction.

    The registration row is locked first so that two reissues at once queue
    up (each revokes what the other issued) instead of one failing on the
    one-current-badge constraint.
    """
    with transaction.atomic():
        Registration.objects.select_for_update().filter(pk=registration.pk).first()
        now = timezone.now()
        Badge.objects.filter(registration=registration, revoked_at__isnull=True).update(
            revoked_at=now, revoked_reason=(reason or "")[:200]
        )
        return Badge.objects.create(registration=registration, issued_at=now)


def find_badge(code):
    """The badge a scanned or typed code names, current or revoked; None if there is none.

    The code is normalised first (case, stray whitespace); anything that is
    not 26 characters of base32 is refused without touching the database, so
    forged or truncated input costs nothing. The caller decides what a
    revoked badge (``badge.revoked_at``) means; check-in answers ``revoked``.
    """
    code = codes.normalise_code(code)
    if not codes.is_well_formed(code):
        return None
    return (
        Badge.objects.select_related("registration__invitation__organisation", "registration__conference")
        .filter(code=code)
        .first()
    )


def find_valid_badge(code):
    """The current badge of a confirmed delegate that ``code`` names; None for anything else.

    Forged, truncated, altered, revoked codes and badges of cancelled or
    waitlisted delegates all give None. (Check-in uses ``find_badge`` to tell
    the door *why*.)
    """
    badge = find_badge(code)
    if badge is None or badge.revoked_at is not None:
        return None
    if badge.registration.status != Registration.Status.CONFIRMED:
        return None
    return badge


def badges_to_print(conference, *, category=None, not_printed=False):
    """The confirmed delegates' current badges, sorted by surname, issuing any missing ones.

    Returns a list of ``Badge`` rows with the registration, invitation,
    organisation and conference loaded (a fixed number of queries whatever the
    count). ``category`` keeps one invitation category; ``not_printed`` keeps
    badges never printed.
    """
    registrations = Registration.objects.filter(conference=conference, status=Registration.Status.CONFIRMED)
    if category:
        registrations = registrations.filter(invitation__category=category)
    current = Badge.objects.filter(revoked_at__isnull=True, registration__conference=conference)
    missing = registrations.exclude(pk__in=current.values("registration_id")).values_list("pk", flat=True)
    new = [Badge(registration_id=pk) for pk in missing]
    if new:
        # A concurrent issuer may win for some rows; the constraint keeps one current badge.
        Badge.objects.bulk_create(new, batch_size=500, ignore_conflicts=True)
    badges = Badge.objects.filter(registration__in=registrations, revoked_at__isnull=True)
    if not_printed:
        badges = badges.filter(printed_at__isnull=True)
    return list(
        badges.select_related("registration__invitation__organisation", "registration__conference").order_by(
            Lower("registration__last_name"), Lower("registration__first_name"), "registration_id"
        )
    )


def mark_printed(badges, when=None):
    """Record that these badges were printed (the "not yet printed" filter skips them next time)."""
    when = when or timezone.now()
    ids = [b.pk for b in badges]
    with transaction.atomic():
        for start in range(0, len(ids), 500):
            Badge.objects.filter(pk__in=ids[start : start + 500]).update(printed_at=when)
    return when


def validate_print_options(*, layout, category=None):
    """Refuse an unknown layout or category with the API's codes."""
    from .rendering import LAYOUTS

    if layout not in LAYOUTS:
        raise BadgeError(f"Choose the layout a6 or a4, not “{layout}”.", code="invalid_layout")
    if category and category not in Category.values:
        raise BadgeError(
            f"“{category}” is not a category; choose one of {', '.join(Category.values)}.", code="invalid_category"
        )


def print_badges(
    conference, output, *, layout="a6", category=None, not_printed=False, progress=None, processes=None, batch_size=None
):
    """Write every chosen badge of ``conference`` into one PDF and mark them printed.

    ``output`` is a binary file. The badges are sorted by surname; ``a6`` is one
    badge a page, ``a4`` four a sheet with cut marks. Raises ``BadgeError``
    (``no_badges``, 404) when no confirmed delegate matches. Returns
    ``(badge count, page count)``.
    """
    from .rendering import badge_data, write_badges

    validate_print_options(layout=layout, category=category)
    badges = badges_to_print(conference, category=category, not_printed=not_printed)
    if not badges:
        raise BadgeError("No confirmed delegate's badge matches these filters.", code="no_badges", status_code=404)
    items = [badge_data(badge) for badge in badges]
    pages = write_badges(items, output, layout=layout, progress=progress, processes=processes, batch_size=batch_size)
    mark_printed(badges)
    return len(badges), pages


def start_print_job(conference, *, layout="a6", category="", not_printed=False, user=None):
    """Queue a background print of the badges; returns the ``BadgePrintJob`` to follow.

    The task is sent once the job row is committed (with no broker it runs at
    once, in this process, and the job is finished when this returns).
    """
    from .tasks import render_print_job

    validate_print_options(layout=layout, category=category)
    job = BadgePrintJob.objects.create(
        conference=conference, layout=layout, category=category or "", not_printed=not_printed, created_by=user
    )
    transaction.on_commit(lambda: render_print_job.delay(job.pk))
    return job


def run_print_job(job, *, processes=None, batch_size=None):
    """Render ``job``'s PDF into its file, recording progress as it goes (called by the task)."""
    job.status = BadgePrintJob.Status.RUNNING
    job.started_at = timezone.now()
    job.save(update_fields=["status", "started_at"])

    def progress(done, total):
        BadgePrintJob.objects.filter(pk=job.pk).update(done=done, total=total)

    try:
        with tempfile.TemporaryFile() as output:
            count, pages = print_badges(
                job.conference,
                output,
                layout=job.layout,
                category=job.category or None,
                not_printed=job.not_printed,
                progress=progress,
                processes=processes,
                batch_size=batch_size,
            )
            output.seek(0)
            job.file.save(f"badges-{job.conference.slug}-{job.layout}-{job.pk}.pdf", File(output), save=False)
    except BadgeError as exc:
        job.status, job.error = BadgePrintJob.Status.FAILED, exc.message
    except Exception as exc:
        logger.exception("Badge print job %s failed", job.pk)
        job.status, job.error = BadgePrintJob.Status.FAILED, f"Rendering failed: {exc}"
    else:
        job.status, job.total, job.done, job.pages = BadgePrintJob.Status.DONE, count, count, pages
    job.finished_at = timezone.now()
    job.save()
    return job
