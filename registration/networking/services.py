"""Every rule of networking between delegates, in one place.

Who is in the directory and who may see it, who may ask whom for a meeting
and when, the daily limit of requests, accepting under a lock so that nobody
is in two meetings of one slot, the tables, whose contact details are given
after the event. The pages, the delegate's API, the organisers' page and API,
the agenda and the demo call these functions; none of them decides anything.

This module imports nothing of ``registration.services`` (which calls
:func:`save_profile` while it registers a delegate).
"""

import datetime as dt
import functools
from collections.abc import Sequence

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from rest_framework import status

from conference.models import Organisation, Session
from conference.plumbing.errors import Conflict, ServiceError
from conference.plumbing.folding import fold

from ..models import Registration
from . import emails
from .models import MESSAGE_LIMIT, Meeting, NetworkingSettings, SlotTables, Topic, validate_note_text

DAILY_REQUEST_LIMIT = 20
MAX_TABLES = 500


# Errors (their codes are the API's, listed in the README).


class NotInDirectory(ServiceError):
    status_code = status.HTTP_403_FORBIDDEN
    code = "not_in_directory"


class NetworkingOff(ServiceError):
    status_code = status.HTTP_403_FORBIDDEN
    code = "networking_off"


class NotANetworkingSlot(ServiceError):
    code = "not_a_networking_slot"


class UnknownDelegate(ServiceError):
    code = "unknown_delegate"


class SlotTaken(Conflict):
    code = "slot_taken"


class TooManyRequests(ServiceError):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    code = "too_many_requests"


class MeetingNotFound(ServiceError):
    status_code = status.HTTP_404_NOT_FOUND
    code = "not_found"


class NotYourAnswer(ServiceError):
    status_code = status.HTTP_403_FORBIDDEN
    code = "not_the_one_asked"


class MeetingClosed(Conflict):
    code = "meeting_closed"


class AlreadyRequested(Conflict):
    code = "already_requested"


class NoTableFree(Conflict):
    code = "no_table_free"


# The switch, the topics, the tables (organisers).


def settings_of(conference):
    """The conference's networking settings; unsaved defaults (on, 10 tables) when it has none."""
    return NetworkingSettings.of(conference)


def is_enabled(conference):
    return settings_of(conference).enabled


def set_networking(*, conference, enabled, tables_per_slot=None):
    """Switch networking on or off (and set the default tables a slot)."""
    if tables_per_slot is not None and not 1 <= tables_per_slot <= MAX_TABLES:
        raise ServiceError(f"Give between 1 and {MAX_TABLES} tables a slot.", code="invalid_tables")
    defaults = {"enabled": bool(enabled)}
    if tables_per_slot is not None:
        defaults["tables_per_slot"] = tables_per_slot
    found, _ = NetworkingSettings.objects.update_or_create(conference=conference, defaults=defaults)
    return found


def topics_of(conference):
    return Topic.objects.filter(conference=conference).order_by("position", "name")


def save_topic(*, conference, name, topic=None, position=None):
    """Add a topic (at the end of the list), or rename or move one; the same name twice (in any case) is refused."""
    name = " ".join(str(name or "").split())
    if not name:
        raise ServiceError("Give the topic a name.", code="blank")
    if len(name) > 100:
        raise ServiceError("Keep a topic's name to 100 characters.", code="too_long")
    others = topics_of(conference).filter(name__iexact=name)
    if topic is not None:
        others = others.exclude(pk=topic.pk)
    if others.exists():
        raise Conflict(f"There is already a topic “{name}”.", code="topic_exists")
    if topic is None:
        topic = Topic(conference=conference, position=topics_of(conference).count())
    topic.name = name
    if position is not None:
        topic.position = position
    try:
        topic.full_clean(exclude=["conference"], validate_constraints=False)
    except DjangoValidationError as exc:
        raise ServiceError(" ".join(exc.messages), code="invalid_characters") from None
    try:
        with transaction.atomic():
            topic.save()
    except IntegrityError:
        raise Conflict(f"There is already a topic “{name}”.", code="topic_exists") from None
    return topic


def topics_for_rsvp(conference):
    """The topics an RSVP offers, as ``[{"id", "name"}]``; none when networking is off."""
    if not is_enabled(conference):
        return []
    return [{"id": t.pk, "name": t.name} for t in topics_of(conference)]


def delete_topic(*, topic):
    """Remove a topic; delegates who chose it simply no longer have it."""
    topic.delete()


def networking_slots(conference, now=None):
    """The networking sessions delegates can meet in: in the published agenda, not cancelled, not over."""
    now = now or timezone.now()
    return (
        Session.objects.filter(
            conference=conference,
            kind=Session.Kind.NETWORKING,
            published_in__isnull=False,
            cancelled_at__isnull=True,
            ends_at__gt=now,
        )
        .select_related("room", "meeting_tables")
        .order_by("starts_at", "pk")
    )


def tables_of(session, settings=None):
    """The tables of a networking slot, in the order they are given out: the organisers' names, else Table 1 to N."""
    try:
        names = session.meeting_tables.names
    except SlotTables.DoesNotExist:
        names = None
    if names:
        return list(names)
    settings = settings or settings_of(session.conference)
    return [f"Table {n}" for n in range(1, settings.tables_per_slot + 1)]


def parse_tables(text):
    """Tables as organisers type them: a number (that many, Table 1 to N), or names separated by commas or lines."""
    text = str(text or "").strip()
    if not text:
        return []
    if text.isdigit():
        count = int(text)
        if not 1 <= count <= MAX_TABLES:
            raise ServiceError(f"Give between 1 and {MAX_TABLES} tables.", code="invalid_tables")
        return [f"Table {n}" for n in range(1, count + 1)]
    names = []
    for part in text.replace("\n", ",").split(","):
        name = " ".join(part.split())[:100]
        if name and name.casefold() not in {n.casefold() for n in names}:
            names.append(name)
    if len(names) > MAX_TABLES:
        raise ServiceError(f"Give at most {MAX_TABLES} tables.", code="invalid_tables")
    return names


def set_tables(*, session, names):
    """Name the tables of a networking slot (empty: back to the default); tables of accepted meetings must stay."""
    if session.kind != Session.Kind.NETWORKING:
        raise NotANetworkingSlot(f"“{session.title}” is not a networking session.")
    with transaction.atomic():
        session = Session.objects.select_for_update().get(pk=session.pk)
        booked = set(session.meetings.filter(status=Meeting.Status.ACCEPTED).values_list("table", flat=True))
        SlotTables.objects.filter(session=session).delete()
        if names:
            SlotTables.objects.create(session=session, names=list(names))
        missing = sorted(booked - set(tables_of(Session.objects.select_related("meeting_tables").get(pk=session.pk))))
        if missing:
            raise Conflict(
                f"{', '.join(missing)} {'has' if len(missing) == 1 else 'have'} accepted meetings: keep "
                f"{'it' if len(missing) == 1 else 'them'} among the tables.",
                code="table_in_use",
            )


def figures(conference):
    """The organisers' counts: delegates opted in, meetings requested (all), accepted now."""
    meetings = Meeting.objects.filter(conference=conference).aggregate(
        requests=Count("pk"), accepted=Count("pk", filter=Q(status=Meeting.Status.ACCEPTED))
    )
    opted_in = Registration.objects.filter(
        conference=conference, status=Registration.Status.CONFIRMED, directory_opt_in=True
    ).count()
    return {"opted_in": opted_in, **meetings}


# A delegate's profile (at RSVP and on their page).


def save_profile(registration, cleaned, *, new=False):
    """Save the networking fields of a validated delegate form (``registration.services`` calls this in its
    transaction). A form without them (networking off) leaves the profile as it was."""
    if "directory_opt_in" not in cleaned:
        return
    opted_in, note, interests = (
        bool(cleaned["directory_opt_in"]),
        cleaned.get("networking_note") or "",
        cleaned.get("interests") or [],
    )
    if new and not (opted_in or note or interests):
        return  # a new delegate who chose nothing: the defaults stand, no query
    registration.directory_opt_in = opted_in
    registration.networking_note = note
    registration.save(update_fields=["directory_opt_in", "networking_note"])
    if interests or not new:
        registration.interests.set(interests)


def set_opt_in(*, registration, opted_in):
    """Join or leave the directory from the directory's page (the RSVP and the delegate's page save the whole
    profile through :func:`save_profile`). Meetings already agreed stay."""
    if not is_enabled(registration.conference):
        raise NetworkingOff(f"Networking is switched off for {registration.conference.name}.")
    if opted_in and registration.status != Registration.Status.CONFIRMED:
        raise NotInDirectory("Only confirmed delegates can join the delegate directory.")
    Registration.objects.filter(pk=registration.pk).update(directory_opt_in=bool(opted_in))
    registration.directory_opt_in = bool(opted_in)
    return registration


# The directory.


def in_directory(registration):
    return (
        registration.directory_opt_in
        and registration.status == Registration.Status.CONFIRMED
        and is_enabled(registration.conference)
    )


def check_in_directory(registration):
    """Only a confirmed delegate who opted in sees the directory (and is seen in it)."""
    if not is_enabled(registration.conference):
        raise NetworkingOff(f"Networking is switched off for {registration.conference.name}.")
    if registration.status != Registration.Status.CONFIRMED:
        raise NotInDirectory("Only confirmed delegates can use the delegate directory.")
    if not registration.directory_opt_in:
        raise NotInDirectory(
            "The directory is for delegates who are in it: opt in on your registration page to see it."
        )


def _listed(conference):
    return Registration.objects.filter(
        conference=conference, status=Registration.Status.CONFIRMED, directory_opt_in=True
    ).select_related("invitation__organisation")


# Organisations, job titles, topics and first names repeat across the directory: each is folded once.
_fold = functools.lru_cache(maxsize=20_000)(fold)


_DETAILS = (
    "pk",
    "first_name",
    "last_name",
    "job_title",
    "networking_note",
    "invitation__organisation__name",
    "invitation__organisation__kind",
)


class Directory(Sequence):
    """The directory's matching delegates, in name order; a row's details are read only when it is shown (a
    page of 50 of 2,000: one more query for the page), so that paginators pay for the page they show. Rows:
    id, name, job_title, organisation, organisation_kind, interests (names), networking_note."""

    def __init__(self, keys, *, details=None, interests=None, topic_names=None):
        self._keys = keys  # registration ids, in order
        self._details = details  # {id: the _DETAILS tuple}, when already read (a search reads them all)
        self._interests = interests
        self._topic_names = topic_names or {}
        self._order = {pk: n for n, pk in enumerate(self._topic_names)}

    def __len__(self):
        return len(self._keys)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self._rows(self._keys[index])
        return self._rows([self._keys[index]])[0]

    def _rows(self, keys):
        details, interests = self._details, self._interests
        if details is None:
            people = Registration.objects.filter(pk__in=keys).values_list(*_DETAILS)
            details = {person[0]: person for person in people}
        if interests is None:
            interests = _interests_of(Registration.interests.through.objects.filter(registration_id__in=keys))
        names = self._topic_names
        return [
            {
                "id": pk,
                "name": f"{first} {last}".strip(),
                "job_title": job_title,
                "organisation": organisation,
                "organisation_kind": organisation_kind,
                "interests": [names[i] for i in sorted(interests.get(pk, ()), key=self._order.get)],
                "networking_note": note,
            }
            for pk, first, last, job_title, note, organisation, organisation_kind in (details[k] for k in keys)
        ]


def _interests_of(pairs):
    interests = {}
    for registration_id, topic_id in pairs.values_list("registration_id", "topic_id"):
        interests.setdefault(registration_id, []).append(topic_id)
    return interests


def directory(*, registration, q="", interest=None, kind=None):
    """The other delegates of the directory that match, as a :class:`Directory` (never an e-mail address).
    A fixed number of queries, whatever the numbers.

    ``q``: every word must appear (case and accents ignored) in the name, job title, organisation, note or
    interests. ``interest``: a topic's id or name. ``kind``: an organisation kind.

    Plain tuples (``values_list``), not model instances, and only what the
    order and the search need: the directory reads thousands of them on
    every request (see bench/README.md).
    """
    check_in_directory(registration)
    conference = registration.conference
    people = Registration.objects.filter(
        conference=conference, status=Registration.Status.CONFIRMED, directory_opt_in=True
    ).exclude(pk=registration.pk)
    if kind:
        people = people.filter(invitation__organisation__kind=kind)
    topic = find_topic(conference, interest)
    if interest not in (None, "") and topic is None:
        return Directory([])
    if topic is not None:
        people = people.filter(interests=topic)
    topic_names = dict(topics_of(conference).values_list("pk", "name"))
    words = fold(q).split()
    if not words:
        rows = list(people.values_list("pk", "first_name", "last_name"))
        # In the order of names as people read them (Ł with L), whatever the database's collation.
        rows.sort(key=lambda p: (_fold(p[2]), _fold(p[1]), p[0]))
        return Directory([p[0] for p in rows], topic_names=topic_names)
    interests = _interests_of(
        Registration.interests.through.objects.filter(
            registration__conference=conference, registration__directory_opt_in=True
        )
    )
    rows = list(people.values_list(*_DETAILS))
    rows.sort(key=lambda p: (_fold(p[2]), _fold(p[1]), p[0]))

    def matches(person):
        pk, first, last, job_title, note, organisation, _ = person
        parts = [first, last, job_title, organisation, note, *(topic_names[i] for i in interests.get(pk, ()))]
        text = " ".join(_fold(part) for part in parts)
        return all(word in text for word in words)

    found = [p for p in rows if matches(p)]
    return Directory(
        [p[0] for p in found], details={p[0]: p for p in found}, interests=interests, topic_names=topic_names
    )


def find_topic(conference, interest):
    """A topic of the conference by id or name (any case), or None."""
    if interest in (None, ""):
        return None
    topics = topics_of(conference)
    text = str(interest).strip()
    if text.isdigit():
        return topics.filter(pk=int(text)).first()
    return topics.filter(name__iexact=text).first()


def organisations_coming(conference):
    """The directory's organisations at a glance, by kind: [{"kind", "kind_label", "organisations": [names],
    "delegates": N}], the kinds with most organisations first, names in alphabetical order. One query."""
    rows = (
        _listed(conference)
        .values_list("invitation__organisation__name", "invitation__organisation__kind")
        .annotate(delegates=Count("pk"))
        .order_by()
    )
    by_kind, delegates = {}, {}
    for name, kind, count in rows:
        by_kind.setdefault(kind, []).append(name)
        delegates[kind] = delegates.get(kind, 0) + count
    labels = dict(Organisation.Kind.choices)
    kinds = sorted(by_kind, key=lambda k: (-len(by_kind[k]), labels.get(k, k)))
    return [
        {
            "kind": kind,
            "kind_label": labels.get(kind, kind),
            "organisations": sorted(by_kind[kind], key=_fold),
            "delegates": delegates[kind],
        }
        for kind in kinds
    ]


# Meetings.


def _slot(conference, slot_id, now):
    try:
        slot_id = int(slot_id)
    except (TypeError, ValueError):
        slot_id = None
    slot = networking_slots(conference, now).filter(pk=slot_id).first() if slot_id else None
    if slot is None:
        raise NotANetworkingSlot("Choose one of the agenda's networking sessions that has not ended yet for a meeting.")
    return slot


def _busy(registration_ids, slot):
    """The delegates among ``registration_ids`` who already have an accepted meeting in ``slot``."""
    accepted = Meeting.objects.filter(slot=slot, status=Meeting.Status.ACCEPTED).filter(
        Q(requester_id__in=registration_ids) | Q(invitee_id__in=registration_ids)
    )
    busy = set()
    for requester, invitee in accepted.values_list("requester_id", "invitee_id"):
        busy.update({requester, invitee} & set(registration_ids))
    return busy


def _check_free(me, other, slot):
    busy = _busy([me.pk, other.pk], slot)
    if me.pk in busy:
        raise SlotTaken(f"You already have a meeting in “{slot.title}”; choose another slot.")
    if other.pk in busy:
        raise SlotTaken(f"{other.full_name} already has a meeting in “{slot.title}”; choose another slot.")


def _clean_message(message):
    message = str(message or "").strip()
    if len(message) > MESSAGE_LIMIT:
        raise ServiceError(f"Keep the message to {MESSAGE_LIMIT} characters.", code="message_too_long")
    validate_note_text(message)
    return message


def request_meeting(*, registration, with_id, slot_id, message="", share_contact=False, now=None):
    """Ask another delegate of the directory for a meeting in a networking slot; they are e-mailed.

    Both must be in the directory; the slot must be one of the published
    agenda's networking sessions, not over; neither may already have an
    accepted meeting in it; one open request per pair and slot; at most
    ``DAILY_REQUEST_LIMIT`` requests in 24 hours (counted under a lock on the
    requester's row, so that a burst cannot pass it).
    """
    now = now or timezone.now()
    check_in_directory(registration)
    conference = registration.conference
    try:
        with_id = int(with_id)
    except (TypeError, ValueError):
        with_id = None
    other = _listed(conference).filter(pk=with_id).first() if with_id else None
    if other is None:
        raise UnknownDelegate("Choose a delegate of the directory to meet.")
    if other.pk == registration.pk:
        raise UnknownDelegate("You cannot ask yourself for a meeting.", code="cannot_meet_yourself")
    slot = _slot(conference, slot_id, now)
    message = _clean_message(message)
    with transaction.atomic():
        me = Registration.objects.select_for_update().get(pk=registration.pk)
        sent = Meeting.objects.filter(requester=me, created_at__gt=now - dt.timedelta(days=1)).count()
        if sent >= DAILY_REQUEST_LIMIT:
            raise TooManyRequests(
                f"You have asked for {DAILY_REQUEST_LIMIT} meetings in the last 24 hours, the most we allow; "
                "please wait for answers before asking more."
            )
        _check_free(me, other, slot)
        pending = Meeting.objects.filter(slot=slot, status=Meeting.Status.REQUESTED).filter(
            Q(requester=me, invitee=other) | Q(requester=other, invitee=me)
        )
        if pending.exists():
            raise AlreadyRequested(f"There is already a request between you and {other.full_name} in this slot.")
        meeting = Meeting.objects.create(
            conference=conference,
            requester=me,
            invitee=other,
            slot=slot,
            message=message,
            requester_shares_contact=bool(share_contact),
            created_at=now,
        )
        emails.meeting_requested_email(meeting)
    return meeting


def _meeting(registration, meeting_id, *, lock=False):
    meetings = Meeting.objects.filter(Q(requester=registration) | Q(invitee=registration)).select_related(
        "slot", "requester__invitation__organisation", "invitee__invitation__organisation", "conference"
    )
    if lock:
        meetings = meetings.select_for_update(of=("self",))
    try:
        meeting_id = int(meeting_id)
    except (TypeError, ValueError):
        meeting_id = None
    found = meetings.filter(pk=meeting_id).first() if meeting_id else None
    if found is None:
        raise MeetingNotFound("You have no such meeting.")
    return found


def _check_answerable(registration, meeting):
    if meeting.invitee_id != registration.pk:
        raise NotYourAnswer("Only the delegate you asked can answer this request.")
    if meeting.status != Meeting.Status.REQUESTED:
        raise MeetingClosed(f"This request was already {meeting.get_status_display().lower()}.")


def accept_meeting(*, registration, meeting_id, share_contact=False, now=None):
    """The one asked accepts: under a lock on the slot, neither may have another accepted meeting in it, and the
    meeting gets the first free table. The requester is e-mailed."""
    now = now or timezone.now()
    check_in_directory(registration)
    meeting = _meeting(registration, meeting_id)
    _check_answerable(registration, meeting)
    with transaction.atomic():
        # The slot's row first: every accept in this slot waits here, so the check and the table are decided alone.
        slot = Session.objects.select_for_update().get(pk=meeting.slot_id)
        meeting = _meeting(registration, meeting.pk, lock=True)
        _check_answerable(registration, meeting)
        if slot.cancelled_at is not None or slot.ends_at <= now:
            raise MeetingClosed(f"“{slot.title}” is over or was cancelled.")
        requester = meeting.requester
        if requester.status != Registration.Status.CONFIRMED or not requester.directory_opt_in:
            raise MeetingClosed(f"{requester.full_name} is no longer in the directory.")
        _check_free(registration, requester, slot)
        taken = set(Meeting.objects.filter(slot=slot, status=Meeting.Status.ACCEPTED).values_list("table", flat=True))
        free = [t for t in tables_of(slot) if t not in taken]
        if not free:
            raise NoTableFree(f"Every table of “{slot.title}” is taken; ask for another slot.")
        meeting.status = Meeting.Status.ACCEPTED
        meeting.table = free[0]
        meeting.responded_at = now
        meeting.invitee_shares_contact = bool(share_contact)
        meeting.save(update_fields=["status", "table", "responded_at", "invitee_shares_contact"])
        # Other requests of these two in this slot can no longer be accepted: decline them.
        Meeting.objects.filter(slot=slot, status=Meeting.Status.REQUESTED).filter(
            Q(requester_id__in=[requester.pk, registration.pk]) | Q(invitee_id__in=[requester.pk, registration.pk])
        ).exclude(pk=meeting.pk).update(status=Meeting.Status.DECLINED, responded_at=now)
        emails.meeting_accepted_email(meeting)
    return meeting


def decline_meeting(*, registration, meeting_id, now=None):
    """The one asked declines (the requester is not e-mailed: a quiet no)."""
    now = now or timezone.now()
    with transaction.atomic():
        meeting = _meeting(registration, meeting_id, lock=True)
        _check_answerable(registration, meeting)
        meeting.status = Meeting.Status.DECLINED
        meeting.responded_at = now
        meeting.save(update_fields=["status", "responded_at"])
    return meeting


def cancel_meeting(*, registration, meeting_id, now=None):
    """Either delegate cancels a request or an accepted meeting; its table is free again."""
    now = now or timezone.now()
    with transaction.atomic():
        meeting = _meeting(registration, meeting_id, lock=True)
        if meeting.status not in (Meeting.Status.REQUESTED, Meeting.Status.ACCEPTED):
            raise MeetingClosed(f"This meeting was already {meeting.get_status_display().lower()}.")
        meeting.status = Meeting.Status.CANCELLED
        meeting.cancelled_at = now
        meeting.cancelled_by = registration
        meeting.table = ""
        meeting.save(update_fields=["status", "cancelled_at", "cancelled_by", "table"])
        emails.meeting_cancelled_email(meeting, cancelled_by=registration)
    return meeting


def meetings_of(registration):
    """The delegate's meetings, asked for and asked of, every status, in slot order."""
    return (
        Meeting.objects.filter(Q(requester=registration) | Q(invitee=registration))
        .select_related("slot__room", "requester__invitation__organisation", "invitee__invitation__organisation")
        .order_by("slot__starts_at", "created_at", "pk")
    )


def accepted_meetings(registration):
    """The delegate's accepted meetings (their agenda and calendar hold them), in time order."""
    if registration.status != Registration.Status.CONFIRMED:
        return []
    # A meeting with a delegate whose registration was cancelled since is no longer in the agenda.
    return list(
        meetings_of(registration).filter(
            status=Meeting.Status.ACCEPTED,
            slot__cancelled_at__isnull=True,
            requester__status=Registration.Status.CONFIRMED,
            invitee__status=Registration.Status.CONFIRMED,
        )
    )


def contacts(registration):
    """The counterparts of accepted meetings whose contact details may be given: both sides agreed to share."""
    if registration.status == Registration.Status.CANCELLED:
        return []
    meetings = meetings_of(registration).filter(
        status=Meeting.Status.ACCEPTED, requester_shares_contact=True, invitee_shares_contact=True
    )
    seen, people = set(), []
    for meeting in meetings:
        other = meeting.other(registration)
        if other.pk not in seen and other.status != Registration.Status.CANCELLED:
            seen.add(other.pk)
            people.append(other)
    return people
