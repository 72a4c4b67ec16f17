"""The organiser overview: the figures of every part of one conference at a glance; copying it into next year."""

import datetime as dt

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from conference.models import Conference
from conference.plumbing.access import organiser_required
from conference.services import CopyInvalid
from registration import copying
from registration.forms import DelegateBoundField

from . import overview


class CopyForm(forms.Form):
    bound_field_class = DelegateBoundField  # hints and errors described as the page renders them

    name = forms.CharField(label="Name of the new conference", max_length=200)
    slug = forms.CharField(label="Its address (slug)", max_length=60, help_text="Letters, digits and hyphens.")
    starts_on = forms.DateField(
        label="Its first day",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="It lasts as many days; the agenda moves by the same number of days.",
        error_messages={"invalid": "Give a date as YYYY-MM-DD, for example 2028-05-18."},
    )

    @classmethod
    def next_year(cls, conference, data=None):
        """The form, filled in with next year's guess: the year in the name and slug moved on, the same weekday."""
        year, next_ = str(conference.starts_on.year), str(conference.starts_on.year + 1)
        initial = {
            "name": conference.name.replace(year, next_) if year in conference.name else f"{conference.name} {next_}",
            "slug": conference.slug.replace(year, next_) if year in conference.slug else f"{conference.slug}-{next_}",
            "starts_on": conference.starts_on + dt.timedelta(weeks=52),
        }
        return cls(data, initial=initial, auto_id="copy-%s")


@organiser_required
def organiser_overview(request, slug=None):
    """Figures at a glance for one conference (the current one unless a slug is given)."""
    conferences = Conference.objects.all()
    conference = get_object_or_404(Conference, slug=slug) if slug else Conference.objects.current()
    context = {"conferences": conferences, "conference": conference}
    if conference:
        context.update(overview.overview(conference))
        context["copy_form"] = CopyForm.next_year(conference)
    return render(request, "organiser/overview.html", context)


@organiser_required
@require_POST
def copy_conference(request, slug):
    """Copy the conference into next year's (``registration.copying``); its errors are shown beside the fields."""
    conference = get_object_or_404(Conference, slug=slug)
    form = CopyForm.next_year(conference, request.POST)
    if form.is_valid():
        try:
            new = copying.copy_conference(source=conference, **form.cleaned_data)
        except CopyInvalid as exc:
            for field, errors in exc.errors.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(
                request,
                f"{new.name} is ready to review: its agenda is an unpublished draft and its invitations are drafts;"
                " nothing was sent.",
            )
            return redirect("organiser-conference", slug=new.slug)
    return render(request, "organiser/copy.html", {"conference": conference, "copy_form": form}, status=400)
