"""The invitee's pages: the RSVP page and "manage my registration". Thin: the rules are in services.py."""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from conference.plumbing.errors import ServiceError
from conference.plumbing.limits import token_rate_limited

from . import emails, places, privacy, questions, services
from .forms import DelegateForm, delegate_formset
from .models import Invitation, Registration


def not_found(request, what="invitation"):
    return render(request, "registration/link_not_found.html", {"what": what}, status=404)


def _rsvp_page(request, invitation, formset=None, error=None, status=200):
    delegates = list(
        invitation.registrations.filter(status__in=services.ACTIVE)
        .prefetch_related("workshops")
        .order_by("created_at", "pk")
    )
    seats_left = services.seats_left(invitation=invitation, named=len(delegates))
    if formset is None:
        formset = delegate_formset(
            conference=invitation.conference, category=invitation.category, seats_left=seats_left
        )
    context = {
        "invitation": invitation,
        "conference": invitation.conference,
        "full": places.is_full_for(invitation.conference, invitation.category),
        "delegates": [(d, emails.manage_url(d)) for d in delegates],
        "seats_left": seats_left,
        "formset": formset,
        "can_add_row": len(formset.forms) < seats_left,
        "workshops": services.workshops_with_places(invitation.conference),
        "error": error,
        "needs_retention_days": privacy.needs_retention_days(),
    }
    return render(request, "registration/rsvp.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
@token_rate_limited
def rsvp(request, token):
    invitation = services.invitation_by_token(token)
    if invitation is None:
        return not_found(request)
    if request.method == "GET":
        services.open_invitation(invitation=invitation)
    else:
        services.expire_if_closed(invitation)
    if services.is_closed(invitation):
        return _closed(request, invitation)
    if request.method == "GET":
        return _rsvp_page(request, invitation)
    action = request.POST.get("action")
    if action == "decline":
        return _decline(request, invitation)
    formset = delegate_formset(
        conference=invitation.conference,
        category=invitation.category,
        seats_left=services.seats_left(invitation=invitation),
        data=request.POST,
    )
    if action == "add":
        return _rsvp_page(request, invitation, formset.with_another_row())
    return _accept(request, invitation, formset)


def _decline(request, invitation):
    """Decline; when delegates are named, a second answer naming them is asked for first (no JavaScript needed)."""
    cancelling = [int(v) for v in request.POST.getlist("cancelling") if v.isdigit()]
    try:
        services.decline_invitation(invitation=invitation, cancelling=cancelling)
    except services.DeclineNeedsConfirmation as exc:
        return render(
            request,
            "registration/rsvp_decline.html",
            {"invitation": invitation, "conference": invitation.conference, "delegates": exc.delegates},
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Thank you for letting us know: you have declined the invitation.")
    return redirect("rsvp", token=invitation.token)


def _accept(request, invitation, formset):
    try:
        created = services.accept_invitation(invitation=invitation, delegates=formset.filled_forms())
    except services.DelegatesInvalid:
        # The forms passed carry their errors; the page shows each beside its field.
        return _rsvp_page(request, invitation, formset, error="Please correct the details marked below.", status=400)
    except ServiceError as exc:
        return _rsvp_page(request, invitation, formset, error=exc.message, status=409)
    confirmed = sum(r.status == Registration.Status.CONFIRMED for r in created)
    waiting = len(created) - confirmed
    if waiting:
        # Not a success: the waiting delegates have no place yet.
        messages.warning(request, _waiting_message(confirmed, waiting))
    else:
        messages.success(
            request,
            f"Thank you: {confirmed} delegate{'s' if confirmed != 1 else ''} registered."
            " Each delegate gets a confirmation e-mail.",
        )
    return redirect(reverse("rsvp", args=[invitation.token]) + "#delegates")


def _waiting_message(confirmed, waiting):
    people = f"{waiting} delegate{'s' if waiting != 1 else ''}"
    verb = "is" if waiting == 1 else "are"
    text = f"The conference is full: {people} {verb} on the waiting list, not registered yet."
    if confirmed:
        text = f"{confirmed} delegate{'s' if confirmed != 1 else ''} registered. " + text
    return text + " We e-mail each one if a place frees up, in the order of the list."


def _closed(request, invitation):
    delegates = list(
        invitation.registrations.exclude(status=Registration.Status.CANCELLED).order_by("created_at", "pk")
    )
    return render(
        request,
        "registration/rsvp_closed.html",
        {
            "invitation": invitation,
            "conference": invitation.conference,
            "delegates": [(d, emails.manage_url(d)) for d in delegates],
            "expired": invitation.status == Invitation.Status.EXPIRED,
            "not_open_yet": invitation.status != Invitation.Status.EXPIRED
            and services.not_open_yet(invitation.conference),
            "message": services.closed_message(invitation),
        },
    )


def _manage_page(request, registration, form=None, error=None, status=200):
    if form is None:
        form = DelegateForm.for_registration(registration, auto_id="id-%s")
    context = {
        "registration": registration,
        "conference": registration.conference,
        "organisation": registration.invitation.organisation,
        "chosen_workshops": registration.workshops.all(),
        "workshops": services.workshops_with_places(registration.conference),
        "form": form,
        "error": error,
        "position": services.waitlist_position(registration),
        "needs_retention_days": privacy.needs_retention_days(),
        "answers": questions.answered(registration, form.questions),
        "editable": registration.status != Registration.Status.CANCELLED
        and not services.is_closed(registration.invitation),
        **emails.personal_links(registration),
    }
    return render(request, "registration/manage.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
@token_rate_limited
def manage(request, token):
    registration = services.registration_by_token(token)
    if registration is None:
        return not_found(request, "registration")
    if request.method == "GET":
        return _manage_page(request, registration)
    form = DelegateForm.for_registration(registration, data=request.POST, auto_id="id-%s")
    try:
        services.update_registration(registration=registration, data=form)
    except services.DelegatesInvalid:
        return _manage_page(request, registration, form, "Please correct the details marked below.", status=400)
    except ServiceError as exc:
        return _manage_page(request, registration, form, exc.message, status=409)
    messages.success(request, "Your changes are saved.")
    return redirect("my", token=token)


@never_cache
@require_http_methods(["GET", "POST"])
@token_rate_limited
def cancel(request, token):
    registration = services.registration_by_token(token)
    if registration is None:
        return not_found(request, "registration")
    if request.method == "POST":
        try:
            services.cancel_registration(registration=registration)
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Your registration is cancelled. Thank you for letting us know.")
        return redirect("my", token=token)
    return render(
        request,
        "registration/cancel.html",
        {"registration": registration, "conference": registration.conference},
    )


@never_cache
@require_http_methods(["GET"])
@token_rate_limited
def my_data(request, token):
    """Everything held about the delegate of this link, as JSON (``registration.privacy.personal_data``)."""
    registration = services.registration_by_token(token)
    if registration is None:
        return not_found(request, "registration")
    response = JsonResponse(privacy.personal_data(registration), json_dumps_params={"indent": 2, "ensure_ascii": False})
    response["Content-Disposition"] = f'inline; filename="my-data-{registration.conference.slug}.json"'
    return response


@never_cache
@require_http_methods(["GET", "POST"])
@token_rate_limited
def erase(request, token):
    """ "Erase my data": a page that says what happens, then the erasure; the link stops working."""
    registration = services.registration_by_token(token)
    if registration is None:
        return not_found(request, "registration")
    conference = registration.conference
    if request.method == "POST":
        privacy.erase_registration(registration=registration, by_delegate=True)
        return render(request, "registration/erased.html", {"conference": conference})
    return render(
        request,
        "registration/erase.html",
        {
            "registration": registration,
            "conference": conference,
            "data_url": reverse("my-data", args=[registration.token]),
        },
    )
