"""The organiser's e-mails pages: templates edited and previewed, a message to a group, the outbox."""

import pytest
from django.urls import reverse

from registration import services
from registration.models import EmailTemplate, OutboxMessage
from tests.factories import ConferenceFactory, DraftInvitationFactory, InvitationFactory, delegate_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser_client(client, organiser):
    client.force_login(organiser)
    return client


def test_emails_page_lists_templates_and_the_outbox_in_fixed_queries(
    organiser_client, conference, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    DraftInvitationFactory(conference=conference)
    with django_capture_on_commit_callbacks(execute=True):  # the e-mails are prepared after the send commits
        services.send_invitations(conference=conference)
    url = reverse("organiser-emails", args=[conference.slug])
    with django_assert_max_num_queries(10) as few:  # 10: one is the e-mails still being prepared
        html = organiser_client.get(url).content.decode()
    assert "The invitation, with the RSVP link" in html and "Default wording" in html
    assert "Outbox: 1 message" in html and f"You are invited: {conference.name}" in html
    for _ in range(60):
        DraftInvitationFactory(conference=conference)
    with django_capture_on_commit_callbacks(execute=True):
        services.send_invitations(conference=conference)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = organiser_client.get(url).content.decode()
    assert "Outbox: 61 messages" in html and "Older messages" in html


def test_template_page_previews_unsaved_wording_then_saves_it(organiser_client, conference):
    url = reverse("organiser-email-template", args=[conference.slug, "confirmation"])
    html = organiser_client.get(url).content.decode()
    assert "You are registered: {conference}" in html
    assert f"You are registered: {conference.name}" in html  # the preview of the default
    preview = organiser_client.post(
        url, {"subject": "Hi {first_name}", "body": "See you, {first_name}!", "action": "preview"}
    )
    assert preview.status_code == 200 and "See you, Alex!" in preview.content.decode()
    assert not EmailTemplate.objects.exists()
    refused = organiser_client.post(url, {"subject": "Hi", "body": "{rsvp_url}", "action": "save"})
    assert refused.status_code == 400 and "not a placeholder of this message" in refused.content.decode()
    assert not EmailTemplate.objects.exists()
    saved = organiser_client.post(
        url, {"subject": "Hi {first_name}", "body": "See you, {first_name}!", "action": "save"}
    )
    assert saved.status_code == 302
    (registration,) = services.accept_invitation(
        invitation=InvitationFactory(conference=conference, seats=1), delegates=[delegate_data(first_name="Zoë")]
    )
    message = OutboxMessage.objects.get(registration=registration, purpose="confirmation")
    assert message.subject == "Hi Zoë" and message.body_text.startswith("See you, Zoë!")
    organiser_client.post(url, {"action": "reset"})
    assert not EmailTemplate.objects.exists()


def test_an_unknown_template_is_404(organiser_client, conference):
    assert organiser_client.get(f"/organiser/{conference.slug}/emails/newsletter/").status_code == 404


def test_compose_counts_first_then_sends_through_the_outbox(organiser_client):
    conference = ConferenceFactory(capacity=1)
    for name in ("Ada", "Bo"):
        services.accept_invitation(
            invitation=InvitationFactory(conference=conference, seats=1), delegates=[delegate_data(first_name=name)]
        )
    url = reverse("organiser-email-compose", args=[conference.slug])
    data = {"status": ["confirmed"], "subject": "Joining instructions", "body": "Dear {first_name}, bring {badge_url}"}
    counted = organiser_client.post(url, {**data, "action": "count"}).content.decode()
    assert "<strong>1</strong> delegate, one e-mail each" in counted and "Send to 1 delegate" in counted
    assert not OutboxMessage.objects.filter(purpose="message").exists()
    sent = organiser_client.post(url, {**data, "action": "send"}, follow=True).content.decode()
    assert "1 message queued" in sent
    (message,) = OutboxMessage.objects.filter(purpose="message")
    assert message.body_text.startswith("Dear Ada, bring http")
    assert "Joining instructions" in sent  # listed in the outbox


def test_compose_without_a_group_or_with_a_bad_placeholder_sends_nothing(organiser_client, conference):
    url = reverse("organiser-email-compose", args=[conference.slug])
    nobody = organiser_client.post(url, {"subject": "Hi", "body": "Hi", "action": "send"})
    assert nobody.status_code == 400 and "Choose the recipients" in nobody.content.decode()
    bad = organiser_client.post(url, {"status": ["confirmed"], "subject": "Hi", "body": "{rsvp_url}", "action": "send"})
    assert bad.status_code == 400 and "not a placeholder of this message" in bad.content.decode()
    assert not OutboxMessage.objects.filter(purpose="message").exists()


def test_emails_pages_are_for_organisers(client, door_staff, conference):
    client.force_login(door_staff)
    assert client.get(reverse("organiser-emails", args=[conference.slug])).status_code == 403
    assert client.get(reverse("organiser-email-compose", args=[conference.slug])).status_code == 403


def _failed_invitations(conference, count):
    """``count`` invitations whose e-mails used up their attempts while the mail server was down."""
    from registration import emails
    from registration.outbox import sending

    invitations = DraftInvitationFactory.create_batch(count, conference=conference)
    made = [emails.invitation_email(invitation, dispatch=False) for invitation in invitations]
    OutboxMessage.objects.filter(pk__in=[m.pk for m in made]).update(
        state="failed", attempts=sending.MAX_ATTEMPTS, last_error="ConnectionRefusedError: [Errno 111]"
    )
    return made


def test_outbox_retries_one_failed_message_in_the_background(
    organiser_client, conference, smtp_server, django_capture_on_commit_callbacks
):
    from registration.outbox.background import sender

    first, second = _failed_invitations(conference, 2)
    page = organiser_client.get(reverse("organiser-emails", args=[conference.slug])).content.decode()
    assert f"Retry the message to {first.to} now" in page and "Retry the 2 unsent messages now" in page
    with django_capture_on_commit_callbacks() as callbacks:
        answer = organiser_client.post(
            reverse("organiser-outbox-retry", args=[conference.slug]), {"message": first.pk}, follow=True
        )
    assert "1 message will be sent again in a moment." in answer.content.decode()
    assert smtp_server.recipients == []  # the request did not send it: the background sender does
    for callback in callbacks:
        callback()
    sender.flush()
    assert smtp_server.recipients == [first.to]
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, first.last_error, second.state) == ("sent", "", "failed")


def test_outbox_retries_every_unsent_message_of_this_conference_only(
    organiser_client, conference, smtp_server, django_capture_on_commit_callbacks
):
    from registration.outbox.background import sender

    ours = _failed_invitations(conference, 3)
    theirs = _failed_invitations(ConferenceFactory(), 1)
    with django_capture_on_commit_callbacks(execute=True):
        organiser_client.post(reverse("organiser-outbox-retry", args=[conference.slug]), {"message": "unsent"})
    sender.flush()
    assert sorted(smtp_server.recipients) == sorted(m.to for m in ours)
    assert OutboxMessage.objects.get(pk=theirs[0].pk).state == "failed"
    # Another conference's message cannot be retried through this conference's page.
    with django_capture_on_commit_callbacks(execute=True):
        answer = organiser_client.post(
            reverse("organiser-outbox-retry", args=[conference.slug]), {"message": theirs[0].pk}, follow=True
        )
    assert "Nothing to retry" in answer.content.decode()
    assert OutboxMessage.objects.get(pk=theirs[0].pk).state == "failed"


def test_outbox_retry_is_post_only_and_for_organisers(client, door_staff, conference):
    url = reverse("organiser-outbox-retry", args=[conference.slug])
    client.force_login(door_staff)
    assert client.post(url, {"message": "unsent"}).status_code == 403
