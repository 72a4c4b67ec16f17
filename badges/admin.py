from django import forms
from django.contrib import admin

from .checkin.services import conference_day
from .models import Badge, BadgePrintJob, CheckIn, Scan


@admin.register(Badge)
class BadgeAdmin(admin.ModelAdmin):
    list_display = ["registration", "code", "issued_at", "revoked_at", "printed_at"]
    list_filter = ["registration__conference"]
    search_fields = ["code", "registration__last_name", "registration__first_name"]
    list_select_related = ["registration"]
    readonly_fields = ["code"]


class CheckInForm(forms.ModelForm):
    """The conference day follows the check-in's time; one live main-door check-in a day stays the rule."""

    class Meta:
        model = CheckIn
        fields = ["conference", "registration", "badge", "gate", "user", "checked_in_at", "undone_at", "undone_by"]

    def clean(self):
        data = super().clean()
        conference, registration, at = data.get("conference"), data.get("registration"), data.get("checked_in_at")
        if conference and registration and at:
            self.instance.day = conference_day(conference, at)
            if data.get("undone_at") is None and self.instance.session_id is None:
                others = CheckIn.objects.filter(
                    registration=registration, day=self.instance.day, undone_at__isnull=True, session__isnull=True
                ).exclude(pk=self.instance.pk)
                if others.exists():
                    raise forms.ValidationError(
                        f"This delegate already has a live check-in on day {self.instance.day}."
                    )
        return data


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    form = CheckInForm
    list_display = ["registration", "gate", "user", "checked_in_at", "day", "session", "undone_at"]
    list_filter = ["conference", "gate", "day"]
    search_fields = ["registration__last_name", "registration__first_name"]
    list_select_related = ["registration", "user", "session"]
    readonly_fields = ["day", "session"]


@admin.register(Scan)
class ScanAdmin(admin.ModelAdmin):
    list_display = ["code", "result", "gate", "user", "created_at"]
    list_filter = ["conference", "result", "gate"]
    search_fields = ["code", "nonce"]


@admin.register(BadgePrintJob)
class BadgePrintJobAdmin(admin.ModelAdmin):
    list_display = ["conference", "layout", "category", "not_printed", "status", "done", "total", "created_at"]
    list_filter = ["conference", "status"]
    readonly_fields = ["status", "total", "done", "pages", "file", "error", "started_at", "finished_at"]
