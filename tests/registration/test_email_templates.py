"""E-mail templates per conference, messages to a chosen group, and the outbox, through the API."""

import pytest
from django.core import mail
from django.urls import reverse

from badges.checkin.services import scan_badge
from badges.services import current_badge
from registration import services
from registration.models import EmailTemplate, OutboxMessage, Registration
from registration.outbox import templates
from tests.factories import (
    ConferenceFactory,
    DraftInvitationFactory,
    InvitationFactory,
    OrganisationFactory,
    WorkshopFactory,
    delegate_data,
)

pytestmark = pytest.mark.django_db

KINDS = [
    "invitation",
    "reminder",
    "confirmation",
    "waitlisted",
    "place_offered",
    "cancellation",
    "agenda_changed",
    # Networking (registration.networking).
    "meeting_requested",
    "meeting_accepted",
    "meeting_cancelled",
]


def url(conference, name, *args):
    return reverse(name, args=[conference.slug, *args])


# Templates.


def test_every_kind_is_listed_with_its_default_wording(organiser_api, conference):
    response = organiser_api.get(url(conference, "api-email-template-list"))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == len(KINDS)
    results = {t["kind"]: t for t in body["results"]}
    assert list(results) == KINDS
    assert results["confirmation"]["subject"] == "You are registered: {conference}"
    assert "{manage_url}" in results["confirmation"]["body"] and not results["confirmation"]["customised"]
    assert "rsvp_url" in results["invitation"]["placeholders"]
    assert "badge_url" not in results["invitation"]["placeholders"]


def test_an_edited_confirmation_is_used_by_the_next_confirmation(organiser_api, conference):
    response = organiser_api.patch(
        url(conference, "api-email-template-detail", "confirmation"),
        {
            "subject": "Welcome aboard, {first_name}!",
            "body": "Hello {first_name} {last_name} of {organisation}.\n\nYour badge: {badge_url}",
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["customised"] is True
    invitation = InvitationFactory(conference=conference, seats=1)
    (registration,) = services.accept_invitation(
        invitation=invitation, delegates=[delegate_data(first_name="Zoë", last_name="Ångström")]
    )
    message = OutboxMessage.objects.get(purpose="confirmation", registration=registration)
    assert message.subject == "Welcome aboard, Zoë!"
    assert message.body_text.startswith(f"Hello Zoë Ångström of {invitation.organisation.name}.")
    assert f"/my/{registration.token}/badge.pdf" in message.body_text
    assert f'href="http://127.0.0.1:8000/my/{registration.token}/badge.pdf"' in message.body_html
    assert message.attachments[0]["mimetype"] == "text/calendar"  # the .ics still comes with it
    # Another conference keeps the default.
    other = InvitationFactory(seats=1)
    (elsewhere,) = services.accept_invitation(invitation=other, delegates=[delegate_data()])
    assert OutboxMessage.objects.get(registration=elsewhere).subject == f"You are registered: {other.conference.name}"


def test_an_unknown_placeholder_is_refused_and_nothing_saved(organiser_api, conference):
    response = organiser_api.patch(
        url(conference, "api-email-template-detail", "invitation"),
        {"body": "Dear {first_name}, your badge: {badge_url} {shoe_size}"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "unknown_placeholder"
    assert response.json()["placeholders"] == ["badge_url", "shoe_size"]
    assert not EmailTemplate.objects.exists()


def test_an_unknown_kind_is_404(organiser_api, conference):
    response = organiser_api.patch(
        url(conference, "api-email-template-detail", "newsletter"), {"body": "Hi"}, format="json"
    )
    assert response.status_code == 404 and response.json()["code"] == "unknown_kind"


def test_preview_fills_a_sample_recipient_and_can_preview_unsaved_wording(organiser_api, conference):
    WorkshopFactory(conference=conference, title="Cloud security clinic")
    response = organiser_api.post(url(conference, "api-email-template-preview", "confirmation"), {}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["subject"] == f"You are registered: {conference.name}"
    assert "Dear Alex," in body["body"] and "Cloud security clinic" in body["body"]
    assert "<p>Dear Alex,</p>" in body["html"] and conference.name in body["html"]
    unsaved = organiser_api.post(
        url(conference, "api-email-template-preview", "invitation"),
        {"subject": "Come, {first_name}", "body": "{organisation} <is> invited: {rsvp_url}"},
        format="json",
    )
    assert unsaved.json()["subject"] == "Come, Alex"
    assert unsaved.json()["body"].startswith("Example Ltd <is> invited: http://127.0.0.1:8000/rsvp/")
    assert "Example Ltd &lt;is&gt; invited" in unsaved.json()["html"]
    assert not EmailTemplate.objects.exists()
    bad = organiser_api.post(
        url(conference, "api-email-template-preview", "invitation"), {"body": "{nope}"}, format="json"
    )
    assert bad.status_code == 400 and bad.json()["code"] == "unknown_placeholder"


def test_reset_goes_back_to_the_default(organiser_api, conference):
    organiser_api.patch(url(conference, "api-email-template-detail", "waitlisted"), {"subject": "Wait"}, format="json")
    assert templates.template_for(conference, "waitlisted")[0] == "Wait"
    assert organiser_api.delete(url(conference, "api-email-template-detail", "waitlisted")).status_code == 204
    assert templates.template_for(conference, "waitlisted")[0] == "You are on the waiting list: {conference}"


def test_braces_doubled_are_literal_and_blank_lines_do_not_pile_up():
    assert templates.fill("{{first_name}} is {first_name}\n\n{answer_by}\n\nEnd", {"first_name": "Ada"}) == (
        "{first_name} is Ada\n\nEnd\n"
    )


def test_templates_need_an_organiser(door_api, conference):
    assert door_api.get(url(conference, "api-email-template-list")).status_code == 403


def test_invitation_default_keeps_todays_wording(conference, django_capture_on_commit_callbacks):
    invitation = DraftInvitationFactory(conference=conference, contact_name="Priya Patel", seats=3)
    with django_capture_on_commit_callbacks(execute=True):  # the e-mails are prepared after the send commits
        services.send_invitations(conference=conference)
    message = OutboxMessage.objects.get(invitation=invitation)
    assert message.subject == f"You are invited: {conference.name}"
    assert message.body_text.startswith("Dear Priya Patel,\n\n")
    assert "The invitation is for 3 delegates." in message.body_text
    assert message.body_text.rstrip().endswith(f"Questions? Write to {conference.contact_email}.")


# Messages to a group.


@pytest.fixture
def delegates(conference):
    """Ada (company, confirmed, checked in), Bo (sponsor, confirmed), Cy (company, waitlisted), Di (cancelled)."""
    conference.capacity = 2
    conference.save()
    acme = OrganisationFactory(name="Acme Ltd")
    made = {}
    for name, category, organisation in [("Ada", "company", acme), ("Bo", "sponsor", None), ("Cy", "company", acme)]:
        extra = {"organisation": organisation} if organisation else {}
        invitation = InvitationFactory(conference=conference, category=category, seats=1, **extra)
        (made[name],) = services.accept_invitation(invitation=invitation, delegates=[delegate_data(first_name=name)])
    invitation = InvitationFactory(conference=conference, seats=1)
    (made["Di"],) = services.accept_invitation(invitation=invitation, delegates=[delegate_data(first_name="Di")])
    services.cancel_registration(registration=made["Di"])
    scan_badge(conference=conference, code=current_badge(made["Ada"]).code, gate="North door")
    assert [Registration.objects.get(pk=made[n].pk).status for n in ["Ada", "Bo", "Cy", "Di"]] == [
        "confirmed",
        "confirmed",
        "waitlisted",
        "cancelled",
    ]
    return made


@pytest.mark.parametrize(
    ("to", "names"),
    [
        ({"status": ["confirmed"]}, {"Ada", "Bo"}),
        ({"status": ["confirmed", "waitlisted"], "category": ["company"]}, {"Ada", "Cy"}),
        ({"checked_in": True}, {"Ada"}),
        ({"status": ["confirmed"], "checked_in": False}, {"Bo"}),
        ({"organisation": ["acme ltd"], "status": ["waitlisted"]}, {"Cy"}),
        ({"category": ["press"]}, set()),
    ],
)
def test_message_dry_run_counts_the_chosen_group(organiser_api, conference, delegates, to, names):
    response = organiser_api.post(
        url(conference, "api-message-list"), {"to": to, "subject": "Hi", "body": "Hi", "dry_run": True}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json() == {"recipients": len(names)}
    assert not OutboxMessage.objects.filter(purpose="message").exists()


def test_message_is_one_email_a_delegate_through_the_outbox(
    organiser_api, conference, delegates, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = organiser_api.post(
            url(conference, "api-message-list"),
            {
                "to": {"status": ["confirmed"]},
                "subject": "Joining instructions for {conference}",
                "body": "Dear {first_name},\n\nBring your badge: {badge_url}",
            },
            format="json",
        )
    assert response.status_code == 202 and response.json() == {"queued": 2}
    messages = OutboxMessage.objects.filter(purpose="message").order_by("to")
    assert {m.registration.first_name for m in messages} == {"Ada", "Bo"}
    ada = messages.get(registration=delegates["Ada"])
    assert ada.subject == f"Joining instructions for {conference.name}"
    assert ada.body_text.startswith("Dear Ada,\n\nBring your badge: ")
    assert f"/my/{delegates['Ada'].token}/badge.pdf" in ada.body_text
    assert {m.to[0] for m in mail.outbox if m.subject.startswith("Joining")} == {m.to for m in messages}

    outbox = organiser_api.get(url(conference, "api-outbox-list") + "?kind=message").json()
    assert outbox["count"] == 2
    row = outbox["results"][0]
    assert set(row) >= {"to", "subject", "kind", "status", "attempts", "last_error", "sent_at"}
    assert row["kind"] == "message" and row["status"] == "sent" and row["attempts"] == 1


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"to": {}, "subject": "Hi", "body": "Hi"}, "no_recipients_filter"),
        ({"subject": "Hi", "body": "Hi"}, None),
        ({"to": {"status": ["maybe"]}, "subject": "Hi", "body": "Hi"}, "invalid_recipients"),
        ({"to": {"colour": ["red"]}, "subject": "Hi", "body": "Hi"}, "invalid_recipients"),
        ({"to": {"checked_in": "yes"}, "subject": "Hi", "body": "Hi"}, "invalid_recipients"),
        ({"to": {"status": ["confirmed"]}, "subject": "Hi", "body": "{rsvp_url}"}, "unknown_placeholder"),
    ],
)
def test_bad_messages_are_400_and_queue_nothing(organiser_api, conference, delegates, body, code):
    response = organiser_api.post(url(conference, "api-message-list"), body, format="json")
    assert response.status_code == 400
    if code:
        assert response.json()["code"] == code
    assert not OutboxMessage.objects.filter(purpose="message").exists()


def test_outbox_lists_failures_with_their_error(
    organiser_api, conference, smtp_down, django_capture_on_commit_callbacks
):
    invitation = DraftInvitationFactory(conference=conference)
    with django_capture_on_commit_callbacks(execute=True):
        services.send_invitations(conference=conference)
    response = organiser_api.get(url(conference, "api-outbox-list") + "?status=pending")
    (row,) = response.json()["results"]
    assert row["to"] == invitation.email and row["kind"] == "invitation"
    assert row["status"] == "pending" and row["attempts"] == 1 and row["last_error"] and row["sent_at"] is None
    # Another conference's messages are not listed.
    other = ConferenceFactory()
    assert organiser_api.get(url(other, "api-outbox-list")).json()["count"] == 0
