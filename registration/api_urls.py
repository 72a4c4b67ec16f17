"""Routes of the invitations, registrations and RSVP API, under /api/."""

from django.urls import path

from . import api

invitations = api.InvitationViewSet
registrations = api.RegistrationViewSet

urlpatterns = [
    path(
        "conferences/<slug:slug>/invitations/",
        invitations.as_view({"get": "list", "post": "create"}),
        name="api-invitations",
    ),
    path(
        "conferences/<slug:slug>/invitations/import/",
        invitations.as_view({"post": "import_file"}),
        name="api-invitations-import",
    ),
    path(
        "conferences/<slug:slug>/invitations/send/",
        invitations.as_view({"post": "send"}),
        name="api-invitations-send",
    ),
    path(
        "conferences/<slug:slug>/invitations/<int:pk>/",
        invitations.as_view({"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"}),
        name="api-invitation",
    ),
    path(
        "conferences/<slug:slug>/registrations/",
        registrations.as_view({"get": "list"}),
        name="api-registrations",
    ),
    path(
        "conferences/<slug:slug>/registrations/<int:pk>/",
        registrations.as_view({"get": "retrieve"}),
        name="api-registration",
    ),
    path(
        "conferences/<slug:slug>/registrations/<int:pk>/cancel/",
        registrations.as_view({"post": "cancel"}),
        name="api-registration-cancel",
    ),
    path("rsvp/<str:token>/", api.RsvpView.as_view(), name="api-rsvp"),
]
