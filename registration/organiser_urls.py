"""Organiser pages of invitations and RSVPs, under /organiser/."""

from django.urls import path

from . import organiser_views

urlpatterns = [
    path("registration/<slug:slug>/", organiser_views.overview, name="registration-organiser"),
    path(
        "registration/<slug:slug>/<str:table>.<str:fmt>",
        organiser_views.export,
        name="registration-export",
    ),
]
