"""Badge routes under /api/conferences/<slug>/: actions on a registration, and every badge in one PDF."""

from django.urls import include, path

from . import api

urlpatterns = [
    path(
        "conferences/<slug:slug>/registrations/<int:pk>/badge.pdf",
        api.RegistrationBadgePDF.as_view(),
        name="api-registration-badge",
    ),
    path(
        "conferences/<slug:slug>/registrations/<int:pk>/reissue-badge/",
        api.ReissueBadge.as_view(),
        name="api-registration-reissue-badge",
    ),
    path("conferences/<slug:slug>/badges.pdf", api.ConferenceBadgesPDF.as_view(), name="api-conference-badges"),
    path("", include("badges.checkin.api_urls")),
]
