"""A delegate's own agenda: ``/my/<token>/agenda/`` and ``/my/<token>/agenda.ics``.

Built from the latest published version only (never the draft), like every
public agenda output, with the sessions the delegate booked, starred or
speaks at (:func:`registration.favourites.agenda_session_ids`) and the
sessions for everyone.
"""

from django.http import Http404, HttpResponse
from django.shortcuts import render

from conference.agenda import exporters, published
from conference.agenda.views import friendly_404

from .favourites import agenda_session_ids, all_ids
from .networking import calendar as meeting_calendar
from .networking.services import accepted_meetings
from .services import registration_by_token


def _registration(token):
    registration = registration_by_token(token, workshops=False)
    if registration is None:
        raise Http404("We do not know this link. Check it against your confirmation e-mail.")
    return registration


def _chosen_ids(registration):
    """Every session the delegate booked, starred or speaks at."""
    return all_ids(agenda_session_ids(registration))


@friendly_404
def my_agenda(request, token):
    registration = _registration(token)
    ref = published.version_ref_for_conference(registration.conference_id)
    if ref is None:
        return render(
            request,
            "registration/my_agenda.html",
            {"registration": registration, "conference": registration.conference, "agenda": None},
        )
    agenda = published.load_agenda(ref)
    groups = agenda_session_ids(registration)
    chosen = all_ids(groups)
    items = agenda.filtered(ids=chosen, plenary=True)
    response = render(
        request,
        "registration/my_agenda.html",
        {
            "registration": registration,
            "conference": registration.conference,
            "agenda": agenda,
            "days": [d for d in agenda.days(items) if d.items],
            "chosen": chosen,
            "groups": groups,
            "token": token,
            "meetings": accepted_meetings(registration),
        },
    )
    response["Cache-Control"] = "private, no-cache"
    response["X-Robots-Tag"] = "noindex"
    return response


@friendly_404
def my_agenda_ics(request, token):
    registration = _registration(token)
    ref = published.version_ref_for_conference(registration.conference_id)
    if ref is None:
        raise Http404("The agenda has not been published yet.")
    chosen = sorted(_chosen_ids(registration))
    meetings = accepted_meetings(registration)
    variant = ",".join(map(str, chosen)) + meeting_calendar.signature(meetings, registration)
    etag = published.etag_for(ref, "my-ics", variant)
    response = published.conditional(request, etag=etag, last_modified=ref.published_at, private=True)
    if response is not None:
        return response

    def render_ics():
        agenda = published.load_agenda(ref)
        items = [i for i in agenda.items if i.id in set(chosen) or i.is_plenary]
        by_id = {i.id: i for i in agenda.items}
        extra = [
            meeting_calendar.meeting_event(agenda, by_id[m.slot_id], m, registration)
            for m in meetings
            if m.slot_id in by_id
        ]
        return exporters.ics(agenda, items, name=f"{agenda.name}: my agenda", extra=extra)

    body = published.cached_render(ref, "my-ics", variant, render_ics)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="my-agenda.ics"'
    return published.finish(response, etag=etag, last_modified=ref.published_at, private=True)
