"""The organiser's agenda page: the draft as a day-by-room grid, its clashes and unpublished changes."""

import datetime as dt

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from conference.models import Conference, Session
from conference.plumbing.access import organiser_required
from conference.plumbing.errors import ServiceError

from . import rules, services


class PublishForm(forms.Form):
    note = forms.CharField(
        label="Note for this version",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown with the changelog, e.g. “Panel moved to Hall 3”.",
    )
    notify = forms.BooleanField(
        label="E-mail the delegates who booked or starred a session that moved or was cancelled",
        required=False,
    )
    expected = forms.CharField(required=False, widget=forms.HiddenInput)


def _grid(conference, sessions, clash_ids):
    """[{date, rooms, rows: [{start, cells: [[session, ...] per room]}]}] for every day of the draft."""
    tz = conference.tz
    rooms = list(conference.rooms.all())
    has_roomless = any(s.room_id is None for s in sessions)
    columns = rooms + ([None] if has_roomless else [])
    index = {room.pk if room else None: n for n, room in enumerate(columns)}
    days = {}
    day = conference.starts_on
    while day <= conference.ends_on:
        days[day] = {}
        day += dt.timedelta(days=1)
    for s in sessions:
        start = timezone.localtime(s.starts_at, tz)
        s.local_start, s.local_end = start, timezone.localtime(s.ends_at, tz)
        s.has_clash = s.pk in clash_ids
        row = days.setdefault(start.date(), {}).setdefault(start, [[] for _ in columns])
        row[index[s.room_id]].append(s)
    return columns, [
        {"date": date, "rows": [{"start": start, "cells": cells} for start, cells in sorted(rows.items())]}
        for date, rows in sorted(days.items())
    ]


@organiser_required
def agenda_draft(request, slug):
    conference = get_object_or_404(Conference, slug=slug)
    sessions = list(
        Session.objects.filter(conference=conference, cancelled_at__isnull=True)
        .select_related("room", "track")
        .prefetch_related("speakers")
        .order_by("starts_at", "pk")
    )
    problems = rules.find_clashes(conference)
    clash_ids = {s.pk for p in problems for s in p["sessions"]}
    columns, days = _grid(conference, sessions, clash_ids)
    latest = services.latest_version(conference)
    pending = services.pending_publication(conference)
    changes = pending["changes"]
    return render(
        request,
        "conference/agenda/organiser.html",
        {
            "conference": conference,
            "columns": columns,
            "days": days,
            "problems": problems,
            "latest": latest,
            "changes": changes,
            "has_changes": any(changes.values()),
            "changed": pending["changed"],
            "next_number": pending["next_number"],
            "form": PublishForm(initial={"expected": pending["fingerprint"]}),
            "session_count": len(sessions),
        },
    )


@require_POST
@organiser_required
def agenda_publish(request, slug):
    conference = get_object_or_404(Conference, slug=slug)
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The note is too long (2000 characters at most).")
        return redirect("organiser-agenda", slug=slug)
    try:
        version = services.publish_agenda(
            conference=conference,
            note=form.cleaned_data["note"],
            notify=form.cleaned_data["notify"],
            expected=form.cleaned_data["expected"],
            user=request.user,
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("organiser-agenda", slug=slug)
    changes = version.changes
    messages.success(
        request,
        f"Published version {version.number}: {len(changes['added'])} new, {len(changes['moved'])} moved, "
        f"{len(changes['cancelled'])} cancelled."
        + (
            f" {version.notified} delegate{'s' if version.notified != 1 else ''} e-mailed."
            if form.cleaned_data["notify"]
            else ""
        ),
    )
    return redirect("organiser-agenda", slug=slug)
