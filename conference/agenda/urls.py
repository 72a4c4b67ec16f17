"""Public agenda pages and feeds, at /<slug>/... (included last in the root URLs)."""

from django.urls import path

from . import views as agenda_views

urlpatterns = [
    path("<slug:slug>/agenda/", agenda_views.agenda_page, name="agenda"),
    path("<slug:slug>/agenda/changes/", agenda_views.changelog, name="agenda-changes"),
    path("<slug:slug>/agenda/v/<int:number>/", agenda_views.version_page, name="agenda-version"),
    path("<slug:slug>/agenda.ics", agenda_views.agenda_ics, name="agenda-ics"),
    path("<slug:slug>/agenda.json", agenda_views.agenda_json, name="agenda-json"),
    path("<slug:slug>/agenda.pdf", agenda_views.agenda_pdf, name="agenda-pdf"),
]
