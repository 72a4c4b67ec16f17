"""The organiser's agenda editor: the draft as rooms × time for each day, sessions in place, publishing.

Thin, like every page: each change goes through :mod:`conference.agenda.services`
(the editor's script calls the sessions API, which calls the same service;
without JavaScript the session form below does). The grid's geometry (which
5-minute row a session starts and ends on, which room column) is computed
here once, so the page is one template and a few queries whatever its size.
"""

import datetime as dt

from django import forms
from django.contrib import messages
from django.forms.utils import flatatt
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from conference.models import Conference, Room, Session, Speaker, Track
from conference.plumbing.access import organiser_required
from conference.plumbing.errors import ServiceError

from . import rules, services
from .organiser_parts import parts_context
from .snapshot import draft_sessions

STEP = 5  # minutes a grid row stands for
DAY_FROM, DAY_TO = 8 * 60, 18 * 60  # the hours a day shows at least


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


class QuickSelectMultiple(forms.SelectMultiple):
    """Django's ``<select multiple>`` markup, written in one pass.

    Through the widget templates, one template render an option, a
    conference's 300 speakers cost the editor page about 20 ms; the HTML is
    the same (the options escaped by ``format_html_join``).
    """

    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, attrs)
        final["multiple"] = True
        chosen = {str(v) for v in self.format_value(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((str(v), mark_safe(" selected") if str(v) in chosen else "", label) for v, label in self.choices),
        )
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(final), options)


class SessionForm(forms.Form):
    """The session's fields, labelled as the README promises; the rules are the service's."""

    title = forms.CharField(label="Title", max_length=300)
    kind = forms.ChoiceField(label="Kind", choices=Session.Kind.choices, initial=Session.Kind.TALK)
    room = forms.ModelChoiceField(label="Room", queryset=Room.objects.none(), required=False, empty_label="No room")
    starts_at = forms.DateTimeField(
        label="Starts", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    ends_at = forms.DateTimeField(
        label="Ends", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    track = forms.ModelChoiceField(label="Track", queryset=Track.objects.none(), required=False, empty_label="No track")
    speakers = forms.ModelMultipleChoiceField(
        label="Speakers",
        queryset=Speaker.objects.none(),
        required=False,
        widget=QuickSelectMultiple,
        help_text="Hold Ctrl (⌘ on a Mac) to choose several.",
    )
    capacity = forms.IntegerField(label="Capacity", required=False, min_value=1, help_text="Places, for workshops.")
    abstract = forms.CharField(label="Abstract", required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, conference, prefix_ids="", **kwargs):
        self.conference = conference
        if prefix_ids:
            kwargs["auto_id"] = f"{prefix_ids}%s"
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = Room.objects.filter(conference=conference).order_by("position", "name")
        self.fields["track"].queryset = Track.objects.filter(conference=conference).order_by("name")
        self.fields["speakers"].queryset = Speaker.objects.filter(conference=conference).order_by("name", "pk")

    def clean(self):
        data = super().clean()
        for name in ("starts_at", "ends_at"):
            if data.get(name) is not None and timezone.is_naive(data[name]):
                data[name] = timezone.make_aware(data[name], self.conference.tz)
            elif data.get(name) is not None:
                # Django read the field in the site's time zone; the organiser meant the conference's.
                data[name] = timezone.make_aware(timezone.make_naive(data[name]), self.conference.tz)
        return data

    @classmethod
    def initial_for(cls, session, tz):
        return {
            "title": session.title,
            "kind": session.kind,
            "room": session.room_id,
            "starts_at": timezone.localtime(session.starts_at, tz).replace(tzinfo=None),
            "ends_at": timezone.localtime(session.ends_at, tz).replace(tzinfo=None),
            "track": session.track_id,
            "speakers": [p.pk for p in session.speakers.all()],
            "capacity": session.capacity,
            "abstract": session.abstract,
        }


def _minutes(moment):
    return moment.hour * 60 + moment.minute


def _days(conference, sessions, clashes):
    """For each conference day: its first and last minute, its hour marks, and each placed session's rows.

    A session without a room is unscheduled (the side list), not on the grid.
    """
    tz = conference.tz
    rooms = list(conference.rooms.all())
    column = {room.pk: n + 2 for n, room in enumerate(rooms)}  # column 1 is the time
    by_day = {}
    day = conference.starts_on
    while day <= conference.ends_on:
        by_day[day] = []
        day += dt.timedelta(days=1)
    unscheduled = []
    edit_url = reverse("organiser-session", args=[conference.slug, 0]).removesuffix("0/")
    for s in sessions:
        s.local_start, s.local_end = timezone.localtime(s.starts_at, tz), timezone.localtime(s.ends_at, tz)
        s.clash = clashes.get(s.pk, "")
        # What the card shows, prepared here once: 300 cards render in a fraction of the time.
        s.data_start = s.local_start.strftime("%Y-%m-%dT%H:%M")
        s.data_end = s.local_end.strftime("%Y-%m-%dT%H:%M")
        s.when = f"{s.local_start:%H:%M}–{s.local_end:%H:%M}"
        s.day_label = f"{s.local_start:%a} {s.local_start.day} {s.local_start:%b}"
        s.edit_url = f"{edit_url}{s.pk}/"
        s.meta = " · ".join(
            part
            for part in (
                s.get_kind_display(),
                s.track.name if s.track else "",
                ", ".join(p.name for p in s.speakers.all()),
            )
            if part
        )
        if s.room_id is None:
            s.card = _card(s, placed=False)
            unscheduled.append(s)
        else:
            by_day.setdefault(s.local_start.date(), []).append(s)
    days = []
    for date, items in sorted(by_day.items()):
        first = min([DAY_FROM] + [_minutes(s.local_start) // 60 * 60 for s in items])
        last = max([DAY_TO] + [min(24 * 60, -(-_end_minute(s, date) // 60) * 60) for s in items])
        for s in items:
            s.row_from = (_minutes(s.local_start) - first) // STEP + 2  # row 1 is the room names
            s.row_to = max(s.row_from + 1, (_end_minute(s, date) - first) // STEP + 2)
            s.column = column[s.room_id]
            s.card = _card(s, placed=True)
        days.append(
            {
                "date": date,
                "first": first,
                "rows": (last - first) // STEP,
                "hours": [
                    {"label": f"{m // 60:02d}:00", "row": (m - first) // STEP + 2} for m in range(first, last, 60)
                ],
                "sessions": items,
            }
        )
    return rooms, days, unscheduled


CARD = (
    '<div class="card kind-{kind}{clash}" id="session-{pk}" data-id="{pk}" data-start="{start}" data-end="{end}"'
    ' data-room="{room}"{style}>\n'
    '  <a class="card-main" href="{href}" aria-describedby="editor-keys"><span class="card-title">{title}</span>'
    ' <span class="card-when">{when}</span>{day}<span class="visually-hidden card-where">{where}</span>'
    ' <span class="card-meta">{meta}</span></a>\n'
    '  <p class="card-error" role="alert">{error}</p>\n'
    "  {resize}\n"
    "</div>\n"
)
RESIZE = mark_safe('<span class="resize" aria-hidden="true" title="Drag to change the length"></span>')


def _card(s, placed):
    """A session's card on the grid (``placed``) or in the unscheduled list.

    Written in one ``format_html`` (every value escaped) rather than a
    template include: 300 cards through the template engine were a third of
    the page's time. ``static/js/agenda/editor.js`` reads and updates this markup.
    """
    colour = f"--track: {s.track.colour}" if s.track else ""
    style = colour
    if placed:
        style = f"grid-column: {s.column}; grid-row: {s.row_from} / {s.row_to};{f' {colour};' if colour else ''}"
    return format_html(
        CARD,
        kind=s.kind,
        clash=" clash" if s.clash else "",
        pk=s.pk,
        start=s.data_start,
        end=s.data_end,
        room=s.room_id or "",
        style=format_html(' style="{}"', style) if style else "",
        href=s.edit_url,
        title=s.title,
        when=s.when,
        day="" if placed else format_html(' <span class="card-day">{}</span>', s.day_label),
        where=f", {s.room.name}" if s.room else "",
        meta=s.meta,
        error=s.clash,
        resize=RESIZE if placed else "",
    )


def _end_minute(session, date):
    """Minutes from the day's midnight to the session's end (past midnight counts as the day's end)."""
    if session.local_end.date() > date:
        return 24 * 60
    return _minutes(session.local_end)


def _publish_context(conference, problems, sessions=None):
    pending = services.pending_publication(conference, sessions=sessions)
    return {
        "conference": conference,
        "latest": pending["previous"],
        "changes": pending["changes"],
        "has_changes": any(pending["changes"].values()),
        "changed": pending["changed"],
        "next_number": pending["next_number"],
        "problems": problems,
        "form": PublishForm(initial={"expected": pending["fingerprint"]}),
    }


@organiser_required
def agenda_draft(request, slug):
    """The editor. ``?part=publish`` answers only the publishing section (the script refreshes it after a change)."""
    conference = get_object_or_404(Conference, slug=slug)
    # One load of the draft for the grid, the clash sweep and the "Publish" preview's snapshot.
    drafted = list(draft_sessions(conference).select_related("room", "track"))
    sessions = [s for s in drafted if s.cancelled_at is None]
    problems = rules.find_clashes(conference, sessions=sessions)
    if request.GET.get("part") == "publish":
        context = _publish_context(conference, problems, sessions=drafted)
        return render(request, "conference/agenda/_publish.html", context)
    clashes = {}
    for p in problems:
        for s in p["sessions"]:
            clashes.setdefault(s.pk, p["message"])
    rooms, days, unscheduled = _days(conference, sessions, clashes)
    tracks = list(conference.tracks.all())
    return render(
        request,
        "conference/agenda/organiser.html",
        {
            **_publish_context(conference, problems, sessions=drafted),
            "rooms": rooms,
            "days": days,
            "unscheduled": unscheduled,
            "sessions": sessions,
            "tracks": tracks,
            **parts_context(conference, rooms, tracks),
            "session_count": len(sessions),
            "session_form": SessionForm(conference=conference, prefix_ids="dlg-"),
            "api_sessions": reverse("api-session-list", args=[conference.slug]),
        },
    )


@organiser_required
def session_form(request, slug, pk=None):
    """Create or edit one session without JavaScript (the editor's dialog does the same through the API)."""
    conference = get_object_or_404(Conference, slug=slug)
    session = None
    if pk is not None:
        session = get_object_or_404(Session, pk=pk, conference=conference, cancelled_at__isnull=True)
    if request.method == "POST":
        form = SessionForm(request.POST, conference=conference)
        if form.is_valid():
            data = dict(form.cleaned_data)
            speakers = list(data.pop("speakers"))
            try:
                saved = services.save_session(conference=conference, session=session, speakers=speakers, **data)
            except ServiceError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, f"Saved “{saved.title}”.")
                return redirect(f"{reverse('organiser-agenda', args=[slug])}#session-{saved.pk}")
    elif session is not None:
        form = SessionForm(conference=conference, initial=SessionForm.initial_for(session, conference.tz))
    else:
        form = SessionForm(conference=conference, initial=_new_session_initial(request, conference))
    return render(
        request,
        "conference/agenda/session_form.html",
        {"conference": conference, "form": form, "session": session},
    )


def _new_session_initial(request, conference):
    """A new session at the chosen slot (``?room=&starts=``), or at 09:00 on the first day for 30 minutes."""
    try:
        start = dt.datetime.fromisoformat(request.GET.get("starts", ""))
    except ValueError:
        start = dt.datetime.combine(conference.starts_on, dt.time(9, 0))
    start = start.replace(tzinfo=None)
    return {"starts_at": start, "ends_at": start + dt.timedelta(minutes=30), "room": request.GET.get("room") or None}


@require_POST
@organiser_required
def session_remove(request, slug, pk):
    conference = get_object_or_404(Conference, slug=slug)
    session = Session.objects.filter(pk=pk, conference=conference).first()
    if session is None:
        raise Http404("No such session.")
    outcome = services.remove_session(session=session)
    messages.success(request, f"“{session.title}” {'cancelled' if outcome == 'cancelled' else 'removed'}.")
    return redirect("organiser-agenda", slug=slug)


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
    notified = ""
    if form.cleaned_data["notify"]:
        notified = f" {version.notified} delegate{'s' if version.notified != 1 else ''} e-mailed."
    messages.success(
        request,
        f"Published version {version.number}: {len(changes['added'])} new, {len(changes['moved'])} moved, "
        f"{len(changes['cancelled'])} cancelled.{notified}",
    )
    return redirect("organiser-agenda", slug=slug)
