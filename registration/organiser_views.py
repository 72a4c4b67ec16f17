"""The organisers' pages of invitations and RSVPs (figures at a glance, the exports) and the privacy audit log."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from conference.models import Conference
from conference.plumbing.access import organiser_required

from . import exports, privacy, services
from .figures import invitation_figures
from .models import AuditEntry


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
    response = exports.export_response(conference, table, fmt)
    privacy.audit_export(conference=conference, user=request.user, table=table, fmt=fmt)
    return response


@organiser_required
def audit(request, slug):
    """The audit log: who exported or erased personal data, and each retention run (newest first)."""
    conference = get_object_or_404(Conference, slug=slug)
    entries = AuditEntry.objects.filter(conference=conference).select_related("user")
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "registration/audit.html",
        {"conference": conference, "page": page, "needs_retention_days": privacy.needs_retention_days()},
    )
