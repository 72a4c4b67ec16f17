"""The conferences API (organisers)."""

from rest_framework import serializers, viewsets

from .models import Conference


class ConferenceSerializer(serializers.ModelSerializer):
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
            "registration_opens_at",
            "registration_closes_at",
            "contact_email",
        ]

    def validate(self, attrs):
        instance = Conference(**{**(self.instance.__dict__ if self.instance else {}), **attrs})
        instance.clean()
        return attrs


class ConferenceViewSet(viewsets.ModelViewSet):
    queryset = Conference.objects.all()
    serializer_class = ConferenceSerializer
    lookup_field = "slug"
    filterset_fields = ["slug"]
