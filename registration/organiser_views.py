"""The organisers' page of invitations and RSVPs: figures at a glance and the exports."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render

from conference.models import Conference
from conference.plumbing.access import organiser_required

from . import exports, services
from .figures import invitation_figures


@organiser_required
def overview(request, slug):
    conference = get_object_or_404(Conference, slug=slug)
    figures = invitation_figures(conference)
    return render(
        request,
        "registration/organiser.html",
        {
            "conference": conference,
            "figures": figures,
            "workshops": services.workshops_with_places(conference),
            "exports": [
                ("invitations", "Invitations with their states"),
                ("delegates", "Delegates with organisation, category and needs"),
                ("needs", "Dietary and accessibility needs"),
                ("workshops", "Workshop lists"),
            ],
        },
    )


@organiser_required
def export(request, slug, table, fmt):
    if table not in exports.TABLES or fmt not in ("csv", "xlsx"):
        raise Http404("No such export.")
    conference = get_object_or_404(Conference, slug=slug)
    return exports.export_response(conference, table, fmt)
