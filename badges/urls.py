from django.urls import path

from . import door, views

urlpatterns = [
    path("my/<str:token>/badge.pdf", views.my_badge, name="my-badge"),
    # Check-in at the door (badges/door.py).
    path("door/", door.door, name="door"),
    path("door/sw.js", door.service_worker, name="door-service-worker"),
    path("door/<slug:slug>/", door.door, name="door-conference"),
]
