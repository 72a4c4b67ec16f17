"""Badge pages: the delegate's own badge, and the organiser's bulk print (thin: rules are in services)."""

from django import forms
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from conference.models import Conference
from conference.plumbing.access import organiser_required
from registration.models import Category, Registration
from registration.services import registration_by_token

from . import services, tasks
from .models import BadgePrintJob
from .rendering import render_badge


def my_badge(request, token):
    """The delegate's badge (PDF) from their personal link; a friendly 404 page when there is none."""
    registration = registration_by_token(token)
    if registration is None or registration.status != Registration.Status.CONFIRMED:
        return render(request, "badges/no_badge.html", {"registration": registration}, status=404)
    badge = services.current_badge(registration)
    badge.registration = registration
    response = HttpResponse(render_badge(badge), content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="badge.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


class PrintForm(forms.Form):
    layout = forms.ChoiceField(label="Layout", choices=BadgePrintJob.Layout.choices, initial="a6")
    category = forms.ChoiceField(label="Category", choices=[("", "Every category"), *Category.choices], required=False)
    not_printed = forms.BooleanField(label="Only badges not yet printed", required=False)


@organiser_required
@require_http_methods(["GET", "POST"])
def print_badges(request, slug):
    conference = get_object_or_404(Conference, slug=slug)
    form = PrintForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        job = tasks.start_print_job(
            conference,
            layout=form.cleaned_data["layout"],
            category=form.cleaned_data["category"],
            not_printed=form.cleaned_data["not_printed"],
            user=request.user,
        )
        return redirect("organiser-badges-job", slug=conference.slug, pk=job.pk)
    jobs = BadgePrintJob.objects.filter(conference=conference).select_related("created_by")[:10]
    return render(request, "badges/print.html", {"conference": conference, "form": form, "jobs": jobs})


def _job(slug, pk):
    return get_object_or_404(BadgePrintJob.objects.select_related("conference"), conference__slug=slug, pk=pk)


@organiser_required
def print_job(request, slug, pk):
    job = _job(slug, pk)
    return render(request, "badges/print_job.html", {"job": job, "conference": job.conference})


@organiser_required
def print_job_download(request, slug, pk):
    job = _job(slug, pk)
    if job.status != BadgePrintJob.Status.DONE or not job.file:
        return render(request, "badges/print_job.html", {"job": job, "conference": job.conference}, status=404)
    return FileResponse(
        job.file.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"badges-{job.conference.slug}-{job.layout}.pdf",
    )


@organiser_required
def old_print_job_address(request, pk, download=False):
    """A print job's address of earlier releases, which had no conference in it."""
    job = get_object_or_404(BadgePrintJob.objects.select_related("conference"), pk=pk)
    name = "organiser-badges-job-download" if download else "organiser-badges-job"
    return redirect(name, slug=job.conference.slug, pk=job.pk, permanent=True)
