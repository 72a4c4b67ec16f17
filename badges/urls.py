"""The delegate's badge, and the door pages (routed by the check-in package)."""

from django.urls import include, path

from . import views

urlpatterns = [
    path("my/<str:token>/badge.pdf", views.my_badge, name="my-badge"),
    path("", include("badges.checkin.urls")),
]
