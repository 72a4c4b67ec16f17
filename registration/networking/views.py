"""The delegate's networking pages, by personal link: the directory and meetings, answering a request, contacts.

Thin: every rule is :mod:`registration.networking.services`.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from conference.models import Organisation
from conference.plumbing.errors import ServiceError
from conference.plumbing.limits import token_rate_limited

from ..services import registration_by_token
from ..views import not_found
from . import services, vcards
from .models import Meeting

PAGE_SIZE = 50
ACTIONS = ("accept", "decline", "cancel")


def _registration(token):
    return registration_by_token(token, workshops=False)


def _people_url(token, anchor=""):
    return reverse("my-people", args=[token]) + anchor


@never_cache
@require_http_methods(["GET", "POST"])
@token_rate_limited
def people(request, token):
    """The directory (search, filters, organisations coming), the delegate's meetings; or why they cannot see it."""
    registration = _registration(token)
    if registration is None:
        return not_found(request, "registration")
    if request.method == "POST":
        opted_in = request.POST.get("action") == "opt_in"
        try:
            services.set_opt_in(registration=registration, opted_in=opted_in)
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                "You are in the delegate directory." if opted_in else "You are no longer in the delegate directory.",
            )
        return redirect("my-people", token=token)
    conference = registration.conference
    context = {"registration": registration, "conference": conference, "token": token}
    q = request.GET.get("q", "")[:200]
    interest = request.GET.get("interest", "")
    kind = request.GET.get("kind", "")
    try:
        rows = services.directory(registration=registration, q=q, interest=interest, kind=kind)
    except ServiceError as exc:
        context.update(refused=exc, can_opt_in=exc.code == "not_in_directory" and registration.status == "confirmed")
        return render(request, "registration/networking/people.html", context, status=exc.status_code)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context.update(
        people=page,
        q=q,
        interest=interest,
        kind=kind,
        topics=services.topics_of(conference),
        kinds=Organisation.Kind.choices,
        organisations=services.organisations_coming(conference),
        slots=list(services.networking_slots(conference)),
        meetings=list(services.meetings_of(registration)),
        filtered=bool(q or interest or kind),
    )
    return render(request, "registration/networking/people.html", context)


@never_cache
@require_POST
@token_rate_limited
def request_meeting(request, token):
    registration = _registration(token)
    if registration is None:
        return not_found(request, "registration")
    try:
        meeting = services.request_meeting(
            registration=registration,
            with_id=request.POST.get("with"),
            slot_id=request.POST.get("slot"),
            message=request.POST.get("message", ""),
            share_contact=request.POST.get("share_contact") == "on",
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect(_people_url(token))
    messages.success(request, f"Your request is sent to {meeting.invitee.full_name}; we e-mail you their answer.")
    return redirect(_people_url(token, "#meetings"))


@never_cache
@require_http_methods(["GET", "POST"])
@token_rate_limited
def meeting(request, token, meeting, action):
    """Accept, decline or cancel a meeting: from the e-mail's links (a page that asks first) or the directory."""
    if action not in ACTIONS:
        raise Http404("No such answer.")
    registration = _registration(token)
    if registration is None:
        return not_found(request, "registration")
    found = services.meetings_of(registration).filter(pk=meeting).first()
    if found is None:
        return not_found(request, "meeting")
    if request.method == "GET":
        return render(
            request,
            "registration/networking/meeting.html",
            {
                "registration": registration,
                "conference": registration.conference,
                "meeting": found,
                "other": found.other(registration),
                "action": action,
                "token": token,
                "open": found.status in (Meeting.Status.REQUESTED, Meeting.Status.ACCEPTED),
            },
        )
    try:
        if action == "accept":
            done = services.accept_meeting(
                registration=registration, meeting_id=meeting, share_contact=request.POST.get("share_contact") == "on"
            )
            messages.success(request, f"Meeting accepted: {done.table}. It is in your agenda.")
        elif action == "decline":
            services.decline_meeting(registration=registration, meeting_id=meeting)
            messages.success(request, "Request declined.")
        else:
            services.cancel_meeting(registration=registration, meeting_id=meeting)
            messages.success(request, "Meeting cancelled.")
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect(_people_url(token, "#meetings"))


@never_cache
def contacts_vcf(request, token):
    """The contact details of accepted meetings' delegates who agreed (as the delegate did) to exchange them."""
    registration = _registration(token)
    if registration is None:
        return not_found(request, "registration")
    body = vcards.vcards(services.contacts(registration))
    response = HttpResponse(body, content_type="text/vcard; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="contacts.vcf"'
    response["X-Robots-Tag"] = "noindex"
    return response
