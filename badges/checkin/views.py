"""The door page (door staff) and the organisers' live arrivals page.

Both are thin: the page carries the URLs of the check-in API and the work is
done by the ES modules of ``static/js/door/`` (scan, camera, offline list and queue) and
``static/js/arrivals.js`` (polling the stats), against :mod:`badges.checkin.api`.
"""

from datetime import date
from pathlib import Path

from django.contrib.staticfiles import finders
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.urls import reverse

from conference.models import Conference
from conference.plumbing.access import door_staff_required, organiser_required

from . import services as checkin


def _checkin_urls(conference):
    slug = conference.slug
    return {
        "scan": reverse("api-checkin-scan", args=[slug]),
        "sync": reverse("api-checkin-sync", args=[slug]),
        "search": reverse("api-checkin-search", args=[slug]),
        "stats": reverse("api-checkin-stats", args=[slug]),
        "list": reverse("api-checkin-list", args=[slug]),
        # Templates the page fills in with an id: {id} stands where the route takes it.
        "undo": reverse("api-checkin-undo", args=[slug, 0]).replace("/0/", "/{id}/"),
        "badge_pdf": reverse("api-registration-badge", args=[slug, 0]).replace("/0/", "/{id}/"),
    }


@door_staff_required
def door(request, slug=None):
    """The check-in page: the current conference, or the one chosen by slug or ``?conference=``."""
    slug = slug or request.GET.get("conference")
    conferences = list(Conference.objects.order_by("-starts_on"))
    conference = get_object_or_404(Conference, slug=slug) if slug else Conference.objects.current()
    context = {"conference": conference, "conferences": conferences}
    if conference is not None:
        context["sessions"] = checkin.door_sessions(conference)
        context["door_config"] = {
            "conference": checkin.door_conference(conference),
            "sessions": context["sessions"],
            "urls": _checkin_urls(conference),
            "vendor": static("vendor/barcode-detector/"),
            "service_worker": reverse("door-service-worker"),
        }
    return render(request, "badges/door.html", context)


def service_worker(request):
    """The door page's service worker, served under /door/ so that its scope covers the door pages."""
    path = finders.find("js/door-sw.js")
    response = HttpResponse(Path(path).read_bytes(), content_type="text/javascript")
    response["Cache-Control"] = "no-cache"
    return response


@organiser_required
def arrivals(request, slug):
    """Organisers follow arrivals live: checked in against registered, today, by day, per gate, and per
    quarter hour grouped by day (only the hours that had arrivals, the date on every label); at the main
    door, or at a session's door with ``?session=<id>``."""
    conference = get_object_or_404(Conference, slug=slug)
    session = None
    if request.GET.get("session"):
        try:
            session = checkin.find_session(conference, request.GET["session"])
        except checkin.SessionNotFound as error:
            raise Http404(str(error)) from error
    stats = checkin.checkin_stats(conference=conference, session=session)
    stats_url = reverse("api-checkin-stats", args=[conference.slug])
    return render(
        request,
        "badges/arrivals.html",
        {
            "conference": conference,
            "stats": stats,
            "days": checkin.arrival_days(conference, stats["per_quarter_hour"]),
            "gate_total": sum(stats["by_gate"].values()),
            "by_day": [{**day, "label": checkin.day_label(date.fromisoformat(day["date"]))} for day in stats["by_day"]],
            "session": session,
            "sessions": checkin.door_sessions(conference),
            "arrivals_config": {
                "stats": f"{stats_url}?session={session.pk}" if session else stats_url,
                "timezone": conference.timezone,
            },
        },
    )
