"""The organisers' networking page: the switch, the topics, the tables of each slot, the counts. Thin."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from conference.models import Conference, Session
from conference.plumbing.access import organiser_required
from conference.plumbing.errors import ServiceError

from . import services


def _post(request, conference):
    action = request.POST.get("action")
    if action == "switch":
        tables = request.POST.get("tables_per_slot", "").strip()
        services.set_networking(
            conference=conference,
            enabled=request.POST.get("enabled") == "on",
            tables_per_slot=int(tables) if tables.isdigit() else None,
        )
        return "Networking settings saved."
    if action == "add_topic":
        topic = services.save_topic(conference=conference, name=request.POST.get("name", ""))
        return f"Topic “{topic.name}” added."
    if action == "delete_topic":
        topic = get_object_or_404(services.topics_of(conference), pk=request.POST.get("topic") or 0)
        services.delete_topic(topic=topic)
        return f"Topic “{topic.name}” removed."
    if action == "tables":
        session = get_object_or_404(
            Session, conference=conference, kind=Session.Kind.NETWORKING, pk=request.POST.get("session") or 0
        )
        services.set_tables(session=session, names=services.parse_tables(request.POST.get("tables", "")))
        return f"Tables of “{session.title}” saved."
    raise ServiceError("Choose what to change.", code="unknown_action")


@organiser_required
@require_http_methods(["GET", "POST"])
def networking(request, slug):
    conference = get_object_or_404(Conference, slug=slug)
    if request.method == "POST":
        try:
            messages.success(request, _post(request, conference))
        except ServiceError as exc:
            messages.error(request, exc.message)
        return redirect("organiser-networking", slug=slug)
    settings = services.settings_of(conference)
    slots = Session.objects.filter(
        conference=conference, kind=Session.Kind.NETWORKING, cancelled_at__isnull=True
    ).select_related("meeting_tables", "conference")
    return render(
        request,
        "registration/networking/organiser.html",
        {
            "conference": conference,
            "settings": settings,
            "figures": services.figures(conference),
            "topics": services.topics_of(conference),
            "slots": [(s, services.tables_of(s, settings)) for s in slots.order_by("starts_at", "pk")],
        },
    )
