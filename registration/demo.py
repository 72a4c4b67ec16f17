"""Demo invitations in every state and their delegates, some on the waiting list.

Only the demo's own organisations are invited (those of
``conference.demo.core`` and the demo's PERSONAL list), whatever else the
database holds. Delegates' names are in many scripts (accents, Greek,
Cyrillic, Arabic, Hebrew, Chinese, Japanese, Korean, Devanagari) so that
badges show them. Answers go through the services at past moments, so the
demo follows the same rules as a real RSVP (confirmed up to the conference's
capacity, waitlisted after that, workshop places never exceeded) and writes
the same e-mails to the outbox. Idempotent: a conference that already has
invitations is left as it is.
"""

import datetime as dt

from django.utils import timezone

from conference.demo.core import COMPANIES, PARTNERS, SPONSORS
from conference.models import Organisation

from . import emails, questions, services
from .figures import invitation_figures
from .models import Invitation, Question, Registration

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
# Each delegate's answer to the demo's dietary question, in turn (an "other" says what).
DIETS = ["none", "none", "none", "vegetarian", "vegan", "halal", "kosher", "gluten-free", "other", "none"]
OTHER_DIETS = ["Nut allergy", "Pescatarian", "No pork"]
INTERESTS = ["AI", "Cloud", "Cyber security", "Data", "Skills"]
# The demo's questions: (label, kind, choices, required, categories, on what answer, show at the door, on the badge).
QUESTIONS = [
    ("Diet", "choice", ["none", "vegetarian", "vegan", "halal", "kosher", "gluten-free", "other"], True),
    ("Which other diet?", "text", [], True, [], ("Diet", "other"), True),
    ("Do you need step-free access?", "yes_no", [], False, [], None, True),
    ("Topics you are interested in", "multiple_choice", INTERESTS, False),
    ("Pronouns (printed on your badge)", "text", [], False, [], None, False, True),
    ("May we photograph you for our press release?", "yes_no", [], True, ["press", "vip", "speaker"]),
]
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
    # A sponsor's delegate, so that every category's badge colour shows in the demo.
    ("Snow Hill Cloud Ltd", Organisation.Kind.SPONSOR, "Grace Okafor", "sponsor", "accepted"),
]


def _domain(name):
    return "".join(ch for ch in name.lower() if ch.isalnum())[:24] + ".example"


def _ascii(text):
    return "".join(ch for ch in text.lower() if ch.isascii() and ch.isalnum()) or "delegate"


def load(conference, stdout):
    _questions(conference)
    if Invitation.objects.filter(conference=conference).exists():
        stdout.write("Kept the demo invitations and delegates")
        _print_links(conference, stdout)
        return
    now = timezone.now()
    names = iter(WORLD_NAMES + [(f, last, f) for f, last in ENGLISH_NAMES[::-1]] * 3)
    moment = now - dt.timedelta(days=6)
    number = 0
    for invitation, status, named in _invitations(conference):
        moment += dt.timedelta(minutes=37)
        _send_and_open(invitation, status, now=now, moment=moment)
        if status == "declined":
            services.decline_invitation(invitation=invitation, now=moment)
        elif status == "accepted":
            delegates = []
            for _ in range(named):
                number += 1
                delegates.append(_delegate(invitation, next(names), number))
            _choose_workshops(conference, delegates, first=number - named + 1)
            services.accept_invitation(invitation=invitation, delegates=delegates, now=moment)
    _print_summary(conference, stdout)
    _print_links(conference, stdout)


def _questions(conference):
    """The demo's registration questions (through the service that checks them), once."""
    if Question.objects.filter(conference=conference).exists():
        return
    made = {}
    for label, kind, choices, required, *rest in QUESTIONS:
        defaults = [[], None, False, False]
        categories, depends_on, show_at_door, on_badge = [*rest, *defaults[len(rest) :]]
        values = {
            "label": label,
            "kind": kind,
            "choices": choices,
            "required": required,
            "categories": categories,
            "depends_on": {"question": made[depends_on[0]].pk, "answer": depends_on[1]} if depends_on else None,
            "show_at_door": show_at_door,
            "on_badge": on_badge,
        }
        made[label] = questions.save_question(conference=conference, values=values)
    return made


def _answers(conference, invitation, number):
    """Delegate number n's answers to the demo's questions, as the RSVP sends them."""
    by_label = {q.label: q for q in Question.objects.filter(conference=conference)}

    def key(label):
        return str(by_label[label].pk)

    diet = DIETS[number % len(DIETS)]
    answers = {key("Diet"): diet}
    if diet == "other":
        answers[key("Which other diet?")] = OTHER_DIETS[number % len(OTHER_DIETS)]
    if number % 7 == 4:
        answers[key("Do you need step-free access?")] = True
    answers[key("Topics you are interested in")] = INTERESTS[number % 5 :: 2][:2]
    if number % 4 == 1:
        answers[key("Pronouns (printed on your badge)")] = ["she/her", "he/him", "they/them"][number % 3]
    if invitation.category in ("press", "vip", "speaker"):
        answers[key("May we photograph you for our press release?")] = number % 2 == 0
    return answers


def _demo_organisations():
    """The demo's organisations (conference.demo.core made them), in a fixed order: by kind, then name."""
    names = [name for name, _, _ in PARTNERS] + COMPANIES + SPONSORS
    return list(Organisation.objects.filter(name__in=names).order_by("kind", "name"))


def _invitations(conference):
    """The demo's invitations, saved as drafts, each with the state it is to reach and the delegates to name."""
    category_of = {Organisation.Kind.COMPANY: "company", Organisation.Kind.SPONSOR: "sponsor"}
    planned = []
    for index, organisation in enumerate(_demo_organisations()):
        status, seats, named = PLAN[index % len(PLAN)]
        first, last = ENGLISH_NAMES[index % len(ENGLISH_NAMES)]
        category = category_of.get(organisation.kind, "partner")
        planned.append((organisation, f"{first} {last}", category, seats, status, named))
    for name, kind, contact, category, status in PERSONAL:
        organisation, _ = Organisation.objects.get_or_create(name=name, defaults={"kind": kind})
        planned.append((organisation, contact, category, 1, status, 1 if status == "accepted" else 0))
    invitations = []
    for organisation, contact, category, seats, status, named in planned:
        first, _, last = contact.rpartition(" ")
        invitation = Invitation.objects.create(
            conference=conference,
            organisation=organisation,
            contact_name=contact,
            email=f"{_ascii(first)}.{_ascii(last)}@{_domain(organisation.name)}",
            category=category,
            seats=seats,
        )
        invitations.append((invitation, status, named))
    return invitations


def _send_and_open(invitation, status, *, now, moment):
    """Bring a draft to the state the demo shows (answers are left to the services), at past moments."""
    if status == "draft":
        return
    invitation.sent_at = now - dt.timedelta(days=7)
    invitation.status = Invitation.Status.EXPIRED if status == "expired" else Invitation.Status.SENT
    if status in ("opened", "accepted", "declined"):
        invitation.status = Invitation.Status.OPENED
        invitation.opened_at = moment - dt.timedelta(minutes=20)
    invitation.save(update_fields=["status", "sent_at", "opened_at"])


def _delegate(invitation, name, number):
    """One demo delegate as the RSVP takes it."""
    first, last, badge = name
    return {
        "first_name": first,
        "last_name": last,
        "badge_name": badge,
        "email": f"delegate{number}@{invitation.email.split('@')[1]}",
        "job_title": JOBS[number % len(JOBS)],
        "dietary": "",
        "answers": _answers(invitation.conference, invitation, number),
        "accessibility": ACCESSIBILITY[number % len(ACCESSIBILITY)],
        "consent": True,
        "workshops": [],
    }


def _choose_workshops(conference, delegates, *, first):
    """Give delegate number n the n-th workshop (in turn), while it has places left."""
    workshops = services.workshops_with_places(conference)
    if not workshops:
        return
    places = {w.pk: w.places_left for w in workshops}
    for number, delegate in enumerate(delegates, start=first):
        workshop = workshops[number % len(workshops)]
        if places[workshop.pk] is None or places[workshop.pk] > 0:
            delegate["workshops"] = [workshop.pk]
            if places[workshop.pk] is not None:
                places[workshop.pk] -= 1


def _print_summary(conference, stdout):
    figures = invitation_figures(conference)
    stdout.write(
        f"Created {figures['invited'] + figures['drafts']} invitations ({figures['drafts']} not sent,"
        f" {figures['awaiting']} sent, {figures['unanswered']} opened,"
        f" accepted {figures['accepted']}, declined {figures['declined']},"
        f" expired {figures['expired']}); {figures['registered']} delegates registered,"
        f" {figures['waiting']} on the waiting list (capacity {conference.capacity})"
    )


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
