import datetime as dt
import email
import email.policy

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from icalendar import Calendar

from conference.agenda.services import publish_agenda
from registration import emails, services
from registration.models import OutboxMessage
from registration.outbox import queue, sending
from registration.outbox.background import sender
from tests.factories import DraftInvitationFactory, InvitationFactory, WorkshopFactory, delegate_data

pytestmark = pytest.mark.django_db


def parse(envelope):
    return email.message_from_bytes(envelope.content, policy=email.policy.default)


def test_confirmation_goes_through_real_smtp_with_html_text_and_ics(smtp_server, django_capture_on_commit_callbacks):
    invitation = InvitationFactory(seats=1)
    workshop = WorkshopFactory(conference=invitation.conference, title="Cyber essentials clinic")
    publish_agenda(conference=invitation.conference)  # the .ics holds published workshops only
    with django_capture_on_commit_callbacks(execute=True):
        (registration,) = services.accept_invitation(
            invitation=invitation, delegates=[delegate_data(first_name="Dmitri", workshops=[workshop.pk])]
        )
    assert smtp_server.recipients == [registration.email]
    message = parse(smtp_server.messages[0])
    assert message["Subject"] == f"You are registered: {invitation.conference.name}"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    manage = f"/my/{registration.token}/"
    for body in (text, html):
        assert manage in body
        assert f"{manage}badge.pdf" in body
        assert f"{manage}agenda/" in body
        assert f"{manage}agenda.ics" in body
        assert "Cyber essentials clinic" in body
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_filename().endswith(".ics")
    calendar = Calendar.from_ical(attachment.get_content())
    events = calendar.walk("VEVENT")
    assert str(events[0]["SUMMARY"]) == invitation.conference.name
    assert events[0].decoded("DTSTART") == invitation.conference.starts_on
    assert manage in str(events[0]["URL"])
    assert str(events[1]["SUMMARY"]) == "Cyber essentials clinic"  # as in the agenda feeds
    assert events[1].decoded("DTSTART") == workshop.starts_at
    stored = OutboxMessage.objects.get(registration=registration)
    assert stored.state == "sent" and stored.sent_at and stored.attempts == 1


def test_messages_are_sent_only_after_commit(django_capture_on_commit_callbacks):
    invitation = InvitationFactory(seats=1)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.accept_invitation(invitation=invitation, delegates=[delegate_data()])
    assert OutboxMessage.objects.get().state == "pending"
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert OutboxMessage.objects.get().state == "pending"  # handed to the background sender, not sent in the request
    sender.flush()
    assert OutboxMessage.objects.get().state == "sent"
    assert len(mail.outbox) == 1


def test_failing_smtp_server_does_not_break_the_rsvp(anon_api, smtp_down, django_capture_on_commit_callbacks):
    invitation = InvitationFactory(seats=1)
    with django_capture_on_commit_callbacks(execute=True):
        response = anon_api.post(
            f"/api/rsvp/{invitation.token}/", {"response": "accept", "delegates": [delegate_data()]}, format="json"
        )
    assert response.status_code == 201
    message = OutboxMessage.objects.get(purpose="confirmation")
    assert message.state == "pending"
    assert message.attempts == 1
    assert message.next_attempt_at > timezone.now()
    assert "Connection" in message.last_error or "refused" in message.last_error.lower()


def test_failed_message_is_retried_after_backoff(settings, smtp_down, django_capture_on_commit_callbacks):
    invitation = DraftInvitationFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.send_invitations(conference=invitation.conference)
    message = OutboxMessage.objects.get()
    assert (message.state, message.attempts) == ("pending", 1)
    # Before the back-off has passed, the sweep leaves it alone.
    assert sending.send_due() == (0, 0)
    # The server comes back (a real one, on another port).
    from aiosmtpd.controller import Controller

    from tests.registration.conftest import Mailbox, free_port

    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        settings.EMAIL_PORT = controller.port
        assert sending.send_due(now=timezone.now() + sending.backoff(1)) == (1, 0)
    finally:
        controller.stop()
    message.refresh_from_db()
    assert (message.state, message.attempts, message.last_error) == ("sent", 2, "")
    assert mailbox.recipients == [invitation.email]


def test_server_going_down_mid_batch_loses_nothing(smtp_server, django_capture_on_commit_callbacks):
    conference = DraftInvitationFactory().conference
    DraftInvitationFactory.create_batch(29, conference=conference)

    sent_before = []

    async def handle_then_go_down(server, session, envelope):
        if len(sent_before) >= 12:
            return "421 Service not available, closing transmission channel"
        sent_before.append(envelope)
        smtp_server.messages.append(envelope)
        return "250 OK"

    smtp_server.handle_DATA = handle_then_go_down
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_invitations(conference=conference) == 30
    assert len(smtp_server.messages) == 12
    assert OutboxMessage.objects.filter(state="pending").count() == 18
    del smtp_server.handle_DATA  # the server is back
    assert sending.send_due(ignore_backoff=True) == (18, 0)
    assert len(smtp_server.recipients) == 30
    assert len(set(smtp_server.recipients)) == 30
    assert not OutboxMessage.objects.exclude(state="sent").exists()


def test_message_gives_up_after_max_attempts_and_can_be_retried(smtp_down, settings):
    message = emails.invitation_email(InvitationFactory(), dispatch=False)
    OutboxMessage.objects.filter(pk=message.pk).update(attempts=sending.MAX_ATTEMPTS - 1)
    sending.deliver(ids=[message.pk], ignore_backoff=True)
    message.refresh_from_db()
    assert message.state == "failed"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("send_outbox", "--failed")
    message.refresh_from_db()
    assert message.state == "sent"


def test_message_left_sending_by_a_dead_sender_is_sent_after_its_lease():
    message = emails.invitation_email(InvitationFactory(), dispatch=False)
    OutboxMessage.objects.filter(pk=message.pk).update(state="sending", next_attempt_at=timezone.now() + sending.LEASE)
    assert sending.send_due() == (0, 0)
    assert sending.send_due(now=timezone.now() + sending.LEASE + dt.timedelta(seconds=1)) == (1, 0)
    assert len(mail.outbox) == 1


def test_send_outbox_command_sends_due_messages(capsys):
    """A message handed to a task that never ran (broker down, process killed) is sent by the sweep."""
    emails.invitation_email(InvitationFactory(), dispatch=False)
    emails.invitation_email(InvitationFactory(), dispatch=False)
    call_command("send_outbox")
    assert "Sent 0" in capsys.readouterr().out  # still within the grace of the task they were handed to
    OutboxMessage.objects.update(next_attempt_at=timezone.now() - queue.FRESH_GRACE)
    call_command("send_outbox")
    assert "Sent 2" in capsys.readouterr().out
    assert len(mail.outbox) == 2


def test_send_outbox_now_ignores_backoff(capsys):
    emails.invitation_email(InvitationFactory(), dispatch=False)
    call_command("send_outbox", "--now")
    assert "Sent 1" in capsys.readouterr().out


def test_backoff_grows_and_is_capped():
    assert sending.backoff(1) == dt.timedelta(minutes=1)
    assert sending.backoff(3) == dt.timedelta(minutes=4)
    assert sending.backoff(30) == dt.timedelta(hours=6)


def test_celery_task_sends_and_sweeps_due_messages():
    from registration.outbox import tasks

    old = emails.invitation_email(InvitationFactory(), dispatch=False)
    OutboxMessage.objects.filter(pk=old.pk).update(attempts=1, next_attempt_at=timezone.now())
    new = emails.invitation_email(InvitationFactory(), dispatch=False)
    result = tasks.send_messages.delay([new.pk])
    assert result.get() == (1, 0)
    assert set(OutboxMessage.objects.values_list("state", flat=True)) == {"sent"}
    assert len(mail.outbox) == 2


def test_message_whose_task_never_ran_goes_out_with_the_next_one():
    """Embedded default, no cron: a message orphaned by a killed process is sent by the next send."""
    from registration.outbox import tasks

    orphan = emails.invitation_email(InvitationFactory(), dispatch=False)
    OutboxMessage.objects.filter(pk=orphan.pk).update(next_attempt_at=timezone.now() - dt.timedelta(seconds=1))
    new = emails.invitation_email(InvitationFactory(), dispatch=False)
    tasks.send_messages.delay([new.pk])
    assert set(OutboxMessage.objects.values_list("state", flat=True)) == {"sent"}
