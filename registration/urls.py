"""The invitee's pages, reached by personal links (no account, no password)."""

from django.urls import path

from . import views

urlpatterns = [
    path("rsvp/<str:token>/", views.rsvp, name="rsvp"),
    path("my/<str:token>/", views.manage, name="manage"),
    path("my/<str:token>/cancel/", views.cancel, name="manage-cancel"),
]
