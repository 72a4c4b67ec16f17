"""Badge and check-in routes under /api/ (explicit paths: the registrations list is routed by the registration app)."""

from django.urls import path

from . import api, checkin_api

urlpatterns = [
    # Badges (badges/api.py).
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
    # Check-in at the door (badges/checkin_api.py).
    path("conferences/<slug:slug>/checkin/scan/", checkin_api.ScanView.as_view(), name="checkin-scan"),
    path("conferences/<slug:slug>/checkin/sync/", checkin_api.SyncView.as_view(), name="checkin-sync"),
    path("conferences/<slug:slug>/checkin/search/", checkin_api.SearchView.as_view(), name="checkin-search"),
    path("conferences/<slug:slug>/checkin/stats/", checkin_api.StatsView.as_view(), name="checkin-stats"),
    path("conferences/<slug:slug>/checkin/list/", checkin_api.DoorListView.as_view(), name="checkin-list"),
    path("conferences/<slug:slug>/checkin/<int:checkin_id>/undo/", checkin_api.UndoView.as_view(), name="checkin-undo"),
]
