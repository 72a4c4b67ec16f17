from django.urls import include, path

from . import delegates, emails, invitations, questions, views

urlpatterns = [
    path("", views.organiser_overview, name="organiser-overview"),
    path("<slug:slug>/invitations/", invitations.invitation_list, name="organiser-invitations"),
    path("<slug:slug>/invitations/import/", invitations.invitation_import, name="organiser-invitation-import"),
    path("<slug:slug>/invitations/sample.csv", invitations.sample_csv, name="organiser-invitation-sample"),
    path("<slug:slug>/invitations/send/", invitations.invitation_send, name="organiser-invitation-send"),
    path("<slug:slug>/organisations/<int:pk>/", invitations.organisation_page, name="organiser-organisation"),
    path("<slug:slug>/delegates/", delegates.delegate_list, name="organiser-delegates"),
    path("<slug:slug>/emails/", emails.emails_page, name="organiser-emails"),
    path("<slug:slug>/questions/", questions.questions_page, name="organiser-questions"),
    path("<slug:slug>/questions/preview/", questions.questions_preview, name="organiser-questions-preview"),
    path("<slug:slug>/questions/<int:pk>/<str:action>/", questions.question_action, name="organiser-question-action"),
    path("<slug:slug>/copy/", views.copy_conference, name="organiser-copy"),
    path("<slug:slug>/emails/compose/", emails.compose, name="organiser-email-compose"),
    path("<slug:slug>/emails/outbox/retry/", emails.outbox_retry, name="organiser-outbox-retry"),
    path("<slug:slug>/emails/<str:kind>/", emails.email_template, name="organiser-email-template"),
    path(
        "<slug:slug>/delegates/<int:pk>/substitute/",
        delegates.delegate_substitute,
        name="organiser-delegate-substitute",
    ),
    path("<slug:slug>/delegates/<int:pk>/<str:action>/", delegates.delegate_action, name="organiser-delegate-action"),
    # Each part adds its organiser pages in its own module.
    path("", include("registration.organiser_urls")),
    path("", include("conference.agenda.organiser_urls")),
    path("", include("badges.organiser_urls")),
    path("", include("badges.checkin.organiser_urls")),
    # Last, so that it never shadows a page of the parts above.
    path("<slug:slug>/", views.organiser_overview, name="organiser-conference"),
]
