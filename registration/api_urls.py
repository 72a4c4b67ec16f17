"""Routes of the invitations, registrations, RSVP and e-mail API, under /api/."""

from django.urls import include, path

from conference.plumbing.routers import conference_router

from . import api, email_api, my_api, questions_api

router = conference_router(
    invitations=api.InvitationViewSet,
    registrations=api.RegistrationViewSet,
    **{"email-templates": email_api.EmailTemplateViewSet},
    messages=email_api.MessageViewSet,
    outbox=email_api.OutboxViewSet,
    audit=api.AuditViewSet,
    questions=questions_api.QuestionViewSet,
)

urlpatterns = [
    path("rsvp/<str:token>/", api.RsvpView.as_view(), name="api-rsvp"),
    path("my/<str:token>/starred/", my_api.StarredView.as_view(), name="api-my-starred"),
    path("my/<str:token>/starred/<int:session>/", my_api.StarredDetailView.as_view(), name="api-my-starred-detail"),
    path("conferences/<slug:slug>/copy/", api.CopyConferenceView.as_view(), name="api-conference-copy"),
    *router.urls,
    path("", include("registration.networking.api_urls")),
]
