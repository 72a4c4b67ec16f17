"""The rules of invitations and registration, in one place.

The RSVP page, the RSVP API, the organiser API and the admin all call these
functions; none of them decides anything on its own. Every change that touches
more than one row is one transaction, and every limited resource (the
conference's places, a workshop's places) is decided under a row lock: the
Conference row first, then the workshop Session rows in id order, so that two
transactions always lock in the same order and never deadlock. On SQLite the
transactions are IMMEDIATE (see settings), which serialises writers the same
way.
"""

import re
import secrets

from django.db import transaction
from django.db.models import Case, Count, F, Q, Value, When
from django.db.models.functions import Lower
from django.utils import timezone

from conference.models import Conference, Organisation, Session
from conference.plumbing.compiled import update_returning_pks
from conference.plumbing.errors import Conflict, ServiceError

from . import batches, emails
from .forms import NOT_AN_OBJECT, TEXT_FIELDS, DelegateForm, workshops_of
from .models import Invitation, Registration, RsvpAnswer
from .networking.services import save_profile
from .places import Places
from .questions import questions_of

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
UNANSWERED = (Invitation.Status.DRAFT, Invitation.Status.SENT, Invitation.Status.OPENED)
ACTIVE = (Registration.Status.CONFIRMED, Registration.Status.WAITLISTED)

# A delegate's fields and their rules are DelegateForm's (forms.py); these are the fields saved on a Registration.
DELEGATE_FIELDS = TEXT_FIELDS


# Errors (the codes are the API's, listed in the README).


class RegistrationError(ServiceError):
    code = "invalid"


class TooManyDelegates(RegistrationError):
    code = "too_many_delegates"


class SeatsBelowDelegates(RegistrationError):
    code = "seats_below_delegates"


class InvitationHasDelegates(RegistrationError):
    code = "has_delegates"


class WorkshopFull(Conflict):
    code = "workshop_full"


class RegistrationClosed(Conflict):
    code = "registration_closed"


class NotCancellable(Conflict):
    code = "already_cancelled"


class DeclineNeedsConfirmation(Conflict):
    """Declining would cancel delegates the person has not agreed to cancel; ``delegates`` names them."""

    code = "confirm_decline"

    def __init__(self, delegates):
        names = ", ".join(r.full_name for r in delegates)
        super().__init__(f"Declining cancels {names}: confirm to go on.")
        self.delegates = delegates


class NotWaitlisted(Conflict):
    code = "not_waitlisted"


class NotRegistered(Conflict):
    code = "not_registered"


class NotSubstitutable(Conflict):
    code = "not_substitutable"


class DelegatesInvalid(RegistrationError):
    """Field errors of the delegates, one dict per delegate (empty when fine).

    The API answers them as DRF field errors under ``delegates``; the RSVP
    page shows each one beside its field (the forms it passed carry them).
    """

    code = "invalid"

    def __init__(self, errors):
        super().__init__("Some delegate details need correcting.")
        self.errors = errors

    def as_dict(self):
        return {"delegates": self.errors}


class ImportInvalid(RegistrationError):
    """An import with errors: ``{"errors": [...]}``; a file too complex to read also says ``code`` and ``detail``."""

    def __init__(self, errors, code=None):
        super().__init__("The file has errors; nothing was imported.", code=code)
        self.errors = errors

    def as_dict(self):
        if self.code == "file_too_complex":
            return {"detail": self.errors[0]["message"], "code": self.code, "errors": self.errors}
        return {"errors": self.errors}


# Looking things up by token.


def _by_token(queryset, token):
    """The row whose token this is, or None.

    The token is checked for shape before it reaches the database and
    compared again in constant time; with 256 random bits there is nothing
    to learn from the index lookup's timing.
    """
    if not isinstance(token, str) or not TOKEN_RE.match(token):
        return None
    found = queryset.filter(token=token).first()
    if found is None or not secrets.compare_digest(found.token.encode(), token.encode()):
        return None
    return found


def invitation_by_token(token):
    """The invitation of an RSVP link; an anonymised one's link no longer works (``registration.privacy``)."""
    invitations = Invitation.objects.filter(anonymised_at__isnull=True)
    return _by_token(invitations.select_related("conference", "organisation"), token)


def registration_by_token(token, *, workshops=True):
    """The registration of a personal link; ``workshops=False`` skips prefetching them (my agenda asks for its own)."""
    registrations = Registration.objects.filter(anonymised_at__isnull=True)
    registrations = registrations.select_related("conference", "invitation__organisation")
    return _by_token(registrations.prefetch_related("workshops") if workshops else registrations, token)


# Invitations: state.


def is_closed(invitation, now=None):
    """No more answers: registration has closed, or the invitation has expired."""
    return invitation.status == Invitation.Status.EXPIRED or not invitation.conference.registration_is_open(now)


def has_closed(conference, now=None):
    closes = conference.registration_closes_at
    return bool(closes and (now or timezone.now()) >= closes)


def not_open_yet(conference, now=None):
    opens = conference.registration_opens_at
    return bool(opens and (now or timezone.now()) < opens)


def closed_message(invitation, now=None):
    conference = invitation.conference
    if invitation.status != Invitation.Status.EXPIRED and not_open_yet(conference, now):
        opens = timezone.localtime(conference.registration_opens_at, conference.tz)
        when = f"{opens.day} {opens:%B %Y, %H:%M}"
        return f"Registration for {conference.name} opens on {when}."
    return f"Registration for {conference.name} has closed; this invitation can no longer be answered."


def expire_if_closed(invitation, now=None):
    """An unanswered invitation becomes ``expired`` once registration has closed."""
    if invitation.status in UNANSWERED and has_closed(invitation.conference, now):
        Invitation.objects.filter(pk=invitation.pk, status__in=UNANSWERED).update(status=Invitation.Status.EXPIRED)
        invitation.status = Invitation.Status.EXPIRED
    return invitation


def expire_invitations(now=None):
    """Every unanswered invitation of a conference whose registration has closed; returns how many."""
    now = now or timezone.now()
    closed = Conference.objects.filter(registration_closes_at__lte=now)
    return Invitation.objects.filter(conference__in=closed, status__in=UNANSWERED).update(
        status=Invitation.Status.EXPIRED
    )


def open_invitation(*, invitation, now=None):
    """The RSVP link was followed: ``opened`` the first time (a conditional update, so once)."""
    now = now or timezone.now()
    expire_if_closed(invitation, now)
    if invitation.status in (Invitation.Status.DRAFT, Invitation.Status.SENT):
        updated = Invitation.objects.filter(
            pk=invitation.pk, status__in=(Invitation.Status.DRAFT, Invitation.Status.SENT)
        ).update(status=Invitation.Status.OPENED, opened_at=now)
        if updated:
            invitation.status = Invitation.Status.OPENED
            invitation.opened_at = now
    return invitation


# Invitations: seats.


def delegates_named(invitation):
    """How many delegates are named on the invitation (confirmed or waitlisted; cancelled ones gave their seat back)."""
    return invitation.registrations.filter(status__in=ACTIVE).count()


def seats_left(*, invitation, named=None):
    """Seats of the invitation not taken by a delegate named, never below 0.

    ``named``: the number of delegates named, when the caller has already counted them.
    """
    if named is None:
        named = delegates_named(invitation)
    return max(invitation.seats - named, 0)


def check_seats(*, invitation, seats):
    """Refuse ``seats`` below the delegates already named on a saved invitation (raises SeatsBelowDelegates)."""
    if invitation.pk is None or seats is None:
        return
    named = delegates_named(invitation)
    if seats < named:
        raise SeatsBelowDelegates(f"{named} delegates are already named on this invitation; cancel some first.")


def check_deletable(*, invitation):
    """Refuse to delete an invitation that has delegates (raises InvitationHasDelegates).

    Deleting it would delete them too, without offering their places on:
    they are cancelled instead (which keeps the history and serves the waiting list).
    """
    if invitation.registrations.exists():
        raise InvitationHasDelegates("This invitation has delegates; cancel them instead of deleting it.")


def delete_invitation(*, invitation):
    """Delete an invitation that has no delegates; refused (InvitationHasDelegates) when it has any."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        check_deletable(invitation=invitation)
        invitation.delete()


# Invitations: creating and sending.


def create_invitation(*, conference, organisation, organisation_kind="", contact_name, email, category, seats):
    """One invitation; the organisation is found by name (any case) or created."""
    with transaction.atomic():
        org = _organisation(organisation, organisation_kind)
        return Invitation.objects.create(
            conference=conference,
            organisation=org,
            contact_name=contact_name,
            email=email,
            category=category,
            seats=seats,
        )


def _organisation(name, kind="", cache=None):
    key = name.strip().casefold()
    if cache is not None and key in cache:
        return cache[key]
    org = Organisation.objects.filter(name__iexact=name.strip()).first()
    if org is None:
        org = Organisation.objects.create(name=name.strip(), kind=kind or Organisation.Kind.COMPANY)
    if cache is not None:
        cache[key] = org
    return org


def _organisations(rows):
    """The organisations of imported rows by their casefolded name, found or created in a few queries.

    An existing organisation is matched by its exact name or, case aside, by
    its lower-cased one; the missing ones are created in one bulk insert (one
    created by a concurrent import meanwhile is simply read back).
    """
    wanted = {}
    for row in rows:
        name = row["organisation"].strip()
        wanted.setdefault(name.casefold(), (name, row["organisation_kind"] or Organisation.Kind.COMPANY))
    found = {}

    def read(names):
        names = list(names)
        for start in range(0, len(names), 2000):
            chunk = names[start : start + 2000]
            lowered = [n.lower() for n in chunk]
            for org in Organisation.objects.annotate(lowered=Lower("name")).filter(
                Q(name__in=chunk) | Q(lowered__in=lowered)
            ):
                found.setdefault(org.name.casefold(), org)

    read(name for name, _ in wanted.values())
    missing = [Organisation(name=name, kind=kind) for key, (name, kind) in wanted.items() if key not in found]
    if missing:
        Organisation.objects.bulk_create(missing, batch_size=500, ignore_conflicts=True)
        read(org.name for org in missing)
    return found


def import_invitations(*, conference, rows):
    """Create the invitations of validated rows (see importing.py), all or nothing.

    The duplicate check against existing invitations is repeated here, inside
    the transaction, so two imports racing cannot both add the same e-mail.
    """
    with transaction.atomic():
        Conference.objects.select_for_update().get(pk=conference.pk)
        existing = {
            e.casefold() for e in Invitation.objects.filter(conference=conference).values_list("email", flat=True)
        }
        errors = [
            {"row": row["row"], "field": "email", "message": f"{row['email']} already has an invitation."}
            for row in rows
            if row["email"].casefold() in existing
        ]
        if errors:
            raise ImportInvalid(errors)
        organisations = _organisations(rows)
        invitations = [
            Invitation(
                conference=conference,
                organisation=organisations[row["organisation"].strip().casefold()],
                contact_name=row["contact_name"],
                email=row["email"],
                category=row["category"],
                seats=row["seats"],
            )
            for row in rows
        ]
        Invitation.objects.bulk_create(invitations, batch_size=500)
    return len(invitations)


def invitations_to_send(*, conference, ids=None, remind=False):
    """The invitations that ``send_invitations`` with the same arguments would e-mail (the count of a preview).

    Without ``ids``: every draft invitation (or, with ``remind``, every one
    sent or opened but not answered). With ``ids``: those invitations, as long
    as they are not answered (an answered invitation gets no reminder and no
    second invitation; a draft gets no reminder).
    """
    if remind:
        wanted = (Invitation.Status.SENT, Invitation.Status.OPENED)
    elif ids is not None:
        wanted = UNANSWERED
    else:
        wanted = (Invitation.Status.DRAFT,)
    queryset = Invitation.objects.filter(conference=conference, status__in=wanted)
    if ids is not None:
        queryset = queryset.filter(pk__in=list(ids))
    return queryset


def send_invitations(*, conference, ids=None, remind=False, now=None):
    """Send (or remind) the invitations of :func:`invitations_to_send`; returns how many.

    Only what must be decided at once happens here, in one transaction under
    the invitations' row locks (taken by the one UPDATE that changes them):
    which invitations are sent, their new status (sent, or the reminder's
    time), and a send batch that records the work
    (``batches.record``). Their e-mails are rendered and written to the outbox
    after it commits, by a worker, a chunk at a time, and sent as they are
    written (:mod:`registration.batches`): "Send 5,000" answers at once, and a
    process that dies after the commit loses nothing (the outbox's sweep
    finishes the batch).
    """
    now = now or timezone.now()
    queryset = invitations_to_send(conference=conference, ids=ids, remind=remind)
    if remind:
        changes = {"reminded_at": Value(now)}
    else:
        draft = Q(status=Invitation.Status.DRAFT)
        changes = {
            "status": Case(When(draft, then=Value(Invitation.Status.SENT.value)), default=F("status")),
            "sent_at": Case(When(draft | Q(sent_at__isnull=True), then=Value(now)), default=F("sent_at")),
        }
    with transaction.atomic():
        # One UPDATE chooses, locks and changes them, and says which it changed.
        pks = sorted(update_returning_pks(queryset, **changes))
        if not pks:
            return 0
        batches.record(conference=conference, invitation_ids=pks, remind=remind)
    return len(pks)


# Delegates.


def delegate_form(data, *, conference, category=None, require_consent=True, questions=None):
    """A delegate's details, validated with DelegateForm: ``data`` is a dict of the fields, or a form to use as it is.

    A page passes the forms it shows, so that they carry every error (the
    form's and the service's); the API passes dicts. A delegate named must be
    filled in, even from a row the page would skip when blank. ``category``
    (the invitation's) decides which questions are asked.
    """
    if isinstance(data, DelegateForm):
        form = data
        if form.conference is None or form.conference.pk != conference.pk:
            raise ValueError("The delegate form was made for another conference.")
    else:
        form = DelegateForm(
            data, conference=conference, category=category, require_consent=require_consent, questions=questions
        )
    form.empty_permitted = False
    form.is_valid()
    return form


def waitlist_position(registration):
    """A waitlisted delegate's place in the queue (1: next to be offered a place), or None when not waitlisted.

    The queue is the order in which places are offered: registration time, then id.
    """
    if registration.status != Registration.Status.WAITLISTED:
        return None
    ahead = Registration.objects.filter(
        conference_id=registration.conference_id, status=Registration.Status.WAITLISTED
    ).filter(Q(created_at__lt=registration.created_at) | Q(created_at=registration.created_at, pk__lt=registration.pk))
    return ahead.count() + 1


def workshops_with_places(conference):
    """The workshops, each with ``places_left`` (None: unlimited), in one query."""
    sessions = workshops_of(conference).annotate(
        taken=Count("attendees", filter=Q(attendees__status__in=ACTIVE), distinct=True)
    )
    result = []
    for session in sessions:
        session.places_left = None if session.capacity is None else max(session.capacity - session.taken, 0)
        result.append(session)
    return result


def _lock_conference(conference):
    return Conference.objects.select_for_update().get(pk=conference.pk)


def _lock_workshops(sessions):
    """Lock the workshop rows in id order (after the conference row), so locks never cross."""
    ids = sorted({s.pk for s in sessions})
    if ids:
        list(Session.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))


def _check_workshop_places(sessions_wanted, exclude_registration=None):
    """Raise WorkshopFull when any workshop would go past its places. Call under the locks."""
    wanted = {}
    for session in sessions_wanted:
        wanted[session.pk] = wanted.get(session.pk, 0) + 1
    limited = [s for s in {s.pk: s for s in sessions_wanted}.values() if s.capacity is not None]
    if not limited:
        return
    taken_qs = Registration.objects.filter(workshops__in=[s.pk for s in limited], status__in=ACTIVE)
    if exclude_registration is not None:
        taken_qs = taken_qs.exclude(pk=exclude_registration.pk)
    taken = dict(taken_qs.values("workshops").annotate(n=Count("pk")).values_list("workshops", "n"))
    for session in limited:
        left = session.capacity - taken.get(session.pk, 0)
        if wanted[session.pk] > left:
            raise WorkshopFull(
                f"The workshop “{session.title}” is full"
                + (f" (only {left} place{'s' if left != 1 else ''} left)." if left > 0 else "."),
                extra={"workshop": session.pk},
            )


def _promote_waitlisted(conference, now):
    """Fill free places from the waiting list, first come first served. Call under the conference lock.

    The places rule (``registration.places``) decides each one: a waiting
    delegate of an exempt category is always confirmed; a place reserved for
    a category goes to the first waiting delegate of that category; a
    general place to the first waiting delegate of any category. Returns
    ``(promoted, places)``: the delegates confirmed now, and the places as
    they stand afterwards.
    """
    places = Places.count(conference)
    promoted = []
    if not places.waiting_total():
        return promoted, places
    waiting = (
        Registration.objects.filter(conference=conference, status=Registration.Status.WAITLISTED)
        .select_related("conference", "invitation__organisation")
        .order_by("created_at", "pk")
    )
    if places.waiting_exempt():
        for registration in waiting.filter(invitation__category__in=places.exempt):
            promoted.append(_confirm_from_waitlist(registration, places, now))
    after = None
    while places.free() > 0:
        queryset = waiting.exclude(invitation__category__in=places.exempt)
        fitting = places.categories_that_fit()
        if fitting is not None:
            queryset = queryset.filter(invitation__category__in=fitting)
        if after is not None:
            queryset = queryset.filter(
                Q(created_at__gt=after.created_at) | Q(created_at=after.created_at, pk__gt=after.pk)
            )
        batch = list(queryset[: places.free()])
        if not batch:
            break
        for registration in batch:
            if places.fits(registration.invitation.category):
                promoted.append(_confirm_from_waitlist(registration, places, now))
        after = batch[-1]
    return promoted, places


def _confirm_from_waitlist(registration, places, now):
    places.take(registration.invitation.category)
    registration.status = Registration.Status.CONFIRMED
    registration.confirmed_at = now
    registration.save(update_fields=["status", "confirmed_at"])
    emails.waitlist_offer_email(registration)
    return registration


def accept_invitation(*, invitation, delegates, now=None):
    """Accept an invitation, registering ``delegates`` (dicts of the RSVP fields, or DelegateForms).

    The delegates are added to those already named; together they may not
    exceed the invitation's seats. Each is confirmed while the conference has
    places, and waitlisted after that; a full workshop refuses the whole
    answer. Returns the new registrations.

    ``now`` is the moment of the answer (the demo passes past moments); by
    default it is now, and each delegate's place in the queue is the moment
    the conference's lock was taken.
    """
    registered_at = now
    now = now or timezone.now()
    if not isinstance(delegates, list | tuple) or not delegates:
        raise RegistrationError("Name at least one delegate to accept.", code="no_delegates")
    if is_closed(invitation, now):
        raise RegistrationClosed(closed_message(invitation, now))
    shapes = [{} if isinstance(d, dict | DelegateForm) else {"non_field_errors": [NOT_AN_OBJECT]} for d in delegates]
    if any(shapes):
        raise DelegatesInvalid(shapes)
    questions = questions_of(invitation.conference)
    forms = [
        delegate_form(data, conference=invitation.conference, category=invitation.category, questions=questions)
        for data in delegates
    ]
    with transaction.atomic():
        conference = _lock_conference(invitation.conference)
        invitation = Invitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
        invitation.conference = conference
        _check_new_delegates(invitation, forms)
        chosen = [s for form in forms for s in form.cleaned_data["workshops"]]
        _lock_workshops(chosen)
        _check_workshop_places(chosen)
        created = _register(conference, invitation, forms, now=now, registered_at=registered_at or timezone.now())
        invitation.status = Invitation.Status.ACCEPTED
        invitation.responded_at = now
        invitation.save(update_fields=["status", "responded_at"])
        for registration in created:
            if registration.status == Registration.Status.CONFIRMED:
                emails.confirmation_email(registration)
            else:
                emails.waitlisted_email(registration)
    return created


def _check_new_delegates(invitation, forms):
    """Under the invitation's lock: the seats left, then each delegate's errors (their form's, a repeated e-mail)."""
    emails_named = [
        e.casefold() for e in invitation.registrations.filter(status__in=ACTIVE).values_list("email", flat=True)
    ]
    named = len(emails_named)
    left = seats_left(invitation=invitation, named=named)
    if len(forms) > left:
        raise TooManyDelegates(
            f"This invitation has {invitation.seats} seat{'s' if invitation.seats != 1 else ''}"
            f" and {named} {'is' if named == 1 else 'are'} already named: you can add {left} more.",
            extra={"seats": invitation.seats, "seats_left": left},
        )
    emails_named = set(emails_named)
    for form in forms:
        email = form.cleaned_data.get("email", "").casefold()
        if email and email in emails_named:
            form.add_error("email", "This delegate is already registered on this invitation.")
        emails_named.add(email)
    if not all(form.is_valid() for form in forms):
        raise DelegatesInvalid([form.error_dict() for form in forms])


def _register(conference, invitation, forms, *, now, registered_at):
    """Create the delegates of valid forms: confirmed while there is a place for their category, else waitlisted.

    Call under the conference's lock; the waiting list is served first. The
    places rule (exempt categories, reserved places) is ``registration.places``.
    """
    _, places = _promote_waitlisted(conference, now)
    created = []
    for form in forms:
        is_confirmed = places.fits(invitation.category)
        if is_confirmed:
            places.take(invitation.category)
        registration = Registration.objects.create(
            conference=conference,
            invitation=invitation,
            **{field: form.cleaned_data[field] for field in DELEGATE_FIELDS},
            answers=form.cleaned_data.get("answers", {}),
            consent_at=now,
            status=Registration.Status.CONFIRMED if is_confirmed else Registration.Status.WAITLISTED,
            created_at=registered_at,
            confirmed_at=now if is_confirmed else None,
        )
        workshops = form.cleaned_data["workshops"]
        if workshops:
            registration.workshops.set(workshops)
        registration.chosen_workshops = workshops
        save_profile(registration, form.cleaned_data, new=True)  # networking: opt in, interests, note
        created.append(registration)
    return created


MAX_IDEMPOTENCY_KEY = 255


def answer_once(*, invitation, key, answer):
    """An RSVP sent again with the same ``Idempotency-Key`` gets the same answer and changes nothing.

    ``answer()`` makes the change and returns ``(status_code, body)``. With a
    key, it runs under the conference's and the invitation's locks (the order
    every RSVP takes them), after looking for an answer stored for this
    invitation and key: a retry, or a duplicate sent at the same moment, waits
    for the first and gets its stored answer. A successful answer is stored in
    the same transaction as its change; an error changes nothing, so it is not
    stored and a retry is decided afresh. Without a key, ``answer()`` just runs.
    """
    if not key:
        return answer()
    if len(key) > MAX_IDEMPOTENCY_KEY:
        raise RegistrationError(
            f"Keep the Idempotency-Key to {MAX_IDEMPOTENCY_KEY} characters.", code="invalid_idempotency_key"
        )
    with transaction.atomic():
        _lock_conference(invitation.conference)
        Invitation.objects.select_for_update().filter(pk=invitation.pk).values_list("pk", flat=True).get()
        stored = RsvpAnswer.objects.filter(invitation=invitation, key=key).first()
        if stored is not None:
            return stored.status_code, stored.body
        status_code, body = answer()
        RsvpAnswer.objects.create(invitation=invitation, key=key, status_code=status_code, body=body)
    return status_code, body


def decline_invitation(*, invitation, cancelling=None, now=None):
    """Decline; delegates named earlier on this invitation are cancelled and their places offered on.

    ``cancelling``: the ids of the delegates the person agreed to cancel (the
    RSVP page names them and asks again). When given, the decline goes ahead
    only if they are exactly the delegates named now, checked under the
    invitation's lock; otherwise nothing changes and DeclineNeedsConfirmation
    names them. ``None`` (the API, the demo) declines without asking.
    """
    now = now or timezone.now()
    if is_closed(invitation, now):
        raise RegistrationClosed(closed_message(invitation, now))
    with transaction.atomic():
        conference = _lock_conference(invitation.conference)
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        active = list(
            invitation.registrations.filter(status__in=ACTIVE)
            .select_related("conference", "invitation__organisation")
            .order_by("created_at", "pk")
        )
        if cancelling is not None and {r.pk for r in active} != set(cancelling):
            raise DeclineNeedsConfirmation(active)
        for registration in active:
            _cancel(registration, now)
        invitation.status = Invitation.Status.DECLINED
        invitation.responded_at = now
        invitation.save(update_fields=["status", "responded_at"])
        _promote_waitlisted(conference, now)
    return invitation


def _cancel(registration, now):
    registration.status = Registration.Status.CANCELLED
    registration.cancelled_at = now
    registration.save(update_fields=["status", "cancelled_at"])
    emails.cancellation_email(registration)


def offer_free_places(*, conference, now=None):
    """The waiting list takes the places that are free now; returns the delegates confirmed (and e-mailed).

    Run whenever a conference's places settings are saved (capacity raised, a
    category made exempt, places held for a category), whoever saves them:
    the API, the admin, the organiser's pages (``offer_places_when_saved``).
    Nothing happens when no place is free.
    """
    now = now or timezone.now()
    with transaction.atomic():
        conference = _lock_conference(conference)
        return _promote_waitlisted(conference, now)[0]


PLACES_FIELDS = {"capacity", "capacity_exempt_categories", "reserved_places"}


def offer_places_when_saved(sender, instance, created, update_fields=None, **kwargs):
    """A receiver of the conference's post_save: a changed places setting offers free places at once."""
    if created or kwargs.get("raw") or (update_fields is not None and not PLACES_FIELDS & set(update_fields)):
        return
    if Registration.objects.filter(conference=instance, status=Registration.Status.WAITLISTED).exists():
        offer_free_places(conference=instance)


def cancel_registration(*, registration, now=None):
    """Cancel one delegate; a freed place goes at once to the first waitlisted delegate.

    Returns the delegates promoted from the waiting list (confirmed and told by e-mail).
    """
    now = now or timezone.now()
    with transaction.atomic():
        conference = _lock_conference(registration.conference)
        registration = (
            Registration.objects.select_for_update()
            .select_related("conference", "invitation__organisation")
            .get(pk=registration.pk)
        )
        if registration.status == Registration.Status.CANCELLED:
            raise NotCancellable("This registration is already cancelled.")
        _cancel(registration, now)
        return _promote_waitlisted(conference, now)[0]


def confirm_registration(*, registration, now=None):
    """An organiser confirms a waitlisted delegate, over capacity if need be; they get the confirmation e-mail.

    The delegate takes a place like any other (a reserved one of their
    category if one is free, else a general one, past the capacity if none
    is), so the places left for others go down by one. Refused
    (NotWaitlisted) for a delegate who is not on the waiting list.
    """
    now = now or timezone.now()
    with transaction.atomic():
        _lock_conference(registration.conference)
        registration = (
            Registration.objects.select_for_update()
            .select_related("conference", "invitation__organisation")
            .get(pk=registration.pk)
        )
        if registration.status != Registration.Status.WAITLISTED:
            raise NotWaitlisted(f"{registration.full_name} is {registration.status}, not on the waiting list.")
        registration.status = Registration.Status.CONFIRMED
        registration.confirmed_at = now
        registration.save(update_fields=["status", "confirmed_at"])
        # The confirmation (not "a place has come free": none did), with its calendar entry.
        emails.confirmation_email(registration)
    return registration


def resend_confirmation(*, registration):
    """Send a delegate their answer again: the confirmation (with its calendar) or the waiting-list notice.

    For a delegate who lost the e-mail or never got it; refused
    (NotRegistered) for a cancelled registration, which has nothing to resend.
    """
    with transaction.atomic():
        registration = Registration.objects.select_related("conference", "invitation__organisation").get(
            pk=registration.pk
        )
        if registration.status == Registration.Status.CONFIRMED:
            emails.confirmation_email(registration)
        elif registration.status == Registration.Status.WAITLISTED:
            emails.waitlisted_email(registration)
        else:
            raise NotRegistered(f"{registration.full_name}'s registration is cancelled: there is nothing to resend.")
    return registration


def substitute_registration(*, registration, data, now=None):
    """A colleague takes ``registration``'s place; returns the new registration.

    ``data``: the colleague's details (a dict of DelegateForm's fields, or a
    DelegateForm made without the consent box: consent is theirs to give, so
    it is not asked here). In one transaction under the conference's lock:
    the old registration is cancelled without offering its place on, and the
    new one takes its status and its place in the queue (``created_at``) and
    its workshops, with a link (token) of its own. The old delegate's badge stops admitting because
    the registration is cancelled (the door answers ``cancelled``); the
    newcomer's badge is issued on first need like any other.
    """
    now = now or timezone.now()
    conference = registration.conference
    category = registration.invitation.category
    if isinstance(data, DelegateForm):  # a page's form, so that it carries every error beside its field
        form = delegate_form(data, conference=conference, category=category)
    elif isinstance(data, dict):
        form = delegate_form({**data, "workshops": []}, conference=conference, category=category, require_consent=False)
    else:
        raise DelegatesInvalid([{"non_field_errors": [NOT_AN_OBJECT]}])
    if form.errors:
        raise DelegatesInvalid([form.error_dict()])
    with transaction.atomic():
        _lock_conference(conference)
        invitation = (
            Invitation.objects.select_for_update().select_related("organisation").get(pk=registration.invitation_id)
        )
        old = (
            Registration.objects.select_for_update()
            .select_related("conference", "invitation__organisation")
            .get(pk=registration.pk)
        )
        if old.status not in ACTIVE:
            raise NotSubstitutable(f"{old.full_name}'s registration is cancelled: there is no place to pass on.")
        email = form.cleaned_data["email"].casefold()
        others = invitation.registrations.filter(status__in=ACTIVE).exclude(pk=old.pk)
        if any(e.casefold() == email for e in others.values_list("email", flat=True)):
            form.add_error("email", "This delegate is already registered on this invitation.")
            raise DelegatesInvalid([form.error_dict()])
        workshops = list(old.workshops.select_related("room").order_by("starts_at"))
        status = old.status
        old.status = Registration.Status.CANCELLED
        old.cancelled_at = now
        old.save(update_fields=["status", "cancelled_at"])
        emails.cancellation_email(old)
        new = Registration.objects.create(
            conference=old.conference,
            invitation=invitation,
            **{field: form.cleaned_data[field] for field in DELEGATE_FIELDS},
            answers=form.cleaned_data.get("answers", {}),
            status=status,
            created_at=old.created_at,
            confirmed_at=now if status == Registration.Status.CONFIRMED else None,
        )
        if workshops:
            new.workshops.set(workshops)
        new.chosen_workshops = workshops
        if new.status == Registration.Status.CONFIRMED:
            emails.confirmation_email(new)
        else:
            emails.waitlisted_email(new)
    return new


def update_registration(*, registration, data, now=None):
    """Change a delegate's details and workshop choices (the manage page); ``data`` is a dict or a DelegateForm."""
    now = now or timezone.now()
    if registration.status == Registration.Status.CANCELLED:
        raise NotCancellable("This registration is cancelled and can no longer be changed.")
    if is_closed(registration.invitation, now):
        raise RegistrationClosed(f"Registration for {registration.conference.name} has closed; ask the organisers.")
    conference = registration.conference
    if not isinstance(data, dict | DelegateForm):
        raise DelegatesInvalid([{"non_field_errors": [NOT_AN_OBJECT]}])
    form = delegate_form(data, conference=conference, category=registration.invitation.category, require_consent=False)
    if form.errors:
        raise DelegatesInvalid([form.error_dict()])
    cleaned = form.cleaned_data
    with transaction.atomic():
        _lock_conference(conference)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        current = set(registration.workshops.values_list("pk", flat=True))
        new = [s for s in cleaned["workshops"] if s.pk not in current]
        _lock_workshops(cleaned["workshops"])
        _check_workshop_places(new, exclude_registration=registration)
        for field in DELEGATE_FIELDS:
            setattr(registration, field, cleaned[field])
        registration.answers = cleaned.get("answers", {})
        registration.save(update_fields=[*DELEGATE_FIELDS, "answers"])
        registration.workshops.set(cleaned["workshops"])
        save_profile(registration, cleaned)  # networking: opt in, interests, note
    return registration
