"""Every API route, under /api/ (part of the composition root: it knows every app's routes)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from .api import ConferenceViewSet
from .plumbing.errors import JSONErrorsMixin


class SchemaView(JSONErrorsMixin, SpectacularAPIView):
    """The OpenAPI document; its errors (a POST: 405) are JSON like the rest of the API."""


class DocsView(JSONErrorsMixin, SpectacularSwaggerSplitView):
    """The browsable docs page: Swagger UI from our static files, its set-up script a separate file
    (``?script``, no inline script under the Content-Security-Policy); its errors are JSON like the rest of the API."""


router = DefaultRouter()
router.register("conferences", ConferenceViewSet, basename="api-conference")

urlpatterns = [
    path("schema/", SchemaView.as_view(), name="api-schema"),
    path("docs/", DocsView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("registration.api_urls")),
    path("", include("conference.agenda.api_urls")),
    path("", include("badges.api_urls")),
    path("", include(router.urls)),
]
