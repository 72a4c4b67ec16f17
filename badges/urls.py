from django.urls import path

from . import door

urlpatterns = [
    # Check-in at the door (badges/door.py).
    path("door/", door.door, name="door"),
    path("door/sw.js", door.service_worker, name="door-service-worker"),
    path("door/<slug:slug>/", door.door, name="door-conference"),
]
