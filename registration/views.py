"""The invitee's pages: the RSVP page and "manage my registration". Thin: the rules are in services.py."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from conference.plumbing.errors import ServiceError

from . import emails, services
from .models import Invitation, Registration

TEXT_FIELDS = services.DELEGATE_FIELDS


# The delegate's fields as the pages show them: (field, label, input type, autocomplete, required, hint).
FIELDS = (
    ("first_name", "First name", "text", "given-name", True, ""),
    ("last_name", "Last name", "text", "family-name", True, ""),
    ("email", "E-mail", "email", "email", True, "The confirmation and the personal link go here."),
    ("badge_name", "Badge name", "text", "nickname", False, "Printed large on the badge; the first name if empty."),
    ("job_title", "Job title", "text", "organization-title", False, ""),
    ("dietary", "Dietary needs", "text", "off", False, "For example vegetarian, halal, nut allergy."),
    ("accessibility", "Accessibility needs", "text", "off", False, "For example step-free access, a hearing loop."),
)


def field_list(values, errors, prefix=""):
    return [
        {
            "id": (prefix or "id-") + name,
            "name": prefix + name,
            "label": label,
            "type": kind,
            "autocomplete": autocomplete,
            "required": required,
            "hint": hint,
            "maxlength": services.FIELD_LIMITS[name],
            "value": values.get(name, ""),
            "errors": errors.get(name, []),
        }
        for name, label, kind, autocomplete, required, hint in FIELDS
    ]


def not_found(request, what="invitation"):
    return render(request, "registration/link_not_found.html", {"what": what}, status=404)


def _row_from_post(post, index):
    prefix = f"d-{index}-"
    values = {field: post.get(prefix + field, "") for field in TEXT_FIELDS}
    values["consent"] = post.get(prefix + "consent") == "on"
    values["workshops"] = post.getlist(prefix + "workshops")
    return values


def _is_blank(values):
    return not any(values[field].strip() for field in TEXT_FIELDS) and not values["consent"] and not values["workshops"]


def _rows_count(request, seats_left):
    try:
        count = int(request.POST.get("rows", 1))
    except ValueError:
        count = 1
    return max(1, min(count, max(seats_left, 1)))


def _rsvp_context(invitation, rows, error=None):
    delegates = list(
        invitation.registrations.exclude(status=Registration.Status.CANCELLED)
        .prefetch_related("workshops")
        .order_by("created_at", "pk")
    )
    seats_left = max(invitation.seats - len(delegates), 0)
    workshops = services.workshops_with_places(invitation.conference)
    for row in rows:
        row["chosen"] = {str(w) for w in row["values"].get("workshops", [])}
        row["fields"] = field_list(row["values"], row["errors"], prefix=f"d-{row['index']}-")
    return {
        "invitation": invitation,
        "conference": invitation.conference,
        "delegates": [(d, emails.manage_url(d)) for d in delegates],
        "seats_left": seats_left,
        "rows": rows,
        "can_add_row": len(rows) < seats_left,
        "workshops": workshops,
        "error": error,
    }


def _empty_row(index, invitation=None):
    values = dict.fromkeys(TEXT_FIELDS, "")
    values.update(consent=False, workshops=[])
    return {"index": index, "values": values, "errors": {}}


@never_cache
@require_http_methods(["GET", "POST"])
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
        return render(request, "registration/rsvp.html", _rsvp_context(invitation, [_empty_row(0)]))

    action = request.POST.get("action")
    if action == "decline":
        try:
            services.decline_invitation(invitation=invitation)
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Thank you for letting us know: you have declined the invitation.")
        return redirect("rsvp", token=token)

    seats_left = invitation.seats - invitation.registrations.exclude(status=Registration.Status.CANCELLED).count()
    count = _rows_count(request, seats_left)
    rows = [{"index": i, "values": _row_from_post(request.POST, i), "errors": {}} for i in range(count)]
    if action == "add":
        if count < seats_left:
            rows.append(_empty_row(count))
        return render(request, "registration/rsvp.html", _rsvp_context(invitation, rows))

    filled = [row for row in rows if not _is_blank(row["values"])] or rows[:1]
    try:
        created = services.accept_invitation(invitation=invitation, delegates=[row["values"] for row in filled])
    except services.DelegatesInvalid as exc:
        for row, errors in zip(filled, exc.errors, strict=True):
            row["errors"] = errors
        return render(
            request,
            "registration/rsvp.html",
            _rsvp_context(invitation, rows, error="Please correct the details marked below."),
            status=400,
        )
    except ServiceError as exc:
        return render(request, "registration/rsvp.html", _rsvp_context(invitation, rows, error=exc.message), status=409)
    confirmed = sum(r.status == Registration.Status.CONFIRMED for r in created)
    waiting = len(created) - confirmed
    parts = []
    if confirmed:
        parts.append(f"{confirmed} delegate{'s' if confirmed != 1 else ''} registered")
    if waiting:
        parts.append(f"{waiting} on the waiting list (the conference is full)")
    messages.success(request, "Thank you: " + " and ".join(parts) + ". Each delegate gets a confirmation e-mail.")
    return redirect(reverse("rsvp", args=[token]) + "#delegates")


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


def _manage_context(registration, values=None, errors=None, error=None):
    links = emails.personal_links(registration)
    chosen = registration.workshops.all()
    if values is None:
        values = {field: getattr(registration, field) for field in TEXT_FIELDS}
        values["workshops"] = [str(w.pk) for w in chosen]
    position = None
    if registration.status == Registration.Status.WAITLISTED:
        position = (
            Registration.objects.filter(
                conference=registration.conference, status=Registration.Status.WAITLISTED
            ).filter(created_at__lt=registration.created_at)
        ).count() + 1
    return {
        "registration": registration,
        "conference": registration.conference,
        "organisation": registration.invitation.organisation,
        "chosen_workshops": chosen,
        "workshops": services.workshops_with_places(registration.conference),
        "values": values,
        "chosen_ids": {str(w) for w in values.get("workshops", [])},
        "fields": field_list(values, errors or {}),
        "errors": errors or {},
        "error": error,
        "position": position,
        "editable": registration.status != Registration.Status.CANCELLED
        and not services.is_closed(registration.invitation),
        **links,
    }


@never_cache
@require_http_methods(["GET", "POST"])
def manage(request, token):
    registration = services.registration_by_token(token)
    if registration is None:
        return not_found(request, "registration")
    if request.method == "GET":
        return render(request, "registration/manage.html", _manage_context(registration))
    values = {field: request.POST.get(field, "") for field in TEXT_FIELDS}
    values["workshops"] = request.POST.getlist("workshops")
    try:
        services.update_registration(registration=registration, data=values)
    except services.DelegatesInvalid as exc:
        context = _manage_context(registration, values, exc.errors[0], "Please correct the details marked below.")
        return render(request, "registration/manage.html", context, status=400)
    except ServiceError as exc:
        return render(
            request, "registration/manage.html", _manage_context(registration, values, error=exc.message), status=409
        )
    messages.success(request, "Your changes are saved.")
    return redirect("my", token=token)


@never_cache
@require_http_methods(["GET", "POST"])
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
