"""The invitee's and the delegate's pages, reached by personal links (no account, no password).

A delegate's badge (``/my/<token>/badge.pdf``) is routed by the badges app,
which renders it.
"""

from django.urls import include, path

from . import my_agenda, views

urlpatterns = [
    path("rsvp/<str:token>/", views.rsvp, name="rsvp"),
    path("my/<str:token>/", views.manage, name="my"),
    path("my/<str:token>/cancel/", views.cancel, name="my-cancel"),
    path("my/<str:token>/data.json", views.my_data, name="my-data"),
    path("my/<str:token>/erase/", views.erase, name="my-erase"),
    path("my/<str:token>/agenda/", my_agenda.my_agenda, name="my-agenda"),
    path("my/<str:token>/agenda.ics", my_agenda.my_agenda_ics, name="my-agenda-ics"),
    path("", include("registration.networking.urls")),
]
