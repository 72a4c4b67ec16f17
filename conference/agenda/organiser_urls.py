"""Organiser pages of the agenda, under /organiser/."""

from django.urls import path

from . import organiser_views as agenda_organiser_views

urlpatterns = [
    path("<slug:slug>/agenda/", agenda_organiser_views.agenda_draft, name="organiser-agenda"),
    path("<slug:slug>/agenda/publish/", agenda_organiser_views.agenda_publish, name="organiser-agenda-publish"),
]
