import io
import re

import pytest
from django.core.management import call_command

from conference.demo.core import DEMO_SLUG
from conference.models import Conference
from registration import services
from registration.figures import invitation_figures
from registration.models import Invitation, Registration
from tests.factories import ConferenceFactory, InvitationFactory, OrganisationFactory, delegate_data

pytestmark = pytest.mark.django_db

# The demo's figures on an empty database: 44 invitations in every state, 67 delegates for 60 places,
# of which 2 are held for press and 4 for sponsors; the speaker, the VIP and staff take no place.
DEMO_FIGURES = {
    "organisations": 44,
    "invited": 41,
    "drafts": 3,
    "awaiting": 4,
    "opened": 35,
    "unanswered": 3,
    "to_remind": 7,
    "accepted": 29,
    "declined": 3,
    "expired": 2,
    "registered": 59,
    "waiting": 8,
    "cancelled": 0,
    "named": 67,
    "capacity": 60,
}


def demo_figures():
    conference = Conference.objects.get(slug=DEMO_SLUG)
    workshops = {w.title: w.taken for w in services.workshops_with_places(conference)}
    return invitation_figures(conference), workshops


def test_demo_has_invitations_in_every_state_and_a_waiting_list():
    out = io.StringIO()
    call_command("demo", stdout=out)
    states = set(Invitation.objects.values_list("status", flat=True))
    assert states == {"draft", "sent", "opened", "accepted", "declined", "expired"}
    conference = Invitation.objects.first().conference
    confirmed = Registration.objects.filter(status="confirmed")
    # Every general place is taken; the speaker, VIP and staff are confirmed beyond them, press and the sponsor
    # in their held places: every category's badge colour shows.
    general = conference.capacity - sum(conference.reserved_places.values())
    assert confirmed.filter(invitation__category="company").count() == general
    assert set(confirmed.exclude(invitation__category="company").values_list("invitation__category", flat=True)) == {
        "speaker",
        "vip",
        "press",
        "staff",
        "sponsor",
    }
    assert not Registration.objects.filter(status="waitlisted").exclude(invitation__category="company").exists()
    assert Registration.objects.filter(status="waitlisted").exists()
    names = " ".join(Registration.objects.values_list("first_name", flat=True))
    for sample in ("Zoë", "Αλέξανδρος", "Мария", "فاطمة", "נועה", "秀英", "花子", "민준", "प्रिया"):
        assert sample in names
    text = out.getvalue()
    assert "/rsvp/" in text and "/my/" in text
    figures, workshops = demo_figures()
    assert figures == DEMO_FIGURES
    assert workshops and all(taken > 0 for taken in workshops.values())

    counts = (Invitation.objects.count(), Registration.objects.count())
    call_command("demo", stdout=io.StringIO())
    assert (Invitation.objects.count(), Registration.objects.count()) == counts


def test_demo_registers_its_delegates_through_the_rsvp_rules():
    call_command("demo", stdout=io.StringIO())
    conference = Conference.objects.get(slug=DEMO_SLUG)
    delegates = Registration.objects.filter(conference=conference)
    assert all(r.consent_at is not None for r in delegates)
    waitlisted = delegates.filter(status="waitlisted").order_by("created_at", "pk")
    # The waiting list holds those who answered after the general places were gone (exempt and press came later).
    confirmed_last = (
        delegates.filter(status="confirmed", invitation__category="company").order_by("created_at", "pk").last()
    )
    assert all(r.created_at >= confirmed_last.created_at for r in waitlisted)
    assert [services.waitlist_position(r) for r in waitlisted] == list(range(1, 9))
    for workshop in services.workshops_with_places(conference):
        assert workshop.capacity is None or workshop.taken <= workshop.capacity
    assert conference.invitations.filter(status="accepted", responded_at__isnull=True).count() == 0


def test_demo_on_a_database_with_another_conference_invites_only_its_own_organisations():
    other = ConferenceFactory(slug="other-2026")
    organisations = [OrganisationFactory() for _ in range(40)]
    invitations = [InvitationFactory(conference=other, organisation=o, seats=2) for o in organisations]
    services.accept_invitation(invitation=invitations[0], delegates=[delegate_data(), delegate_data()])

    call_command("demo", stdout=io.StringIO())

    figures, workshops = demo_figures()
    assert figures == DEMO_FIGURES
    assert workshops and all(taken > 0 for taken in workshops.values())
    demo = Conference.objects.get(slug=DEMO_SLUG)
    assert not demo.invitations.filter(organisation__in=organisations).exists()
    assert Invitation.objects.filter(conference=other).count() == 40
    assert Registration.objects.filter(conference=other).count() == 2


def test_demo_links_work(client):
    out = io.StringIO()
    call_command("demo", stdout=out)
    for line in out.getvalue().splitlines():
        if "RSVP link" in line or "Manage link" in line:
            path = "/" + line.rsplit("http://127.0.0.1:8000/", 1)[1]
            assert client.get(path).status_code == 200
    # The addresses the closing line names answer (the workspace sends a visitor to log in first).
    ready = next(line for line in out.getvalue().splitlines() if "is ready" in line)
    agenda, workspace = re.findall(r"(/\S+/)(?:,|$)", ready)
    assert client.get(agenda).status_code == 200
    assert client.get(workspace).status_code == 302


def test_demo_asks_questions_and_its_delegates_answer_them():
    from registration import exports
    from registration.models import Question

    call_command("demo", stdout=io.StringIO())
    conference = Conference.objects.get(slug=DEMO_SLUG)
    diet = Question.objects.get(conference=conference, label="Diet")
    assert diet.kind == "choice"
    assert diet.choices == ["none", "vegetarian", "vegan", "halal", "kosher", "gluten-free", "other"]
    delegates = Registration.objects.filter(conference=conference)
    assert all(r.answers.get(str(diet.pk)) in diet.choices for r in delegates)
    _, _, rows = exports.needs_table(conference)
    counted = {r[2]: r[3] + r[4] for r in rows if r and r[0] == "count" and r[1] == "Diet"}
    assert sum(counted.values()) == delegates.exclude(status="cancelled").count()
    assert counted["vegan"] > 0 and counted["other"] > 0
    call_command("demo", stdout=io.StringIO())
    assert Question.objects.filter(conference=conference).count() == 6, "the demo is idempotent"
