"""The site's URLs plus an API view that fails unexpectedly, to see what a server error answers."""

from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from conference.urls import handler404, handler500
from conference.urls import urlpatterns as site_urlpatterns


class BoomView(APIView):
    permission_classes = [AllowAny]

    def get(self, request):
        raise RuntimeError("secret detail: postgres://cog:hunter2@db:5432/cog")


urlpatterns = [path("api/boom/", BoomView.as_view()), *site_urlpatterns]
__all__ = ["handler404", "handler500", "urlpatterns"]
