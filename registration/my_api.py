"""The delegate's own API, by personal token: their starred sessions.

Public like the RSVP API: the token is the credential (no session, so no
CSRF). Thin: the rules are :mod:`registration.favourites`.
"""

from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from . import favourites
from .services import registration_by_token

Starred = inline_serializer("Starred", {"sessions": serializers.ListField(child=serializers.IntegerField())})


class StarSerializer(serializers.Serializer):
    session = serializers.IntegerField(min_value=1)


class MyTokenView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    def get_registration(self, token):
        registration = registration_by_token(token)
        if registration is None:
            raise NotFound("We do not know this link. Check it against your confirmation e-mail.")
        return registration

    def starred(self, registration):
        return Response({"sessions": favourites.starred_ids(registration)})


@method_decorator(csrf_exempt, name="dispatch")
class StarredView(MyTokenView):
    """The sessions a delegate starred; POST stars one."""

    error_statuses = {"post": {409: "`registration_cancelled`: a cancelled registration's agenda no longer changes."}}

    @extend_schema(tags=["my"], responses={200: Starred})
    def get(self, request, token):
        return self.starred(self.get_registration(token))

    @extend_schema(tags=["my"], request=StarSerializer, responses={201: Starred})
    def post(self, request, token):
        registration = self.get_registration(token)
        serializer = StarSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        favourites.star_session(registration=registration, session_id=serializer.validated_data["session"])
        response = self.starred(registration)
        response.status_code = status.HTTP_201_CREATED
        return response


@method_decorator(csrf_exempt, name="dispatch")
class StarredDetailView(MyTokenView):
    """DELETE unstars a session."""

    error_statuses = {
        "delete": {
            400: "`unknown_session`: no such session in the published agenda.",
            409: "`registration_cancelled`: a cancelled registration's agenda no longer changes.",
        }
    }

    @extend_schema(tags=["my"], responses={204: None})
    def delete(self, request, token, session):
        favourites.unstar_session(registration=self.get_registration(token), session_id=session)
        return Response(status=status.HTTP_204_NO_CONTENT)
