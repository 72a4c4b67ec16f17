"""Agenda API routes, under /api/conferences/<slug>/."""

from django.urls import path

from conference.plumbing.routers import conference_router

from . import api

router = conference_router(
    rooms=api.RoomViewSet, tracks=api.TrackViewSet, speakers=api.SpeakerViewSet, sessions=api.SessionViewSet
)

urlpatterns = [
    path("conferences/<slug:slug>/agenda/publish/", api.PublishView.as_view(), name="api-agenda-publish"),
    path("conferences/<slug:slug>/agenda/preview/", api.PublicationPreview.as_view(), name="api-agenda-preview"),
    path("conferences/<slug:slug>/agenda/versions/", api.AgendaVersionList.as_view(), name="api-agenda-versions"),
    *router.urls,
]
