from django.contrib import admin

from .models import AgendaVersion, Conference, Organisation, Room, Session, Speaker, Track


@admin.register(Conference)
class ConferenceAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "slug",
        "starts_on",
        "ends_on",
        "venue",
        "capacity",
        "registration_opens_at",
        "registration_closes_at",
    ]
    list_filter = ["starts_on"]
    search_fields = ["name", "slug", "venue"]
    prepopulated_fields = {"slug": ["name"]}
    date_hierarchy = "starts_on"


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "website", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name", "website"]


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ["name", "conference", "capacity", "position"]
    list_filter = ["conference"]
    search_fields = ["name"]


@admin.register(Track)
class TrackAdmin(admin.ModelAdmin):
    list_display = ["name", "conference", "colour"]
    list_filter = ["conference"]
    search_fields = ["name"]


@admin.register(Speaker)
class SpeakerAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "conference"]
    list_filter = ["conference"]
    search_fields = ["name", "organisation"]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "starts_at", "ends_at", "room", "track", "capacity", "cancelled_at"]
    list_filter = ["conference", "kind", "track", "room"]
    search_fields = ["title", "abstract"]
    filter_horizontal = ["speakers"]
    list_select_related = ["room", "track"]


@admin.register(AgendaVersion)
class AgendaVersionAdmin(admin.ModelAdmin):
    list_display = ["conference", "number", "published_at", "published_by", "note"]
    list_filter = ["conference"]
    readonly_fields = ["conference", "number", "published_at", "published_by", "snapshot", "changes"]
