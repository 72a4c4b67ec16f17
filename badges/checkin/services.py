"""Check-in at the door: the one place that decides every scan.

Whoever scans (the API, the door page, an offline door replaying its queue,
a volunteer checking someone in from a search) calls :func:`scan_badge` or
:func:`check_in_registration`, and gets a :class:`ScanAnswer` with exactly the
results and HTTP statuses the README's check-in API lists. Every scan is recorded as a
:class:`~badges.models.Scan` row, in the same transaction as the check-in it
causes.

A conference of several days admits a delegate once a day: a check-in
carries its conference ``day`` (:func:`conference_day`), and the first scan on
a later day is a "welcome back". A session's door (a workshop room) admits to
that session only (:func:`scan_badge` with ``session``), under a lock on the
session row because its places are a limited resource.

Why there is no lock at the main door: a badge's first entry of the day is
decided by the database's partial unique constraint (one live main-door
check-in per registration per day). Two doors
scanning the same badge at the same moment both try to insert the check-in;
PostgreSQL makes the second wait for the first and then refuses it, SQLite's
IMMEDIATE transactions serialise them; the loser rolls back and answers
``already_checked_in``. That costs no extra query on the common path, where a
``select_for_update`` would cost one.

Why a nonce needs no query either: the nonce is unique per conference
(``scan_nonce_unique_per_conference``), and the scan row is written in the same
transaction as the check-in. A nonce sent again makes that insert fail, the
whole transaction (check-in included) rolls back, and the answer stored with
the first scan is returned: the same answer, nothing new recorded, even if the
badge was undone and could be admitted again in between.
"""

import contextlib
import datetime as dt
import functools
import hashlib
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import CharField, Count, Max, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Concat, TruncMinute
from django.utils import timezone

from badges.codes import code_digest
from badges.models import Badge, CheckIn, Scan
from badges.services import find_badge, find_delegate, issue_missing_badges, partial_instance
from conference.models import Organisation, Session
from conference.plumbing.errors import Conflict, ServiceError
from registration.models import Invitation, Registration
from registration.questions import door_notes

from .folding import Folded, fold

ADMITTED = "admitted"
ALREADY_CHECKED_IN = "already_checked_in"
REVOKED = "revoked"
CANCELLED = "cancelled"
WRONG_CONFERENCE = "wrong_conference"
UNKNOWN = "unknown"
NOT_BOOKED = "not_booked"
SESSION_FULL = "session_full"

HTTP_STATUS = {
    ADMITTED: 200,
    ALREADY_CHECKED_IN: 409,
    REVOKED: 409,
    CANCELLED: 409,
    WRONG_CONFERENCE: 409,
    NOT_BOOKED: 409,
    SESSION_FULL: 409,
    UNKNOWN: 404,
}

SEARCH_MIN_LENGTH = 2
SEARCH_LIMIT = 20
# A client clock may run a little ahead of the server's; more than this is not believed.
CLIENT_CLOCK_SKEW = dt.timedelta(minutes=2)
STORED_CODE_LENGTH = 200


class SearchQueryTooShort(ServiceError):
    code = "query_too_short"


class CheckInNotFound(ServiceError):
    status_code = 404
    code = "checkin_not_found"


class AlreadyUndone(Conflict):
    code = "already_undone"


class SessionNotFound(ServiceError):
    status_code = 404
    code = "session_not_found"


# --- Conference days -------------------------------------------------------------------


def conference_day(conference, moment):
    """The conference day of ``moment``: 1 for the first day, by the date in the conference's time zone.

    A moment before the first day (badges collected the evening before)
    counts as the first day; later days go on counting after the last one.
    """
    local = timezone.localtime(moment, conference.tz).date()
    return max(1, (local - conference.starts_on).days + 1)


def day_date(conference, day):
    """The date of conference day ``day``."""
    return conference.starts_on + dt.timedelta(days=day - 1)


def door_conference(conference):
    """What a door knows of its conference: enough to count days in its time zone, offline too."""
    return {
        "slug": conference.slug,
        "name": conference.name,
        "timezone": conference.timezone,
        "starts_on": conference.starts_on.isoformat(),
        "ends_on": conference.ends_on.isoformat(),
    }


def door_sessions(conference):
    """The sessions a door can be switched to: every session of the conference but breaks and cancelled ones."""
    sessions = (
        Session.objects.filter(conference=conference, cancelled_at__isnull=True)
        .exclude(kind=Session.Kind.BREAK)
        .select_related("room")
        .order_by("starts_at", "pk")
    )
    rows = []
    for session in sessions:
        start = timezone.localtime(session.starts_at, conference.tz)
        where = f" · {session.room.name}" if session.room else ""
        rows.append(
            {
                "id": session.pk,
                "title": session.title,
                "label": f"{start:%a} {start.day} {start:%b} {start:%H:%M}{where}: {session.title}",
                "booking": session.kind == Session.Kind.WORKSHOP and bool(session.capacity),
            }
        )
    return rows


def find_session(conference, session_id):
    """A session of ``conference`` by id (not cancelled), for its door; 404 ``session_not_found`` otherwise."""
    session = (
        Session.objects.filter(conference=conference, pk=session_id, cancelled_at__isnull=True)
        .select_related("room")
        .first()
        if str(session_id).isdigit()
        else None
    )
    if session is None:
        raise SessionNotFound("There is no such session at this conference (or it was cancelled).")
    return session


@dataclass(frozen=True)
class ScanAnswer:
    """What the door is told: the JSON body, and the HTTP status its result maps to."""

    body: dict

    @property
    def result(self):
        return self.body["result"]

    @property
    def status(self):
        return HTTP_STATUS[self.result]


# --- Looking up who was scanned ------------------------------------------------------
#
# What a code names is badges.services.find_badge's (one compiled statement);
# a check-in by id reads the same through find_delegate.


def _with_live_checkin(queryset, registration_ref, day):
    """Annotate the live main-door check-in (if any) on ``day`` of each row's registration: one query."""
    live = CheckIn.objects.filter(
        registration=OuterRef(registration_ref), undone_at__isnull=True, session__isnull=True, day=day
    ).order_by()
    return queryset.annotate(
        live_checkin_id=Subquery(live.values("pk")[:1]),
        live_checked_in_at=Subquery(live.values("checked_in_at")[:1]),
        live_gate=Subquery(live.values("gate")[:1]),
    )


# --- Answers -----------------------------------------------------------------------


def _iso(moment, conference):
    return timezone.localtime(moment, conference.tz).isoformat() if moment else None


def _when(moment, conference):
    """'09:41' today at the venue, '27 Nov at 09:41' another day: what a volunteer can say aloud."""
    local = timezone.localtime(moment, conference.tz)
    if local.date() == timezone.localtime(timezone.now(), conference.tz).date():
        return local.strftime("%H:%M")
    return f"{local.day} {local.strftime('%b')} at {local.strftime('%H:%M')}"


def registration_summary(registration):
    """Who a door answer is about: the one definition of the delegate summary's fields.

    ``registration`` has its invitation and organisation loaded (a look-up by
    :func:`~badges.services.find_badge`, a search result, an undone check-in's).
    """
    summary = {
        "id": registration.pk,
        "name": registration.full_name,
        "badge_name": registration.display_badge_name,
        "organisation": registration.invitation.organisation.name,
        "category": registration.invitation.category,
    }
    if hasattr(registration, "door_notes"):  # a scan's answer: see _with_door_notes
        summary["door_notes"] = registration.door_notes
    return summary


def _with_door_notes(conference, registration):
    """A scanned delegate of ``conference`` carries ``door_notes``: their answers to ``show_at_door`` questions.

    The answers came with the look-up; the questions cost one query, and only when the delegate answered any.
    """
    if registration is not None and registration.conference_id == conference.pk:
        registration.door_notes = door_notes(registration)
    return registration


def _refusal(result, detail, registration=None, **extra):
    body = {"result": result, "detail": detail}
    if registration is not None:
        body["registration"] = registration_summary(registration)
    body.update(extra)
    return body


def _several_days(conference):
    return conference.ends_on > conference.starts_on


def _already_checked_in(conference, registration, first_at, first_gate, day, session=None):
    where = f" at {first_gate}" if first_gate else ""
    if session is not None:
        what = f"already checked in to {session.title}"
    elif _several_days(conference):
        what = f"already checked in on day {day}"
    else:
        what = "already checked in"
    extra = {"session": session.pk} if session is not None else {}
    return _refusal(
        ALREADY_CHECKED_IN,
        f"{registration.display_badge_name} is {what}: at {_when(first_at, conference)}{where}.",
        registration,
        first_checked_in_at=_iso(first_at, conference),
        first_gate=first_gate,
        day=day,
        **extra,
    )


def _decide(conference, registration, badge, live, day=1):
    """The verdict for a known (or unknown) registration, without writing anything.

    Returns the refusal body, or None when the delegate may be admitted.
    ``badge`` is the badge scanned (None for a check-in by id); ``live`` is
    ``(checked_in_at, gate)`` of the live check-in, or None.
    """
    if registration is None:
        return _refusal(
            UNKNOWN,
            "Not a badge of this conference: check the code, or search for the person by name.",
        )
    if registration.conference_id != conference.pk:
        return _refusal(
            WRONG_CONFERENCE,
            f"This badge is for {registration.conference.name}, not for {conference.name}.",
            registration,
        )
    if badge is not None and badge.revoked_at is not None:
        return _refusal(
            REVOKED,
            "This badge was replaced by a newer one and no longer admits: "
            "search for the person by name and reprint the badge at the desk.",
            registration,
        )
    if registration.status == Registration.Status.WAITLISTED:
        return _refusal(
            CANCELLED,
            f"{registration.full_name} is on the waiting list, not confirmed: send them to the desk.",
            registration,
        )
    if registration.status != Registration.Status.CONFIRMED:
        return _refusal(
            CANCELLED,
            f"{registration.full_name}'s registration was cancelled: send them to the desk.",
            registration,
        )
    if live is not None:
        return _already_checked_in(conference, registration, *live, day)
    return None


def _client_time(scanned_at, now):
    """When an offline door says the scan happened; never later than now."""
    if scanned_at is None:
        return now
    if timezone.is_naive(scanned_at):
        scanned_at = timezone.make_aware(scanned_at, dt.UTC)
    return min(scanned_at, now) if scanned_at <= now + CLIENT_CLOCK_SKEW else now


def _welcome(conference, registration, gate, day, returning, session):
    """The green answer's sentence: a first arrival, a returning delegate ("Welcome back"), a session."""
    where = f" at {gate}" if gate else ""
    name = registration.display_badge_name
    if session is not None:
        return f"Welcome to {session.title}, {name}! Checked in{where}."
    if returning:
        return f"Welcome back, {name}! Day {day}: checked in{where}."
    if _several_days(conference):
        return f"Welcome, {name}! Day {day}: checked in{where}."
    return f"Welcome, {name}! Checked in{where}."


def _admit(*, conference, registration, badge, gate, user, checked_in_at, day, session=None):
    """Write the check-in; returns it and the ``admitted`` answer. The partial unique constraints may refuse it."""
    returning = session is None and bool(getattr(registration, "returning", False))
    checkin = CheckIn.objects.create(
        conference=conference,
        registration_id=registration.pk,
        badge_id=badge.pk if badge else None,
        gate=gate,
        user=user,
        checked_in_at=checked_in_at,
        day=day,
        session=session,
    )
    body = {
        "result": ADMITTED,
        "detail": _welcome(conference, registration, gate, day, returning, session),
        "registration": registration_summary(registration),
        "checkin_id": checkin.pk,
        "checked_in_at": _iso(checked_in_at, conference),
        "gate": gate,
        "day": day,
        "returning": returning,
    }
    if session is not None:
        body["session"] = session.pk
    return checkin, body


def _record_scan(*, conference, code, badge, checkin, gate, user, nonce, body, now, scanned_at):
    """Write the scan row with its answer. A nonce seen before makes this insert fail."""
    Scan.objects.create(
        conference=conference,
        code=code[:STORED_CODE_LENGTH],
        badge_id=badge.pk if badge else None,
        checkin=checkin,
        gate=gate,
        user=user,
        result=body["result"],
        nonce=nonce,
        response=body,
        created_at=now,
        scanned_at=scanned_at,
    )


def _settle(
    *, conference, registration, badge, refusal, code, gate, nonce, user, now, scanned_at, when, day, session=None
):
    """The check-in (when nothing refused it) and the scan row with the answer. Call inside the caller's block."""
    checkin, body = None, refusal
    if refusal is None:
        checkin, body = _admit(
            conference=conference,
            registration=registration,
            badge=badge,
            gate=gate,
            user=user,
            checked_in_at=when,
            day=day,
            session=session,
        )
    _record_scan(
        conference=conference,
        code=code,
        badge=badge,
        checkin=checkin,
        gate=gate,
        user=user,
        nonce=nonce,
        body=body,
        now=now,
        scanned_at=scanned_at,
    )
    return ScanAnswer(body)


def _write(*, conference, registration, badge, refusal, code, gate, nonce, user, scanned_at, when, day):
    """Record the verdict: the check-in (when admitting) and the scan row, together or not at all."""
    now = timezone.now()
    admitting = refusal is None
    # A refusal writes one row: in autocommit mode that INSERT is atomic by itself,
    # which spares BEGIN and COMMIT round trips. Inside a caller's transaction a
    # savepoint keeps a failed INSERT from breaking that transaction.
    block = transaction.atomic() if admitting or connection.in_atomic_block else contextlib.nullcontext()
    with block:
        return _settle(
            conference=conference,
            registration=registration,
            badge=badge,
            refusal=refusal,
            code=code,
            gate=gate,
            nonce=nonce,
            user=user,
            now=now,
            scanned_at=scanned_at,
            when=when,
            day=day,
        )


def _replayed(conference, nonce):
    if not nonce:
        return None
    response = Scan.objects.filter(conference=conference, nonce=nonce).values_list("response", flat=True).first()
    return ScanAnswer(response) if response else None


def _live_checkin_now(registration, day):
    """``(checked_in_at, gate)`` of the delegate's live main-door check-in on ``day`` as committed now, or None."""
    return (
        CheckIn.objects.filter(registration_id=registration.pk, undone_at__isnull=True, session__isnull=True, day=day)
        .values_list("checked_in_at", "gate")
        .first()
    )


def _scan(*, conference, registration, badge, code, gate, nonce, user, scanned_at, when, day):
    """Decide, then record; decide again if another door won the race for the same delegate."""
    live = None
    if registration is not None and registration.live_checkin_id is not None:
        live = (registration.live_checked_in_at, registration.live_gate)
    for _attempt in range(3):
        refusal = _decide(conference, registration, badge, live, day)
        try:
            return _write(
                conference=conference,
                registration=registration,
                badge=badge,
                refusal=refusal,
                code=code,
                gate=gate,
                nonce=nonce,
                user=user,
                scanned_at=scanned_at,
                when=when,
                day=day,
            )
        except IntegrityError:
            # Either this nonce was seen before (answer as then), or another door
            # admitted the delegate between our look-up and our insert.
            replay = _replayed(conference, nonce)
            if replay is not None:
                return replay
            if registration is None or refusal is not None:
                raise
            live = _live_checkin_now(registration, day)  # None: the other check-in was undone meanwhile; decide again
    raise IntegrityError("The check-in kept conflicting with concurrent scans.")


def _scan_session(*, conference, session, registration, badge, code, gate, nonce, user, scanned_at, when, day):
    """Admission at a session's door, decided under a lock on the session row (its places are limited)."""
    try:
        with transaction.atomic():
            locked = Session.objects.select_for_update().get(pk=session.pk)
            refusal = _decide(conference, registration, badge, None, day)
            if refusal is None:
                refusal = _session_refusal(conference, locked, registration, day)
            return _settle(
                conference=conference,
                registration=registration,
                badge=badge,
                refusal=refusal,
                code=code,
                gate=gate,
                nonce=nonce,
                user=user,
                now=timezone.now(),
                scanned_at=scanned_at,
                when=when,
                day=day,
                session=locked,
            )
    except IntegrityError:
        replay = _replayed(conference, nonce)
        if replay is None:
            raise
        return replay


def _session_refusal(conference, session, registration, day):
    """Whether a confirmed delegate may enter ``session`` (locked): already in, not booked, full; None admits."""
    live = session.checkins.filter(undone_at__isnull=True).order_by()
    mine = live.filter(registration_id=registration.pk).values_list("checked_in_at", "gate").first()
    if mine is not None:
        return _already_checked_in(conference, registration, *mine, day, session=session)
    booking_needed = session.kind == Session.Kind.WORKSHOP and session.capacity
    if booking_needed and not registration.workshops.filter(pk=session.pk).exists():
        return _refusal(
            NOT_BOOKED,
            f"{registration.full_name} has not booked {session.title}: its places are for those who did.",
            registration,
            session=session.pk,
        )
    if session.capacity and live.count() >= session.capacity:
        return _refusal(
            SESSION_FULL,
            f"{session.title} is full: all {session.capacity} places are taken.",
            registration,
            session=session.pk,
        )
    return None


def _clean(gate, nonce, scanned_at, conference):
    gate = (gate or "").strip()[:100]
    nonce = (nonce or "").strip()[:100]
    when = _client_time(scanned_at, timezone.now())
    return gate, nonce, when, conference_day(conference, when)


def scan_badge(*, conference, code, gate="", nonce="", user=None, scanned_at=None, session=None):
    """Decide one scan of a badge code at a door of ``conference``, and record it.

    ``code`` is what the scanner typed or the camera read; ``nonce`` the
    client's id of this scan (sent again, the same answer comes back and
    nothing new is recorded); ``scanned_at`` the client's time of the scan,
    for scans queued by a door while offline (its conference day is the
    scan's day); ``session`` a session of the conference (see
    :func:`find_session`) when the door is that session's.
    """
    gate, nonce, when, day = _clean(gate, nonce, scanned_at, conference)
    raw = str(code or "")
    badge = find_badge(raw, day)
    scan = _scan if session is None else functools.partial(_scan_session, session=session)
    return scan(
        conference=conference,
        registration=_with_door_notes(conference, badge.registration if badge else None),
        badge=badge,
        code=badge.code if badge else raw.strip(),
        gate=gate,
        nonce=nonce,
        user=user,
        scanned_at=scanned_at,
        when=when,
        day=day,
    )


def check_in_registration(*, conference, registration_id, gate="", nonce="", user=None, scanned_at=None, session=None):
    """Check a delegate in without their badge (found by a search at the desk): the same rules as a scan."""
    gate, nonce, when, day = _clean(gate, nonce, scanned_at, conference)
    scan = _scan if session is None else functools.partial(_scan_session, session=session)
    return scan(
        conference=conference,
        registration=_with_door_notes(conference, find_delegate(registration_id, day)),
        badge=None,
        code="",
        gate=gate,
        nonce=nonce,
        user=user,
        scanned_at=scanned_at,
        when=when,
        day=day,
    )


# --- Undo, search, stats, the offline list -----------------------------------------------


def undo_checkin(*, conference, checkin_id, user=None):
    """Undo a mistaken check-in: the delegate can be admitted again. The row stays, marked undone."""
    with transaction.atomic():
        checkin = (
            CheckIn.objects.select_for_update(of=("self",))
            .select_related("registration__invitation__organisation")
            .filter(conference=conference, pk=checkin_id)
            .first()
        )
        if checkin is None:
            raise CheckInNotFound("There is no such check-in at this conference.")
        if checkin.undone_at is not None:
            raise AlreadyUndone(
                f"This check-in was already undone at {_when(checkin.undone_at, conference)}.",
            )
        checkin.undone_at = timezone.now()
        checkin.undone_by = user if user is not None and user.is_authenticated else None
        checkin.save(update_fields=["undone_at", "undone_by"])
    registration = checkin.registration
    return {
        "detail": f"Check-in of {registration.full_name} undone: they can be checked in again.",
        "checkin_id": checkin.pk,
        "undone_at": _iso(checkin.undone_at, conference),
        "day": checkin.day,
        "session": checkin.session_id,
        "registration": registration_summary(registration),
    }


def _today(conference, now=None):
    return conference_day(conference, now or timezone.now())


def search_delegates(*, conference, q):
    """Delegates of ``conference`` whose name, badge name or organisation contain every word of ``q``,
    whatever the case and accents; or the one whose e-mail address ``q`` is, typed whole.

    Returns a queryset of at most :data:`SEARCH_LIMIT` (the caller pages it)
    annotated with today's live main-door check-in. Nothing in it shows an
    e-mail address: the door never needs one.
    """
    q = " ".join((q or "").split())
    if len(q) < SEARCH_MIN_LENGTH:
        raise SearchQueryTooShort(
            f"Type at least {SEARCH_MIN_LENGTH} characters of a name, an organisation or an e-mail address."
        )
    queryset = Registration.objects.filter(conference=conference)
    if "@" in q and " " not in q:
        queryset = queryset.filter(email__iexact=q)
    else:
        queryset = queryset.annotate(
            folded=Folded(_concat("first_name", "last_name", "badge_name", "invitation__organisation__name"))
        )
        for word in fold(q).split(" ")[:5]:
            queryset = queryset.filter(folded__contains=word)
    queryset = queryset.select_related("invitation__organisation")
    return _with_live_checkin(queryset, "pk", _today(conference)).order_by("last_name", "first_name", "pk")


def _concat(*fields):
    """The fields joined by a separator (a search word never spans two of them)."""
    parts = []
    for field in fields:
        if parts:
            parts.append(Value(" | "))
        parts.append(Coalesce(field, Value("")))
    return Concat(*parts, output_field=CharField())


def delegate_row(registration, conference):
    """A search result or an offline-list entry: what the door needs to know about one delegate.

    ``checked_in_at``, ``checkin_id`` and ``gate`` are those of today's
    main-door check-in (None when not checked in today).
    """
    return {
        **registration_summary(registration),
        "status": registration.status,
        "checked_in_at": _iso(registration.live_checked_in_at, conference),
        "checkin_id": registration.live_checkin_id,
        "gate": registration.live_gate,
    }


def _quarter_hours(buckets, tz):
    """Quarter hours from the first arrival to the last, with empty ones only inside hours that had arrivals."""
    if not buckets:
        return []
    first, last = min(buckets), max(buckets)
    busy_hours = {start.replace(minute=0) for start in buckets}
    quarters = int((last - first) / dt.timedelta(minutes=15)) + 1
    if quarters > 4 * 24 * 31:  # a long stretch: only the quarters that had arrivals
        starts = sorted(buckets)
    else:
        starts = [first + dt.timedelta(minutes=15 * i) for i in range(quarters)]
        starts = [start for start in starts if start.replace(minute=0) in busy_hours]
    return [{"start": s.astimezone(tz).isoformat(), "count": buckets.get(s, 0)} for s in starts]


def checkin_stats(*, conference, session=None, now=None):
    """Arrivals at the main door (or at ``session``'s door): registered, checked in, today, by day, by gate,
    per quarter hour. Three queries.

    ``checked_in`` counts delegates admitted at least once (on any day);
    ``today`` those admitted on the conference-time-zone date of ``now``;
    ``by_day`` and ``per_quarter_hour`` count admissions, ``by_gate`` too.
    """
    confirmed = Registration.objects.filter(conference=conference, status=Registration.Status.CONFIRMED)
    if session is not None and session.kind == Session.Kind.WORKSHOP and session.capacity:
        confirmed = confirmed.filter(workshops=session)
    registered = confirmed.count()
    live = CheckIn.objects.filter(
        conference=conference, undone_at__isnull=True, registration__status=Registration.Status.CONFIRMED
    ).order_by()
    live = live.filter(session=session) if session is not None else live.filter(session__isnull=True)
    checked_in = live.values("registration_id").distinct().count()
    by_gate, by_day, buckets = {}, {}, {}
    rows = (
        live.annotate(minute=TruncMinute("checked_in_at", tzinfo=dt.UTC))
        .values("gate", "day", "minute")
        .annotate(n=Count("pk"))
        .values_list("gate", "day", "minute", "n")
    )
    for gate, day, minute, count in rows:
        by_gate[gate or "Unnamed door"] = by_gate.get(gate or "Unnamed door", 0) + count
        by_day[day] = by_day.get(day, 0) + count
        # Every time zone's offset is a whole number of quarter hours, so UTC quarters are local quarters.
        start = minute.replace(minute=minute.minute - minute.minute % 15, second=0, microsecond=0)
        buckets[start] = buckets.get(start, 0) + count
    stats = {
        "registered": registered,
        "checked_in": checked_in,
        "today": by_day.get(_today(conference, now), 0),
        "by_day": [
            {"date": day_date(conference, day).isoformat(), "checked_in": count}
            for day, count in sorted(by_day.items())
        ],
        "by_gate": dict(sorted(by_gate.items())),
        "per_quarter_hour": _quarter_hours(buckets, conference.tz),
    }
    if session is not None:
        stats["session"] = {"id": session.pk, "title": session.title, "capacity": session.capacity}
    return stats


def day_label(moment):
    """'Tue 1 Dec': the date on every arrivals label, so two days never look alike."""
    return f"{moment:%a} {moment.day} {moment:%b}"


def arrival_days(conference, per_quarter_hour):
    """The quarter hours of :func:`checkin_stats`, grouped by conference-time-zone date, with labels and bars.

    ``[{"date", "label", "arrivals", "quarters": [{"start", "label", "count", "percent"}]}]``; every
    quarter's label carries its date ("Tue 1 Dec 09:15"), and bars are against the busiest quarter of all.
    """
    peak = max((quarter["count"] for quarter in per_quarter_hour), default=0) or 1
    days = {}
    for quarter in per_quarter_hour:
        start = dt.datetime.fromisoformat(quarter["start"]).astimezone(conference.tz)
        day = days.setdefault(
            start.date(), {"date": start.date().isoformat(), "label": day_label(start), "arrivals": 0, "quarters": []}
        )
        day["arrivals"] += quarter["count"]
        day["quarters"].append(
            {
                "start": quarter["start"],
                "label": f"{day_label(start)} {start:%H:%M}",
                "count": quarter["count"],
                "percent": round(100 * quarter["count"] / peak),
            }
        )
    return list(days.values())


def _door_registrations(conference):
    """Every delegate of ``conference`` with only what :func:`delegate_row` reads, sorted by name.

    Tens of thousands of full rows cost seconds in model instances: one flat
    query instead, a partial Registration a row, and one Invitation (with its
    organisation) per invitation, shared by its delegates. Today's check-in
    is set by the caller, from the check-ins it reads anyway.
    """
    invitations = {}
    rows = (
        Registration.objects.filter(conference=conference)
        .order_by("last_name", "first_name", "pk")
        .values_list(
            "id",
            "first_name",
            "last_name",
            "badge_name",
            "status",
            "invitation_id",
            "invitation__category",
            "invitation__organisation_id",
            "invitation__organisation__name",
        )
    )
    for pk, first_name, last_name, badge_name, status, invitation_id, category, organisation_id, organisation in rows:
        registration = partial_instance(
            Registration,
            id=pk,
            first_name=first_name,
            last_name=last_name,
            badge_name=badge_name,
            status=status,
            invitation_id=invitation_id,
        )
        invitation = invitations.get(invitation_id)
        if invitation is None:
            invitation = partial_instance(
                Invitation, id=invitation_id, category=category, organisation_id=organisation_id
            )
            invitation.organisation = partial_instance(Organisation, id=organisation_id, name=organisation)
            invitations[invitation_id] = invitation
        registration.invitation = invitation
        yield registration


def door_list_etag(*, conference):
    """The ETag of :func:`door_list` as it would be now, from a few aggregates instead of the list itself.

    A door refreshes its list every minute; with 20,000 delegates building the
    list to hash it costs far more than these five aggregate queries. What
    the list shows changes only when one of these does: a delegate (any save
    bumps ``updated_at``; a new or deleted one changes the count or the
    highest id), their invitation (its category), a badge (issued, revoked), a
    main-door check-in (recorded, undone), a workshop booked or given up, the
    conference's own description, or the conference day (today's check-in).
    An organisation renamed reaches the doors with the next of those changes.
    Missing badges are issued first, as :func:`door_list` would.
    """
    issue_missing_badges(conference)
    figures = [
        door_conference(conference),
        _today(conference),
        Registration.objects.filter(conference=conference).aggregate(
            n=Count("id"), last=Max("id"), updated=Max("updated_at")
        ),
        Invitation.objects.filter(conference=conference).aggregate(updated=Max("updated_at")),
        Badge.objects.filter(registration__conference=conference).aggregate(
            n=Count("id"), last=Max("id"), revoked=Count("revoked_at"), last_revoked=Max("revoked_at")
        ),
        CheckIn.objects.filter(conference=conference, session__isnull=True).aggregate(
            n=Count("id"), last=Max("id"), undone=Count("undone_at"), last_undone=Max("undone_at")
        ),
        Registration.workshops.through.objects.filter(registration__conference=conference).aggregate(
            n=Count("id"), last=Max("id")
        ),
    ]
    digest = hashlib.sha256(repr(figures).encode()).hexdigest()[:32]
    return f'"{digest}"'


def door_list(*, conference, badges_issued=False):
    """What an offline door holds: every delegate with the SHA-256 of their badge codes, never the codes,
    their main-door check-ins by conference day (``checkins``) and the workshops they booked
    (``workshops``, for a session's door), never an e-mail address.

    Confirmed delegates without a badge yet get one now (in one insert), so a
    badge printed after the list was downloaded is still recognised offline
    (``badges_issued``: the caller just did, with :func:`door_list_etag`).
    """
    if not badges_issued:
        issue_missing_badges(conference)
    today = _today(conference)
    registrations = _door_registrations(conference)
    hashes = {}
    for registration_id, code, revoked_at in (
        Badge.objects.filter(registration__conference=conference)
        .order_by()
        .values_list("registration_id", "code", "revoked_at")
    ):
        entry = hashes.setdefault(registration_id, {"current": None, "revoked": []})
        if revoked_at is None:
            entry["current"] = code_digest(code)
        else:
            entry["revoked"].append(code_digest(code))
    days = {}
    for registration_id, day, at, gate, checkin_id in (
        CheckIn.objects.filter(conference=conference, undone_at__isnull=True, session__isnull=True)
        .order_by("day")
        .values_list("registration_id", "day", "checked_in_at", "gate", "pk")
    ):
        days.setdefault(registration_id, []).append(
            {"day": day, "checked_in_at": _iso(at, conference), "gate": gate, "checkin_id": checkin_id, "at": at}
        )
    booked = {}
    for registration_id, session_id in (
        Registration.workshops.through.objects.filter(registration__conference=conference)
        .order_by("session_id")
        .values_list("registration_id", "session_id")
    ):
        booked.setdefault(registration_id, []).append(session_id)
    delegates = []
    for registration in registrations:
        entry = hashes.get(registration.pk, {"current": None, "revoked": []})
        checkins = days.get(registration.pk, [])
        live = next((checkin for checkin in checkins if checkin["day"] == today), None)
        registration.live_checkin_id = live["checkin_id"] if live else None
        registration.live_checked_in_at = live["at"] if live else None
        registration.live_gate = live["gate"] if live else None
        delegates.append(
            {
                **delegate_row(registration, conference),
                "code_sha256": entry["current"],
                "revoked_sha256": sorted(entry["revoked"]),
                "checkins": [{key: value for key, value in checkin.items() if key != "at"} for checkin in checkins],
                "workshops": booked.get(registration.pk, []),
            }
        )
    return {
        "conference": door_conference(conference),
        "count": len(delegates),
        "delegates": delegates,
    }


__all__ = [
    "HTTP_STATUS",
    "arrival_days",
    "conference_day",
    "day_label",
    "day_date",
    "door_sessions",
    "find_session",
    "ScanAnswer",
    "check_in_registration",
    "checkin_stats",
    "delegate_row",
    "door_list",
    "door_list_etag",
    "scan_badge",
    "search_delegates",
    "undo_checkin",
]
