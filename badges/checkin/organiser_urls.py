from django.urls import path

from . import views as door

urlpatterns = [
    path("<slug:slug>/arrivals/", door.arrivals, name="organiser-arrivals"),
]
