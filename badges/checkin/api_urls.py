"""The check-in API, under /api/conferences/<slug>/checkin/ (door staff and organisers)."""

from django.urls import path

from . import api

urlpatterns = [
    path("conferences/<slug:slug>/checkin/scan/", api.ScanView.as_view(), name="api-checkin-scan"),
    path("conferences/<slug:slug>/checkin/sync/", api.SyncView.as_view(), name="api-checkin-sync"),
    path("conferences/<slug:slug>/checkin/search/", api.SearchView.as_view(), name="api-checkin-search"),
    path("conferences/<slug:slug>/checkin/stats/", api.StatsView.as_view(), name="api-checkin-stats"),
    path("conferences/<slug:slug>/checkin/list/", api.DoorListView.as_view(), name="api-checkin-list"),
    path("conferences/<slug:slug>/checkin/<int:checkin_id>/undo/", api.UndoView.as_view(), name="api-checkin-undo"),
]
