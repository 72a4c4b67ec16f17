from django.urls import path

from . import views

urlpatterns = [
    path("", views.organiser_overview, name="organiser-overview"),
]
