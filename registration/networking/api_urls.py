"""Routes of the networking API, under /api/: the delegate's directory and meetings; the organisers' topics."""

from django.urls import path

from conference.plumbing.routers import conference_router

from . import api

router = conference_router(topics=api.TopicViewSet)

MEETING = "my/<str:token>/meetings/<int:meeting>"

urlpatterns = [
    path("my/<str:token>/people/", api.PeopleView.as_view(), name="api-my-people-list"),
    path("my/<str:token>/meetings/", api.MeetingsView.as_view(), name="api-my-meeting-list"),
    path(f"{MEETING}/accept/", api.AcceptMeetingView.as_view(), name="api-my-meeting-accept"),
    path(f"{MEETING}/decline/", api.DeclineMeetingView.as_view(), name="api-my-meeting-decline"),
    path(f"{MEETING}/cancel/", api.CancelMeetingView.as_view(), name="api-my-meeting-cancel"),
    *router.urls,
]
