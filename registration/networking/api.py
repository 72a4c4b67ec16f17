"""The networking API: the delegate's directory and meetings by personal token; the organisers' topics.

Thin: every rule is :mod:`registration.networking.services`, whose errors the
API error handler turns into ``{"detail", "code"}`` answers.
"""

from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from conference.api import ConferenceScoped
from conference.plumbing.limits import TokenRateThrottle

from ..my_api import MyTokenView
from . import services
from .models import MESSAGE_LIMIT, Meeting, Topic


class TopicSerializer(serializers.ModelSerializer):
    class Meta:
        model = Topic
        fields = ["id", "name", "position"]
        extra_kwargs = {"position": {"required": False}}
        validators = []  # the unique name is the service's rule (save_topic): a clear 409, not a 400 of the model's


class TopicViewSet(ConferenceScoped, viewsets.ModelViewSet):
    """The conference's topics, which delegates choose their interests among (organisers)."""

    queryset = Topic.objects.none()  # the model, for the schema; rows come from get_queryset
    serializer_class = TopicSerializer
    error_statuses = {
        action: {409: "`topic_exists`: the conference has a topic of that name."}
        for action in ("create", "update", "partial_update")
    }

    def get_queryset(self):
        return services.topics_of(self.get_conference())

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.save_topic(
            conference=self.get_conference(), name=data["name"], position=data.get("position")
        )

    def perform_update(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.save_topic(
            conference=self.get_conference(),
            topic=serializer.instance,
            name=data.get("name", serializer.instance.name),
            position=data.get("position"),
        )

    def perform_destroy(self, instance):
        services.delete_topic(topic=instance)


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    job_title = serializers.CharField()
    organisation = serializers.CharField()
    organisation_kind = serializers.CharField()
    interests = serializers.ListField(child=serializers.CharField())
    networking_note = serializers.CharField()


class Pagination(PageNumberPagination):
    page_size = 50


def _person(registration):
    return {
        "id": registration.pk,
        "name": registration.full_name,
        "job_title": registration.job_title,
        "organisation": registration.invitation.organisation.name,
    }


def meeting_data(meeting, registration):
    accepted = meeting.status == Meeting.Status.ACCEPTED
    return {
        "id": meeting.pk,
        "status": meeting.status,
        "direction": "sent" if meeting.requester_id == registration.pk else "received",
        "with": _person(meeting.other(registration)),
        "slot": {
            "id": meeting.slot_id,
            "title": meeting.slot.title,
            "starts_at": meeting.slot.starts_at.isoformat(),
            "ends_at": meeting.slot.ends_at.isoformat(),
        },
        "table": meeting.table if accepted else None,
        "message": meeting.message,
        "created_at": meeting.created_at.isoformat(),
    }


class MeetingPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    job_title = serializers.CharField()
    organisation = serializers.CharField()


class MeetingSlotSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class MeetingOut(serializers.Serializer):
    """A meeting as its delegates see it (the answer's shape, for the schema)."""

    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Meeting.Status.choices)
    direction = serializers.ChoiceField(choices=["sent", "received"])
    slot = MeetingSlotSerializer()
    table = serializers.CharField(allow_null=True, help_text="Once accepted.")
    message = serializers.CharField()
    created_at = serializers.DateTimeField()

    def get_fields(self):
        fields = super().get_fields()
        fields["with"] = MeetingPersonSerializer()
        return fields


class MeetingRequestSerializer(serializers.Serializer):
    # "with" is a Python keyword: the field is named in the body as "with".
    slot = serializers.IntegerField(min_value=1, help_text="A networking session of the published agenda.")
    message = serializers.CharField(max_length=MESSAGE_LIMIT, required=False, allow_blank=True, default="")
    share_contact = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Give my contact details (vCard) to this delegate after the event, if they accept and agree too.",
    )

    def get_fields(self):
        fields = super().get_fields()
        fields["with"] = serializers.IntegerField(min_value=1, help_text="The id of a delegate of the directory.")
        return fields


class AcceptSerializer(serializers.Serializer):
    share_contact = serializers.BooleanField(
        required=False, default=False, help_text="Give my contact details (vCard) to the requester after the event."
    )


def paginated(name, serializer):
    """The schema of DRF's page-number pagination around ``serializer``'s items."""
    return inline_serializer(
        name,
        {
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": serializer(many=True),
        },
    )


class NetworkingTokenView(MyTokenView):
    throttle_classes = [TokenRateThrottle]


@method_decorator(csrf_exempt, name="dispatch")
class PeopleView(NetworkingTokenView):
    """The delegate directory: opted-in, confirmed delegates of the conference (only for those in it)."""

    error_statuses = {"get": {403: "`not_in_directory` (only delegates in the directory see it) or `networking_off`."}}

    @extend_schema(
        tags=["my"],
        parameters=[
            OpenApiParameter("q", str, description="Words to find in name, job title, organisation, note, interests"),
            OpenApiParameter("interest", str, description="A topic's id or name"),
            OpenApiParameter("kind", str, description="An organisation kind (university, company, ...)"),
            OpenApiParameter("page", int),
        ],
        responses={200: paginated("PeoplePage", PersonSerializer)},
    )
    def get(self, request, token):
        registration = self.get_registration(token)
        rows = services.directory(
            registration=registration,
            q=request.query_params.get("q", ""),
            interest=request.query_params.get("interest"),
            kind=request.query_params.get("kind"),
        )
        paginator = Pagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        fields = ("id", "name", "job_title", "organisation", "organisation_kind", "interests", "networking_note")
        return paginator.get_paginated_response([{k: row[k] for k in fields} for row in page])


@method_decorator(csrf_exempt, name="dispatch")
class MeetingsView(NetworkingTokenView):
    """The delegate's meetings, both directions; POST asks another delegate for one."""

    error_statuses = {
        "get": {403: "`networking_off`: the organisers switched networking off."},
        "post": {
            403: "`not_in_directory` (either delegate) or `networking_off`.",
            409: "`slot_taken`, `already_requested`: the slot is not free for one of you.",
        },
    }

    @extend_schema(tags=["my"], responses={200: paginated("MeetingsPage", MeetingOut)})
    def get(self, request, token):
        registration = self.get_registration(token)
        paginator = Pagination()
        page = paginator.paginate_queryset(list(services.meetings_of(registration)), request, view=self)
        return paginator.get_paginated_response([meeting_data(m, registration) for m in page])

    @extend_schema(
        tags=["my"],
        request=MeetingRequestSerializer,
        responses={
            201: inline_serializer(
                "MeetingRequested", {"id": serializers.IntegerField(), "status": serializers.CharField()}
            )
        },
    )
    def post(self, request, token):
        registration = self.get_registration(token)
        serializer = MeetingRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        meeting = services.request_meeting(
            registration=registration,
            with_id=data["with"],
            slot_id=data["slot"],
            message=data["message"],
            share_contact=data["share_contact"],
        )
        return Response({"id": meeting.pk, "status": meeting.status}, status=status.HTTP_201_CREATED)


@method_decorator(csrf_exempt, name="dispatch")
class MeetingActionView(NetworkingTokenView):
    action = None  # accept, decline or cancel
    # Keyed by ``action`` (the schema reads a view's action before its method).
    error_statuses = {
        action: {
            403: "`not_the_one_asked`, `not_in_directory` or `networking_off`.",
            409: "`meeting_closed`, `slot_taken`, `no_table_free`.",
        }
        for action in ("accept", "decline", "cancel")
    }

    def post(self, request, token, meeting):
        registration = self.get_registration(token)
        if self.action == "accept":
            serializer = AcceptSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            found = services.accept_meeting(
                registration=registration, meeting_id=meeting, share_contact=serializer.validated_data["share_contact"]
            )
        elif self.action == "decline":
            found = services.decline_meeting(registration=registration, meeting_id=meeting)
        else:
            found = services.cancel_meeting(registration=registration, meeting_id=meeting)
        return Response(meeting_data(services.meetings_of(registration).get(pk=found.pk), registration))


class AcceptMeetingView(MeetingActionView):
    """The one asked accepts: the meeting gets a table and is in both agendas."""

    action = "accept"

    @extend_schema(tags=["my"], request=AcceptSerializer, responses={200: MeetingOut})
    def post(self, request, token, meeting):
        return super().post(request, token, meeting)


class DeclineMeetingView(MeetingActionView):
    """The one asked declines."""

    action = "decline"

    @extend_schema(tags=["my"], request=None, responses={200: MeetingOut})
    def post(self, request, token, meeting):
        return super().post(request, token, meeting)


class CancelMeetingView(MeetingActionView):
    """Either delegate cancels a request or a meeting."""

    action = "cancel"

    @extend_schema(tags=["my"], request=None, responses={200: MeetingOut})
    def post(self, request, token, meeting):
        return super().post(request, token, meeting)
