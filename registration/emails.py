"""The e-mails of invitations and registration, each written to the outbox.

Every message goes through :mod:`registration.outbox`: recorded in the
transaction of the change that causes it, sent after that transaction
commits, retried until it goes out.
"""

from conference.plumbing.links import absolute_url

from .calendar import registration_ics
from .outbox.queue import queue

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


# The messages.


def invitation_email(invitation, reminder=False, dispatch=True):
    conference = invitation.conference
    return queue(
        purpose="reminder" if reminder else "invitation",
        to=invitation.email,
        template="reminder" if reminder else "invitation",
        context={
            "invitation": invitation,
            "conference": conference,
            "organisation": invitation.organisation,
            "rsvp_url": rsvp_url(invitation),
        },
        invitation=invitation,
        dispatch=dispatch,
    )


def _registration_context(registration):
    # A registration just created carries its workshops; saves a query on the RSVP's path.
    workshops = getattr(registration, "chosen_workshops", None)
    if workshops is None:
        workshops = list(registration.workshops.select_related("room").order_by("starts_at"))
    return {
        "registration": registration,
        "conference": registration.conference,
        "organisation": registration.invitation.organisation,
        "workshops": workshops,
        **personal_links(registration),
    }


def _delegate_email(registration, template, *, purpose=None, context=None, attachments=None):
    """A message to one delegate, with their registration's context (workshops, personal links)."""
    return queue(
        purpose=purpose or template,
        to=registration.email,
        template=template,
        context=context or _registration_context(registration),
        invitation=registration.invitation,
        registration=registration,
        attachments=attachments,
    )


def confirmation_email(registration, template="confirmation", purpose="confirmation"):
    """The confirmation, with an .ics of the conference days and the chosen workshops.

    The text lists every chosen workshop; the .ics holds those of the latest
    published agenda, as the public feed has them (see ``registration_ics``).
    """
    context = _registration_context(registration)
    ics = registration_ics(registration, workshops=context["workshops"])
    return _delegate_email(
        registration,
        template,
        purpose=purpose,
        context=context,
        attachments=[{"filename": f"{registration.conference.slug}.ics", "content": ics, "mimetype": "text/calendar"}],
    )


def waitlist_offer_email(registration):
    """A place came free and the delegate, first on the waiting list, now has it."""
    return confirmation_email(registration, template="waitlist_offer", purpose="waitlist_offer")


def waitlisted_email(registration):
    return _delegate_email(registration, "waitlisted")


def cancellation_email(registration):
    return _delegate_email(registration, "cancellation")
