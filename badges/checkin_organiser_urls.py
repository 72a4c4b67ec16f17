from django.urls import path

from . import door

urlpatterns = [
    path("<slug:slug>/arrivals/", door.arrivals, name="organiser-arrivals"),
]
