"""Exports for organisers (CSV and .xlsx): invitations, delegates, needs, workshop lists.

Each table is built in a fixed number of queries whatever its length. Cells
that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@`` first)
are prefixed with an apostrophe: a delegate's "job title" must never execute.
"""

import csv
import io

from django.db.models import Prefetch, Q
from django.http import HttpResponse
from django.utils import timezone

from conference.models import Session

from . import questions as asked
from .models import Invitation, Question, Registration

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        if hasattr(value, "tzinfo") and value.tzinfo is not None:
            value = timezone.localtime(value)
            return value.strftime("%Y-%m-%d %H:%M")
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _scope(queryset, conference, ids):
    if conference is not None:
        queryset = queryset.filter(conference=conference)
    if ids is not None:
        queryset = queryset.filter(pk__in=list(ids))
    return queryset


def invitations_table(conference=None, ids=None):
    header = [
        "id",
        "organisation",
        "organisation_kind",
        "contact_name",
        "email",
        "category",
        "seats",
        "status",
        "delegates",
        "waitlisted",
        "sent_at",
        "reminded_at",
        "opened_at",
        "responded_at",
    ]
    invitations = (
        _scope(Invitation.objects.all(), conference, ids)
        .select_related("organisation")
        .prefetch_related(
            Prefetch("registrations", queryset=Registration.objects.exclude(status=Registration.Status.CANCELLED))
        )
        .order_by("organisation__name", "contact_name", "pk")
    )
    rows = []
    for i in invitations:
        named = list(i.registrations.all())
        rows.append(
            [
                i.pk,
                i.organisation.name,
                i.organisation.kind,
                i.contact_name,
                i.email,
                i.category,
                i.seats,
                i.status,
                sum(r.status == Registration.Status.CONFIRMED for r in named),
                sum(r.status == Registration.Status.WAITLISTED for r in named),
                i.sent_at,
                i.reminded_at,
                i.opened_at,
                i.responded_at,
            ]
        )
    return "Invitations", header, rows


def _registrations(conference, needs_only=False, ids=None):
    queryset = (
        _scope(Registration.objects.with_checked_in_at(), conference, ids)
        .select_related("invitation__organisation")
        .prefetch_related(Prefetch("workshops", queryset=Session.objects.order_by("starts_at")))
        .order_by("last_name", "first_name", "pk")
    )
    if needs_only:
        queryset = queryset.exclude(status=Registration.Status.CANCELLED).filter(
            ~Q(dietary="") | ~Q(accessibility="") | ~Q(answers={})
        )
    return queryset


def _questions(conference, registrations):
    """The questions that get a column: the conference's, or (an export across conferences) those of the rows'."""
    if conference is not None:
        return asked.questions_of(conference)
    conference_ids = {r.conference_id for r in registrations}
    return list(Question.objects.filter(conference_id__in=conference_ids).order_by("conference_id", "position", "pk"))


def _answer_cells(registration, questions):
    answers = registration.answers or {}
    return [asked.display_answer(q, answers.get(str(q.pk))) for q in questions]


def delegates_table(conference=None, ids=None):
    header = [
        "id",
        "first_name",
        "last_name",
        "badge_name",
        "email",
        "job_title",
        "organisation",
        "organisation_kind",
        "category",
        "status",
        "dietary",
        "accessibility",
        "workshops",
        "registered_at",
        "confirmed_at",
        "cancelled_at",
        "checked_in_at",
    ]
    registrations = list(_registrations(conference, ids=ids))
    questions = _questions(conference, registrations)
    header += [q.label for q in questions]
    rows = [
        [
            r.pk,
            r.first_name,
            r.last_name,
            r.display_badge_name,
            r.email,
            r.job_title,
            r.invitation.organisation.name,
            r.invitation.organisation.kind,
            r.invitation.category,
            r.status,
            r.dietary,
            r.accessibility,
            "; ".join(w.title for w in r.workshops.all()),
            r.created_at,
            r.confirmed_at,
            r.cancelled_at,
            r.checked_in_at,
            *_answer_cells(r, questions),
        ]
        for r in registrations
    ]
    return "Delegates", header, rows


def needs_table(conference):
    """Delegates (confirmed or waiting) with needs or answers, then how many chose each answer: for caterers.

    One column per question; after the delegates, a blank row and a count of
    every answer of every choice question (confirmed and waiting apart).
    """
    questions = asked.questions_of(conference)
    header = [
        "first_name",
        "last_name",
        "organisation",
        "category",
        "status",
        "dietary",
        "accessibility",
        "email",
        *(q.label for q in questions),
    ]
    rows = [
        [
            r.first_name,
            r.last_name,
            r.invitation.organisation.name,
            r.invitation.category,
            r.status,
            r.dietary,
            r.accessibility,
            r.email,
            *_answer_cells(r, questions),
        ]
        for r in _registrations(conference, needs_only=True)
    ]
    statuses = (Registration.Status.CONFIRMED, Registration.Status.WAITLISTED)
    counts = asked.choice_counts(conference, statuses, questions)
    if counts:
        rows.append([])
        rows.append(["count", "question", "answer", "confirmed", "waitlisted"])
        rows.extend(["count", q.label, choice, n[statuses[0]], n[statuses[1]]] for q, choice, n in counts)
    return "Needs", header, rows


def workshops_table(conference):
    """Each workshop's list of delegates (confirmed first, then waiting), one row per place taken."""
    header = [
        "workshop",
        "starts_at",
        "ends_at",
        "room",
        "capacity",
        "first_name",
        "last_name",
        "organisation",
        "email",
        "status",
    ]
    sessions = (
        Session.objects.filter(conference=conference, kind=Session.Kind.WORKSHOP)
        .select_related("room")
        .prefetch_related(
            Prefetch(
                "attendees",
                queryset=Registration.objects.exclude(status=Registration.Status.CANCELLED)
                .select_related("invitation__organisation")
                .order_by("status", "last_name", "first_name"),
            )
        )
        .order_by("starts_at", "title")
    )
    rows = []
    for session in sessions:
        for r in session.attendees.all():
            rows.append(
                [
                    session.title,
                    session.starts_at,
                    session.ends_at,
                    session.room.name if session.room_id else "",
                    session.capacity,
                    r.first_name,
                    r.last_name,
                    r.invitation.organisation.name,
                    r.email,
                    r.status,
                ]
            )
    return "Workshops", header, rows


TABLES = {
    "invitations": invitations_table,
    "delegates": delegates_table,
    "needs": needs_table,
    "workshops": workshops_table,
}


def csv_response(filename, header, rows):
    """CSV in UTF-8 with a byte-order mark, so that Excel shows every script correctly."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    response = HttpResponse(buffer.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_bytes(title, header, rows):
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    bold = Font(bold=True)
    header_cells = []
    for name in header:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([_cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(filename, title, header, rows):
    response = HttpResponse(
        xlsx_bytes(title, header, rows),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def export_response(conference, table, fmt):
    title, header, rows = TABLES[table](conference)
    filename = f"{conference.slug}-{table}"
    if fmt == "xlsx":
        return xlsx_response(filename, title, header, rows)
    return csv_response(filename, header, rows)
