from django.urls import path

from . import door

urlpatterns = [
    # Check-in at the door (badges/door.py).
    path("door/", door.door, name="door"),
    path("door/<slug:slug>/", door.door, name="door-conference"),
]
