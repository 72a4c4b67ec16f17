from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from . import services as conference_services
from .agenda import services
from .agenda.errors import AgendaError
from .models import AgendaVersion, Category, Conference, Organisation, Room, Session, Speaker, Track
from .plumbing.admin import GuardedDeleteMixin


class ConferenceForm(forms.ModelForm):
    """Exempt categories as boxes to tick; reserved places as JSON (``{"sponsor": 20}``).

    Conference.clean checks both.
    """

    capacity_exempt_categories = forms.TypedMultipleChoiceField(
        choices=Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Exempt from capacity",
        help_text="Delegates of these categories are confirmed whatever the capacity.",
    )

    class Meta:
        model = Conference
        fields = "__all__"  # noqa: DJ007 - the admin's own form: every field of the model, as the admin shows them

    def clean_reserved_places(self):
        return self.cleaned_data.get("reserved_places") or {}


@admin.register(Conference)
class ConferenceAdmin(GuardedDeleteMixin, admin.ModelAdmin):
    form = ConferenceForm
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

    # A conference with invitations is not deleted (conference_services.delete_conference).

    def check_delete(self, obj):
        conference_services.check_deletable(conference=obj)

    def delete_through_service(self, obj):
        conference_services.delete_conference(conference=obj)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "website", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name", "website"]


@admin.register(Room)
class RoomAdmin(GuardedDeleteMixin, admin.ModelAdmin):
    # Deleted only when no session uses it, as on the editor page and through the API.

    def check_delete(self, obj):
        services.check_room_deletable(room=obj)

    def delete_through_service(self, obj):
        services.delete_room(room=obj)

    list_display = ["name", "conference", "capacity", "position"]
    list_filter = ["conference"]
    search_fields = ["name"]


@admin.register(Track)
class TrackAdmin(GuardedDeleteMixin, admin.ModelAdmin):
    # Deleted only when no session uses it, as on the editor page and through the API.

    def check_delete(self, obj):
        services.check_track_deletable(track=obj)

    def delete_through_service(self, obj):
        services.delete_track(track=obj)

    list_display = ["name", "conference", "colour"]
    list_filter = ["conference"]
    search_fields = ["name"]


@admin.register(Speaker)
class SpeakerAdmin(GuardedDeleteMixin, admin.ModelAdmin):
    # Deleted only when no session uses it, as on the editor page and through the API.

    def check_delete(self, obj):
        services.check_speaker_deletable(speaker=obj)

    def delete_through_service(self, obj):
        services.delete_speaker(speaker=obj)

    list_display = ["name", "organisation", "conference"]
    list_filter = ["conference"]
    search_fields = ["name", "organisation"]


# Where the admin shows each agenda error: beside the field the organiser has to change.
ERROR_FIELDS = {
    "ends_before_start": "ends_at",
    "outside_conference": "starts_at",
    "room_clash": "room",
    "speaker_clash": "speakers",
}


class SessionForm(forms.ModelForm):
    """The admin's session form: the agenda service checks it, under the lock its save takes.

    The admin validates and saves inside one transaction (its change view is
    atomic), so the conference lock taken by ``services.check_session`` here
    is held until ``SessionAdmin.save_model`` saves through
    ``services.save_session``: nobody can book the room in between.
    """

    class Meta:
        model = Session
        fields = [
            "conference",
            "title",
            "kind",
            "starts_at",
            "ends_at",
            "room",
            "track",
            "speakers",
            "capacity",
            "abstract",
            "cancelled_at",
        ]

    def clean(self):
        cleaned = super().clean()
        conference = cleaned.get("conference")
        if conference is None:
            return cleaned
        for name in ("room", "track"):
            value = cleaned.get(name)
            if value is not None and value.conference_id != conference.pk:
                self.add_error(name, f"This {name} belongs to another conference.")
        speakers = cleaned.get("speakers") or []
        if any(p.conference_id != conference.pk for p in speakers):
            self.add_error("speakers", "Every speaker must belong to this session's conference.")
        if self.errors:
            return cleaned
        try:
            services.check_session(
                conference=conference,
                session=self.instance,
                speakers=list(speakers),
                **{name: cleaned.get(name) for name in ("starts_at", "ends_at", "room", "cancelled_at")},
            )
        except AgendaError as exc:
            self.add_error(ERROR_FIELDS.get(exc.code), ValidationError(exc.message, code=exc.code))
        return cleaned


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    form = SessionForm
    list_display = [
        "title",
        "kind",
        "starts_at",
        "ends_at",
        "room",
        "track",
        "capacity",
        "cancelled_at",
        "published_in",
    ]
    list_filter = ["conference", "kind", "track", "room"]
    search_fields = ["title", "abstract"]
    filter_horizontal = ["speakers"]
    list_select_related = ["room", "track"]
    readonly_fields = ["guid", "published_in"]

    def save_model(self, request, obj, form, change):
        """Saved by the agenda service (its lock, its clash checks), like every other edit of the agenda."""
        services.save_session(
            conference=obj.conference,
            session=obj,  # a new one too: the admin goes on with obj (its log entry, its redirect)
            speakers=list(form.cleaned_data.get("speakers") or []),
            **{name: getattr(obj, name) for name in services.SESSION_FIELDS},
        )

    def delete_model(self, request, obj):
        """Deleting a published session cancels it (it stays in the history and the .ics)."""
        if services.remove_session(session=obj) == "cancelled":
            messages.info(request, f"“{obj}” was published, so it is cancelled rather than deleted.")

    def delete_queryset(self, request, queryset):
        for session in queryset:
            services.remove_session(session=session)


@admin.register(AgendaVersion)
class AgendaVersionAdmin(admin.ModelAdmin):
    list_display = ["conference", "number", "published_at", "published_by", "note"]
    list_filter = ["conference"]
    readonly_fields = ["conference", "number", "published_at", "published_by", "snapshot", "changes"]

    def has_add_permission(self, request):
        # Versions are made only by publishing (the organiser's agenda page or the API), never by hand.
        return False
