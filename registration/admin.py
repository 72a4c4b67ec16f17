from django.contrib import admin

from .models import Invitation, OutboxMessage, Registration


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["contact_name", "organisation", "email", "category", "seats", "status", "sent_at", "responded_at"]
    list_filter = ["conference", "status", "category"]
    search_fields = ["contact_name", "email", "organisation__name"]
    list_select_related = ["organisation"]
    readonly_fields = ["token", "sent_at", "opened_at", "responded_at"]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "email", "status", "conference", "created_at", "checked_in_at"]
    list_filter = ["conference", "status"]
    search_fields = ["first_name", "last_name", "email", "invitation__organisation__name"]
    list_select_related = ["conference"]
    readonly_fields = ["token", "checked_in_at"]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["purpose", "to", "subject", "state", "attempts", "created_at", "sent_at"]
    list_filter = ["state", "purpose"]
    search_fields = ["to", "subject"]
