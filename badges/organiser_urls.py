"""Organiser pages of the badges, under /organiser/<slug>/."""

from django.urls import path

from . import views

urlpatterns = [
    path("<slug:slug>/badges/", views.print_badges, name="organiser-badges"),
    path("<slug:slug>/badges/design/", views.badge_design, name="organiser-badge-design"),
    path(
        "<slug:slug>/badges/design/preview/<str:kind>-<str:side>.png",
        views.badge_design_preview,
        name="organiser-badge-design-preview",
    ),
    path(
        "<slug:slug>/badges/design/preview.pdf",
        views.badge_design_preview_pdf,
        name="organiser-badge-design-preview-pdf",
    ),
    path("<slug:slug>/badges/alignment.pdf", views.alignment_page, name="organiser-badges-alignment"),
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
