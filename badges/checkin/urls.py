"""The door pages: /door/ and /door/<slug>/, and the door's service worker."""

from django.urls import path

from . import views

urlpatterns = [
    path("door/", views.door, name="door"),
    path("door/sw.js", views.service_worker, name="door-service-worker"),
    path("door/<slug:slug>/", views.door, name="door-conference"),
]
