"""Organiser pages of invitations and RSVPs, under /organiser/<slug>/."""

from django.urls import include, path
from django.views.generic import RedirectView

from . import organiser_views

urlpatterns = [
    path("<slug:slug>/registration/", organiser_views.overview, name="organiser-registration"),
    path("<slug:slug>/exports/<str:table>.<str:fmt>", organiser_views.export, name="organiser-export"),
    path("<slug:slug>/audit/", organiser_views.audit, name="organiser-audit"),
    path("", include("registration.networking.organiser_urls")),
    # The addresses of earlier releases.
    path("registration/<slug:slug>/", RedirectView.as_view(pattern_name="organiser-registration", permanent=True)),
    path(
        "registration/<slug:slug>/<str:table>.<str:fmt>",
        RedirectView.as_view(pattern_name="organiser-export", permanent=True),
    ),
]
