"""The organiser's invitations page: list, filter, search; import with a preview; send and remind with a preview.

Thin: which invitations a filter shows is decided here, every figure comes
from :mod:`registration.figures`, an import's rows from
``registration.importing.parse_invitations`` and its creation (all or
nothing) from ``registration.services.import_invitations``, and sending from
``registration.services.send_invitations``.
"""

import collections
import csv
import io
import secrets

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from conference.models import Category, Conference, Organisation
from conference.plumbing.access import organiser_required
from conference.plumbing.errors import ServiceError
from registration import batches, emails, figures, importing, services
from registration.models import Invitation, OutboxMessage, Registration
from registration.outbox import templates

PER_PAGE = 50
PREVIEW_ROWS = 100
SEND_PREVIEW_ROWS = 20
# The parsed rows of the last upload wait here, in the organiser's own session,
# between the preview and "Import N invitations" (one pending import a session).
IMPORT_SESSION_KEY = "organiser-invitation-import"
SAMPLE_ROWS = [
    ("Acme Robotics Ltd", "company", "Priya Shah", "priya.shah@acme-robotics.example", "company", "2"),
    ("Birmingham City Council", "public_body", "Tom Reid", "tom.reid@birmingham.example", "vip", "1"),
    ("Midlands Tech News", "other", "Ana Costa", "ana.costa@mtn.example", "press", "1"),
]


class InvitationFilters(forms.Form):
    q = forms.CharField(
        label="Search",
        required=False,
        help_text="Organisation, contact or e-mail",
        widget=forms.TextInput(attrs={"type": "search", "aria-describedby": "id_q-hint"}),
    )
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any")] + figures.invitation_status_choices()
    )
    category = forms.ChoiceField(label="Category", required=False, choices=[("", "Any")] + Category.choices)
    kind = forms.ChoiceField(
        label="Organisation kind", required=False, choices=[("", "Any")] + Organisation.Kind.choices
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Invitation list (CSV or .xlsx)",
        help_text="Columns: " + ", ".join(importing.COLUMNS) + ". Nothing is created before you confirm the preview.",
    )


def with_delegate_counts(invitations):
    """Set ``named`` and ``confirmed`` on each invitation (one query for them all, whatever their number).

    Counted for the rows shown only, after the page is cut: a count in the list's own query would be
    computed for every invitation the sort passes over.
    """
    named_q, confirmed_q = figures.REGISTRATION_GROUPS["named"][2], figures.REGISTRATION_GROUPS["registered"][2]
    counts = {
        row["invitation"]: row
        for row in Registration.objects.filter(invitation__in=[i.pk for i in invitations])
        .order_by()
        .values("invitation")
        .annotate(named=Count("pk", filter=named_q), confirmed=Count("pk", filter=confirmed_q))
    }
    for invitation in invitations:
        row = counts.get(invitation.pk, {})
        invitation.named, invitation.confirmed = row.get("named", 0), row.get("confirmed", 0)
    return invitations


def with_last_time(conference, invitations):
    """Set ``last_time`` on each invitation: its organisation's latest earlier invitation, with how many it
    named and how many came (at least one live check-in), or None. One query for the rows shown.

    So next year's draft invitations (copied from this year's) can be reviewed with this year's figures
    beside them: seats kept, or cut for an organisation that named many and sent few.
    """
    organisations = {i.organisation_id for i in invitations}
    if not organisations:
        return invitations
    earlier = (
        Invitation.objects.filter(organisation__in=organisations, conference__starts_on__lt=conference.starts_on)
        .exclude(conference=conference)
        .order_by("organisation", "-conference__starts_on", "-pk")
        .values("organisation", "seats", "conference__name")
        .annotate(
            named=Count(
                "registrations",
                filter=Q(registrations__status__in=[Registration.Status.CONFIRMED, Registration.Status.WAITLISTED]),
                distinct=True,
            ),
            came=Count(
                "registrations",
                filter=Q(registrations__checkins__isnull=False, registrations__checkins__undone_at__isnull=True),
                distinct=True,
            ),
        )
    )
    latest = {}
    for row in earlier:
        latest.setdefault(row["organisation"], row)
    for invitation in invitations:
        invitation.last_time = latest.get(invitation.organisation_id)
    return invitations


def invitations_of(conference, filters):
    """The invitations of ``conference`` matching the filters, by organisation."""
    queryset = (
        Invitation.objects.filter(conference=conference)
        .select_related("organisation")
        .order_by("organisation__name", "contact_name", "pk")
    )
    queryset = figures.invitations_in(queryset, filters.get("status"))
    if filters.get("category"):
        queryset = queryset.filter(category=filters["category"])
    if filters.get("kind"):
        queryset = queryset.filter(organisation__kind=filters["kind"])
    q = (filters.get("q") or "").strip()
    if q:
        words = Q()
        for word in q.split():
            words &= Q(organisation__name__icontains=word) | Q(contact_name__icontains=word) | Q(email__icontains=word)
        queryset = queryset.filter(words)
    return queryset


@organiser_required
def invitation_list(request, slug):
    conference = get_object_or_404(Conference, slug=slug)
    filters = InvitationFilters(request.GET or None)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    page = Paginator(invitations_of(conference, chosen), PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = with_last_time(conference, with_delegate_counts(list(page.object_list)))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "organiser/invitations.html",
        {
            "conference": conference,
            "section": "invitations",
            "filters": filters,
            "filtered": bool(chosen and any(chosen.values())),
            "page": page,
            "query": query.urlencode(),
            "figures": figures.invitation_figures(conference),
            "preparing": batches.to_prepare(conference),
            "import_form": ImportForm(),
        },
    )


@organiser_required
def sample_csv(request, slug):
    """A sample invitation list with the right header, to fill in."""
    conference = get_object_or_404(Conference, slug=slug)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(importing.COLUMNS)
    writer.writerows(SAMPLE_ROWS)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{conference.slug}-invitations-sample.csv"'
    return response


# Import: upload → preview (or the errors) → confirm.


def _preview(conference, rows):
    """What an import would create: counts per category, organisations new and known, the first rows."""
    by_category = collections.Counter(row["category"] for row in rows)
    labels = dict(Category.choices)
    # Names are matched to known organisations in any case, as the import does.
    names = {row["organisation"].strip().casefold() for row in rows}
    known = set(
        Organisation.objects.annotate(key=Lower("name")).filter(key__in=list(names)).values_list("key", flat=True)
    )
    return {
        "count": len(rows),
        "seats": sum(row["seats"] for row in rows),
        "categories": [(labels[c], n) for c, n in sorted(by_category.items(), key=lambda item: (-item[1], item[0]))],
        "organisations": len(names),
        "new_organisations": len(names - known),
        "rows": [{**row, "category_label": labels[row["category"]]} for row in rows[:PREVIEW_ROWS]],
        "more": max(len(rows) - PREVIEW_ROWS, 0),
    }


def _import_page(request, conference, *, form, errors=None, preview=None, import_id=None, status=200):
    return render(
        request,
        "organiser/invitation_import.html",
        {
            "conference": conference,
            "section": "invitations",
            "import_form": form,
            "errors": errors,
            "preview": preview,
            "import_id": import_id,
        },
        status=status,
    )


@organiser_required
@require_http_methods(["GET", "POST"])
def invitation_import(request, slug):
    conference = get_object_or_404(Conference, slug=slug)
    if request.method == "GET":
        return _import_page(request, conference, form=ImportForm())
    if "import_id" in request.POST:
        return _confirm_import(request, conference)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _import_page(request, conference, form=form, status=400)
    rows, errors = importing.parse_invitations(form.cleaned_data["file"], conference=conference)
    if errors:
        return _import_page(request, conference, form=ImportForm(), errors=errors, status=400)
    import_id = secrets.token_urlsafe(16)
    request.session[IMPORT_SESSION_KEY] = {"id": import_id, "conference": conference.pk, "rows": rows}
    return _import_page(request, conference, form=ImportForm(), preview=_preview(conference, rows), import_id=import_id)


def _confirm_import(request, conference):
    pending = request.session.get(IMPORT_SESSION_KEY) or {}
    if pending.get("id") != request.POST["import_id"] or pending.get("conference") != conference.pk:
        messages.error(request, "That preview is no longer waiting (another file was uploaded since): upload it again.")
        return redirect("organiser-invitation-import", slug=conference.slug)
    try:
        created = services.import_invitations(conference=conference, rows=pending["rows"])
    except services.ImportInvalid as exc:
        del request.session[IMPORT_SESSION_KEY]
        return _import_page(request, conference, form=ImportForm(), errors=exc.errors, status=400)
    del request.session[IMPORT_SESSION_KEY]
    messages.success(
        request,
        f"Imported {created} invitation{'s' if created != 1 else ''} as drafts: nothing is sent until you send them.",
    )
    return redirect(reverse("organiser-invitations", args=[conference.slug]) + "?status=draft")


# Send and remind: a page that shows the e-mail and the number of people, then sends.


def _chosen_ids(data):
    """The invitation ids chosen with the list's checkboxes, or None for "every one"; ValueError when not ids."""
    values = data.getlist("ids")
    if not values:
        return None
    return sorted({int(value) for value in values})


def _email_shown(conference, invitation, kind):
    """The e-mail as the first recipient will get it (a sample recipient when there is none)."""
    values = emails.invitation_values(invitation) if invitation else emails.sample_values(conference, kind)
    subject, body, _ = templates.render_kind(conference=conference, kind=kind, values=values)
    return {"subject": subject, "body": body, "to": invitation.email if invitation else None}


@organiser_required
@require_http_methods(["GET", "POST"])
def invitation_send(request, slug):
    conference = get_object_or_404(Conference, slug=slug)
    data = request.POST if request.method == "POST" else request.GET
    remind = data.get("remind") == "1"
    try:
        ids = _chosen_ids(data)
    except ValueError:
        return HttpResponseBadRequest("The chosen invitations are not invitation ids.")
    if request.method == "POST":
        try:
            sent = services.send_invitations(conference=conference, ids=ids, remind=remind)
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            noun = "reminder" if remind else "invitation"
            messages.success(
                request,
                f"{sent} {noun}{'s' if sent != 1 else ''} queued: their e-mails are being prepared"
                " and go out through the outbox as they are.",
            )
        return redirect("organiser-invitations", slug=slug)
    recipients = (
        services.invitations_to_send(conference=conference, ids=ids, remind=remind)
        .select_related("organisation", "conference")
        .order_by("organisation__name", "contact_name", "pk")
    )
    count = recipients.count()
    shown = list(recipients[:SEND_PREVIEW_ROWS])
    kind = templates.REMINDER if remind else templates.INVITATION
    return render(
        request,
        "organiser/invitation_send.html",
        {
            "conference": conference,
            "section": "invitations",
            "remind": remind,
            "ids": ids or [],
            "count": count,
            "recipients": shown,
            "more": max(count - len(shown), 0),
            "email": _email_shown(conference, shown[0] if shown else None, kind),
            "unsendable": len(ids) - count if ids else 0,
        },
    )


# One organisation: its invitations, delegates and the e-mails sent to them.


@organiser_required
def organisation_page(request, slug, pk):
    conference = get_object_or_404(Conference, slug=slug)
    organisation = get_object_or_404(Organisation, pk=pk)
    invitations = with_delegate_counts(list(invitations_of(conference, {}).filter(organisation=organisation)))
    delegates = (
        Registration.objects.filter(conference=conference, invitation__organisation=organisation)
        .with_checked_in_at()
        .select_related("invitation")
        .order_by("created_at", "pk")
    )
    outbox = Paginator(
        OutboxMessage.objects.filter(invitation__conference=conference, invitation__organisation=organisation)
        .only("to", "subject", "purpose", "state", "attempts", "last_error", "created_at", "sent_at")
        .order_by("-created_at", "-pk"),
        PER_PAGE,
    ).get_page(request.GET.get("page"))
    for message in outbox:
        message.kind = templates.kind_of(message.purpose)
    return render(
        request,
        "organiser/organisation.html",
        {
            "conference": conference,
            "section": "invitations",
            "organisation": organisation,
            "invitations": invitations,
            "delegates": delegates,
            "outbox": outbox,
        },
    )
