"""Messages an organiser writes to a chosen group of delegates, one e-mail each, through the outbox."""

from django.db import transaction
from django.db.models import Prefetch, Q

from conference.models import Category, Session
from conference.plumbing.errors import ServiceError

from . import emails
from .models import Registration
from .outbox import templates
from .outbox.queue import record
from .outbox.tasks import dispatch_on_commit

FILTERS = ("status", "category", "checked_in", "organisation")


class RecipientsInvalid(ServiceError):
    code = "invalid_recipients"


def _choices(to, key, allowed):
    values = to[key]
    if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
        raise RecipientsInvalid(f"“{key}” is a list of one or more of: {', '.join(allowed)}.")
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise RecipientsInvalid(f"Unknown {key}: {', '.join(unknown)}; use {', '.join(allowed)}.")
    return values


def recipients(*, conference, to):
    """The delegates of ``conference`` that ``to`` chooses; its filters combine with AND.

    ``to``: ``{"status": [...], "category": [...], "checked_in": true|false,
    "organisation": [names or ids]}``, at least one of them (RecipientsInvalid
    otherwise: a message to everyone ever registered is never an accident).
    """
    if not isinstance(to, dict) or not to:
        raise RecipientsInvalid(
            "Choose the recipients: give “to” at least one of status, category, checked_in, organisation.",
            code="no_recipients_filter",
        )
    unknown = [key for key in to if key not in FILTERS]
    if unknown:
        raise RecipientsInvalid(f"Unknown filter {', '.join(unknown)}; the filters are {', '.join(FILTERS)}.")
    queryset = Registration.objects.filter(conference=conference)
    if "status" in to:
        queryset = queryset.filter(status__in=_choices(to, "status", Registration.Status.values))
    if "category" in to:
        queryset = queryset.filter(invitation__category__in=_choices(to, "category", Category.values))
    if "checked_in" in to:
        if not isinstance(to["checked_in"], bool):
            raise RecipientsInvalid("“checked_in” is true or false.")
        queryset = queryset.with_checked_in_at().filter(checked_in_at__isnull=not to["checked_in"])
    if "organisation" in to:
        names = to["organisation"]
        if not isinstance(names, list) or not names or not all(isinstance(n, str | int) for n in names):
            raise RecipientsInvalid("“organisation” is a list of organisation names or ids.")
        matches = Q()
        for name in names:
            matches |= (
                Q(invitation__organisation_id=name)
                if isinstance(name, int)
                else Q(invitation__organisation__name__iexact=name.strip())
            )
        queryset = queryset.filter(matches)
    return queryset


def send_message(*, conference, to, subject, body, dry_run=False):
    """Queue one e-mail a chosen delegate (placeholders filled for each); returns how many.

    With ``dry_run``: only counts them. Otherwise every message is written to
    the outbox in one transaction and handed to the sender after it commits.
    """
    chosen = recipients(conference=conference, to=to)
    if not isinstance(subject, str) or not subject.strip() or not isinstance(body, str) or not body.strip():
        raise ServiceError("Write a subject and a message.", code="blank")
    templates.check_placeholders(templates.MESSAGE, subject, body)
    if dry_run:
        return chosen.count()
    delegates = chosen.select_related("conference", "invitation__organisation").prefetch_related(
        Prefetch(
            "workshops",
            queryset=Session.objects.select_related("room").order_by("starts_at"),
            to_attr="chosen_workshops",
        )
    )
    with transaction.atomic():
        ids = []
        for registration in delegates.order_by("pk"):
            text_subject, text, html = templates.render(
                conference=conference, subject=subject, body=body, values=emails.registration_values(registration)
            )
            message = record(
                purpose=templates.MESSAGE,
                to=registration.email,
                subject=text_subject,
                body_text=text,
                body_html=html,
                invitation=registration.invitation,
                registration=registration,
                dispatch=False,
            )
            ids.append(message.pk)
        dispatch_on_commit(ids)
    return len(ids)
