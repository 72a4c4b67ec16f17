"""The delegate's networking pages, by personal link: the directory, answering a meeting, the contacts."""

from django.urls import path

from . import views

urlpatterns = [
    path("my/<str:token>/people/", views.people, name="my-people"),
    path("my/<str:token>/meetings/", views.request_meeting, name="my-meeting-request"),
    path("my/<str:token>/meetings/<int:meeting>/<str:action>/", views.meeting, name="my-meeting"),
    path("my/<str:token>/contacts.vcf", views.contacts_vcf, name="my-contacts"),
]
