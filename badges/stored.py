"""Each badge rendered once: its PDF kept in storage, served and merged until what it shows changes.

The rule: a badge's PDF is current when its *fingerprint* (a hash of
everything it prints: the delegate's details as ``badge_data`` gives them,
the design as ``design_data`` gives it, and the renderer's own templates and
settings) matches the one it was stored with. Whoever needs a badge (the
delegate's link, the door's reprint, a bulk print) asks here: a current badge
is read from storage; a missing or stale one is rendered on the spot and
stored, so a print never comes out wrong whatever changed and however.

Rendering ahead, in the background (``badges.services.render_ahead``, queued
by the receivers in ``badges.ahead``), makes the common case a read: when a
delegate is confirmed or edited, when their invitation or organisation
changes, and for everyone when the conference or its design changes. It never
has to be right for a print to be right; it only saves the time of rendering
at print time.

Files live in the ``badges`` storage if ``STORAGES`` names one, else the
default storage (under ``MEDIA_ROOT``), as ``badges/<conference id>/<code>-<fingerprint>.pdf``.
A badge re-rendered replaces its file; two renders racing keep one file (the
row's update is conditional on the file it replaced).
"""

import hashlib
import json
import logging
import secrets
from importlib import metadata
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import FilteredRelation, Q
from django.utils.dateparse import parse_date

from conference.models import Conference, Organisation, Session
from conference.plumbing.compiled import NUMBER_PLACEHOLDER, PLACEHOLDER, CompiledQuery, partial_instance
from conference.plumbing.compiled import aware as _aware
from conference.plumbing.compiled import cache_related as _cache
from registration.models import Invitation, Registration
from registration.questions import badge_questions
from registration.services import TOKEN_RE

from . import rendering
from .models import Badge

logger = logging.getLogger(__name__)

RENDER_FILES = ("badge.html", "_badge.html", "_back.html", "badge.css", "ua.css")
PROGRESS_EVERY = 100  # badges between two progress reports of a bulk print
_revision = {}


def renderer_revision():
    """A hash of what draws a badge besides its data: the templates, the stylesheet, the fonts and QR settings.

    A deployment that changes any of them makes every stored badge stale
    (each is re-rendered when next needed).
    """
    if "value" not in _revision:
        digest = hashlib.sha256()
        folder = Path(settings.BASE_DIR) / "templates" / "badges"
        for name in RENDER_FILES:
            digest.update((folder / name).read_bytes())
        digest.update(
            json.dumps(
                [rendering.FONT_STACK, rendering.FIELD_FIT, rendering.QR_MODULE_MM, rendering.QR_BORDER]
            ).encode()
        )
        digest.update(rendering.QR_FORMAT.encode())
        digest.update(f"zxing-cpp {metadata.version('zxing-cpp')}".encode())  # what draws the QR code
        _revision["value"] = digest.hexdigest()
    return _revision["value"]


def design_fingerprint(design):
    """The hash of a design's plain data (its ``key``, which changes with every save, left out)."""
    if "fingerprint" not in design:
        shown = {name: value for name, value in design.items() if name != "key"}
        design["fingerprint"] = hashlib.sha256(json.dumps(shown, sort_keys=True).encode()).hexdigest()
    return design["fingerprint"]


def fingerprint(item, design):
    """What a badge's PDF was drawn from: its data (``badge_data``), its design and the renderer."""
    digest = hashlib.sha256(json.dumps(item, sort_keys=True, separators=(",", ":")).encode())
    digest.update(design_fingerprint(design).encode())
    digest.update(renderer_revision().encode())
    return digest.hexdigest()


def _design(conference):
    from .design import design_data, design_of

    return design_data(design_of(conference))


def _read(badge):
    """The stored PDF's bytes, or None when the file is gone."""
    try:
        with badge.pdf.open("rb") as stored:
            return stored.read()
    except (OSError, ValueError):
        logger.warning("The stored PDF of badge %s is missing; rendering it again.", badge.pk)
        return None


def _current(badge, fp):
    return bool(badge.pdf) and badge.pdf_fingerprint == fp


def _storage():
    return Badge._meta.get_field("pdf").storage


def _save_file(badge, fp, pdf):
    """Save ``pdf`` as a new file; returns its name (the badge's row is not changed)."""
    name = Badge._meta.get_field("pdf").generate_filename(badge, f"{badge.code}-{fp[:16]}.pdf")
    return _storage().save(name, ContentFile(pdf))


def store(badge, fp, pdf):
    """Keep ``pdf`` as the badge's current PDF, drawn from ``fp``; the file it replaces is deleted.

    The row is updated only if it still names the file read before
    rendering: when two renders race, the later one's file is deleted
    instead, and the row names one file that exists.
    """
    previous = badge.pdf.name or ""
    name = _save_file(badge, fp, pdf)
    storage = _storage()
    if Badge.objects.filter(pk=badge.pk, pdf=previous).update(pdf=name, pdf_fingerprint=fp):
        badge.pdf.name, badge.pdf_fingerprint = name, fp
        if previous and previous != name:
            storage.delete(previous)
    else:
        storage.delete(name)


def _store_many(saved):
    """Record files already saved (``[(badge, fp, name)]``): one statement a 500 rows, whatever the count;
    the files they replace are deleted. (A render racing this one may leave its own file unnamed.)"""
    if not saved:
        return
    replaced = [badge.pdf.name for badge, _, _ in saved]
    for badge, fp, name in saved:
        badge.pdf.name, badge.pdf_fingerprint = name, fp
    Badge.objects.bulk_update([badge for badge, _, _ in saved], ["pdf", "pdf_fingerprint"], batch_size=500)
    for previous, (_, _, name) in zip(replaced, saved, strict=True):
        if previous and previous != name:
            _storage().delete(previous)


def _stale(badges, design, questions):
    """Each badge's data and fingerprint, and the positions of those whose stored PDF is missing or stale."""
    items = [rendering.badge_data(badge, questions=questions) for badge in badges]
    fps = [fingerprint(item, design) for item in items]
    return items, fps, [n for n, (badge, fp) in enumerate(zip(badges, fps, strict=True)) if not _current(badge, fp)]


def badge_pdf(badge, design=None, workshops=None):
    """One badge's PDF (bytes): the stored one when current, else rendered now and stored.

    ``badge`` has its registration, invitation, organisation and conference
    loaded; ``design`` is the conference's ``design_data`` (read when not given).
    """
    design = design or _design(badge.registration.conference)
    item = rendering.badge_data(badge, workshops=workshops)
    fp = fingerprint(item, design)
    if _current(badge, fp):
        pdf = _read(badge)
        if pdf is not None:
            return pdf
    pdf = rendering.render_document([item], "a6", design=design)
    store(badge, fp, pdf)
    return pdf


# --- One badge, on the hot path ------------------------------------------------------------
#
# A delegate's link and the door's reprint read everything a stored badge needs in
# one statement compiled once per process (the ORM took longer to build the four
# queries than the database to run them), and the workshops in a second.

_REGISTRATION = ("pk", "conference_id", "invitation_id", "status", "first_name", "last_name", "badge_name")
_REGISTRATION += ("job_title", "answers", "token")
_RELATED = ("invitation__category", "invitation__organisation_id", "invitation__organisation__name")
_CONFERENCE = ("name", "slug", "starts_on", "ends_on", "timezone", "colour")
_BADGE = ("current__id", "current__code", "current__pdf", "current__pdf_fingerprint")
_DESIGN = ("conference_id", "sides", "layout", "logo", "primary_colour", "category_colours", "show_full_name")
_DESIGN += ("show_job_title", "show_organisation", "show_answers", "show_workshops", "wifi_network")
_DESIGN += ("wifi_password", "help_desk", "back_note", "updated_at")


def _lookup(key):
    def build(*values):
        current = FilteredRelation("badges", condition=Q(badges__revoked_at__isnull=True))
        registrations = Registration.objects.annotate(current=current).filter(
            anonymised_at__isnull=True, status=Registration.Status.CONFIRMED
        )
        if key == "token":
            registrations = registrations.filter(token=values[0])
        else:
            registrations = registrations.filter(conference__slug=values[0], pk=values[1])
        return registrations.order_by().values_list(
            *_REGISTRATION,
            *_RELATED,
            *("conference__" + name for name in _CONFERENCE),
            *_BADGE,
            *("conference__badge_design__" + name for name in _DESIGN),
        )[:1]

    return build


_BY_TOKEN = CompiledQuery(_lookup("token"))
_BY_ID = CompiledQuery(_lookup("id"), placeholders=(PLACEHOLDER, NUMBER_PLACEHOLDER))
_WORKSHOPS = CompiledQuery(
    lambda registration_id: (
        Session.objects.filter(attendees__pk=registration_id, cancelled_at__isnull=True)
        .order_by("starts_at", "pk")
        .values_list("starts_at", "title", "room__name")
    ),
    placeholders=(NUMBER_PLACEHOLDER,),
)


def _json(value):
    return json.loads(value) if isinstance(value, str) else (value or {})


def _date(value):
    return parse_date(value) if isinstance(value, str) else value


def _badge_of(row):
    """The partial Badge (registration, invitation, organisation, conference loaded) and design of a look-up row."""
    from .design import default_design_of
    from .models import BadgeDesign

    n = len(_REGISTRATION)
    values = dict(zip(_REGISTRATION, row[:n], strict=True))
    category, organisation_id, organisation_name = row[n : n + 3]
    n += 3
    conference_values = dict(zip(_CONFERENCE, row[n : n + len(_CONFERENCE)], strict=True))
    n += len(_CONFERENCE)
    badge_id, code, pdf, fp = row[n : n + 4]
    design_values = dict(zip(_DESIGN, row[n + 4 :], strict=True))
    registration = partial_instance(
        Registration, id=values.pop("pk"), **{**values, "answers": _json(values["answers"])}
    )
    conference = partial_instance(
        Conference,
        id=registration.conference_id,
        **{
            **conference_values,
            "starts_on": _date(conference_values["starts_on"]),
            "ends_on": _date(conference_values["ends_on"]),
        },
    )
    invitation = partial_instance(
        Invitation, id=registration.invitation_id, category=category, organisation_id=organisation_id
    )
    _cache(invitation, "organisation", partial_instance(Organisation, id=organisation_id, name=organisation_name))
    _cache(registration, "invitation", invitation)
    _cache(registration, "conference", conference)
    if badge_id is None:
        return registration, None, None
    badge = partial_instance(
        Badge, id=badge_id, registration_id=registration.pk, code=code, pdf=pdf or "", pdf_fingerprint=fp or ""
    )
    _cache(badge, "registration", registration)
    if design_values["conference_id"] is None:
        design = default_design_of(conference)
    else:
        for name in ("show_full_name", "show_job_title", "show_organisation", "show_answers", "show_workshops"):
            design_values[name] = bool(design_values[name])
        design_values["category_colours"] = _json(design_values["category_colours"])
        design_values["updated_at"] = _aware(design_values["updated_at"])
        design = partial_instance(BadgeDesign, **design_values)
    return registration, badge, design


def _found(row, token=None):
    if row is None:
        return None
    registration, badge, design = _badge_of(row)
    if token is not None and not secrets.compare_digest(registration.token.encode(), token.encode()):
        return None
    if badge is None:  # never issued: the caller issues it
        return None
    return badge, design


def current_by_token(token):
    """``(badge, design)`` of the confirmed delegate whose personal link this is, in one statement; None when
    the link names no confirmed delegate with an issued badge (the caller then takes the general path)."""
    if not isinstance(token, str) or not TOKEN_RE.match(token):
        return None
    return _found(_BY_TOKEN.fetchone(token), token)


def current_by_id(slug, registration_id):
    """``(badge, design)`` of conference ``slug``'s confirmed delegate ``registration_id`` (as by token)."""
    if not isinstance(registration_id, int) or not 0 < registration_id < 2**31:
        return None
    return _found(_BY_ID.fetchone(slug, registration_id))


def served_pdf(badge, design):
    """The PDF of a badge found by :func:`current_by_token` or :func:`current_by_id` (its workshops read here)."""
    from .design import design_data

    registration = badge.registration
    rows = [(_aware(starts_at), title, room) for starts_at, title, room in _WORKSHOPS.fetchall(registration.pk)]
    lines = rendering.workshop_lines(rows, registration.conference.tz)
    return badge_pdf(badge, design_data(design), workshops=lines)


def badge_pdfs(badges, design, *, progress=None, processes=None, batch_size=None, renderers=None):
    """Every badge's PDF (bytes), in order: stored ones read, missing or stale ones rendered (in the
    rendering pool when there are many) and stored. ``progress(done, total)`` every ``PROGRESS_EVERY`` badges.

    ``badges`` are one conference's, loaded as ``services.badges_to_print`` loads them.
    """
    questions = badge_questions(badges[0].registration.conference_id) if badges else []
    items, fps, stale = _stale(badges, design, questions)
    rendered = rendering.render_each(
        [items[n] for n in stale], design=design, processes=processes, batch_size=batch_size, renderers=renderers
    )
    stale_set = set(stale)
    total = len(badges)
    saved = []
    try:
        for done, (n, badge) in enumerate(enumerate(badges), start=1):
            pdf = None if n in stale_set else _read(badge)
            if pdf is None:
                pdf = next(rendered) if n in stale_set else rendering.render_document([items[n]], "a6", design=design)
                saved.append((badge, fps[n], _save_file(badge, fps[n], pdf)))
            yield pdf
            if progress and (done % PROGRESS_EVERY == 0 or done == total):
                progress(done, total)
    finally:
        _store_many(saved)


def render_and_store(badges, design, questions, processes=None):
    """Render and store those of ``badges`` (loaded as for printing) whose stored PDF is missing or stale;
    returns how many were rendered."""
    items, fps, stale = _stale(badges, design, questions)
    pdfs = rendering.render_each([items[n] for n in stale], design=design, processes=processes)
    _store_many([(badges[n], fps[n], _save_file(badges[n], fps[n], pdf)) for n, pdf in zip(stale, pdfs, strict=True)])
    return len(stale)


def forget(badges):
    """Delete the stored PDFs of ``badges`` (a queryset): a revoked code, a delegate who is no longer
    confirmed or whose data is erased. The files go once the transaction commits."""
    names = list(badges.exclude(pdf="").values_list("pdf", flat=True))
    if not names:
        return 0
    badges.exclude(pdf="").update(pdf="", pdf_fingerprint="")
    storage = _storage()

    def delete():
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete)
    return len(names)
