"""Demo invitations in every state and their delegates, some on the waiting list.

Delegates' names are in many scripts (accents, Greek, Cyrillic, Arabic,
Hebrew, Chinese, Japanese, Korean, Devanagari) so that badges show them.
The rows are written directly, deterministic and without e-mails, but by the
same rules the services apply: confirmed up to the conference's capacity in
order of registration, waitlisted after that, workshop places never exceeded.
Idempotent: a conference that already has invitations is left as it is.
"""

import datetime as dt

from django.utils import timezone

from conference.models import Organisation

from . import emails, services
from .figures import invitation_figures
from .models import Invitation, Registration

# (first name, last name, badge name) — the first delegates named, in many scripts.
WORLD_NAMES = [
    ("Zoë", "Ångström", "Zoë"),
    ("José", "Muñoz-García", "José"),
    ("Αλέξανδρος", "Παπαδόπουλος", "Αλέξανδρος"),
    ("Мария", "Иванова", "Маша"),
    ("فاطمة", "الزهراء", "فاطمة"),
    ("נועה", "כהן", "נועה"),
    ("秀英", "王", "王秀英"),
    ("花子", "佐藤", "佐藤 花子"),
    ("민준", "김", "김민준"),
    ("प्रिया", "शर्मा", "प्रिया"),
    ("François", "Lefèvre", "François"),
    ("Łukasz", "Wiśniewski", "Łukasz"),
    ("Siobhán", "Ó Briain", "Siobhán"),
    ("Dmitri", "Соколов", "Dmitri"),
    ("Yusuf", "Öztürk", "Yusuf"),
]
ENGLISH_NAMES = [
    ("Amelia", "Jones"),
    ("Oliver", "Smith"),
    ("Priya", "Patel"),
    ("Harry", "Taylor"),
    ("Aisha", "Rahman"),
    ("Jack", "Brown"),
    ("Grace", "Williams"),
    ("Mohammed", "Hussain"),
    ("Chloe", "Davies"),
    ("Thomas", "Evans"),
    ("Sophie", "Wilson"),
    ("Arjun", "Singh"),
    ("Emily", "Thomas"),
    ("George", "Roberts"),
    ("Isla", "Johnson"),
    ("Kwame", "Mensah"),
    ("Lily", "Walker"),
    ("Daniel", "Wright"),
    ("Hannah", "Robinson"),
    ("Samuel", "Thompson"),
    ("Jessica", "White"),
    ("Ryan", "Hughes"),
    ("Megan", "Edwards"),
    ("Adam", "Green"),
    ("Zainab", "Ali"),
    ("Lewis", "Hall"),
    ("Ella", "Wood"),
    ("Callum", "Clarke"),
    ("Ruby", "Jackson"),
    ("Nathan", "Turner"),
    ("Olivia", "Hill"),
    ("Ethan", "Moore"),
    ("Freya", "Cooper"),
    ("Aaron", "Ward"),
    ("Niamh", "Morris"),
    ("Ben", "King"),
    ("Imogen", "Baker"),
    ("Kieran", "Harris"),
    ("Poppy", "Lewis"),
    ("Tariq", "Mahmood"),
    ("Rosie", "Martin"),
    ("Joel", "Allen"),
    ("Maya", "Young"),
    ("Owen", "Scott"),
    ("Leah", "Adams"),
    ("Rhys", "Mitchell"),
    ("Abigail", "Carter"),
    ("Dylan", "Phillips"),
    ("Erin", "Campbell"),
    ("Finley", "Parker"),
    ("Holly", "Collins"),
    ("Jay", "Chauhan"),
    ("Katie", "Stewart"),
    ("Luke", "Murphy"),
    ("Molly", "Bell"),
]
DIETARY = ["", "", "", "Vegetarian", "Vegan", "Halal", "Kosher", "Gluten free", "Nut allergy", ""]
ACCESSIBILITY = ["", "", "", "", "Step-free access", "Hearing loop", "", "Large-print programme", "", ""]
JOBS = ["Managing Director", "Head of Digital", "CTO", "Research Fellow", "Innovation Manager", "Software Engineer"]

# The state of each organisation's invitation, in order: (status, seats, delegates named).
PLAN = (
    [("accepted", 4, 4)] * 4
    + [("accepted", 3, 3)] * 6
    + [("accepted", 3, 2)] * 6
    + [("accepted", 2, 2)] * 8
    + [("declined", 2, 0)] * 3
    + [("opened", 2, 0)] * 3
    + [("sent", 3, 0)] * 3
    + [("draft", 2, 0)] * 3
    + [("expired", 1, 0)] * 2
)
PERSONAL = [
    ("Birmingham Post", Organisation.Kind.OTHER, "Hannah Clarke", "press", "accepted"),
    ("BBC Midlands", Organisation.Kind.OTHER, "Imran Qureshi", "press", "sent"),
    ("Office of the Mayor of the West Midlands", Organisation.Kind.PUBLIC_BODY, "Andy Street", "vip", "accepted"),
    ("Cluster Opportunity Group", Organisation.Kind.PARTNER, "Rebecca Holt", "staff", "accepted"),
    ("Open Data Institute", Organisation.Kind.OTHER, "Dr Femi Adebayo", "speaker", "accepted"),
]


def _domain(name):
    return "".join(ch for ch in name.lower() if ch.isalnum())[:24] + ".example"


def _ascii(text):
    return "".join(ch for ch in text.lower() if ch.isascii() and ch.isalnum()) or "delegate"


def load(conference, stdout):
    if Invitation.objects.filter(conference=conference).exists():
        stdout.write("Kept the demo invitations and delegates")
        _print_links(conference, stdout)
        return

    now = timezone.now()
    organisations = list(Organisation.objects.order_by("kind", "name"))
    category_of = {
        Organisation.Kind.COMPANY: "company",
        Organisation.Kind.SPONSOR: "sponsor",
    }
    invitations = []
    for index, organisation in enumerate(organisations):
        status, seats, named = PLAN[index % len(PLAN)]
        contact_first, contact_last = ENGLISH_NAMES[index % len(ENGLISH_NAMES)]
        invitations.append(
            (
                Invitation(
                    conference=conference,
                    organisation=organisation,
                    contact_name=f"{contact_first} {contact_last}",
                    email=f"{_ascii(contact_first)}.{_ascii(contact_last)}@{_domain(organisation.name)}",
                    category=category_of.get(organisation.kind, "partner"),
                    seats=seats,
                ),
                status,
                named,
            )
        )
    for name, kind, contact, category, status in PERSONAL:
        organisation, _ = Organisation.objects.get_or_create(name=name, defaults={"kind": kind})
        first, _, last = contact.rpartition(" ")
        invitations.append(
            (
                Invitation(
                    conference=conference,
                    organisation=organisation,
                    contact_name=contact,
                    email=f"{_ascii(first)}.{_ascii(last)}@{_domain(name)}",
                    category=category,
                    seats=1,
                ),
                status,
                1 if status == "accepted" else 0,
            )
        )

    workshops = services.workshops_with_places(conference)
    places = {w.pk: w.places_left for w in workshops}
    names = iter(WORLD_NAMES + [(f, last, f) for f, last in ENGLISH_NAMES[::-1]] * 3)
    confirmed = Registration.objects.filter(conference=conference, status=Registration.Status.CONFIRMED).count()
    moment = now - dt.timedelta(days=6)
    number = 0
    for invitation, status, named in invitations:
        moment += dt.timedelta(minutes=37)
        invitation.status = status
        if status != "draft":
            invitation.sent_at = now - dt.timedelta(days=7)
        if status in ("opened", "accepted", "declined"):
            invitation.opened_at = moment - dt.timedelta(minutes=20)
        if status in ("accepted", "declined"):
            invitation.responded_at = moment
        invitation.save()
        for _ in range(named):
            first, last, badge = next(names)
            number += 1
            is_confirmed = confirmed < conference.capacity
            confirmed += is_confirmed
            registration = Registration.objects.create(
                conference=conference,
                invitation=invitation,
                first_name=first,
                last_name=last,
                badge_name=badge,
                email=f"delegate{number}@{invitation.email.split('@')[1]}",
                job_title=JOBS[number % len(JOBS)],
                dietary=DIETARY[number % len(DIETARY)],
                accessibility=ACCESSIBILITY[number % len(ACCESSIBILITY)],
                consent_at=moment,
                status=Registration.Status.CONFIRMED if is_confirmed else Registration.Status.WAITLISTED,
                created_at=moment + dt.timedelta(seconds=number),
                confirmed_at=moment if is_confirmed else None,
            )
            for workshop in workshops[number % max(len(workshops), 1) :][:1]:
                if places[workshop.pk] is None or places[workshop.pk] > 0:
                    registration.workshops.add(workshop)
                    if places[workshop.pk] is not None:
                        places[workshop.pk] -= 1

    figures = invitation_figures(conference)
    stdout.write(
        f"Created {figures['invited'] + figures['drafts']} invitations ({figures['drafts']} not sent,"
        f" {figures['awaiting']} sent, {figures['unanswered']} opened,"
        f" accepted {figures['accepted']}, declined {figures['declined']},"
        f" expired {figures['expired']}); {figures['registered']} delegates registered,"
        f" {figures['waiting']} on the waiting list (capacity {conference.capacity})"
    )
    _print_links(conference, stdout)


def _print_links(conference, stdout):
    invitation = Invitation.objects.filter(conference=conference, status__in=["sent", "opened"]).order_by("pk").first()
    registration = (
        Registration.objects.filter(conference=conference, status=Registration.Status.CONFIRMED)
        .order_by("created_at", "pk")
        .first()
    )
    if invitation:
        stdout.write(
            f"  RSVP link ({invitation.contact_name}, {invitation.organisation}): {emails.rsvp_url(invitation)}"
        )
    if registration:
        stdout.write(f"  Manage link ({registration.full_name}): {emails.manage_url(registration)}")
