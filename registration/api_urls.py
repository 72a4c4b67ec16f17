"""Routes of the invitations, registrations, RSVP and e-mail API, under /api/."""

from django.urls import path

from conference.plumbing.routers import conference_router

from . import api, email_api

router = conference_router(
    invitations=api.InvitationViewSet,
    registrations=api.RegistrationViewSet,
    **{"email-templates": email_api.EmailTemplateViewSet},
    messages=email_api.MessageViewSet,
    outbox=email_api.OutboxViewSet,
)

urlpatterns = [
    path("rsvp/<str:token>/", api.RsvpView.as_view(), name="api-rsvp"),
    *router.urls,
]
