"""Rooms, tracks and speakers on the agenda editor: add, edit, delete when unused.

Thin, like every page: the forms check the fields' shapes, and every write is
one of :mod:`conference.agenda.services` (``save_room``, ``delete_room``, ...),
the same functions as the API's. The editor page lists each part with its
"Add" form (:func:`parts_context`); each room, track or speaker opens its own
small page to edit or delete it. Plain forms, no JavaScript.
"""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from conference.models import Conference, Room, Speaker, Track
from conference.plumbing.access import organiser_required
from conference.plumbing.errors import ServiceError

from . import services


class RoomForm(forms.ModelForm):
    class Meta:
        model = Room
        fields = ["name", "capacity"]
        labels = {"name": "Name", "capacity": "Capacity"}
        help_texts = {"capacity": "Seats, if it matters (optional)."}


class TrackForm(forms.ModelForm):
    class Meta:
        model = Track
        fields = ["name", "colour"]
        labels = {"name": "Name", "colour": "Colour"}
        widgets = {"colour": forms.TextInput(attrs={"type": "color"})}
        help_texts = {"colour": "The sessions' colour on the grid and the public agenda."}


class SpeakerForm(forms.ModelForm):
    class Meta:
        model = Speaker
        fields = ["name", "organisation", "email", "bio"]
        labels = {"name": "Name", "organisation": "Organisation", "email": "E-mail", "bio": "Bio"}
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "email": "Never published: a confirmed delegate with this e-mail gets the sessions in their agenda."
        }


class Part:
    """One kind of thing sessions stand on, and the service functions that write it."""

    def __init__(self, key, model, form, save, delete, singular, plural):
        self.key, self.model, self.form = key, model, form
        self.save, self.delete = save, delete
        self.singular, self.plural = singular, plural

    def url(self, name, conference, pk=None):
        args = [conference.slug] if pk is None else [conference.slug, pk]
        return reverse(f"organiser-{self.key}{name}", args=args)


PARTS = {
    "room": Part("room", Room, RoomForm, services.save_room, services.delete_room, "room", "Rooms"),
    "track": Part("track", Track, TrackForm, services.save_track, services.delete_track, "track", "Tracks"),
    "speaker": Part(
        "speaker", Speaker, SpeakerForm, services.save_speaker, services.delete_speaker, "speaker", "Speakers"
    ),
}


def parts_context(conference, rooms, tracks):
    """What the editor page's "Rooms, tracks and speakers" section shows (one query: the speakers)."""
    speakers = list(Speaker.objects.filter(conference=conference).only("pk", "name", "organisation"))
    listed = {
        "room": [(r, f"{r.capacity} seats" if r.capacity else "") for r in rooms],
        "track": [(t, "") for t in tracks],
        "speaker": [(s, s.organisation) for s in speakers],
    }
    parts = []
    for key, items in listed.items():
        part = PARTS[key]
        edit = part.url("", conference, 0).removesuffix("0/")
        parts.append(
            {
                "part": part,
                "items": [(item, detail, f"{edit}{item.pk}/") for item, detail in items],
                "add_url": part.url("-new", conference),
                "form": part.form(prefix=key),
            }
        )
    return {"parts": parts}


def _render(request, conference, part, form, instance=None, refusal="", status=200):
    return render(
        request,
        "conference/agenda/part_form.html",
        {
            "conference": conference,
            "part": part,
            "form": form,
            "instance": instance,
            "refusal": refusal,
            "action": part.url("", conference, instance.pk) if instance else part.url("-new", conference),
            "delete_url": part.url("-delete", conference, instance.pk) if instance else "",
            "sessions": list(instance.sessions.order_by("starts_at", "pk")) if instance else [],
        },
        status=status,
    )


def _save(request, conference, part, form, instance):
    """The form's fields through the service; its refusal (a name taken) beside the field."""
    if not form.is_valid():
        return None
    try:
        return part.save(conference=conference, **{part.key: instance}, **form.cleaned_data)
    except ServiceError as exc:
        form.add_error("name" if exc.code == "name_taken" else None, exc.message)
        return None


def _back(conference):
    return redirect(f"{reverse('organiser-agenda', args=[conference.slug])}#parts")


@require_POST
@organiser_required
def part_new(request, slug, part):
    """The editor page's "Add" forms post here; a refused one comes back on its own page with the errors."""
    conference = get_object_or_404(Conference, slug=slug)
    part = PARTS[part]
    form = part.form(request.POST, prefix=part.key)
    saved = _save(request, conference, part, form, None)
    if saved is None:
        return _render(request, conference, part, form, status=400)
    messages.success(request, f"Added the {part.singular} “{saved.name}”.")
    return _back(conference)


@organiser_required
def part_edit(request, slug, part, pk):
    conference = get_object_or_404(Conference, slug=slug)
    part = PARTS[part]
    instance = get_object_or_404(part.model, pk=pk, conference=conference)
    if request.method == "POST":
        form = part.form(request.POST, prefix=part.key, instance=part.model(pk=instance.pk, conference=conference))
        saved = _save(request, conference, part, form, instance)
        if saved is None:
            return _render(request, conference, part, form, instance, status=400)
        messages.success(request, f"Saved the {part.singular} “{saved.name}”.")
        return _back(conference)
    return _render(request, conference, part, part.form(prefix=part.key, instance=instance), instance)


@require_POST
@organiser_required
def part_delete(request, slug, part, pk):
    conference = get_object_or_404(Conference, slug=slug)
    part = PARTS[part]
    instance = get_object_or_404(part.model, pk=pk, conference=conference)
    try:
        part.delete(**{part.key: instance})
    except ServiceError as exc:
        form = part.form(prefix=part.key, instance=instance)
        return _render(request, conference, part, form, instance, refusal=exc.message, status=409)
    messages.success(request, f"Deleted the {part.singular} “{instance.name}”.")
    return _back(conference)
