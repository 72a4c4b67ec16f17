"""Next year's conference from this year's: everything that is set-up, nothing that is sent.

``conference.services.copy_conference`` copies the conference and its agenda
(the lower layer's part); this module adds what registration keeps of a
conference (questions, e-mail templates, draft invitations), in the same
transaction. The API and the organiser's page both call :func:`copy_conference`.
"""

from django.db import transaction
from django.dispatch import Signal

from conference import services as conference_services

from .models import EmailTemplate, Invitation
from .questions import copy_questions

# Sent inside the copy's transaction with ``source`` and ``target``: the parts above registration
# (the badge design, in badges) copy what they keep of a conference without registration importing them.
conference_copied = Signal()


def copy_invitations(*, source, target):
    """A draft invitation on ``target`` for every invitation of ``source``: same organisation, contact, category, seats.

    Drafts are never sent by themselves: the organisers review them and send
    them when they choose.
    """
    invitations = [
        Invitation(
            conference=target,
            organisation_id=invitation.organisation_id,
            contact_name=invitation.contact_name,
            email=invitation.email,
            category=invitation.category,
            seats=invitation.seats,
            status=Invitation.Status.DRAFT,
        )
        for invitation in source.invitations.order_by("pk")
    ]
    Invitation.objects.bulk_create(invitations)
    return len(invitations)


def copy_email_templates(*, source, target):
    """The conference's own wording of each message, as it is."""
    templates = [
        EmailTemplate(conference=target, kind=t.kind, subject=t.subject, body=t.body)
        for t in source.email_templates.all()
    ]
    EmailTemplate.objects.bulk_create(templates)
    return len(templates)


def copy_conference(*, source, name, slug, starts_on):
    """Copy ``source`` into a new conference starting on ``starts_on``, all or nothing; returns the new conference.

    Copied: capacity settings, branding, rooms, tracks, speakers, the agenda's
    live sessions as an unpublished draft moved by the difference in dates
    (``conference.services.copy_conference``), the questions, the e-mail
    templates, a draft invitation for each invitation of ``source``, and
    whatever the receivers of ``conference_copied`` keep (the badge design).
    Nothing is sent and nothing of ``source`` changes.
    """
    with transaction.atomic():
        target, _ = conference_services.copy_conference(source=source, name=name, slug=slug, starts_on=starts_on)
        copy_questions(source=source, target=target)
        copy_email_templates(source=source, target=target)
        copy_invitations(source=source, target=target)
        conference_copied.send(sender=copy_conference, source=source, target=target)
    return target
