"""The organisers' networking page, under /organiser/<slug>/."""

from django.urls import path

from . import organiser_views

urlpatterns = [path("<slug:slug>/networking/", organiser_views.networking, name="organiser-networking")]
