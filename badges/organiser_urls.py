"""Organiser pages of the badges, under /organiser/<slug>/."""

from django.urls import path

from . import views

urlpatterns = [
    path("<slug:slug>/badges/", views.print_badges, name="organiser-badges"),
    path("<slug:slug>/badges/jobs/<int:pk>/", views.print_job, name="organiser-badges-job"),
    path(
        "<slug:slug>/badges/jobs/<int:pk>/badges.pdf",
        views.print_job_download,
        name="organiser-badges-job-download",
    ),
    # The addresses of earlier releases.
    path("badges/jobs/<int:pk>/", views.old_print_job_address),
    path("badges/jobs/<int:pk>/badges.pdf", views.old_print_job_address, {"download": True}),
]
