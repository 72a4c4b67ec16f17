"""The agenda API (organisers): rooms, tracks, speakers, sessions, publishing.

Thin: serializers check the shape of the input; the clash checks, cancelling
and publishing are :mod:`conference.agenda.services`, whose errors the API
error handler turns into ``{"detail", "code"}`` answers.
"""

import datetime as dt

from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, permissions, serializers, status, viewsets
from rest_framework.response import Response

from conference.api import ConferenceScoped
from conference.models import AgendaVersion, Room, Session, Speaker, Track
from conference.plumbing.schema import ErrorSerializer
from conference.plumbing.validators import validate_plausible_year

from . import rules, services


class RoomSerializer(serializers.ModelSerializer):
    class Meta:
        model = Room
        fields = ["id", "name", "capacity", "position"]


class TrackSerializer(serializers.ModelSerializer):
    class Meta:
        model = Track
        fields = ["id", "name", "colour"]


class SpeakerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Speaker
        fields = ["id", "guid", "name", "organisation", "email", "bio", "photo"]
        read_only_fields = ["guid"]
        extra_kwargs = {"photo": {"required": False}}


class ConferenceDateTimeField(serializers.DateTimeField):
    """ISO date-times with their offset, shown in the conference's time zone.

    An input without an offset is read as the conference's local time.
    """

    def enforce_timezone(self, value):
        conference = self.context.get("conference")
        if conference is not None and timezone.is_naive(value):
            return timezone.make_aware(value, conference.tz)
        return super().enforce_timezone(value)

    def to_representation(self, value):
        conference = self.context.get("conference")
        if conference is not None and isinstance(value, dt.datetime):
            return timezone.localtime(value, conference.tz).isoformat()
        return super().to_representation(value)


class SessionSerializer(serializers.ModelSerializer):
    starts_at = ConferenceDateTimeField(validators=[validate_plausible_year])
    ends_at = ConferenceDateTimeField(validators=[validate_plausible_year])

    class Meta:
        model = Session
        fields = [
            "id",
            "guid",
            "title",
            "kind",
            "starts_at",
            "ends_at",
            "room",
            "track",
            "speakers",
            "capacity",
            "abstract",
            "published_in",
        ]
        read_only_fields = ["guid", "published_in"]
        extra_kwargs = {"speakers": {"required": False}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        conference = self.context.get("conference")
        if conference is not None:
            self.fields["room"].queryset = Room.objects.filter(conference=conference)
            self.fields["track"].queryset = Track.objects.filter(conference=conference)
            self.fields["speakers"].child_relation.queryset = Speaker.objects.filter(conference=conference)


class PartViewSet(ConferenceScoped, viewsets.ModelViewSet):
    """Rooms, tracks, speakers: every write through the agenda service (names, deleting what is in use)."""

    part = ""  # the keyword the service names it by
    save_part = delete_part = None  # the service's functions (staticmethods), by subclass

    def _save(self, serializer, instance=None):
        serializer.instance = self.save_part(
            conference=self.get_conference(), **{self.part: instance}, **serializer.validated_data
        )

    def perform_create(self, serializer):
        self._save(serializer)

    def perform_update(self, serializer):
        self._save(serializer, serializer.instance)

    def perform_destroy(self, instance):
        self.delete_part(**{self.part: instance})


class RoomViewSet(PartViewSet):
    queryset = Room.objects.none()  # the model, for the schema; rows come from get_queryset
    serializer_class = RoomSerializer
    error_statuses = {"destroy": {409: "`room_in_use`: the room still has sessions."}}
    part = "room"
    save_part, delete_part = staticmethod(services.save_room), staticmethod(services.delete_room)

    def get_queryset(self):
        return Room.objects.filter(conference=self.get_conference()).order_by("position", "name")


class TrackViewSet(PartViewSet):
    queryset = Track.objects.none()  # the model, for the schema; rows come from get_queryset
    serializer_class = TrackSerializer
    error_statuses = {"destroy": {409: "`track_in_use`: sessions are in this track."}}
    part = "track"
    save_part, delete_part = staticmethod(services.save_track), staticmethod(services.delete_track)

    def get_queryset(self):
        return Track.objects.filter(conference=self.get_conference()).order_by("name")


class SpeakerViewSet(PartViewSet):
    queryset = Speaker.objects.none()  # the model, for the schema; rows come from get_queryset
    serializer_class = SpeakerSerializer
    error_statuses = {"destroy": {409: "`speaker_in_use`: the speaker still has sessions."}}
    part = "speaker"
    save_part, delete_part = staticmethod(services.save_speaker), staticmethod(services.delete_speaker)

    def get_queryset(self):
        return Speaker.objects.filter(conference=self.get_conference()).order_by("name", "pk")


class SessionViewSet(ConferenceScoped, viewsets.ModelViewSet):
    """The draft's sessions. DELETE cancels a published session and removes an unpublished one."""

    queryset = Session.objects.none()  # the model, for the schema; rows come from get_queryset
    serializer_class = SessionSerializer
    filterset_fields = ["kind", "room", "track"]

    def get_queryset(self):
        return (
            Session.objects.filter(conference=self.get_conference(), cancelled_at__isnull=True)
            .prefetch_related("speakers")
            .order_by("starts_at", "pk")
        )

    def _save(self, serializer, session=None):
        data = dict(serializer.validated_data)
        speakers = data.pop("speakers", None)
        serializer.instance = services.save_session(
            conference=self.get_conference(), session=session, speakers=speakers, **data
        )

    def perform_create(self, serializer):
        self._save(serializer)

    def perform_update(self, serializer):
        self._save(serializer, session=serializer.instance)

    def perform_destroy(self, instance):
        services.remove_session(session=instance)


class PublishSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    notify = serializers.BooleanField(
        required=False,
        default=False,
        help_text="E-mail every confirmed delegate who booked or starred a session this version moves or cancels.",
    )
    expected = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=64,
        default="",
        help_text="The preview's fingerprint: refused (409 draft_changed) if the draft changed since.",
    )


class PublishView(ConferenceScoped, generics.GenericAPIView):
    """Publish the draft as the next version, with a note and a changelog against the last."""

    serializer_class = PublishSerializer

    @extend_schema(
        responses={
            201: inline_serializer(
                "PublishedVersion",
                {
                    "version": serializers.IntegerField(),
                    "changes": serializers.DictField(),
                    "notified": serializers.IntegerField(),
                },
            ),
            409: OpenApiResponse(
                ErrorSerializer,
                description="`nothing_to_publish` (the draft is the latest version) or `draft_changed` "
                "(the draft changed since the preview whose fingerprint was sent as `expected`).",
            ),
        }
    )
    def post(self, request, slug):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        version = services.publish_agenda(
            conference=self.get_conference(),
            note=serializer.validated_data["note"],
            notify=serializer.validated_data["notify"],
            expected=serializer.validated_data["expected"],
            user=request.user,
        )
        return Response(
            {
                "version": version.number,
                "published_at": version.published_at,
                "changes": version.changes,
                "notified": version.notified,
            },
            status=status.HTTP_201_CREATED,
        )


class PublicationPreview(ConferenceScoped, generics.GenericAPIView):
    """What publishing now would do: the changes against the latest version, clashes, and whether anything changed."""

    serializer_class = PublishSerializer  # for the schema's sake; GET takes no body

    @extend_schema(
        responses={
            200: inline_serializer(
                "PublicationPreview",
                {
                    "changed": serializers.BooleanField(),
                    "next_version": serializers.IntegerField(),
                    "changes": serializers.DictField(),
                    "clashes": serializers.ListField(child=serializers.CharField()),
                },
            )
        }
    )
    def get(self, request, slug):
        conference = self.get_conference()
        pending = services.pending_publication(conference)
        return Response(
            {
                "changed": pending["changed"],
                "fingerprint": pending["fingerprint"],
                "next_version": pending["next_number"],
                "changes": pending["changes"],
                "clashes": [p["message"] for p in rules.find_clashes(conference)],
            }
        )


class AgendaVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgendaVersion
        fields = ["number", "note", "published_at", "changes"]


class AgendaVersionList(ConferenceScoped, generics.ListAPIView):
    """The published versions with their notes and changelogs, newest first (public: it is published)."""

    serializer_class = AgendaVersionSerializer
    permission_classes = [permissions.AllowAny]
    queryset = AgendaVersion.objects.none()

    def get_queryset(self):
        return AgendaVersion.objects.filter(conference=self.get_conference()).defer("snapshot").order_by("-number")
