"""The conferences API (organisers)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from . import services
from .models import Conference, default_retain_until


class ConferenceScoped:
    """Views under ``/api/conferences/<slug>/``: the conference comes from the URL (404 if unknown).

    Serializers find it in their context as ``conference``; item routes take a numeric id.
    """

    lookup_value_regex = "[0-9]+"

    def get_conference(self):
        if not hasattr(self, "_conference"):
            self._conference = get_object_or_404(Conference, slug=self.kwargs["slug"])
        return self._conference

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if "slug" in self.kwargs:
            context["conference"] = self.get_conference()
        return context


class ConferenceSerializer(serializers.ModelSerializer):
    # Typed here for the schema; which categories and numbers are allowed is Conference.clean's (places_errors).
    capacity_exempt_categories = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="Categories confirmed whatever the capacity (they take no place of it).",
    )
    reserved_places = serializers.DictField(
        child=serializers.IntegerField(),
        required=False,
        help_text='Places of the capacity held for a category, e.g. {"sponsor": 20}.',
    )

    class Meta:
        model = Conference
        fields = [
            "name",
            "slug",
            "starts_on",
            "ends_on",
            "timezone",
            "venue",
            "address",
            "capacity",
            "capacity_exempt_categories",
            "reserved_places",
            "registration_opens_at",
            "registration_closes_at",
            "contact_email",
            "retain_until",
        ]
        extra_kwargs = {
            "retain_until": {"help_text": "Personal data is anonymised after this day (default: a year after ends_on)."}
        }

    def validate(self, attrs):
        """The model's own rules (``Conference.clean``) on create, PUT and PATCH, as 400 field errors.

        The rules read the conference as it would be after the write: the
        stored values (on PATCH) under the ones sent. They run on an unsaved
        copy, so a refused write changes nothing.
        """
        current = {}
        if self.instance is not None:
            fields = Conference._meta.concrete_fields
            current = {field.attname: getattr(self.instance, field.attname) for field in fields}
            moved = "ends_on" in attrs and "retain_until" not in attrs
            if moved and self.instance.retain_until == default_retain_until(self.instance.ends_on):
                # The default follows the conference's end when it moves; a date chosen by hand stays.
                attrs["retain_until"] = default_retain_until(attrs["ends_on"])
        # A Django ValidationError raised here becomes DRF's 400 field errors (run_validation converts it).
        Conference(**{**current, **attrs}).clean()
        return attrs


@extend_schema_view(
    destroy=extend_schema(
        responses={
            204: OpenApiResponse(description="Deleted"),
            409: OpenApiResponse(description='{"detail", "code": "conference_in_use"}: it has invitations'),
        }
    )
)
class ConferenceViewSet(viewsets.ModelViewSet):
    queryset = Conference.objects.all()
    serializer_class = ConferenceSerializer
    lookup_field = "slug"
    filterset_fields = ["slug"]

    def perform_destroy(self, instance):
        services.delete_conference(conference=instance)
