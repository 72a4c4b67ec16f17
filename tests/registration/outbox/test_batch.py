"""Sending many invitations at once: the request only decides and records; the e-mails are prepared after it.

The request (``services.send_invitations``) changes the invitations' status
and records a send batch, in one transaction, writing no e-mail; after it
commits, a worker (here the background runner, run in the test's thread)
writes the same e-mails as one at a time, chunk by chunk, and the sender
sends them. A process that dies in between loses nothing: the outbox's sweep
finishes the batch.
"""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from registration import batches, emails, services
from registration.models import Invitation, OutboxMessage, SendBatch
from registration.outbox import background, templates
from registration.outbox.background import sender
from tests.factories import ConferenceFactory, DraftInvitationFactory, InvitationFactory, OrganisationFactory
from tests.threads import run_together

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("customised", [False, True])
def test_invitations_sent_together_are_the_emails_each_would_get_alone(customised, django_capture_on_commit_callbacks):
    conference = ConferenceFactory()
    if customised:
        templates.save_template(
            conference=conference,
            kind=templates.INVITATION,
            subject='{organisation} <& "you"> are invited',
            body="Dear {first_name},\n\n<b>{organisation}</b> & {seats}: {rsvp_url}\n",
        )
    invitations = [
        DraftInvitationFactory(conference=conference, organisation=OrganisationFactory(name=name), contact_name=who)
        for name, who in [("Smith & Sons <Ltd>", "Ana O'Neil"), ("Plain Co", "Bo")]
    ]
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_invitations(conference=conference) == 2
    for invitation in invitations:
        invitation.refresh_from_db()
        alone = templates.render_kind(
            conference=conference, kind=templates.INVITATION, values=emails.invitation_values(invitation)
        )
        message = OutboxMessage.objects.get(invitation=invitation)
        assert (message.subject, message.body_text, message.body_html) == alone
        assert message.to == invitation.email and message.purpose == templates.INVITATION
        assert invitation.organisation.name in message.subject or not customised
    assert "Smith &amp; Sons &lt;Ltd&gt;" in OutboxMessage.objects.get(invitation=invitations[0]).body_html


def test_the_request_writes_no_email_and_takes_no_more_queries_for_more_invitations(
    django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    few, many = ConferenceFactory(), ConferenceFactory()
    DraftInvitationFactory.create_batch(2, conference=few)
    DraftInvitationFactory.create_batch(40, conference=many)
    with django_capture_on_commit_callbacks(execute=False) as handed_over:
        with django_assert_max_num_queries(10) as counted:
            assert services.send_invitations(conference=few) == 2
        with django_assert_max_num_queries(len(counted.captured_queries)):
            assert services.send_invitations(conference=many) == 40
    # Decided and recorded: the status, the batch with every invitation; not one e-mail rendered or written.
    assert not OutboxMessage.objects.exists()
    assert set(Invitation.objects.values_list("status", flat=True)) == {"sent"}
    batch = SendBatch.objects.get(conference=many)
    assert (batch.kind, batch.total, batch.prepared, batch.prepared_at) == ("invitation", 40, 0, None)
    assert sorted(batch.invitation_ids) == sorted(many.invitations.values_list("pk", flat=True))
    assert batches.to_prepare(many) == 40
    assert len(handed_over) == 2  # one hand-over to a worker per send, after the commit
    with django_capture_on_commit_callbacks(execute=True):
        for callback in handed_over:
            callback()
    assert OutboxMessage.objects.filter(invitation__conference=many, batch=batch).count() == 40
    assert batches.to_prepare(many) == 0 and SendBatch.objects.get(pk=batch.pk).prepared_at is not None


def test_preparing_a_chunk_takes_no_more_queries_for_more_invitations(
    django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    few, many = ConferenceFactory(), ConferenceFactory()
    DraftInvitationFactory.create_batch(2, conference=few)
    DraftInvitationFactory.create_batch(40, conference=many)
    with django_capture_on_commit_callbacks(execute=False):
        services.send_invitations(conference=few)
        services.send_invitations(conference=many)
    with django_assert_max_num_queries(12) as counted:
        ids, more = batches.prepare_chunk(SendBatch.objects.get(conference=few).pk)
    assert (len(ids), more) == (2, False)
    with django_assert_max_num_queries(len(counted.captured_queries)):
        ids, more = batches.prepare_chunk(SendBatch.objects.get(conference=many).pk)
    assert (len(ids), more) == (40, False)


def test_a_large_send_is_prepared_in_chunks_and_each_chunk_only_once(smtp_server, django_capture_on_commit_callbacks):
    conference = ConferenceFactory()
    DraftInvitationFactory.create_batch(7, conference=conference)
    with django_capture_on_commit_callbacks(execute=False) as handed_over:
        assert services.send_invitations(conference=conference) == 7
    batch = SendBatch.objects.get()
    assert batches.prepare_chunk(batch.pk, size=3)[1] is True
    assert batches.to_prepare(conference) == 4
    # A worker that runs a chunk again, or two at once: the first chunk is done and is not written twice.
    assert batches.prepare_chunk(batch.pk, size=3)[1] is True
    assert batches.prepare_chunk(batch.pk, size=3)[1] is False
    assert batches.prepare_chunk(batch.pk, size=3) == ([], False)
    with django_capture_on_commit_callbacks(execute=True):
        for callback in handed_over:  # the original hand-over, arriving late (a retried task)
            callback()
    assert OutboxMessage.objects.filter(batch=batch).count() == 7
    assert OutboxMessage.objects.values("invitation").distinct().count() == 7


def test_every_chunk_goes_out_through_the_real_smtp_server(
    smtp_server, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(batches, "CHUNK", 4)
    chunks = []
    prepare_chunk = batches.prepare_chunk
    monkeypatch.setattr(batches, "prepare_chunk", lambda batch_id: chunks.append(prepare_chunk(batch_id)) or chunks[-1])
    conference = ConferenceFactory()
    drafts = DraftInvitationFactory.create_batch(10, conference=conference)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_invitations(conference=conference) == 10
    assert [(len(ids), more) for ids, more in chunks] == [(4, True), (4, True), (2, False)]
    assert sorted(smtp_server.recipients) == sorted(d.email for d in drafts)
    assert set(OutboxMessage.objects.values_list("state", flat=True)) == {"sent"}


def test_a_crash_between_the_commit_and_the_preparation_is_recovered_by_the_sweep(
    smtp_server, django_capture_on_commit_callbacks
):
    conference = ConferenceFactory()
    drafts = DraftInvitationFactory.create_batch(3, conference=conference)
    # The send commits, and the process dies before its hand-over runs (the callbacks are dropped).
    with django_capture_on_commit_callbacks(execute=False):
        assert services.send_invitations(conference=conference) == 3
    assert not OutboxMessage.objects.exists()
    # Within its lease the batch is left to the worker it was handed to.
    background.sweep()
    sender.flush()
    assert not OutboxMessage.objects.exists() and batches.to_prepare(conference) == 3
    # The lease runs out: the next idle sweep writes the e-mails and the sender sends them.
    SendBatch.objects.update(next_attempt_at=timezone.now() - dt.timedelta(seconds=1))
    background.sweep()
    sender.flush()
    assert sorted(smtp_server.recipients) == sorted(d.email for d in drafts)
    assert batches.to_prepare(conference) == 0
    # With a broker, beat's sweep task does the same.
    more = DraftInvitationFactory.create_batch(2, conference=conference)
    with django_capture_on_commit_callbacks(execute=False):
        services.send_invitations(conference=conference)
    SendBatch.objects.filter(prepared_at__isnull=True).update(next_attempt_at=timezone.now())
    from registration.outbox.tasks import send_due_messages

    send_due_messages()
    sender.flush()
    assert sorted(smtp_server.recipients) == sorted(d.email for d in drafts + more)


def test_send_outbox_now_finishes_a_send_at_once(smtp_server, django_capture_on_commit_callbacks):
    from django.core.management import call_command

    conference = ConferenceFactory()
    drafts = DraftInvitationFactory.create_batch(2, conference=conference)
    with django_capture_on_commit_callbacks(execute=False):
        services.send_invitations(conference=conference)
    call_command("send_outbox", "--now")
    assert sorted(smtp_server.recipients) == sorted(d.email for d in drafts)


def test_the_wording_is_the_one_when_send_was_pressed(django_capture_on_commit_callbacks):
    conference = ConferenceFactory()
    DraftInvitationFactory(conference=conference, contact_name="Ana Silva")
    templates.save_template(
        conference=conference, kind=templates.INVITATION, subject="Come, {first_name}", body="Dear {first_name}\n"
    )
    with django_capture_on_commit_callbacks(execute=False) as handed_over:
        services.send_invitations(conference=conference)
    templates.save_template(
        conference=conference, kind=templates.INVITATION, subject="Edited later", body="Another text\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        for callback in handed_over:
            callback()
    message = OutboxMessage.objects.get()
    assert message.subject == "Come, Ana" and message.body_text.startswith("Dear Ana\n")


def test_an_invitation_answered_or_erased_before_its_email_is_prepared_gets_none(django_capture_on_commit_callbacks):
    conference = ConferenceFactory()
    sent, opened, gone = (InvitationFactory(conference=conference, status=s) for s in ("sent", "opened", "sent"))
    with django_capture_on_commit_callbacks(execute=False) as handed_over:
        assert services.send_invitations(conference=conference, remind=True) == 3
    Invitation.objects.filter(pk=sent.pk).update(status="accepted")
    Invitation.objects.filter(pk=gone.pk).update(anonymised_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        for callback in handed_over:
            callback()
    assert list(OutboxMessage.objects.values_list("to", "purpose")) == [(opened.email, "reminder")]
    assert batches.to_prepare(conference) == 0


def test_the_database_refuses_a_second_email_of_a_batch_to_one_invitation(django_capture_on_commit_callbacks):
    conference = ConferenceFactory()
    DraftInvitationFactory(conference=conference)
    with django_capture_on_commit_callbacks(execute=True):
        services.send_invitations(conference=conference)
    message = OutboxMessage.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        OutboxMessage.objects.create(
            purpose=message.purpose,
            to=message.to,
            subject="again",
            body_text="again",
            invitation=message.invitation,
            batch=message.batch,
        )
    assert OutboxMessage.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_on_one_batch_at_once_write_each_email_once():
    conference = ConferenceFactory()
    DraftInvitationFactory.create_batch(30, conference=conference)
    assert services.send_invitations(conference=conference) == 30  # committed; its hand-over is left queued
    batch = SendBatch.objects.get()

    def prepare_all():
        while batches.prepare_chunk(batch.pk, size=4)[1]:
            pass

    _, errors = run_together([prepare_all, prepare_all])
    assert errors == [None, None]
    assert OutboxMessage.objects.filter(batch=batch).count() == 30
    assert OutboxMessage.objects.values("invitation").distinct().count() == 30
    batch.refresh_from_db()
    assert (batch.prepared, batch.prepared_at is not None) == (30, True)
