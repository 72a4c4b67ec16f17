"""The invitations, registrations and RSVP API (described in the README). Thin: the rules are in services.py."""

from django import forms
from django.db import IntegrityError, transaction
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, parsers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from conference.api import ConferenceScoped, ConferenceSerializer
from conference.models import Organisation
from conference.plumbing.limits import TokenRateThrottle
from conference.plumbing.validators import validate_name_text

from . import copying, emails, figures, importing, places, privacy, questions, services
from .forms import DelegateForm
from .models import AuditEntry, Category, Invitation, Registration
from .networking.services import topics_for_rsvp as networking_topics
from .questions_api import question_data

# Invitations.


class InvitationSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.name", max_length=200, validators=[validate_name_text])
    organisation_kind = serializers.ChoiceField(
        source="organisation.kind", choices=Organisation.Kind.choices, required=False
    )
    category = serializers.ChoiceField(choices=Category.choices)
    seats = serializers.IntegerField(min_value=1, max_value=1000, default=1)
    rsvp_url = serializers.SerializerMethodField()
    delegates = serializers.SerializerMethodField()

    class Meta:
        model = Invitation
        fields = [
            "id",
            "organisation",
            "organisation_kind",
            "contact_name",
            "email",
            "category",
            "seats",
            "status",
            "sent_at",
            "opened_at",
            "responded_at",
            "delegates",
            "rsvp_url",
        ]
        read_only_fields = ["status", "sent_at", "opened_at", "responded_at"]

    def get_rsvp_url(self, invitation) -> str:
        return emails.rsvp_url(invitation)

    def get_delegates(self, invitation) -> int:
        """Delegates named (confirmed or waitlisted)."""
        if hasattr(invitation, "active_delegates"):
            return invitation.active_delegates
        return invitation.registrations.filter(status__in=services.ACTIVE).count()

    def validate_email(self, value):
        conference = self.context["conference"]
        duplicates = Invitation.objects.filter(conference=conference, email__iexact=value)
        if self.instance:
            duplicates = duplicates.exclude(pk=self.instance.pk)
        if duplicates.exists():
            raise serializers.ValidationError(f"{value} already has an invitation to {conference.name}.")
        return value

    def validate_seats(self, value):
        if self.instance is not None:
            try:
                services.check_seats(invitation=self.instance, seats=value)
            except services.SeatsBelowDelegates as exc:
                raise serializers.ValidationError(exc.message, code=exc.code) from None
        return value

    def create(self, validated_data):
        org = validated_data.pop("organisation")
        try:
            return services.create_invitation(
                conference=self.context["conference"],
                organisation=org["name"],
                organisation_kind=org.get("kind", ""),
                **validated_data,
            )
        except IntegrityError:
            raise serializers.ValidationError({"email": ["This e-mail already has an invitation."]}) from None

    def update(self, instance, validated_data):
        org = validated_data.pop("organisation", None)
        with transaction.atomic():
            if org:
                # A PATCH may send the kind alone: it names the invitation's own organisation.
                name = org.get("name", instance.organisation.name)
                instance.organisation = services._organisation(name, org.get("kind", ""))
            for field, value in validated_data.items():
                setattr(instance, field, value)
            instance.save()
        return instance


class ImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="CSV or .xlsx with the columns " + ",".join(importing.COLUMNS))


class SendSerializer(serializers.Serializer):
    # Ids are database keys: a number past a 64-bit integer is refused here, not by the database.
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        required=False,
        allow_empty=False,
        max_length=20000,
    )
    remind = serializers.BooleanField(default=False)


@extend_schema(tags=["invitations"])
class InvitationViewSet(ConferenceScoped, viewsets.ModelViewSet):
    serializer_class = InvitationSerializer
    filterset_fields = ["status", "category"]
    error_statuses = {"destroy": {400: "`has_delegates`: cancel the invitation's delegates instead."}}

    def get_queryset(self):
        from django.db.models import Count, Q

        if getattr(self, "swagger_fake_view", False):
            return Invitation.objects.none()
        return (
            Invitation.objects.filter(conference=self.get_conference())
            .select_related("organisation", "conference")
            .annotate(active_delegates=Count("registrations", filter=Q(registrations__status__in=services.ACTIVE)))
            .order_by("organisation__name", "contact_name", "pk")
        )

    def perform_destroy(self, instance):
        services.delete_invitation(invitation=instance)

    @extend_schema(
        request={"multipart/form-data": ImportSerializer},
        responses={
            201: inline_serializer("ImportCreated", {"created": serializers.IntegerField()}),
            400: OpenApiResponse(
                description='{"errors": [{"row", "field", "message"}]}: nothing imported; '
                '"code": "file_too_complex" for a spreadsheet past the reading limits'
            ),
            413: OpenApiResponse(description='{"detail", "code": "file_too_large"}: over 10 MB'),
        },
    )
    @action(
        detail=False, methods=["post"], url_path="import", url_name="import", parser_classes=[parsers.MultiPartParser]
    )
    def import_file(self, request, slug=None):
        # Refused before the body is read: a file over the limit is never written to disk.
        if int(request.META.get("CONTENT_LENGTH") or 0) > importing.MAX_BYTES + 64 * 1024:
            limit = importing.MAX_BYTES // (1024 * 1024)
            return Response(
                {"detail": f"The file is larger than {limit} MB.", "code": "file_too_large"},
                status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            )
        upload = request.FILES.get("file")
        if upload is None:
            return Response(
                {"errors": [{"row": 0, "field": "file", "message": "Attach the file as “file”."}]}, status=400
            )
        created = importing.import_file(upload, conference=self.get_conference())
        return Response({"created": created}, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=SendSerializer, responses={202: inline_serializer("Queued", {"queued": serializers.IntegerField()})}
    )
    @action(detail=False, methods=["post"])
    def send(self, request, slug=None):
        body = SendSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        queued = services.send_invitations(
            conference=self.get_conference(),
            ids=body.validated_data.get("ids"),
            remind=body.validated_data["remind"],
        )
        return Response({"queued": queued}, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        responses={
            200: inline_serializer(
                "InvitationFigures",
                {
                    name: serializers.IntegerField()
                    for name in ("organisations", *figures.INVITATION_GROUPS, *figures.REGISTRATION_GROUPS, "capacity")
                },
            )
        },
        description="The figures of the organiser's overview (organisations and people apart), from the same function.",
    )
    @action(detail=False, methods=["get"], url_path="figures", url_name="figures")
    def figures_at_a_glance(self, request, slug=None):
        return Response(figures.invitation_figures(self.get_conference()))


# Registrations (organisers).


class RegistrationSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="invitation.organisation.name", read_only=True)
    category = serializers.CharField(source="invitation.category", read_only=True)
    workshops = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    manage_url = serializers.SerializerMethodField()
    checked_in_at = serializers.DateTimeField(read_only=True, allow_null=True)
    answers = serializers.DictField(read_only=True, help_text='Answers to the questions: {"<question id>": value}.')

    class Meta:
        model = Registration
        fields = [
            "id",
            "invitation",
            "first_name",
            "last_name",
            "email",
            "badge_name",
            "job_title",
            "dietary",
            "accessibility",
            "answers",
            "organisation",
            "category",
            "status",
            "workshops",
            "created_at",
            "confirmed_at",
            "cancelled_at",
            "checked_in_at",
            "manage_url",
        ]
        read_only_fields = fields

    def get_manage_url(self, registration) -> str:
        return emails.manage_url(registration)


class SubstituteSerializer(serializers.Serializer):
    """The colleague who takes the place: DelegateForm's text fields (workshops are carried over; consent is theirs)."""

    def get_fields(self):
        return {name: _described(DelegateForm.base_fields[name]) for name in services.DELEGATE_FIELDS}


@extend_schema(tags=["registrations"])
class RegistrationViewSet(ConferenceScoped, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = RegistrationSerializer
    filterset_fields = ["status", "invitation"]
    error_statuses = {"cancel": {409: "`already_cancelled`: the registration is already cancelled."}}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Registration.objects.none()
        return (
            Registration.objects.filter(conference=self.get_conference())
            .with_checked_in_at()
            .select_related("invitation__organisation")
            .prefetch_related("workshops")
            .order_by("created_at", "pk")
        )

    @extend_schema(request=None, responses={200: RegistrationSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, slug=None, pk=None):
        registration = self.get_object()
        services.cancel_registration(registration=registration)
        return Response(self.get_serializer(self.get_queryset().get(pk=registration.pk)).data)

    @extend_schema(request=None, responses={200: RegistrationSerializer})
    @action(detail=True, methods=["post"])
    def erase(self, request, slug=None, pk=None):
        """Cancel (the place is offered on) and anonymise a delegate; their link stops working. Again: no change."""
        registration = self.get_object()
        privacy.erase_registration(registration=registration, user=request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=registration.pk)).data)

    @extend_schema(
        request=None,
        responses={200: RegistrationSerializer, 409: OpenApiResponse(description="not_waitlisted")},
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request, slug=None, pk=None):
        """Confirm a waitlisted delegate, over capacity if need be; they are e-mailed."""
        registration = self.get_object()
        services.confirm_registration(registration=registration)
        return Response(self.get_serializer(self.get_queryset().get(pk=registration.pk)).data)

    @extend_schema(
        request=SubstituteSerializer,
        responses={
            200: RegistrationSerializer,
            400: OpenApiResponse(description="field errors, under each field's name"),
            409: OpenApiResponse(description="not_substitutable: the registration is cancelled"),
        },
    )
    @action(detail=True, methods=["post"])
    def substitute(self, request, slug=None, pk=None):
        """A colleague takes this delegate's place: this one is cancelled, the new one answered (with its ``id``)."""
        registration = self.get_object()
        data = request.data.dict() if hasattr(request.data, "dict") else request.data
        try:
            new = services.substitute_registration(registration=registration, data=data)
        except services.DelegatesInvalid as exc:
            # One delegate: their field errors, under each field's name.
            raise serializers.ValidationError(exc.errors[0]) from None
        return Response(self.get_serializer(self.get_queryset().get(pk=new.pk)).data)


# RSVP (public, by token).


def _described(form_field):
    """A serializer field that describes a DelegateForm field in the OpenAPI schema (it validates nothing)."""
    common = {"required": form_field.required, "help_text": form_field.help_text or None}
    if isinstance(form_field, forms.BooleanField):
        return serializers.BooleanField(**common)
    if isinstance(form_field, forms.ModelMultipleChoiceField):
        return serializers.ListField(
            child=serializers.IntegerField(), **{**common, "help_text": "Ids of the conference's workshops."}
        )
    kind = serializers.EmailField if isinstance(form_field, forms.EmailField) else serializers.CharField
    return kind(max_length=form_field.max_length, allow_blank=not form_field.required, **common)


class DelegateSerializer(serializers.Serializer):
    """A delegate as the RSVP API takes it: DelegateForm's fields.

    The fields are derived from the form so that the schema documents them;
    the object is handed on as it came, and the service validates it with the
    form (the form decides every limit and message).
    """

    def get_fields(self):
        fields = {name: _described(field) for name, field in DelegateForm.base_fields.items()}
        fields["answers"] = serializers.DictField(
            required=False, help_text='Answers to the questions listed by GET: {"<question id>": value}.'
        )
        return fields

    def to_internal_value(self, data):
        # The form checks the workshops a delegate chose; an id past a 64-bit integer is refused here,
        # as the form would refuse an unknown one, before the database is asked for it.
        workshops = data.get("workshops") if isinstance(data, dict) else None
        if isinstance(workshops, list) and any(
            isinstance(w, int) and not isinstance(w, bool) and not 0 < w < 2**63 for w in workshops
        ):
            raise serializers.ValidationError({"workshops": ["Choose workshops of this conference by their id."]})
        return data


class RsvpAnswerSerializer(serializers.Serializer):
    response = serializers.ChoiceField(choices=["accept", "decline"])
    delegates = DelegateSerializer(many=True, required=False)


def rsvp_view_data(invitation):
    conference = invitation.conference
    delegates = (
        invitation.registrations.exclude(status=Registration.Status.CANCELLED)
        .prefetch_related("workshops")
        .order_by("created_at", "pk")
    )
    named = list(delegates)
    return {
        "conference": {
            "name": conference.name,
            "slug": conference.slug,
            "starts_on": conference.starts_on,
            "ends_on": conference.ends_on,
            "venue": conference.venue,
            "address": conference.address,
            "registration_closes_at": conference.registration_closes_at,
            "registration_open": conference.registration_is_open(),
        },
        "organisation": invitation.organisation.name,
        "contact": {"name": invitation.contact_name, "email": invitation.email},
        "category": invitation.category,
        "seats": invitation.seats,
        "seats_left": services.seats_left(invitation=invitation, named=len(named)),
        # New delegates of this invitation's category would join the waiting list.
        "full": places.is_full_for(conference, invitation.category),
        "status": invitation.status,
        "workshops": _workshops(conference),
        "questions": [
            question_data(q) for q in questions.questions_of(conference) if questions.applies_to(q, invitation.category)
        ],
        "delegates": [
            {
                "id": r.pk,
                "first_name": r.first_name,
                "last_name": r.last_name,
                "email": r.email,
                "badge_name": r.badge_name,
                "status": r.status,
                "workshops": [w.pk for w in r.workshops.all()],
                "answers": r.answers,
                "manage_url": emails.manage_url(r),
            }
            for r in named
        ],
        # Networking: the topics a delegate's "interests" are chosen among (empty when networking is off).
        "topics": networking_topics(conference),
    }


def _workshops(conference):
    return [
        {
            "id": w.pk,
            "title": w.title,
            "starts_at": w.starts_at,
            "ends_at": w.ends_at,
            "room": w.room.name if w.room_id else None,
            "capacity": w.capacity,
            "places_left": w.places_left,
        }
        for w in services.workshops_with_places(conference)
    ]


@method_decorator(csrf_exempt, name="dispatch")
class RsvpView(APIView):
    """The invitation behind a personal token; accept or decline it.

    Public: the token is the credential (no session, so no CSRF).
    """

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [TokenRateThrottle]

    def get_invitation(self, token):
        invitation = services.invitation_by_token(token)
        if invitation is None:
            raise NotFound("This invitation link is not known. Check the link in your e-mail.")
        return invitation

    @extend_schema(tags=["rsvp"], responses={200: OpenApiResponse(description="The invitation")})
    def get(self, request, token):
        invitation = services.open_invitation(invitation=self.get_invitation(token))
        return Response(rsvp_view_data(invitation))

    @extend_schema(
        tags=["rsvp"],
        request=RsvpAnswerSerializer,
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                location=OpenApiParameter.HEADER,
                required=False,
                description="Any unique string (up to 255 characters): an answer sent again with the same key "
                "gets the same answer and registers nobody twice.",
            )
        ],
        responses={
            200: OpenApiResponse(description="Declined"),
            201: inline_serializer(
                "Registered",
                {
                    "registrations": inline_serializer(
                        "RegisteredDelegate",
                        {
                            "id": serializers.IntegerField(),
                            "status": serializers.CharField(),
                            "manage_url": serializers.URLField(),
                        },
                        many=True,
                    )
                },
            ),
            400: OpenApiResponse(
                description="too_many_delegates, or field errors under delegates (answers' under "
                '"answers", by question id)'
            ),
            409: OpenApiResponse(description="workshop_full or registration_closed; nothing registered"),
        },
    )
    def post(self, request, token):
        invitation = self.get_invitation(token)
        body = RsvpAnswerSerializer(data=request.data)
        body.is_valid(raise_exception=True)

        def answer():
            if body.validated_data["response"] == "decline":
                declined = services.decline_invitation(invitation=invitation)
                return status.HTTP_200_OK, {"status": declined.status}
            delegates = body.validated_data.get("delegates") or []
            created = services.accept_invitation(invitation=invitation, delegates=delegates)
            registrations = [{"id": r.pk, "status": r.status, "manage_url": emails.manage_url(r)} for r in created]
            return status.HTTP_201_CREATED, {"registrations": registrations}

        key = request.headers.get("Idempotency-Key", "").strip()
        status_code, data = services.answer_once(invitation=invitation, key=key, answer=answer)
        return Response(data, status=status_code)


# The audit log (organisers, read-only).


class AuditEntrySerializer(serializers.ModelSerializer):
    user = serializers.CharField(source="user.get_username", read_only=True, allow_null=True, default=None)

    class Meta:
        model = AuditEntry
        fields = ["id", "created_at", "action", "actor", "user", "registration", "detail"]
        read_only_fields = fields


@extend_schema(tags=["privacy"])
class AuditViewSet(ConferenceScoped, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Who exported or erased personal data, and each retention run (newest first; ``?action=``)."""

    serializer_class = AuditEntrySerializer
    filterset_fields = ["action"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return AuditEntry.objects.none()
        return AuditEntry.objects.filter(conference=self.get_conference()).select_related("user")


# Next year from this year (organisers).


class CopySerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    slug = serializers.CharField(max_length=60)
    starts_on = serializers.DateField(help_text="The new conference's first day; it lasts as many days.")


class CopyConferenceView(ConferenceScoped, APIView):
    """Copy a conference into next year's: set-up, agenda (a draft), questions, templates, draft invitations."""

    @extend_schema(
        tags=["conferences"],
        request=CopySerializer,
        responses={201: ConferenceSerializer, 400: OpenApiResponse(description="field errors (name, slug, starts_on)")},
    )
    def post(self, request, slug):
        body = CopySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        new = copying.copy_conference(source=self.get_conference(), **body.validated_data)
        return Response(ConferenceSerializer(new).data, status=status.HTTP_201_CREATED)
