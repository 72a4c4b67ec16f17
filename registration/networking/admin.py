"""The networking models in the admin: topics and settings to edit, meetings to look at (delegates make them)."""

from django.contrib import admin

from .models import Meeting, NetworkingSettings, SlotTables, Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "conference", "position"]
    list_filter = ["conference"]
    search_fields = ["name"]


@admin.register(NetworkingSettings)
class NetworkingSettingsAdmin(admin.ModelAdmin):
    list_display = ["conference", "enabled", "tables_per_slot"]


@admin.register(SlotTables)
class SlotTablesAdmin(admin.ModelAdmin):
    list_display = ["session", "names"]
    raw_id_fields = ["session"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    """Read only: meetings are asked for, accepted and cancelled by delegates, under the services' rules."""

    list_display = ["requester", "invitee", "slot", "status", "table", "created_at"]
    list_filter = ["conference", "status"]
    list_select_related = ["requester", "invitee", "slot"]
    search_fields = ["requester__last_name", "invitee__last_name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
