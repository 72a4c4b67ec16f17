"""Routes of the invitations, registrations and RSVP API, under /api/."""

from django.urls import path

from conference.plumbing.routers import conference_router

from . import api

router = conference_router(invitations=api.InvitationViewSet, registrations=api.RegistrationViewSet)

urlpatterns = [
    path("rsvp/<str:token>/", api.RsvpView.as_view(), name="api-rsvp"),
    *router.urls,
]
