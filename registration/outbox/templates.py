"""The wording of every message: a conference's own templates, or the defaults.

A template is a ``subject`` and a plain-text ``body`` with placeholders
written ``{first_name}``; ``{{`` and ``}}`` stand for a brace. Each kind of
message knows its placeholders (an invitation has no badge yet, a delegate's
message carries no RSVP link, which is the contact's own); a placeholder
that a kind does not know is refused when the template is saved. The HTML
part is made from the filled text (paragraphs, line breaks, links) inside the
e-mails' layout, and the conference's footer is added to both parts.
"""

import html
import re

from django.db import transaction
from django.template.loader import render_to_string
from django.utils.dateformat import format as date_format
from django.utils.html import escape

from conference.plumbing.errors import ServiceError
from registration.models import EmailTemplate

INVITATION = "invitation"
REMINDER = "reminder"
CONFIRMATION = "confirmation"
WAITLISTED = "waitlisted"
PLACE_OFFERED = "place_offered"
CANCELLATION = "cancellation"
AGENDA_CHANGED = "agenda_changed"
MEETING_REQUESTED = "meeting_requested"  # networking: a delegate asks another for a meeting
MEETING_ACCEPTED = "meeting_accepted"
MEETING_CANCELLED = "meeting_cancelled"
MESSAGE = "message"  # a message an organiser writes to a group of delegates (not a stored template)

PLACEHOLDERS = {
    "first_name": "the recipient's first name (an invitation's contact, or the delegate)",
    "last_name": "the recipient's last name",
    "conference": "the conference's name",
    "organisation": "the organisation invited",
    "rsvp_url": "the contact's personal RSVP link",
    "manage_url": "the delegate's “manage my registration” link",
    "badge_url": "the delegate's badge (PDF)",
    "agenda_url": "the delegate's own agenda",
    "agenda_ics_url": "the delegate's agenda for a calendar (.ics)",
    "dates": "the conference's dates, e.g. Thursday 11 March 2027",
    "venue": "the venue",
    "seats": "the seats of the invitation, e.g. 2 delegates",
    "answer_by": "“Please answer by …” when registration closes on a date, else nothing",
    "workshops": "the delegate's workshops as a list, or nothing",
    "contact_email": "the organisers' e-mail address",
    "changes": "what changed in the sessions the delegate booked or starred, one line each, with the organisers' note",
    # Networking.
    "other_name": "the other delegate of the meeting",
    "other_organisation": "the other delegate's organisation",
    "other_job_title": "the other delegate's job title",
    "slot": "the networking session of the meeting, with its day and times",
    "table": "the meeting's table",
    "meeting_message": "the message written with the request, or nothing",
    "accept_url": "the link to accept the meeting",
    "decline_url": "the link to decline the meeting",
    "people_url": "the delegate directory and the delegate's meetings",
}
_COMMON = ("first_name", "last_name", "conference", "organisation", "dates", "venue", "contact_email")
_TO_CONTACT = (*_COMMON, "rsvp_url", "seats", "answer_by")
_TO_DELEGATE = (*_COMMON, "manage_url", "badge_url", "agenda_url", "agenda_ics_url", "workshops")
_MEETING = (*_TO_DELEGATE, "other_name", "other_organisation", "other_job_title", "slot", "people_url")

# Each kind: (what it is, the placeholders it knows, default subject, default body).
_LINKS = """Manage your registration (see or change your details, your workshops, or cancel):
{manage_url}

Your badge (PDF): {badge_url}
Your agenda: {agenda_url}
Add your agenda to your calendar: {agenda_ics_url}"""

KINDS = {
    INVITATION: (
        "The invitation, with the RSVP link",
        _TO_CONTACT,
        "You are invited: {conference}",
        """Dear {first_name} {last_name},

{organisation} is invited to {conference} on {dates} at {venue}.

The invitation is for {seats}. Please tell us whether you can come, and name your delegates, at this personal link:

{rsvp_url}

{answer_by}
You can come back to the same link to add delegates or change your answer until registration closes. \
Please do not forward it: it is personal to you.""",
    ),
    REMINDER: (
        "A reminder to those who have not answered",
        _TO_CONTACT,
        "Reminder: will you join us at {conference}?",
        """Dear {first_name} {last_name},

We have not yet had your answer to our invitation to {conference} on {dates} at {venue}, \
for {seats} from {organisation}.

Please accept or decline at your personal link:

{rsvp_url}

{answer_by}""",
    ),
    CONFIRMATION: (
        "A delegate is registered (with the calendar entry)",
        _TO_DELEGATE,
        "You are registered: {conference}",
        f"""Dear {{first_name}},

You are registered for {{conference}} on {{dates}} at {{venue}}, with {{organisation}}.
{{workshops}}
The calendar entry is attached (.ics).

{_LINKS}""",
    ),
    WAITLISTED: (
        "A delegate is on the waiting list",
        _TO_DELEGATE,
        "You are on the waiting list: {conference}",
        """Dear {first_name},

Thank you for registering for {conference}. The conference is full at the moment, so you are on the waiting list. \
Places that come free are offered in the order people joined the list; if one comes to you, you will be registered \
at once and we will e-mail you.

See or change your details, or leave the waiting list:
{manage_url}""",
    ),
    PLACE_OFFERED: (
        "A place came free and the first waiting delegate has it",
        _TO_DELEGATE,
        "A place has come free: you are registered for {conference}",
        f"""Dear {{first_name}},

Good news: a place has come free at {{conference}} and, as the first on the waiting list, it is yours. \
You are now registered for {{dates}} at {{venue}}, with {{organisation}}.
{{workshops}}
If you can no longer come, please cancel at the link below so that the place goes to the next person waiting. \
The calendar entry is attached (.ics).

{_LINKS}""",
    ),
    CANCELLATION: (
        "A delegate's registration is cancelled",
        _TO_DELEGATE,
        "Registration cancelled: {conference}",
        """Dear {first_name},

Your registration for {conference} ({first_name} {last_name}, {organisation}) is cancelled. \
Your badge is no longer valid.

If this is a mistake, please write to {contact_email}.""",
    ),
    AGENDA_CHANGED: (
        "The agenda changed for sessions the delegate booked or starred",
        (*_TO_DELEGATE, "changes"),
        "Agenda change: {conference}",
        """Dear {first_name},

The agenda of {conference} has changed, and the change concerns sessions you booked or starred:

{changes}

Your agenda, up to date:
{agenda_url}

Calendars subscribed to {agenda_ics_url} pick up the change on their next refresh.""",
    ),
    MEETING_REQUESTED: (
        "A delegate asks another for a meeting (with links to accept or decline)",
        (*_MEETING, "meeting_message", "accept_url", "decline_url"),
        "{other_name} would like to meet you at {conference}",
        """Dear {first_name},

{other_name} ({other_job_title}, {other_organisation}) would like to meet you during {slot}.

{meeting_message}

Accept: {accept_url}
Decline: {decline_url}

Once you accept, the meeting and its table are in both your agendas. Your e-mail address is not shown to {other_name}.

The delegate directory and your meetings: {people_url}""",
    ),
    MEETING_ACCEPTED: (
        "The delegate asked accepted the meeting (with its table)",
        (*_MEETING, "table"),
        "{other_name} accepted your meeting: {slot}",
        """Dear {first_name},

{other_name} ({other_organisation}) accepted your meeting during {slot}. Your table: {table}.

The meeting is in your agenda: {agenda_url}
Your meetings: {people_url}""",
    ),
    MEETING_CANCELLED: (
        "A meeting or a request was cancelled by the other delegate",
        _MEETING,
        "Meeting cancelled: {other_name}, {slot}",
        """Dear {first_name},

{other_name} ({other_organisation}) cancelled your meeting during {slot}.

Your meetings: {people_url}""",
    ),
}
EDITABLE = tuple(KINDS)
MEETING_KINDS = (MEETING_REQUESTED, MEETING_ACCEPTED, MEETING_CANCELLED)
# The networking placeholders of a template's preview (a sample meeting).
MEETING_SAMPLE = {
    "other_name": "Sam Patel",
    "other_organisation": "Aston University",
    "other_job_title": "Knowledge transfer manager",
    "slot": "Networking, Thursday 11 March, 12:30–13:30",
    "table": "Table 4",
    "meeting_message": "“Looking for a partner for a KTP: shall we talk?”",
    "accept_url": "https://example.org/my/sample-link/meetings/1/accept/",
    "decline_url": "https://example.org/my/sample-link/meetings/1/decline/",
    "people_url": "https://example.org/my/sample-link/people/",
}

# The outbox's purposes as organisers know them (the kinds of templates); others are their own kind.
_KIND_OF_PURPOSE = {"waitlist_offer": PLACE_OFFERED}


def kind_of(purpose):
    return _KIND_OF_PURPOSE.get(purpose, purpose)


def purposes_of(kind):
    return [p for p, k in _KIND_OF_PURPOSE.items() if k == kind] or [kind]


_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}\s]*)\}")
_URL = re.compile(r"https?://[^\s<>\"']+")


class UnknownPlaceholder(ServiceError):
    code = "unknown_placeholder"


class UnknownKind(ServiceError):
    code = "unknown_kind"
    status_code = 404


def known_placeholders(kind):
    return KINDS[kind][1] if kind in KINDS else _TO_DELEGATE


def check_placeholders(kind, *texts):
    """Refuse (UnknownPlaceholder) any ``{name}`` that ``kind`` does not know."""
    known = set(known_placeholders(kind))
    unknown = []
    for text in texts:
        for match in _PLACEHOLDER.finditer(text or ""):
            name = match.group(1)
            if name is not None and name not in known and name not in unknown:
                unknown.append(name)
    if unknown:
        names = ", ".join("{" + n + "}" for n in unknown)
        allowed = ", ".join("{" + n + "}" for n in known_placeholders(kind))
        raise UnknownPlaceholder(
            f"{names} {'is' if len(unknown) == 1 else 'are'} not a placeholder of this message; use {allowed}.",
            extra={"placeholders": list(unknown)},
        )


def fill(text, values):
    """``text`` with every ``{name}`` replaced by its value (a name without a value: nothing)."""

    def replace(match):
        token = match.group(0)
        if token in ("{{", "}}"):
            return token[0]
        return str(values.get(match.group(1), ""))

    filled = _PLACEHOLDER.sub(replace, text)
    # A placeholder that filled with nothing (no workshops, no closing date) leaves no run of blank lines.
    return re.sub(r"\n[ \t]*\n(?:[ \t]*\n)+", "\n\n", filled).strip() + "\n"


def to_html(text):
    """Paragraphs (blank lines), line breaks and links of a filled, plain-text body, escaped."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", text.strip()):
        escaped = html.escape(block)
        linked = _URL.sub(lambda m: f'<a href="{m.group(0)}" style="color:#1d4ed8">{m.group(0)}</a>', escaped)
        paragraphs.append("<p>" + linked.replace("\n", "<br>\n") + "</p>")
    return "\n".join(paragraphs)


def template_for(conference, kind):
    """``(subject, body, customised)``: the conference's own wording of ``kind``, or the default."""
    if kind not in KINDS:
        raise UnknownKind(f"There is no message “{kind}”; the messages are {', '.join(EDITABLE)}.")
    stored = EmailTemplate.objects.filter(conference=conference, kind=kind).first()
    if stored is not None:
        return stored.subject, stored.body, True
    _, _, subject, body = KINDS[kind]
    return subject, body, False


def templates_of(conference):
    """Every kind's template for ``conference`` (one query): dicts of kind, description, subject, body, ...."""
    stored = {t.kind: t for t in EmailTemplate.objects.filter(conference=conference)}
    result = []
    for kind, (description, placeholders, subject, body) in KINDS.items():
        own = stored.get(kind)
        result.append(
            {
                "kind": kind,
                "description": description,
                "subject": own.subject if own else subject,
                "body": own.body if own else body,
                "customised": own is not None,
                "placeholders": list(placeholders),
                "updated_at": own.updated_at if own else None,
            }
        )
    return result


def save_template(*, conference, kind, subject=None, body=None):
    """Change the conference's wording of ``kind`` (only the parts given); placeholders are checked first."""
    current_subject, current_body, _ = template_for(conference, kind)
    subject = current_subject if subject is None else subject
    body = current_body if body is None else body
    if not subject.strip() or not body.strip():
        raise ServiceError("A message needs a subject and a body.", code="blank")
    check_placeholders(kind, subject, body)
    with transaction.atomic():
        EmailTemplate.objects.update_or_create(
            conference=conference, kind=kind, defaults={"subject": subject[:300], "body": body}
        )
    return template_for(conference, kind)


def reset_template(*, conference, kind):
    """Back to the default wording."""
    template_for(conference, kind)  # an unknown kind is refused
    EmailTemplate.objects.filter(conference=conference, kind=kind).delete()


def render(*, conference, subject, body, values):
    """``(subject, text, html)`` of a message: the placeholders filled, the footer added, the HTML made."""
    return next(render_many(conference=conference, subject=subject, body=body, values_list=[values]))


def render_many(*, conference, subject, body, values_list):
    """``(subject, text, html)`` of one message for each of ``values_list``, as :func:`render` makes it.

    What every message of the conference shares (its values, the footer, the HTML
    page around the body) is made once: the page is rendered with two markers,
    and each message's (escaped) subject and body take their places.
    """
    shared = conference_values(conference)
    footer = render_to_string("registration/email/_footer.txt", {"conference": conference}).strip()
    frame = _html_frame(conference)
    for values in values_list:
        values = {**shared, **values}
        filled_subject = " ".join(fill(subject, values).split())[:300]
        text = fill(body, values)
        if frame:
            before, between, after = frame
            page = f"{before}{escape(filled_subject)}{between}{to_html(text)}{after}"
        else:
            page = _html_page(conference, filled_subject, to_html(text))
        yield filled_subject, f"{text}\n{footer}\n", page


_SUBJECT_MARK, _BODY_MARK = "\x00subject\x00", "\x00body\x00"


def _html_page(conference, subject, body_html):
    return render_to_string(
        "registration/email/from_text.html", {"conference": conference, "subject": subject, "body": body_html}
    )


def _html_frame(conference):
    """The HTML page of ``conference``'s messages cut around its subject and body; None if they are not there once."""
    page = _html_page(conference, _SUBJECT_MARK, _BODY_MARK)
    if (
        page.count(_SUBJECT_MARK) != 1
        or page.count(_BODY_MARK) != 1
        or page.index(_SUBJECT_MARK) > page.index(_BODY_MARK)
    ):
        return None
    before, _, rest = page.partition(_SUBJECT_MARK)
    between, _, after = rest.partition(_BODY_MARK)
    return before, between, after


def render_kind(*, conference, kind, values):
    subject, body, _ = template_for(conference, kind)
    return render(conference=conference, subject=subject, body=body, values=values)


def conference_values(conference):
    dates = date_format(conference.starts_on, "l j F Y")
    if conference.ends_on and conference.ends_on != conference.starts_on:
        dates += " – " + date_format(conference.ends_on, "l j F Y")
    return {
        "conference": conference.name,
        "dates": dates,
        "venue": conference.venue,
        "contact_email": conference.contact_email or "the organisers",
    }
