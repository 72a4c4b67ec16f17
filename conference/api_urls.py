"""Every API route, under /api/. Each app adds its own module of routes here."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from .api import ConferenceViewSet

router = DefaultRouter()
router.register("conferences", ConferenceViewSet, basename="conference")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("registration.api_urls")),
    path("", include("conference.agenda_api_urls")),
    path("", include("badges.api_urls")),
    path("", include(router.urls)),
]
