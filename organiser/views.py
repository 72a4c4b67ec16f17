"""The organiser overview: the figures of every part of one conference at a glance."""

from django.shortcuts import get_object_or_404, render

from conference.models import Conference
from conference.plumbing.access import organiser_required

from . import overview


@organiser_required
def organiser_overview(request, slug=None):
    """Figures at a glance for one conference (the current one unless a slug is given)."""
    conferences = Conference.objects.all()
    conference = get_object_or_404(Conference, slug=slug) if slug else Conference.objects.current()
    context = {"conferences": conferences, "conference": conference}
    if conference:
        context.update(overview.overview(conference))
    return render(request, "organiser/overview.html", context)
