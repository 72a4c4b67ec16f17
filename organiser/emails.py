"""The organiser's e-mails page: the templates (edit, preview, reset), a message to a chosen group, the outbox.

Thin: wording rules are ``registration.outbox.templates``, recipients and
sending ``registration.messaging``.
"""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from conference.models import Category, Conference
from conference.plumbing.access import organiser_required
from conference.plumbing.errors import ServiceError
from registration import batches, emails, messaging
from registration.models import OutboxMessage, Registration
from registration.outbox import tasks, templates

OUTBOX_PER_PAGE = 50


class TemplateForm(forms.Form):
    subject = forms.CharField(label="Subject", max_length=300)
    body = forms.CharField(label="Message", widget=forms.Textarea(attrs={"rows": 16}), strip=False)


class ComposeForm(forms.Form):
    status = forms.MultipleChoiceField(
        label="Status", required=False, choices=Registration.Status.choices, widget=forms.CheckboxSelectMultiple
    )
    category = forms.MultipleChoiceField(
        label="Category", required=False, choices=Category.choices, widget=forms.CheckboxSelectMultiple
    )
    checked_in = forms.ChoiceField(
        label="Checked in",
        required=False,
        choices=[("", "Either"), ("yes", "Checked in"), ("no", "Not checked in")],
    )
    organisation = forms.CharField(
        label="Organisations", required=False, help_text="Names, separated by commas; empty: every organisation"
    )
    subject = forms.CharField(label="Subject", max_length=300)
    body = forms.CharField(label="Message", widget=forms.Textarea(attrs={"rows": 10}), strip=False)

    def recipients_filter(self):
        data = self.cleaned_data
        to = {}
        if data["status"]:
            to["status"] = list(data["status"])
        if data["category"]:
            to["category"] = list(data["category"])
        if data["checked_in"]:
            to["checked_in"] = data["checked_in"] == "yes"
        names = [n.strip() for n in data["organisation"].split(",") if n.strip()]
        if names:
            to["organisation"] = names
        return to


@organiser_required
def emails_page(request, slug):
    conference = get_object_or_404(Conference, slug=slug)
    outbox = Paginator(
        OutboxMessage.objects.filter(invitation__conference=conference)
        .only("to", "subject", "purpose", "state", "attempts", "last_error", "created_at", "sent_at")
        .order_by("-created_at", "-pk"),
        OUTBOX_PER_PAGE,
    ).get_page(request.GET.get("page"))
    for message in outbox:
        message.kind = templates.kind_of(message.purpose)
    unsent = _unsent(conference).count()
    return render(
        request,
        "organiser/emails.html",
        {
            "conference": conference,
            "templates": templates.templates_of(conference),
            "outbox": outbox,
            "unsent": unsent,
            "preparing": batches.to_prepare(conference),
        },
    )


def _unsent(conference):
    """The conference's messages that failed at least once and are not sent or being sent."""
    return OutboxMessage.objects.filter(
        invitation__conference=conference,
        state__in=(OutboxMessage.State.PENDING, OutboxMessage.State.FAILED),
        attempts__gt=0,
    )


@organiser_required
@require_http_methods(["POST"])
def outbox_retry(request, slug):
    """Retry one message (``message=<id>``) or every unsent one (``message=unsent``) now, in the background."""
    conference = get_object_or_404(Conference, slug=slug)
    chosen = request.POST.get("message", "")
    unsent = _unsent(conference)
    if chosen != "unsent":
        if not chosen.isdigit():
            messages.error(request, "Choose a message to retry.")
            return redirect("organiser-emails", slug=slug)
        unsent = unsent.filter(pk=int(chosen))
    count = tasks.retry(list(unsent.values_list("pk", flat=True)))
    if count:
        messages.success(request, f"{count} message{'s' if count != 1 else ''} will be sent again in a moment.")
    else:
        messages.info(request, "Nothing to retry: the message was sent or is being sent.")
    return redirect("organiser-emails", slug=slug)


@organiser_required
@require_http_methods(["GET", "POST"])
def email_template(request, slug, kind):
    conference = get_object_or_404(Conference, slug=slug)
    try:
        subject, body, customised = templates.template_for(conference, kind)
    except templates.UnknownKind as exc:
        raise Http404(exc.message) from None
    action = request.POST.get("action")
    if request.method == "POST" and action == "reset":
        templates.reset_template(conference=conference, kind=kind)
        messages.success(request, "The message is back to its default wording.")
        return redirect("organiser-email-template", slug=slug, kind=kind)
    form = TemplateForm(request.POST or None, initial={"subject": subject, "body": body})
    status = 200
    wording = {"subject": subject, "body": body}
    if request.method == "POST":
        if form.is_valid():
            wording = form.cleaned_data
            try:
                templates.check_placeholders(kind, wording["subject"], wording["body"])
            except ServiceError as exc:
                form.add_error("body", exc.message)
            else:
                if action == "save":
                    templates.save_template(conference=conference, kind=kind, **wording)
                    messages.success(request, "Saved: the next messages use this wording.")
                    return redirect("organiser-email-template", slug=slug, kind=kind)
        if form.errors:
            status = 400
    preview = None
    if not form.errors:
        subject_filled, text, _ = templates.render(
            conference=conference,
            subject=wording["subject"],
            body=wording["body"],
            values=emails.sample_values(conference, kind),
        )
        preview = {"subject": subject_filled, "body": text}
    description, placeholders, _, _ = templates.KINDS[kind]
    return render(
        request,
        "organiser/email_template.html",
        {
            "conference": conference,
            "kind": kind,
            "description": description,
            "placeholders": [(name, templates.PLACEHOLDERS[name]) for name in placeholders],
            "customised": customised,
            "form": form,
            "preview": preview,
        },
        status=status,
    )


@organiser_required
@require_http_methods(["GET", "POST"])
def compose(request, slug):
    conference = get_object_or_404(Conference, slug=slug)
    form = ComposeForm(request.POST or None)
    recipients = None
    status = 200
    if request.method == "POST" and form.is_valid():
        to = form.recipients_filter()
        send = request.POST.get("action") == "send"
        try:
            count = messaging.send_message(
                conference=conference,
                to=to,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                dry_run=not send,
            )
        except templates.UnknownPlaceholder as exc:
            form.add_error("body", exc.message)
            status = 400
        except ServiceError as exc:
            form.add_error(None, exc.message)
            status = 400
        else:
            if send:
                messages.success(request, f"{count} message{'s' if count != 1 else ''} queued: see the outbox below.")
                return redirect("organiser-emails", slug=slug)
            recipients = count
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "organiser/compose.html",
        {
            "conference": conference,
            "form": form,
            "recipients": recipients,
            "placeholders": [(n, templates.PLACEHOLDERS[n]) for n in templates.known_placeholders(templates.MESSAGE)],
        },
        status=status,
    )
