"""Agenda API routes, under /api/conferences/<slug>/."""

from django.urls import path

from . import agenda_api

LIST = {"get": "list", "post": "create"}
DETAIL = {"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"}

urlpatterns = [
    path("conferences/<slug:slug>/agenda/publish/", agenda_api.PublishView.as_view(), name="api-agenda-publish"),
    path(
        "conferences/<slug:slug>/agenda/versions/", agenda_api.AgendaVersionList.as_view(), name="api-agenda-versions"
    ),
]
for prefix, viewset in (
    ("rooms", agenda_api.RoomViewSet),
    ("tracks", agenda_api.TrackViewSet),
    ("speakers", agenda_api.SpeakerViewSet),
    ("sessions", agenda_api.SessionViewSet),
):
    urlpatterns += [
        path(f"conferences/<slug:slug>/{prefix}/", viewset.as_view(LIST), name=f"api-{prefix}-list"),
        path(f"conferences/<slug:slug>/{prefix}/<int:pk>/", viewset.as_view(DETAIL), name=f"api-{prefix}-detail"),
    ]
