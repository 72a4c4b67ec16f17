"""Public pages and feeds of the published agenda.

Thin: the published version is read by :mod:`conference.agenda.published`,
rendered by templates and :mod:`conference.agenda.exporters`. Nothing here
reads the draft.
"""

import functools
import hashlib

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from conference.models import AgendaVersion

from . import exporters, published


def friendly_404(view):
    """A page that says what is missing, in the site's layout, instead of a bare "Not Found"."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Http404 as exc:
            message = str(exc) or "There is nothing at this address."
            return render(request, "conference/agenda/not_found.html", {"message": message}, status=404)

    return wrapper


def _has_messages(request):
    """Flash messages are per visitor: a page that shows some is not taken from the shared cache."""
    return bool(len(messages.get_messages(request)))


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _during_event(ref, now):
    local = timezone.localtime(now, _zone(ref.timezone))
    return ref.starts_on <= local.date() <= ref.ends_on


def _zone(name):
    import zoneinfo

    return zoneinfo.ZoneInfo(name)


def _filters(request, ref):
    """The ``?track=`` and ``?room=`` of the query string, each None unless the version has it.

    Unknown ids are dropped before they can name a cache entry of their own.
    """
    track = _int(request.GET.get("track"))
    room = _int(request.GET.get("room"))
    if track is not None or room is not None:
        tracks, rooms = published.filter_choices(ref)
        track = track if track in tracks else None
        room = room if room in rooms else None
    return track, room


def _visitor_variant(request):
    """'' for anonymous visitors (one shared cached page); a key per logged-in visitor's session otherwise."""
    if not request.user.is_authenticated:
        return ""
    return hashlib.sha256(f"{request.user.pk}:{request.session.session_key}".encode()).hexdigest()[:12]


def _agenda_fragment(agenda, *, track, room, now, live, latest):
    """The agenda's HTML (days, filters, "Happening now" during the event): a function of the version alone."""
    items = agenda.filtered(track=track, room=room)
    filtered = bool(track or room)
    running, following = agenda.now_and_next(now) if live else ([], [])
    shown = {i.id for i in items}
    return render_to_string(
        "conference/agenda/_agenda.html",
        {
            "agenda": agenda,
            "days": [d for d in agenda.days(items) if d.items] if filtered else agenda.days(items),
            "chosen_track": track,
            "chosen_room": room,
            "filtered": filtered,
            "count": len(items),
            "running": [i for i in running if i.id in shown],
            "following": [i for i in following if i.id in shown],
            "latest": latest,
        },
    )


def _page(request, ref, *, latest):
    """The agenda page of one version, filtered by the query string, conditional and cached."""
    now = timezone.now()
    track, room = _filters(request, ref)
    live_minute = now.strftime("%Y%m%d%H%M") if latest and _during_event(ref, now) else ""
    variant = f"t{track}:r{room}:{live_minute}"
    user_variant = _visitor_variant(request)
    kind = "page" if latest else "version"
    # Anonymous visitors (nearly everyone) get the whole page from the cache, gzipped if they accept it.
    whole_page = not user_variant and not _has_messages(request)
    gzip = whole_page and published.accepts_gzip(request)
    etag = published.etag_for(ref, kind, f"{variant}:{user_variant}", gzip=gzip)
    last_modified = None if live_minute else ref.published_at
    response = published.conditional(request, etag=etag, last_modified=last_modified, private=bool(user_variant))
    if response is not None:
        return response

    def render_fragment():
        agenda = published.load_agenda(ref)
        return _agenda_fragment(agenda, track=track, room=room, now=now, live=bool(live_minute), latest=latest)

    def render_page():
        return render_to_string(
            "conference/agenda/page.html",
            {
                "fragment": published.cached_render(ref, kind, variant, render_fragment),
                "conference": {"name": ref.name, "slug": ref.slug},
            },
            request=request,
        )

    if whole_page:
        body, encoded = published.cached_body(ref, f"{kind}-html", variant, render_page, gzip=gzip)
        response = published.respond(body, encoded, content_type="text/html; charset=utf-8")
    else:
        response = HttpResponse(render_page())
    return published.finish(
        response, etag=etag, last_modified=last_modified, private=bool(user_variant), max_age=30 if live_minute else 60
    )


@friendly_404
def agenda_page(request, slug):
    return _page(request, published.version_ref(slug), latest=True)


@friendly_404
def version_page(request, slug, number):
    return _page(request, published.version_ref(slug, number), latest=False)


@friendly_404
def changelog(request, slug):
    """Every published version with its note and what it changed."""
    ref = published.version_ref(slug)
    etag = published.etag_for(ref, "changes")
    response = published.conditional(request, etag=etag, last_modified=ref.published_at)
    if response is not None:
        return response

    def render_fragment():
        versions = list(
            AgendaVersion.objects.filter(conference_id=ref.conference_id)
            .order_by("-number")
            .values("number", "note", "published_at", "changes")
        )
        return render_to_string("conference/agenda/_changes.html", {"versions": versions, "slug": ref.slug})

    fragment = published.cached_render(ref, "changes", "", render_fragment)
    response = render(
        request,
        "conference/agenda/changes.html",
        {"fragment": fragment, "ref": ref, "conference": {"name": ref.name, "slug": ref.slug}},
    )
    return published.finish(response, etag=etag, last_modified=ref.published_at)


@friendly_404
def agenda_ics(request, slug):
    ref = published.version_ref(slug)
    return published.serve(
        request,
        ref=ref,
        kind="ics",
        content_type="text/calendar; charset=utf-8",
        render=lambda: exporters.ics(published.load_agenda(ref)),
        filename=f"{slug}-agenda.ics",
        cors=True,
    )


@friendly_404
def agenda_json(request, slug):
    ref = published.version_ref(slug)
    return published.serve(
        request,
        ref=ref,
        kind="json",
        content_type="application/json",
        render=lambda: exporters.frab(published.load_agenda(ref)),
        cors=True,
    )


@friendly_404
def agenda_pdf(request, slug):
    ref = published.version_ref(slug)
    return published.serve(
        request,
        ref=ref,
        kind="pdf",
        content_type="application/pdf",
        render=lambda: exporters.pdf(published.load_agenda(ref)),
        filename=f"{slug}-programme.pdf",
        max_age=300,
    )
