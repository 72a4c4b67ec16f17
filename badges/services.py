"""Issuing, reissuing and finding badge codes, and choosing the badges to print.

Every caller (the badge PDFs, the bulk print, the door's check-in) goes
through these functions, so the rules about which code is current live here
only.
"""

import json
import logging
import tempfile

from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Exists, FilteredRelation, OuterRef, Prefetch, Q
from django.db.models.functions import Lower
from django.utils import timezone

from conference.models import Conference, Organisation, Session
from conference.plumbing.compiled import NUMBER_PLACEHOLDER, PLACEHOLDER, CompiledQuery, partial_instance
from conference.plumbing.compiled import aware as _aware
from conference.plumbing.compiled import cache_related as _cache
from conference.plumbing.errors import ServiceError
from registration.models import Category, Invitation, Registration
from registration.questions import badge_questions

from . import codes, stored
from .models import Badge, BadgePrintJob, CheckIn

logger = logging.getLogger(__name__)


class BadgeError(ServiceError):
    code = "badge_error"


def not_confirmed(registration):
    """The refusal for a delegate who has no badge (waitlisted or cancelled)."""
    return BadgeError(
        f"{registration.full_name} is {registration.get_status_display().lower()}: "
        "only confirmed delegates have a badge.",
        code="not_confirmed",
        status_code=409,
    )


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
    one-current-badge constraint. Only a confirmed delegate has a badge to
    reissue (``not_confirmed``, 409), whoever asks: the API, the organiser's
    page, the admin.
    """
    with transaction.atomic():
        locked = Registration.objects.select_for_update().filter(pk=registration.pk).first()
        if locked is None or locked.status != Registration.Status.CONFIRMED:
            raise not_confirmed(locked or registration)
        now = timezone.now()
        current = Badge.objects.filter(registration=registration, revoked_at__isnull=True)
        stored.forget(current)  # a revoked code's badge is never printed again
        current.update(revoked_at=now, revoked_reason=(reason or "")[:200])
        return Badge.objects.create(registration=registration, issued_at=now)


# --- What a scanned code names ------------------------------------------------------
#
# The door's hot path: one statement, compiled once per process, read flat into a
# few partial model instances (only the fields below; any other field would load
# on access, which the scan never does).

_DELEGATE_PATHS = (
    "pk",
    "conference_id",
    "conference__name",
    "status",
    "first_name",
    "last_name",
    "badge_name",
    "answers",
    "invitation_id",
    "invitation__category",
    "invitation__organisation_id",
    "invitation__organisation__name",
)
_LIVE_PATHS = ("live__pk", "live__checked_in_at", "live__gate", "returning")


def _live_checkin(relation, day):
    """The live (not undone) main-door check-in on conference ``day`` through ``relation``: at most one."""
    return FilteredRelation(
        relation,
        condition=Q(
            **{f"{relation}__undone_at__isnull": True, f"{relation}__session__isnull": True, f"{relation}__day": day}
        ),
    )


def _returning(registration_ref, day):
    """Whether the delegate was admitted at the main door on an earlier conference day (and not undone)."""
    return Exists(
        CheckIn.objects.filter(
            registration=OuterRef(registration_ref), undone_at__isnull=True, session__isnull=True, day__lt=day
        )
    )


def _badge_lookup(code, day):
    return (
        Badge.objects.annotate(
            live=_live_checkin("registration__checkins", day), returning=_returning("registration", day)
        )
        .filter(code=code)
        .order_by()
        .values_list("pk", "revoked_at", *("registration__" + path for path in _DELEGATE_PATHS), *_LIVE_PATHS)[:1]
    )


# Compiled once per process: every scan runs the same statement with another code and day.
_BADGE_LOOKUP = CompiledQuery(_badge_lookup, placeholders=(PLACEHOLDER, NUMBER_PLACEHOLDER))


def _delegate(row):
    """The Registration of a look-up row, with its conference, invitation, organisation and live check-in."""
    (pk, conference_id, conference_name, status, first_name, last_name, badge_name, answers) = row[:8]
    (invitation_id, category, organisation_id, organisation_name, live_id, live_at, live_gate, returning) = row[8:]
    registration = partial_instance(
        Registration,
        id=pk,
        conference_id=conference_id,
        invitation_id=invitation_id,
        status=status,
        first_name=first_name,
        last_name=last_name,
        badge_name=badge_name,
        # The raw statement reads JSON as text; the ORM's values_list has decoded it already.
        answers=json.loads(answers) if isinstance(answers, str) else (answers or {}),
    )
    invitation = partial_instance(Invitation, id=invitation_id, category=category, organisation_id=organisation_id)
    _cache(invitation, "organisation", partial_instance(Organisation, id=organisation_id, name=organisation_name))
    _cache(registration, "invitation", invitation)
    _cache(registration, "conference", partial_instance(Conference, id=conference_id, name=conference_name))
    # The same names as search_delegates' annotations, so the door reads them the same way.
    registration.live_checkin_id = live_id
    registration.live_checked_in_at = _aware(live_at)
    registration.live_gate = live_gate
    registration.returning = bool(returning)
    return registration


def find_badge(code, day=1):
    """The badge a scanned or typed code names, current or revoked; None if there is none.

    The one look-up of a scanned code (the door's scan, and everything else).
    The code is normalised first (case, stray whitespace); anything that is not
    26 characters of base32 is refused without touching the database, so forged
    or truncated input costs nothing. Otherwise one statement reads the badge,
    its registration (names, status), invitation (category), organisation and
    conference (names), and the registration's live main-door check-in on
    conference ``day``, as ``registration.live_checkin_id``,
    ``live_checked_in_at`` and ``live_gate`` (None when not checked in that
    day), and ``registration.returning`` (admitted on an earlier day). The caller decides what a revoked badge
    (``badge.revoked_at``) means; check-in answers ``revoked``.
    """
    code = codes.normalise_code(code)
    if not codes.is_well_formed(code):
        return None
    row = _BADGE_LOOKUP.fetchone(code, day)
    if row is None:
        return None
    registration = _delegate(row[2:])
    badge = partial_instance(Badge, id=row[0], registration_id=registration.pk, code=code, revoked_at=_aware(row[1]))
    _cache(badge, "registration", registration)
    return badge


def find_delegate(registration_id, day=1):
    """A delegate by id as :func:`find_badge` gives them (for a check-in without the badge); None if unknown."""
    row = (
        Registration.objects.annotate(live=_live_checkin("checkins", day), returning=_returning("pk", day))
        .filter(pk=registration_id)
        .order_by()
        .values_list(*_DELEGATE_PATHS, *_LIVE_PATHS)
        .first()
    )
    return _delegate(row) if row else None


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


def _confirmed(conference, category=None):
    registrations = Registration.objects.filter(conference=conference, status=Registration.Status.CONFIRMED)
    return registrations.filter(invitation__category=category) if category else registrations


def issue_missing_badges(conference, *, category=None):
    """Issue a badge to every confirmed delegate of ``conference`` without a current one; returns how many.

    One query finds them and one insert (per 500) issues them, whatever the
    count. A concurrent issuer may win for some rows; the partial unique
    constraint keeps one current badge per delegate.
    """
    missing = (
        _confirmed(conference, category)
        .exclude(Exists(Badge.objects.filter(registration=OuterRef("pk"), revoked_at__isnull=True)))
        .values_list("pk", flat=True)
    )
    new = [Badge(registration_id=pk) for pk in missing]
    if new:
        Badge.objects.bulk_create(new, batch_size=500, ignore_conflicts=True)
    return len(new)


def badges_to_print(conference, *, category=None, not_printed=False):
    """The confirmed delegates' current badges, sorted by surname, issuing any missing ones.

    Returns a list of ``Badge`` rows with the registration, invitation,
    organisation and conference loaded (a fixed number of queries whatever the
    count). ``category`` keeps one invitation category; ``not_printed`` keeps
    badges never printed.
    """
    issue_missing_badges(conference, category=category)
    badges = Badge.objects.filter(registration__in=_confirmed(conference, category), revoked_at__isnull=True)
    if not_printed:
        badges = badges.filter(printed_at__isnull=True)
    return list(
        _for_rendering(badges).order_by(
            Lower("registration__last_name"), Lower("registration__first_name"), "registration_id"
        )
    )


def _for_rendering(badges):
    """``badges`` (a queryset) with everything ``badge_data`` reads loaded: a fixed number of queries."""
    workshops = Prefetch("registration__workshops", queryset=Session.objects.select_related("room"))
    return badges.select_related("registration__invitation__organisation", "registration__conference").prefetch_related(
        workshops
    )


def _badges_of(conference, registration_ids=None):
    """The current badges of the conference's confirmed delegates (all, or those of ``registration_ids``),
    issuing any missing, loaded as ``badge_data`` needs them."""
    registrations = _confirmed(conference)
    if registration_ids is None:
        issue_missing_badges(conference)
    else:
        registrations = registrations.filter(pk__in=registration_ids)
        for registration in registrations:
            current_badge(registration)
    return _for_rendering(Badge.objects.filter(registration__in=registrations, revoked_at__isnull=True)).order_by("pk")


def render_ahead(conference_id, registration_ids=None, *, processes=None):
    """Render and store the stale badges of a conference's confirmed delegates (all, or ``registration_ids``).

    Background work: nothing depends on it being done. A design saved again
    while this runs makes this run stop (the run queued by that save
    renders in the newer design). Returns how many badges were rendered.
    """
    from .design import design_data, design_of

    conference = Conference.objects.filter(pk=conference_id).first()
    if conference is None:
        return 0
    badges = _badges_of(conference, registration_ids)
    design = design_data(design_of(conference))
    questions = badge_questions(conference_id)
    rendered = 0
    chunk = []
    for badge in badges.iterator(chunk_size=500):
        chunk.append(badge)
        if len(chunk) == 500:
            rendered += stored.render_and_store(chunk, design, questions, processes)
            chunk = []
            if stored.design_fingerprint(design_data(design_of(conference))) != stored.design_fingerprint(design):
                return rendered
    return rendered + stored.render_and_store(chunk, design, questions, processes)


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

    ``output`` is a binary file. The badges are sorted by surname, in the
    conference's design (its sides: one page a badge, two for double-sided,
    an A5 page for a fold-over); ``a6`` is one badge a page, ``a4`` four a
    sheet with cut marks. Each badge is read from storage when it is current
    and rendered only when missing or stale (``badges.stored``): printing
    badges rendered ahead is a merge. Raises ``BadgeError``
    (``no_badges``, 404) when no confirmed delegate matches. Returns
    ``(badge count, page count)``.
    """
    from . import sheets, stored
    from .design import design_data, design_of

    validate_print_options(layout=layout, category=category)
    badges = badges_to_print(conference, category=category, not_printed=not_printed)
    if not badges:
        raise BadgeError("No confirmed delegate's badge matches these filters.", code="no_badges", status_code=404)
    design = design_data(design_of(conference))
    pdfs = stored.badge_pdfs(badges, design, progress=progress, processes=processes, batch_size=batch_size)
    pages = sheets.assemble(pdfs, output, layout=layout, sides=design["sides"])
    mark_printed(badges)
    return len(badges), pages


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
