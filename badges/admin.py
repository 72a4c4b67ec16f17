from django.contrib import admin

from .models import Badge, BadgePrintJob, CheckIn, Scan


@admin.register(Badge)
class BadgeAdmin(admin.ModelAdmin):
    list_display = ["registration", "code", "issued_at", "revoked_at", "printed_at"]
    list_filter = ["registration__conference"]
    search_fields = ["code", "registration__last_name", "registration__first_name"]
    list_select_related = ["registration"]
    readonly_fields = ["code"]


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    list_display = ["registration", "gate", "user", "checked_in_at", "undone_at"]
    list_filter = ["conference", "gate"]
    search_fields = ["registration__last_name", "registration__first_name"]
    list_select_related = ["registration", "user"]


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
