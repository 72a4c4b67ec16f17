"""The e-mail templates, messages to a group and the outbox, for organisers (described in the README).

Thin: the wording rules are ``outbox.templates``, the recipients and sending ``messaging``.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from conference.api import ConferenceScoped

from . import emails, messaging
from .models import EmailTemplate, OutboxMessage
from .outbox import templates


class EmailTemplateSerializer(serializers.Serializer):
    kind = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)
    subject = serializers.CharField(max_length=300, required=False)
    body = serializers.CharField(required=False, trim_whitespace=False)
    customised = serializers.BooleanField(read_only=True, help_text="False: the default wording.")
    placeholders = serializers.ListField(child=serializers.CharField(), read_only=True)
    updated_at = serializers.DateTimeField(read_only=True, allow_null=True)


class PreviewSerializer(serializers.Serializer):
    subject = serializers.CharField(max_length=300, required=False, help_text="Unsaved wording to preview.")
    body = serializers.CharField(required=False, trim_whitespace=False, help_text="Unsaved wording to preview.")


@extend_schema(tags=["e-mails"])
class EmailTemplateViewSet(ConferenceScoped, viewsets.GenericViewSet):
    """One template per kind of message; a kind never edited answers its default wording."""

    serializer_class = EmailTemplateSerializer
    queryset = EmailTemplate.objects.none()  # the kinds are listed from outbox.templates, not a query
    lookup_field = "kind"
    lookup_value_regex = "[^/.]+"  # any kind reaches the view: an unknown one is a JSON 404 (unknown_kind)

    def _one(self, kind):
        conference = self.get_conference()
        templates.template_for(conference, kind)  # 404 for an unknown kind
        return next(t for t in templates.templates_of(conference) if t["kind"] == kind)

    def list(self, request, slug=None):
        items = templates.templates_of(self.get_conference())
        page = self.paginate_queryset(items)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, slug=None, kind=None):
        return Response(self.get_serializer(self._one(kind)).data)

    @extend_schema(responses={200: EmailTemplateSerializer, 400: OpenApiResponse(description="unknown_placeholder")})
    def partial_update(self, request, slug=None, kind=None):
        body = self.get_serializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        templates.save_template(conference=self.get_conference(), kind=kind, **body.validated_data)
        return Response(self.get_serializer(self._one(kind)).data)

    @extend_schema(responses={204: OpenApiResponse(description="Back to the default wording")})
    def destroy(self, request, slug=None, kind=None):
        templates.reset_template(conference=self.get_conference(), kind=kind)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=PreviewSerializer,
        responses={
            200: inline_serializer(
                "EmailPreview",
                {"subject": serializers.CharField(), "body": serializers.CharField(), "html": serializers.CharField()},
            ),
            400: OpenApiResponse(description="unknown_placeholder"),
        },
    )
    @action(detail=True, methods=["post"])
    def preview(self, request, slug=None, kind=None):
        """The message filled for a sample recipient: the saved wording, or the ``subject``/``body`` sent."""
        conference = self.get_conference()
        sent = PreviewSerializer(data=request.data)
        sent.is_valid(raise_exception=True)
        subject, body, _ = templates.template_for(conference, kind)
        subject = sent.validated_data.get("subject", subject)
        body = sent.validated_data.get("body", body)
        templates.check_placeholders(kind, subject, body)
        subject, text, html = templates.render(
            conference=conference, subject=subject, body=body, values=emails.sample_values(conference, kind)
        )
        return Response({"subject": subject, "body": text, "html": html})


class MessageSerializer(serializers.Serializer):
    to = serializers.DictField(
        help_text='{"status": [...], "category": [...], "checked_in": true|false, "organisation": [...]}; '
        "the filters combine with AND"
    )
    subject = serializers.CharField(max_length=300)
    body = serializers.CharField(trim_whitespace=False)
    dry_run = serializers.BooleanField(default=False)


@extend_schema(
    tags=["e-mails"],
    request=MessageSerializer,
    responses={
        200: inline_serializer("Recipients", {"recipients": serializers.IntegerField()}),
        202: inline_serializer("MessagesQueued", {"queued": serializers.IntegerField()}),
        400: OpenApiResponse(description="no_recipients_filter, invalid_recipients, unknown_placeholder"),
    },
)
class MessageViewSet(ConferenceScoped, viewsets.ViewSet):
    """A message to a chosen group of delegates: one e-mail each, through the outbox."""

    def create(self, request, slug=None):
        body = MessageSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        count = messaging.send_message(
            conference=self.get_conference(),
            to=data["to"],
            subject=data["subject"],
            body=data["body"],
            dry_run=data["dry_run"],
        )
        if data["dry_run"]:
            return Response({"recipients": count})
        return Response({"queued": count}, status=status.HTTP_202_ACCEPTED)


class OutboxSerializer(serializers.ModelSerializer):
    kind = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()

    class Meta:
        model = OutboxMessage
        fields = ["id", "to", "subject", "kind", "status", "attempts", "last_error", "created_at", "sent_at"]
        read_only_fields = fields

    def get_kind(self, message) -> str:
        return templates.kind_of(message.purpose)

    def get_status(self, message) -> str:
        """pending, sent or failed (a message being sent is still pending)."""
        return OutboxMessage.State.PENDING if message.state == OutboxMessage.State.SENDING else message.state


@extend_schema(tags=["e-mails"])
class OutboxViewSet(ConferenceScoped, mixins.ListModelMixin, viewsets.GenericViewSet):
    """What was sent to whom, what failed and why (newest first; ``?status=``, ``?kind=``)."""

    serializer_class = OutboxSerializer
    filterset_fields = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return OutboxMessage.objects.none()
        queryset = OutboxMessage.objects.filter(invitation__conference=self.get_conference()).order_by(
            "-created_at", "-pk"
        )
        wanted = self.request.query_params.get("status")
        if wanted == OutboxMessage.State.PENDING:
            queryset = queryset.filter(state__in=(OutboxMessage.State.PENDING, OutboxMessage.State.SENDING))
        elif wanted:
            queryset = queryset.filter(state=wanted)
        kind = self.request.query_params.get("kind")
        if kind:
            queryset = queryset.filter(purpose__in=templates.purposes_of(kind))
        return queryset
