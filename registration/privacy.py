"""Privacy: what is held about a delegate, erasing it on request, retention, and the audit log.

The one home of these rules (see docs/architecture.md):

- ``personal_data``: everything held about one delegate (``/my/<token>/data.json``).
- ``erase_registration``: a delegate's "Erase my data", and an organiser's erase:
  the registration is cancelled through ``services.cancel_registration`` (its
  place is offered on) and anonymised; its link stops working.
- ``apply_retention``: conferences past ``retain_until`` are anonymised whole
  (their badge print jobs' PDFs deleted);
  dietary and accessibility needs go sooner, ``NEEDS_RETENTION_DAYS`` after
  the conference's end. What stays is what next year's planning counts: each
  registration's organisation, category, status, workshops and check-ins.
- ``audit``: who exported or erased what, and when.

This layer knows nothing of badges: their codes' scans and check-ins are
reached through the reverse relations (``Registration.badges``,
``Registration.checkins``), as ``RegistrationQuerySet.with_checked_in_at``
does. Parts that hold more about a delegate (answers to questions, the
directory) connect to the ``anonymising`` and ``collecting`` signals.
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.dispatch import Signal
from django.utils import timezone

from conference.models import Conference

from . import questions, services
from .models import AuditEntry, Invitation, Meeting, OutboxMessage, Question, Registration, RsvpAnswer, new_token

# Sent inside the anonymising transaction with ``registrations`` (a queryset): receivers erase what
# they hold about those delegates (answers to questions, directory notes, ...).
anonymising = Signal()
# Sent by ``personal_data`` with ``registration``: receivers return ``{section: data}`` to add to it.
collecting = Signal()

ANONYMISED_NAME = ("Anonymised", "delegate")
ANONYMISED_CONTACT = "Anonymised contact"
ERASED = "(erased)"


def anonymised_email(kind, pk):
    """A unique address that reaches nobody (``.invalid`` is reserved for that, RFC 2606)."""
    return f"{kind}-{pk}@anonymised.invalid"


def needs_retention_days():
    return int(getattr(settings, "NEEDS_RETENTION_DAYS", 30))


# The audit log.


def audit(*, conference, action, user=None, actor=None, registration=None, detail=""):
    """Record one entry: ``user`` (an organiser) or ``actor`` (``AuditEntry.DELEGATE_THEMSELF``, ``RETENTION``)."""
    if actor is None:
        actor = user.get_username() if user is not None else ""
    return AuditEntry.objects.create(
        conference=conference,
        registration=registration,
        user=user if user is not None and user.is_authenticated else None,
        actor=actor[:150],
        action=action,
        detail=detail[:300],
    )


def audit_export(*, conference, user, table, fmt, rows=None):
    """An organiser downloaded an export of personal data (the organisers' page or the admin)."""
    count = f", {rows} row{'s' if rows != 1 else ''}" if rows is not None else ""
    return audit(conference=conference, action=AuditEntry.Action.EXPORT, user=user, detail=f"{table}.{fmt}{count}")


# What is held about a delegate.


def _related_model(model, name):
    """The model behind a reverse relation of ``model`` (a higher layer's, never imported here)."""
    return model._meta.get_field(name).related_model


def _iso(value):
    return value.isoformat() if value else None


def _session(session):
    return {
        "id": session.pk,
        "title": session.title,
        "starts_at": _iso(session.starts_at),
        "ends_at": _iso(session.ends_at),
        "room": session.room.name if session.room_id else None,
    }


def is_contact(registration):
    """Whether this delegate is also the invitation's contact (then the invitation's name and e-mail are theirs)."""
    return registration.email.strip().lower() == registration.invitation.email.strip().lower()


def messages_to(registration):
    """The e-mails sent (or to be sent) to this delegate: theirs, and the invitation's when they are its contact."""
    mine = Q(registration=registration)
    if is_contact(registration):
        mine |= Q(invitation=registration.invitation, registration__isnull=True)
    return OutboxMessage.objects.filter(mine).order_by("created_at", "pk")


def personal_data(registration):
    """Everything held about one delegate, as JSON-ready data (``/my/<token>/data.json``)."""
    invitation = registration.invitation
    conference = registration.conference
    invitation_data = {
        "organisation": invitation.organisation.name,
        "organisation_kind": invitation.organisation.kind,
        "category": invitation.category,
        "status": invitation.status,
        "you_are_the_contact": is_contact(registration),
    }
    if invitation_data["you_are_the_contact"]:
        invitation_data.update(
            contact_name=invitation.contact_name,
            email=invitation.email,
            sent_at=_iso(invitation.sent_at),
            opened_at=_iso(invitation.opened_at),
            responded_at=_iso(invitation.responded_at),
        )
    checkins = registration.checkins.select_related("session").order_by("checked_in_at", "pk")
    badges = registration.badges.order_by("issued_at", "pk")
    data = {
        "conference": {
            "name": conference.name,
            "starts_on": _iso(conference.starts_on),
            "ends_on": _iso(conference.ends_on),
            "retain_until": _iso(conference.retain_until),
            "contact_email": conference.contact_email,
        },
        "registration": {
            "id": registration.pk,
            "first_name": registration.first_name,
            "last_name": registration.last_name,
            "email": registration.email,
            "badge_name": registration.badge_name,
            "job_title": registration.job_title,
            "dietary": registration.dietary,
            "accessibility": registration.accessibility,
            "answers": answers_held(registration),
            "directory_opt_in": registration.directory_opt_in,
            "interests": sorted(registration.interests.values_list("name", flat=True)),
            "networking_note": registration.networking_note,
            "status": registration.status,
            "consent_at": _iso(registration.consent_at),
            "created_at": _iso(registration.created_at),
            "confirmed_at": _iso(registration.confirmed_at),
            "cancelled_at": _iso(registration.cancelled_at),
        },
        "invitation": invitation_data,
        "workshops": [_session(s) for s in registration.workshops.select_related("room").order_by("starts_at")],
        "starred": [_session(s) for s in registration.starred.select_related("room").order_by("starts_at")],
        "badges": [{"code": b.code, "issued_at": _iso(b.issued_at), "revoked_at": _iso(b.revoked_at)} for b in badges],
        "check_ins": [
            {
                "checked_in_at": _iso(c.checked_in_at),
                "day": c.day,
                "gate": c.gate,
                "session": c.session.title if c.session_id else None,
                "undone_at": _iso(c.undone_at),
            }
            for c in checkins
        ],
        "meetings": [
            {
                "with": (m.invitee if m.requester_id == registration.pk else m.requester).full_name,
                "slot": m.slot.title,
                "status": m.status,
                "table": m.table,
                "message": m.message,
                "created_at": _iso(m.created_at),
            }
            for m in Meeting.objects.filter(Q(requester=registration) | Q(invitee=registration))
            .select_related("requester", "invitee", "slot")
            .order_by("created_at")
        ],
        "emails": [
            {
                "to": m.to,
                "subject": m.subject,
                "kind": m.purpose,
                "state": m.state,
                "created_at": _iso(m.created_at),
                "sent_at": _iso(m.sent_at),
                "body": m.body_text,
            }
            for m in messages_to(registration)
        ],
    }
    for _receiver, extra in collecting.send(sender=Registration, registration=registration):
        data.update(extra or {})
    return data


def answers_held(registration):
    """The delegate's answers to the conference's questions, by the question's label."""
    asked = Question.objects.filter(conference_id=registration.conference_id).order_by("position", "pk")
    return {question.label: shown for question, shown in questions.answered(registration, asked)}


# Erasing.


def _scrub_messages(messages):
    """Erase the address, subject, body and attachments of sent messages; delete the unsent.

    An unsent message (pending, being sent, or failed: ``send_outbox --failed``
    retries those) is never to be sent now, and holds nothing worth keeping.
    """
    messages.exclude(state=OutboxMessage.State.SENT).delete()
    return messages.update(
        to=anonymised_email("erased", 0), subject=ERASED, body_text="", body_html="", attachments=[], last_error=""
    )


def _scrub_scans(registration_ids):
    """The door's stored answers name the delegate: keep each scan's result, drop the rest."""
    scan = _related_model(_related_model(Registration, "badges"), "scans")
    scans = scan.objects.filter(
        Q(badge__registration_id__in=registration_ids) | Q(checkin__registration_id__in=registration_ids)
    )
    for result in set(scans.values_list("result", flat=True)):
        scans.filter(result=result).update(response={"result": result})


def _anonymise_registrations(registrations, now):
    """Anonymise these registrations (a queryset) in place, with their scans and e-mails; returns how many."""
    ids = list(registrations.filter(anonymised_at__isnull=True).values_list("pk", flat=True))
    if not ids:
        return 0
    chosen = Registration.objects.filter(pk__in=ids)
    anonymising.send(sender=Registration, registrations=chosen)
    for pk in ids:
        Registration.objects.filter(pk=pk).update(
            first_name=ANONYMISED_NAME[0],
            last_name=ANONYMISED_NAME[1],
            email=anonymised_email("registration", pk),
            badge_name="",
            job_title="",
            dietary="",
            accessibility="",
            answers={},
            directory_opt_in=False,
            networking_note="",
            token=new_token(),
            anonymised_at=now,
            updated_at=now,  # an update() does not bump it: the doors' offline lists must drop the name
        )
    through = Registration.starred.through
    through.objects.filter(registration_id__in=ids).delete()
    Registration.interests.through.objects.filter(registration_id__in=ids).delete()
    # Meetings: their messages go, those still open are cancelled, and nobody shares this contact any more.
    theirs = Meeting.objects.filter(Q(requester_id__in=ids) | Q(invitee_id__in=ids))
    theirs.filter(status__in=(Meeting.Status.REQUESTED, Meeting.Status.ACCEPTED)).update(
        status=Meeting.Status.CANCELLED, cancelled_at=now
    )
    theirs.update(message="")
    Meeting.objects.filter(requester_id__in=ids).update(requester_shares_contact=False)
    Meeting.objects.filter(invitee_id__in=ids).update(invitee_shares_contact=False)
    _scrub_scans(ids)
    _scrub_messages(OutboxMessage.objects.filter(registration_id__in=ids))
    return len(ids)


def _anonymise_invitations(invitations, now):
    """Anonymise these invitations' contacts (the organisation, category, seats and status stay)."""
    ids = list(invitations.filter(anonymised_at__isnull=True).values_list("pk", flat=True))
    for pk in ids:
        Invitation.objects.filter(pk=pk).update(
            contact_name=ANONYMISED_CONTACT,
            email=anonymised_email("invitation", pk),
            token=new_token(),
            anonymised_at=now,
            updated_at=now,
        )
    RsvpAnswer.objects.filter(invitation_id__in=ids).delete()
    _scrub_messages(OutboxMessage.objects.filter(invitation_id__in=ids, registration__isnull=True))
    return len(ids)


def _drop_printed_badges(conference):
    """Badge print jobs' PDFs print every delegate's name: their files go (the job rows, with counts, stay).

    Reached through ``Conference.badge_print_jobs`` (this layer never imports badges); the files are
    deleted once the transaction commits, so a rolled-back run deletes nothing.
    """
    jobs = conference.badge_print_jobs.exclude(file="")
    files = [job.file for job in jobs]
    if not files:
        return 0
    jobs.update(file="")
    transaction.on_commit(lambda: [f.storage.delete(f.name) for f in files])
    return len(files)


def erase_registration(*, registration, user=None, by_delegate=False, now=None):
    """Cancel (the place is offered on) and anonymise one delegate; their link stops working.

    ``user``: the organiser who asked; ``by_delegate``: the delegate themself,
    from their page. Already erased: nothing more to do (returned as it is).
    Returns the registration, anonymised. When the delegate is also the
    invitation's contact, the invitation's name and e-mail are theirs and go
    too (the invitation's link keeps working for its other delegates).
    """
    now = now or timezone.now()
    with transaction.atomic():
        # The conference first, then the row: the cancel service's order, so two erasures (or an erasure
        # and a cancellation) of one delegate wait for each other instead of deadlocking.
        Conference.objects.select_for_update().get(pk=registration.conference_id)
        registration = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("conference", "invitation")
            .get(pk=registration.pk)
        )
        if registration.anonymised_at is not None:
            return registration
        if registration.status != Registration.Status.CANCELLED:
            services.cancel_registration(registration=registration, now=now)
        invitation = registration.invitation
        if is_contact(registration) and invitation.anonymised_at is None:
            Invitation.objects.filter(pk=invitation.pk).update(
                contact_name=ANONYMISED_CONTACT, email=anonymised_email("invitation", invitation.pk), updated_at=now
            )
            _scrub_messages(OutboxMessage.objects.filter(invitation=invitation, registration__isnull=True))
        # The stored RSVP answers may name this delegate.
        RsvpAnswer.objects.filter(invitation=invitation).delete()
        _anonymise_registrations(Registration.objects.filter(pk=registration.pk), now)
        audit(
            conference=registration.conference,
            action=AuditEntry.Action.ERASE,
            user=None if by_delegate else user,
            actor=AuditEntry.DELEGATE_THEMSELF if by_delegate else None,
            registration=registration,
            detail=f"registration {registration.pk}",
        )
        registration.refresh_from_db()
        return registration


# Retention.


def data_due(conference, today):
    """Whether the conference is past ``retain_until`` (anonymised from the day after)."""
    return conference.retain_until is not None and conference.retain_until < today


def apply_retention(*, today=None, now=None):
    """Anonymise every conference past ``retain_until``; purge needs ``NEEDS_RETENTION_DAYS`` after the end.

    Idempotent: a second run changes nothing and writes no audit entry.
    Returns ``{"conferences": N, "registrations": N, "invitations": N, "needs": N}``.
    """
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    summary = {"conferences": 0, "registrations": 0, "invitations": 0, "needs": 0}
    # Needs go NEEDS_RETENTION_DAYS after the end; everything else after retain_until.
    cutoff = today - dt.timedelta(days=needs_retention_days())
    due = Q(ends_on__lt=cutoff) | Q(retain_until__lt=today)
    for conference in Conference.objects.filter(due).order_by("pk"):
        with transaction.atomic():
            done = {"registrations": 0, "invitations": 0, "needs": 0}
            # Needs, accessibility and the answers to the conference's questions (diet, access, door notes).
            with_needs = Registration.objects.filter(conference=conference).filter(
                ~Q(dietary="") | ~Q(accessibility="") | ~Q(answers={})
            )
            if conference.ends_on < cutoff:
                done["needs"] = with_needs.update(dietary="", accessibility="", answers={})
            if data_due(conference, today):
                done["registrations"] = _anonymise_registrations(
                    Registration.objects.filter(conference=conference), now
                )
                done["invitations"] = _anonymise_invitations(Invitation.objects.filter(conference=conference), now)
                _drop_printed_badges(conference)
            if any(done.values()):
                summary["conferences"] += 1
                for key, value in done.items():
                    summary[key] += value
                audit(
                    conference=conference,
                    action=AuditEntry.Action.RETENTION,
                    actor=AuditEntry.RETENTION,
                    detail=(
                        f"{done['registrations']} registrations and {done['invitations']} invitations anonymised, "
                        f"needs erased from {done['needs']}"
                    ),
                )
    return summary
