"""The admin of invitations, delegates and the e-mail outbox.

States change only through the services (send, remind, cancel): the admin
shows them read-only, so that no edit can skip the capacity rules.
"""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from conference.models import Conference
from conference.plumbing.admin import GuardedDeleteMixin
from conference.plumbing.errors import ServiceError

from . import emails, exports, importing, privacy, services
from .forms import TEXT_FIELDS, DelegateForm
from .models import AuditEntry, Invitation, OutboxMessage, Registration
from .outbox import tasks


class ImportForm(forms.Form):
    conference = forms.ModelChoiceField(queryset=Conference.objects.all(), label="Conference")
    file = forms.FileField(
        label="CSV or spreadsheet (.xlsx)",
        help_text="Columns: " + ", ".join(importing.COLUMNS) + ". A file with any error imports nothing.",
    )


class InvitationAdminForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["seats"]  # the admin adds the fields of InvitationAdmin.fields

    def clean_seats(self):
        seats = self.cleaned_data.get("seats")
        try:
            services.check_seats(invitation=self.instance, seats=seats)
        except services.SeatsBelowDelegates as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from None
        return seats


class RegistrationAdminForm(DelegateForm):
    """A delegate's details with the RSVP form's fields, limits and messages (consent was given when named)."""

    consent = None
    # Networking fields are the delegate's own choice (their page), not the admin's.
    directory_opt_in = interests = networking_note = None

    class Meta(DelegateForm.Meta):
        fields = ["conference", "invitation", *TEXT_FIELDS]
        widgets = {}  # the admin's own widgets, without the RSVP page's autocomplete hints

    def __init__(self, *args, **kwargs):
        # The answers to the conference's questions are the delegate's (RSVP page, /my/); the admin leaves them be.
        super().__init__(*args, questions=[], **kwargs)


def _by_conference(queryset):
    groups = {}
    for obj in queryset.select_related("conference"):
        groups.setdefault(obj.conference, []).append(obj.pk)
    return groups


class ExportActions:
    """The admin actions "Export the selected ... (CSV / spreadsheet)", from the organisers' export tables."""

    export_name = ""  # the table: invitations or delegates
    export_table = None  # staticmethod(exports.<name>_table), called with ids=

    def _export(self, request, queryset, fmt):
        title, header, rows = self.export_table(ids=queryset.values_list("pk", flat=True))
        for conference, ids in _by_conference(queryset).items():
            privacy.audit_export(
                conference=conference, user=request.user, table=f"{self.export_name} (admin)", fmt=fmt, rows=len(ids)
            )
        if fmt == "csv":
            return exports.csv_response(self.export_name, header, rows)
        return exports.xlsx_response(self.export_name, title, header, rows)

    @admin.action(description="Export the selected %(verbose_name_plural)s (CSV)")
    def export_csv(self, request, queryset):
        return self._export(request, queryset, "csv")

    @admin.action(description="Export the selected %(verbose_name_plural)s (spreadsheet)")
    def export_xlsx(self, request, queryset):
        return self._export(request, queryset, "xlsx")


@admin.register(Invitation)
class InvitationAdmin(GuardedDeleteMixin, ExportActions, admin.ModelAdmin):
    form = InvitationAdminForm
    export_name, export_table = "invitations", staticmethod(exports.invitations_table)
    list_display = [
        "contact_name",
        "organisation",
        "email",
        "category",
        "seats",
        "delegates",
        "status",
        "sent_at",
        "responded_at",
    ]
    list_filter = ["conference", "status", "category", "organisation__kind"]
    search_fields = ["contact_name", "email", "organisation__name"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation"]
    readonly_fields = ["status", "rsvp_link", "sent_at", "reminded_at", "opened_at", "responded_at"]
    fields = [
        "conference",
        "organisation",
        "contact_name",
        "email",
        "category",
        "seats",
        "status",
        "rsvp_link",
        "sent_at",
        "reminded_at",
        "opened_at",
        "responded_at",
    ]
    actions = ["send_selected", "remind_selected", "export_csv", "export_xlsx"]
    change_list_template = "admin/registration/invitation/change_list.html"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(active_delegates=Count("registrations", filter=Q(registrations__status__in=services.ACTIVE)))
        )

    # An invitation with delegates is not deleted (services.delete_invitation).

    def check_delete(self, obj):
        services.check_deletable(invitation=obj)

    def delete_through_service(self, obj):
        services.delete_invitation(invitation=obj)

    @admin.display(description="Delegates", ordering="active_delegates")
    def delegates(self, obj):
        return obj.active_delegates

    @admin.display(description="RSVP link")
    def rsvp_link(self, obj):
        if not obj.pk:
            return "—"
        url = emails.rsvp_url(obj)
        return format_html('<a href="{}">{}</a>', url, url)

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="registration_invitation_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        if not self.has_add_permission(request):
            return redirect("admin:index")
        errors = []
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                created = importing.import_file(form.cleaned_data["file"], conference=form.cleaned_data["conference"])
            except services.ImportInvalid as exc:
                errors = exc.errors
                messages.error(request, f"The file has {len(errors)} error(s); nothing was imported.")
            else:
                messages.success(request, f"Imported {created} invitation(s) as drafts. Send them from the list.")
                return redirect(reverse("admin:registration_invitation_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": "Import invitations",
            "form": form,
            "errors": errors,
            "opts": self.model._meta,
            "columns": importing.COLUMNS,
        }
        return TemplateResponse(request, "admin/registration/invitation/import.html", context)

    @admin.action(description="Send the selected invitations (not those already answered)")
    def send_selected(self, request, queryset):
        total = sum(
            services.send_invitations(conference=conference, ids=ids)
            for conference, ids in _by_conference(queryset).items()
        )
        self.message_user(request, f"{total} invitation(s) queued for sending.", messages.SUCCESS)

    @admin.action(description="Remind the selected invitations that have not been answered")
    def remind_selected(self, request, queryset):
        total = sum(
            services.send_invitations(conference=conference, ids=ids, remind=True)
            for conference, ids in _by_conference(queryset).items()
        )
        self.message_user(request, f"{total} reminder(s) queued for sending.", messages.SUCCESS)


@admin.register(Registration)
class RegistrationAdmin(ExportActions, admin.ModelAdmin):
    form = RegistrationAdminForm
    export_name, export_table = "delegates", staticmethod(exports.delegates_table)
    list_display = [
        "last_name",
        "first_name",
        "email",
        "organisation_name",
        "category_name",
        "status",
        "created_at",
        "checked_in_at",
    ]
    list_filter = ["conference", "status", "invitation__category"]
    search_fields = ["first_name", "last_name", "badge_name", "email", "invitation__organisation__name"]
    list_select_related = ["conference", "invitation__organisation"]
    # A delegate's conference and invitation are where their place was counted: moving them here
    # would skip the capacity rules, so they are shown, never edited.
    readonly_fields = [
        "conference",
        "invitation",
        "status",
        "workshops",
        "token",
        "consent_at",
        "created_at",
        "confirmed_at",
        "cancelled_at",
        "checked_in_at",
    ]
    actions = ["cancel_selected", "export_csv", "export_xlsx"]

    @admin.display(description="Organisation", ordering="invitation__organisation__name")
    def organisation_name(self, obj):
        return obj.invitation.organisation.name

    @admin.display(description="Category", ordering="invitation__category")
    def category_name(self, obj):
        return obj.invitation.get_category_display()

    def get_queryset(self, request):
        return super().get_queryset(request).with_checked_in_at()

    @admin.display(description="Checked in at", ordering="checked_in_at", empty_value="-")
    def checked_in_at(self, obj):
        return obj.checked_in_at

    def has_add_permission(self, request):
        # Delegates are named through the RSVP page or API, where the capacity rules apply.
        return False

    @admin.action(description="Cancel the selected delegates (places go to the waiting list)")
    def cancel_selected(self, request, queryset):
        cancelled = promoted = 0
        for registration in queryset.exclude(status=Registration.Status.CANCELLED):
            try:
                promoted += len(services.cancel_registration(registration=registration))
                cancelled += 1
            except ServiceError as exc:
                self.message_user(request, f"{registration}: {exc.message}", messages.WARNING)
        self.message_user(
            request,
            f"{cancelled} delegate(s) cancelled; {promoted} confirmed from the waiting list.",
            messages.SUCCESS,
        )


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["purpose", "to", "subject", "state", "attempts", "created_at", "next_attempt_at", "sent_at"]
    list_filter = ["state", "purpose"]
    search_fields = ["to", "subject"]
    readonly_fields = [
        "purpose",
        "to",
        "subject",
        "body_text",
        "body_html",
        "invitation",
        "registration",
        "state",
        "attempts",
        "last_error",
        "created_at",
        "next_attempt_at",
        "sent_at",
    ]
    exclude = ["attachments"]
    actions = ["retry_now"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Retry the selected unsent messages now")
    def retry_now(self, request, queryset):
        count = tasks.retry(list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"{count} message(s) will be sent again in the background.", messages.INFO)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The privacy audit log, read-only: written only by ``registration.privacy``."""

    list_display = ["created_at", "conference", "actor", "action", "registration_id", "detail"]
    list_filter = ["action", "conference"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Networking's models (registration.networking.admin registers them).
from .networking import admin as networking_admin  # noqa: E402, F401
