"""Badge pages: the delegate's own badge, and the organiser's bulk print (thin: rules are in services)."""

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from conference.models import Conference
from conference.plumbing.access import organiser_required
from registration.models import Category, Registration
from registration.questions import questions_of
from registration.services import registration_by_token

from . import design as designs
from . import preview, services, stored, tasks
from .forms import DesignForm
from .models import BadgePrintJob


def my_badge(request, token):
    """The delegate's badge (PDF) from their personal link; a friendly 404 page when there is none."""
    found = stored.current_by_token(token)  # the common case: one statement, the stored PDF
    if found is not None:
        pdf = stored.served_pdf(*found)
    else:
        registration = registration_by_token(token)
        if registration is None or registration.status != Registration.Status.CONFIRMED:
            return render(request, "badges/no_badge.html", {"registration": registration}, status=404)
        badge = services.current_badge(registration)
        badge.registration = registration
        pdf = stored.badge_pdf(badge)
    response = HttpResponse(pdf, content_type="application/pdf")
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
    form = PrintForm(request.POST or None, initial={"layout": designs.design_of(conference).layout})
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


@organiser_required
@require_GET
def alignment_page(request, slug):
    """The alignment test page in the conference's sides, as A4 sheets (``?layout=a6``: A6 pages)."""
    from .alignment import alignment_pdf

    conference = get_object_or_404(Conference, slug=slug)
    design = designs.design_of(conference)
    layout = request.GET.get("layout") or design.layout
    if layout not in ("a4", "a6"):
        return HttpResponse("Choose the layout a6 or a4.", status=400, content_type="text/plain")
    response = HttpResponse(alignment_pdf(design.sides, layout), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="alignment-test-{conference.slug}-{layout}.pdf"'
    return response


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


# --- The badge design ------------------------------------------------------------------


SIDE_NAMES = {"front": "front", "back": "back"}
KIND_NAMES = {"long": "a long name", "rtl": "a right-to-left name", "cjk": "a Chinese, Japanese or Korean name"}


def _previews(conference, saved, query=""):
    """The preview images: each sample's front and back (the back hidden while the design is single-sided)."""
    stamp = saved.updated_at.timestamp() if saved.updated_at else 0
    return [
        {
            "src": reverse("organiser-badge-design-preview", args=[conference.slug, kind, side]) + f"?v={stamp}{query}",
            "alt": f"The {side} of the badge of {KIND_NAMES[kind]}",
            "kind": kind,
            "side": side,
            "hidden": side == "back" and saved.sides == "single",
        }
        for kind in preview.KINDS
        for side in ("front", "back")
    ]


ERROR_FIELDS = {"invalid_logo": "logo", "invalid_question": "print_questions"}


@organiser_required
@require_http_methods(["GET", "POST"])
def badge_design(request, slug):
    """The conference's badge design: a form of choices, and the badges of real delegates drawn in it."""
    conference = get_object_or_404(Conference, slug=slug)
    saved = designs.design_of(conference)
    asked = questions_of(conference)
    status = 200
    if request.method == "POST":
        form = DesignForm(request.POST, request.FILES, questions=asked)
        if form.is_valid():
            try:
                designs.save_design(conference, logo=form.cleaned_data["logo"], **form.design_values())
            except designs.DesignError as exc:
                form.add_error(ERROR_FIELDS.get(exc.code), exc.message)
            else:
                messages.success(request, "Badge design saved.")
                return redirect("organiser-badge-design", slug=conference.slug)
        status = 400
    else:
        form = DesignForm(initial=DesignForm.initial_of(saved, designs.category_colours(saved), asked), questions=asked)
    context = {"conference": conference, "form": form, "design": saved, "previews": _previews(conference, saved)}
    return render(request, "badges/design.html", context, status=status)


def _design_for_preview(conference, params):
    """``(design, questions)``: the saved design with the unsaved choices in ``params`` (the form's fields) over
    it, as plain data, and the questions whose answers print (None: those saved).

    A choice that is not valid raises ``DesignError`` (``invalid_choices``) naming the field and what to do.
    """
    saved = designs.design_of(conference)
    data = designs.design_data(saved)
    if not params:
        return data, None
    # The page's script sends the whole form (an unticked box is then absent: off); a partial query
    # (a hand-made link) changes only what it names.
    asked = questions_of(conference)
    if "sides" in params:
        form = DesignForm(params, questions=asked)
    else:
        merged = DesignForm.initial_of(saved, designs.category_colours(saved), asked)
        merged.update({name: params.getlist(name) if name == "print_questions" else params[name] for name in params})
        form = DesignForm(merged, questions=asked)
    if not form.is_valid():
        problems = [
            f"{form.fields[name].label}: {' '.join(errors)}" if name in form.fields else " ".join(errors)
            for name, errors in form.errors.items()
        ]
        raise designs.DesignError(" ".join(problems), code="invalid_choices")
    values = form.design_values()
    colours = values.pop("category_colours")
    chosen = set(values.pop("badge_questions"))
    if values.pop("remove_logo"):
        data["logo"] = ""
    values.pop("layout")
    data.update(values)
    data["category_colours"] = colours
    data["show_answers"] = True  # the list of questions alone decides, as when saved from the page
    data["key"] = f"preview:{sorted(colours.items())}:{values['primary_colour']}"
    return data, [q for q in asked if q.pk in chosen]


def _refused(error):
    """A preview's refusal: 400 with the sentence to show (``{"detail", "code"}``, as the API answers)."""
    return JsonResponse(error.as_dict(), status=400)


def _chosen_for_preview(conference, request):
    """``(design, questions)`` a preview draws: the form's choices in the query (GET) or the posted form, with
    a logo file picked and not saved (POST, checked as saving would); or the 400 answer saying what is wrong.
    """
    params = (request.POST if request.method == "POST" else request.GET).copy()
    for name in ("v", "csrfmiddlewaretoken"):
        params.pop(name, None)
    upload = request.FILES.get("logo")
    try:
        design, questions = _design_for_preview(conference, params)
        if upload is not None:
            design = {**design, "logo": designs.preview_logo(upload)}
    except designs.DesignError as exc:
        return _refused(exc)
    return design, questions


@organiser_required
@require_http_methods(["GET", "POST"])
def badge_design_preview(request, slug, kind, side):
    """One side of one preview badge as a PNG, stored nowhere: the saved design, the form's unsaved choices in
    the query (GET), or the whole form posted with a logo file not yet saved (POST, CSRF-checked)."""
    conference = get_object_or_404(Conference, slug=slug)
    if kind not in preview.KINDS or side not in SIDE_NAMES:
        raise Http404("No such preview.")
    chosen = _chosen_for_preview(conference, request)
    if isinstance(chosen, HttpResponse):
        return chosen
    design, questions = chosen
    png = preview.preview_png(conference, design, kind, side, questions=questions)
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "private, max-age=60" if request.method == "GET" else "no-store"
    return response


@organiser_required
@require_GET
def badge_design_preview_pdf(request, slug):
    """The preview badges as the PDF that would be printed: the saved design, or the form's choices in the query."""
    conference = get_object_or_404(Conference, slug=slug)
    chosen = _chosen_for_preview(conference, request)
    if isinstance(chosen, HttpResponse):
        return chosen
    design, questions = chosen
    pdf = preview.preview_pdf(conference, design, questions=questions)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="badge-preview-{conference.slug}.pdf"'
    return response
