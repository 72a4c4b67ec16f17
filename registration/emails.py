"""The e-mails of invitations and registration, each written to the outbox.

Every message goes through :mod:`registration.outbox`: recorded in the
transaction of the change that causes it, sent after that transaction
commits, retried until it goes out.
"""

from django.utils import timezone
from django.utils.dateformat import format as date_format

from conference.models import Organisation
from conference.plumbing.links import absolute_url

from .calendar import registration_ics
from .forms import workshops_of
from .models import Invitation, Registration
from .outbox import templates
from .outbox.queue import queue, queue_many, render_many

# Links.


def rsvp_url(invitation):
    return absolute_url("rsvp", invitation.token)


def manage_url(registration):
    return absolute_url("my", registration.token)


def personal_links(registration):
    """The delegate's personal links: manage, badge and agenda."""
    token = registration.token
    return {
        "manage_url": absolute_url("my", token),
        "badge_url": absolute_url("my-badge", token),
        "agenda_url": absolute_url("my-agenda", token),
        "agenda_ics_url": absolute_url("my-agenda-ics", token),
    }


# What each message's placeholders stand for.


def _name_parts(full_name):
    first, _, last = full_name.strip().rpartition(" ")
    return (first, last) if first else (last, "")


def invitation_values(invitation):
    """The placeholders of a message to an invitation's contact."""
    conference = invitation.conference
    first, last = _name_parts(invitation.contact_name)
    answer_by = ""
    if conference.registration_closes_at:
        closes = timezone.localtime(conference.registration_closes_at, conference.tz)
        answer_by = f"Please answer by {date_format(closes, 'j F Y, H:i')}."
    return {
        "first_name": first,
        "last_name": last,
        "organisation": invitation.organisation.name,
        "rsvp_url": rsvp_url(invitation),
        "seats": f"{invitation.seats} delegate{'s' if invitation.seats != 1 else ''}",
        "answer_by": answer_by,
    }


def workshops_text(conference, workshops):
    if not workshops:
        return ""
    lines = ["Your workshops:"]
    for w in workshops:
        starts = timezone.localtime(w.starts_at, conference.tz)
        ends = timezone.localtime(w.ends_at, conference.tz)
        room = f", {w.room.name}" if w.room_id else ""
        lines.append(f"- {w.title}, {date_format(starts, 'l j F, H:i')}–{date_format(ends, 'H:i')}{room}")
    return "\n".join(lines)


def _workshops(registration):
    # A registration just created carries its workshops; saves a query on the RSVP's path.
    workshops = getattr(registration, "chosen_workshops", None)
    if workshops is None:
        workshops = list(registration.workshops.select_related("room").order_by("starts_at"))
    return workshops


def registration_values(registration, workshops=None):
    """The placeholders of a message to a delegate."""
    if workshops is None:
        workshops = _workshops(registration)
    links = personal_links(registration)
    return {
        "first_name": registration.first_name,
        "last_name": registration.last_name,
        "organisation": registration.invitation.organisation.name,
        "workshops": workshops_text(registration.conference, workshops),
        **links,
    }


# The messages.


def invitation_email(invitation, reminder=False, dispatch=True):
    kind = templates.REMINDER if reminder else templates.INVITATION
    return queue(
        purpose=kind,
        to=invitation.email,
        kind=kind,
        conference=invitation.conference,
        values=invitation_values(invitation),
        invitation=invitation,
        dispatch=dispatch,
    )


def invitation_emails(conference, invitations, reminder=False, wording=None, batch=None, write=True):
    """:func:`invitation_email` for many invitations of ``conference`` at once, not dispatched; returns the messages.

    ``wording`` and ``batch``: a send batch's kept wording, and the batch
    (``registration.batches``); without ``write`` the messages are rendered,
    not saved (the batch writes them under its lock).
    """
    kind = templates.REMINDER if reminder else templates.INVITATION
    make = queue_many if write else render_many
    return make(
        purpose=kind,
        kind=kind,
        conference=conference,
        recipients=[(i.email, invitation_values(i), i) for i in invitations],
        wording=wording,
        batch=batch,
    )


def _delegate_email(registration, kind, *, purpose=None, values=None, attachments=None):
    """A message to one delegate, in the conference's wording of ``kind``."""
    return queue(
        purpose=purpose or kind,
        to=registration.email,
        kind=kind,
        conference=registration.conference,
        values=values or registration_values(registration),
        invitation=registration.invitation,
        registration=registration,
        attachments=attachments,
    )


def confirmation_email(registration, kind=templates.CONFIRMATION, purpose="confirmation"):
    """The confirmation, with an .ics of the conference days and the chosen workshops.

    The text lists every chosen workshop; the .ics holds those of the latest
    published agenda, as the public feed has them (see ``registration_ics``).
    """
    workshops = _workshops(registration)
    ics = registration_ics(registration, workshops=workshops)
    return _delegate_email(
        registration,
        kind,
        purpose=purpose,
        values=registration_values(registration, workshops),
        attachments=[{"filename": f"{registration.conference.slug}.ics", "content": ics, "mimetype": "text/calendar"}],
    )


def waitlist_offer_email(registration):
    """A place came free and the delegate, first on the waiting list, now has it."""
    return confirmation_email(registration, kind=templates.PLACE_OFFERED, purpose="waitlist_offer")


def waitlisted_email(registration):
    return _delegate_email(registration, templates.WAITLISTED)


def cancellation_email(registration):
    return _delegate_email(registration, templates.CANCELLATION)


def sample_values(conference, kind):
    """The placeholders filled for a sample recipient (the preview of a template), written nowhere."""
    organisation = Organisation(name="Example Ltd")
    invitation = Invitation(
        conference=conference, organisation=organisation, contact_name="Alex Morgan", seats=2, token="sample-link"
    )
    if kind in (templates.INVITATION, templates.REMINDER):
        return invitation_values(invitation)
    registration = Registration(
        conference=conference, invitation=invitation, first_name="Alex", last_name="Morgan", token="sample-link"
    )
    values = registration_values(registration, workshops=list(workshops_of(conference)[:2]))
    if kind == templates.AGENDA_CHANGED:
        values["changes"] = "- “Opening keynote” has moved: now Thu 11 Mar 09:30–10:15, Hall 1 (was 09:15–10:00)."
    if kind in templates.MEETING_KINDS:
        values.update(templates.MEETING_SAMPLE)
    return values
