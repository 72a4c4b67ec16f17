"""Badge routes under /api/ (explicit paths: the registrations list is routed by the registration app)."""

from django.urls import path

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
]
