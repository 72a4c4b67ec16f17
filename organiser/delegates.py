"""The organiser's delegates page: list, filter, search; confirm, cancel, substitute, reissue, resend, erase.

Thin: every action calls the one service that owns its rule (registration's
services for places, badges' services for badge codes).
"""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from badges.services import reissue_badge
from conference.models import Category, Conference
from conference.plumbing.access import organiser_required
from conference.plumbing.errors import ServiceError
from registration import privacy, services
from registration.forms import DelegateForm
from registration.models import Registration
from registration.places import Places

PER_PAGE = 50


class DelegateFilters(forms.Form):
    q = forms.CharField(label="Search", required=False, help_text="Name, e-mail or organisation")
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Any")] + Registration.Status.choices)
    category = forms.ChoiceField(label="Category", required=False, choices=[("", "Any")] + Category.choices)
    checked_in = forms.ChoiceField(
        label="Checked in", required=False, choices=[("", "Either"), ("yes", "Checked in"), ("no", "Not checked in")]
    )


def delegates_of(conference, filters):
    """The delegates of ``conference`` matching the page's filters, in the order of registration (the queue's order).

    ``checked_in_at`` is annotated only when the filter needs it; the page adds it to the rows it
    shows (:func:`with_arrivals`), so a late page does not compute it for every delegate it skips.
    """
    queryset = (
        Registration.objects.filter(conference=conference)
        .select_related("invitation__organisation")
        .order_by("created_at", "pk")
    )
    if filters.get("status"):
        queryset = queryset.filter(status=filters["status"])
    if filters.get("category"):
        queryset = queryset.filter(invitation__category=filters["category"])
    if filters.get("checked_in"):
        queryset = queryset.with_checked_in_at().filter(checked_in_at__isnull=filters["checked_in"] == "no")
    for word in (filters.get("q") or "").split():
        queryset = queryset.filter(pk__in=matching(word))
    return queryset


def matching(word):
    """The ids of the delegates whose name, e-mail or organisation contains ``word`` (any case).

    A union of two look-ups, not one OR across a join: each side can use its own
    (trigram, on PostgreSQL) indexes, and the page's count needs no join.
    """
    own = Registration.objects.filter(
        Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(email__icontains=word)
    )
    by_organisation = Registration.objects.filter(invitation__organisation__name__icontains=word)
    return own.order_by().values("pk").union(by_organisation.order_by().values("pk"))


def rows_of(page_queryset):
    """The rows of one page: their ids first (the offset walked on one table), then the rows with their joins."""
    ids = list(page_queryset.values_list("pk", flat=True))
    rows = Registration.objects.select_related("invitation__organisation").in_bulk(ids)
    return [rows[pk] for pk in ids]


def with_arrivals(delegates):
    """Set ``checked_in_at`` on each of ``delegates`` (one query for them all)."""
    arrived = dict(
        Registration.objects.filter(pk__in=[r.pk for r in delegates])
        .with_checked_in_at()
        .values_list("pk", "checked_in_at")
    )
    for registration in delegates:
        registration.checked_in_at = arrived.get(registration.pk)
    return delegates


def _places_summary(conference):
    places = Places.count(conference)
    return {
        "capacity": conference.capacity,
        "taken": places.taken(),
        "general_left": places.general_left(),
        "reserved": [(c, n, places.reserved_left(c)) for c, n in places.reserved.items()],
        "exempt": sorted(places.exempt),
    }


@organiser_required
def delegate_list(request, slug):
    conference = get_object_or_404(Conference, slug=slug)
    filters = DelegateFilters(request.GET or None)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    page = Paginator(delegates_of(conference, chosen), PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = with_arrivals(rows_of(page.object_list))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "organiser/delegates.html",
        {
            "conference": conference,
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
            "places": _places_summary(conference),
            "waitlist_filter": chosen.get("status") == Registration.Status.WAITLISTED,
        },
    )


# The actions: each asks first (a page that says what will happen), then calls its service.

ACTIONS = {
    "confirm": (
        "Confirm {name} over capacity?",
        "{name} leaves the waiting list and is registered now, even though the conference is full, "
        "and is e-mailed. They take a place like any other delegate.",
        "Confirm {name}",
    ),
    "cancel": (
        "Cancel {name}'s registration?",
        "{name} is e-mailed that the registration is cancelled, their badge stops admitting, and their place goes "
        "at once to the first on the waiting list.",
        "Cancel the registration",
    ),
    "resend": (
        "Send {name} their confirmation again?",
        "{name} is e-mailed their answer again: the confirmation with their link, badge and calendar entry, "
        "or, if they are on the waiting list, where they stand.",
        "Send it again",
    ),
    "erase": (
        "Erase {name}'s data?",
        "{name}'s registration is cancelled (their place goes at once to the first on the waiting list) and their "
        "name, e-mail, job title, needs and e-mails are erased; their link stops working. This cannot be undone. "
        "Only the counts stay: a delegate of their organisation and category, and whether they arrived.",
        "Erase the data",
    ),
    "reissue": (
        "Reissue {name}'s badge?",
        "A new badge code is issued (for a lost or corrected badge); the old code stops admitting at the door.",
        "Reissue the badge",
    ),
}


def _registration(conference, pk):
    return get_object_or_404(
        Registration.objects.select_related("conference", "invitation__organisation"), conference=conference, pk=pk
    )


def _back(conference):
    return redirect(reverse("organiser-delegates", args=[conference.slug]))


@organiser_required
@require_http_methods(["GET", "POST"])
def delegate_action(request, slug, pk, action):
    conference = get_object_or_404(Conference, slug=slug)
    registration = _registration(conference, pk)
    if action not in ACTIONS:
        raise Http404("No such action.")
    title, explanation, button = (text.format(name=registration.full_name) for text in ACTIONS[action])
    if request.method == "POST":
        try:
            if action == "confirm":
                services.confirm_registration(registration=registration)
                messages.success(request, f"{registration.full_name} is confirmed and has been e-mailed.")
            elif action == "erase":
                privacy.erase_registration(registration=registration, user=request.user)
                messages.success(request, f"{registration.full_name}'s data is erased.")
            elif action == "cancel":
                promoted = services.cancel_registration(registration=registration)
                offered = f" {', '.join(r.full_name for r in promoted)} got the place." if promoted else ""
                messages.success(request, f"{registration.full_name}'s registration is cancelled.{offered}")
            elif action == "resend":
                services.resend_confirmation(registration=registration)
                messages.success(request, f"{registration.full_name}'s e-mail is queued: see the outbox.")
            else:
                badge = reissue_badge(registration, reason="Reissued by an organiser")
                messages.success(request, f"{registration.full_name} has a new badge ({badge.code[:6]}…).")
        except ServiceError as exc:
            messages.error(request, exc.message)
        return _back(conference)
    return render(
        request,
        "organiser/delegate_action.html",
        {
            "conference": conference,
            "registration": registration,
            "title": title,
            "explanation": explanation,
            "button": button,
            "danger": action in ("cancel", "erase"),
        },
    )


@organiser_required
@require_http_methods(["GET", "POST"])
def delegate_substitute(request, slug, pk):
    conference = get_object_or_404(Conference, slug=slug)
    registration = _registration(conference, pk)
    form = DelegateForm(
        request.POST if request.method == "POST" else None,
        conference=conference,
        category=registration.invitation.category,
        require_consent=False,
        auto_id="id-%s",
    )
    form.fields.pop("workshops")
    error = None
    status = 200
    if request.method == "POST":
        try:
            new = services.substitute_registration(registration=registration, data=form)
        except services.DelegatesInvalid:
            error, status = "Please correct the details marked below.", 400
        except ServiceError as exc:
            error, status = exc.message, 409
        else:
            messages.success(
                request,
                f"{new.full_name} takes {registration.full_name}'s place and has been e-mailed their own link; "
                f"{registration.full_name}'s badge no longer admits.",
            )
            return _back(conference)
    return render(
        request,
        "organiser/delegate_substitute.html",
        {"conference": conference, "registration": registration, "form": form, "error": error},
        status=status,
    )
