"""Organiser pages of the badges, under /organiser/."""

from django.urls import path

from . import views

urlpatterns = [
    path("<slug:slug>/badges/", views.print_badges, name="badges-print"),
    path("badges/jobs/<int:pk>/", views.print_job, name="badges-print-job"),
    path("badges/jobs/<int:pk>/badges.pdf", views.print_job_download, name="badges-print-job-download"),
]
