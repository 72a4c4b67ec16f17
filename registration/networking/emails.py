"""The networking e-mails: a meeting asked for (with links to accept or decline), accepted, cancelled.

Written to the outbox in the transaction of the change (see ``registration.outbox``).
"""

from django.utils import timezone
from django.utils.dateformat import format as date_format

from conference.plumbing.links import absolute_url

from ..emails import _delegate_email, registration_values
from ..outbox import templates


def slot_text(slot, conference):
    starts = timezone.localtime(slot.starts_at, conference.tz)
    ends = timezone.localtime(slot.ends_at, conference.tz)
    return f"{slot.title}, {date_format(starts, 'l j F, H:i')}–{date_format(ends, 'H:i')}"


def meeting_links(registration, meeting):
    token = registration.token
    return {
        "accept_url": absolute_url("my-meeting", token, meeting.pk, "accept"),
        "decline_url": absolute_url("my-meeting", token, meeting.pk, "decline"),
        "people_url": absolute_url("my-people", token),
    }


def _values(meeting, to, other):
    conference = meeting.conference
    return {
        **registration_values(to, workshops=[]),
        "other_name": other.full_name,
        "other_organisation": other.invitation.organisation.name,
        "other_job_title": other.job_title or "delegate",
        "slot": slot_text(meeting.slot, conference),
        "table": meeting.table,
        "meeting_message": f"“{meeting.message}”" if meeting.message else "",
        **meeting_links(to, meeting),
    }


def meeting_requested_email(meeting):
    """To the one asked: who, when, the message, and links to accept or decline."""
    to = meeting.invitee
    return _delegate_email(to, templates.MEETING_REQUESTED, values=_values(meeting, to, meeting.requester))


def meeting_accepted_email(meeting):
    """To the requester: the meeting is on, at its table."""
    to = meeting.requester
    return _delegate_email(to, templates.MEETING_ACCEPTED, values=_values(meeting, to, meeting.invitee))


def meeting_cancelled_email(meeting, *, cancelled_by):
    """To the other delegate of a cancelled meeting (a request they had not answered yet included)."""
    to = meeting.other(cancelled_by)
    return _delegate_email(to, templates.MEETING_CANCELLED, values=_values(meeting, to, cancelled_by))
