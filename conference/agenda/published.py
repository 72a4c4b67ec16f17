"""Serving the published agenda cheaply: one small query to revalidate, cached renders.

Every public output is a pure function of one published version (its
snapshot is frozen) and of a few request details (filters, the minute during
the event), so it is rendered once per version and kept in Django's cache.
A phone polling the feed costs one indexed query for the latest version's
number and a 304.
"""

import gzip as gzip_module
import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date

from conference.models import AgendaVersion

from .snapshot import Agenda

# Bump when the code that renders an output changes, so cached renders and
# ETags of an unchanged version are not served stale after a deploy.
RENDER_REVISION = "1"
CACHE_SECONDS = 24 * 3600
GZIP_MIN_BYTES = 1024


@dataclass(frozen=True)
class VersionRef:
    """What identifies one published version, read with one small query."""

    id: int
    number: int
    published_at: object
    conference_id: int
    slug: str
    name: str
    timezone: str
    starts_on: object
    ends_on: object

    @property
    def stamp(self):
        # The id alone is not enough: SQLite can reuse the id of a deleted row.
        return f"{self.id}.{self.number}.{self.published_at.timestamp():.6f}.{self.slug}"


_FIELDS = (
    "id",
    "number",
    "published_at",
    "conference_id",
    "conference__slug",
    "conference__name",
    "conference__timezone",
    "conference__starts_on",
    "conference__ends_on",
)


def _ref(row):
    return VersionRef(
        id=row["id"],
        number=row["number"],
        published_at=row["published_at"],
        conference_id=row["conference_id"],
        slug=row["conference__slug"],
        name=row["conference__name"],
        timezone=row["conference__timezone"],
        starts_on=row["conference__starts_on"],
        ends_on=row["conference__ends_on"],
    )


def version_ref(slug, number=None):
    """The latest published version of a conference (or version ``number``); 404 when none."""
    versions = AgendaVersion.objects.filter(conference__slug=slug)
    if number is not None:
        versions = versions.filter(number=number)
    row = versions.order_by("-number").values(*_FIELDS).first()
    if row is None:
        if number is None:
            raise Http404("This conference has not published its agenda yet.")
        raise Http404(f"This conference has not published version {number} of its agenda.")
    return _ref(row)


def version_ref_for_conference(conference_id):
    row = AgendaVersion.objects.filter(conference_id=conference_id).order_by("-number").values(*_FIELDS).first()
    return _ref(row) if row else None


def load_agenda(ref):
    """The version's snapshot, read: from the cache, or with one query."""
    key = f"agenda:snapshot:{ref.stamp}:{RENDER_REVISION}"
    data = cache.get(key)
    if data is None:
        snapshot, note = AgendaVersion.objects.values_list("snapshot", "note").get(pk=ref.id)
        data = {"snapshot": snapshot, "note": note}
        cache.set(key, data, CACHE_SECONDS)
    agenda = Agenda(data["snapshot"], number=ref.number, published_at=ref.published_at, note=data["note"])
    agenda.slug = ref.slug  # links follow the conference's address, even if it changed since publishing
    return agenda


def filter_choices(ref):
    """The track ids and room ids of a version (small, cached): what the page's filters accept."""

    def choices():
        agenda = load_agenda(ref)
        return {t["id"] for t in agenda.tracks}, {r["id"] for r in agenda.rooms}

    return cached_render(ref, "filters", "", choices)


def accepts_gzip(request):
    return "gzip" in request.META.get("HTTP_ACCEPT_ENCODING", "").lower()


def etag_for(ref, kind, variant="", gzip=False):
    """A strong ETag per version, output, variant and encoding (a gzipped body is another representation)."""
    encoding = "gz" if gzip else ""
    digest = hashlib.sha256(f"{ref.stamp}:{kind}:{variant}:{encoding}:{RENDER_REVISION}".encode()).hexdigest()[:24]
    return f'"{kind}-v{ref.number}-{digest}{"-gz" if gzip else ""}"'


def cached_render(ref, kind, variant, render):
    """``render()`` once per version, kind and variant; later calls read the cache."""
    key = f"agenda:render:{ref.stamp}:{kind}:{variant}:{RENDER_REVISION}"
    body = cache.get(key)
    if body is None:
        body = render()
        cache.set(key, body, CACHE_SECONDS)
    return body


def cached_body(ref, kind, variant, render, *, gzip=False):
    """The rendered bytes, and whether they are gzipped; both forms are cached once made.

    Phones send ``Accept-Encoding: gzip``: the page and the feeds shrink about
    tenfold, and compressing once per version costs nothing per request.
    """
    body = cached_render(ref, kind, variant, render)
    if isinstance(body, str):
        body = body.encode()
    if not gzip or len(body) < GZIP_MIN_BYTES:
        return body, False
    key = f"agenda:gzip:{ref.stamp}:{kind}:{variant}:{RENDER_REVISION}"
    packed = cache.get(key)
    if packed is None:
        packed = gzip_module.compress(body, compresslevel=6, mtime=0)
        cache.set(key, packed, CACHE_SECONDS)
    return packed, True


def conditional(request, *, etag, last_modified=None, max_age=60, private=False):
    """A 304 when the client's copy is current, else None; see :func:`finish`."""
    response = get_conditional_response(
        request, etag=etag, last_modified=int(last_modified.timestamp()) if last_modified else None
    )
    if response is not None:
        finish(response, etag=etag, last_modified=last_modified, max_age=max_age, private=private)
    return response


def finish(response, *, etag, last_modified=None, max_age=60, private=False):
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    response["Cache-Control"] = f"{'private' if private else 'public'}, max-age={max_age}"
    patch_vary_headers(response, ["Accept-Encoding", "Cookie"] if private else ["Accept-Encoding"])
    return response


def respond(body, encoded, *, content_type):
    response = HttpResponse(body, content_type=content_type)
    if encoded:
        response["Content-Encoding"] = "gzip"
    return response


def serve(request, *, ref, kind, content_type, render, variant="", filename=None, max_age=60, cors=False):
    """The whole conditional, cached answer for a version-only output (.ics, .json, .pdf)."""
    gzip = accepts_gzip(request) and kind != "pdf"  # PDF streams are compressed already
    etag = etag_for(ref, kind, variant, gzip=gzip)
    response = conditional(request, etag=etag, last_modified=ref.published_at, max_age=max_age)
    if response is not None:
        return response
    response = respond(*cached_body(ref, kind, variant, render, gzip=gzip), content_type=content_type)
    if filename:
        response["Content-Disposition"] = f'inline; filename="{filename}"'
    if cors:
        # Feeds are public: web-based schedule viewers may read them from another origin.
        response["Access-Control-Allow-Origin"] = "*"
    return finish(response, etag=etag, last_modified=ref.published_at, max_age=max_age)
