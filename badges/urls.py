from django.urls import path

from . import views

urlpatterns = [
    path("my/<str:token>/badge.pdf", views.my_badge, name="my-badge"),
]
