import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from registration import services
from registration.models import Invitation, OutboxMessage, Registration
from tests.factories import (
    ConferenceFactory,
    DraftInvitationFactory,
    InvitationFactory,
    RegistrationFactory,
    WorkshopFactory,
    delegate_data,
)

pytestmark = pytest.mark.django_db


def test_accept_invitation_confirms_delegates_and_queues_confirmation(django_capture_on_commit_callbacks):
    invitation = InvitationFactory(seats=2)
    with django_capture_on_commit_callbacks(execute=True):
        created = services.accept_invitation(
            invitation=invitation, delegates=[delegate_data(first_name="Zoë"), delegate_data()]
        )
    assert [r.status for r in created] == ["confirmed", "confirmed"]
    invitation.refresh_from_db()
    assert invitation.status == "accepted" and invitation.responded_at is not None
    assert created[0].first_name == "Zoë" and created[0].consent_at is not None
    messages = OutboxMessage.objects.filter(purpose="confirmation")
    assert messages.count() == 2 and all(m.state == "sent" for m in messages)
    assert len(mail.outbox) == 2
    assert {m.to[0] for m in mail.outbox} == {r.email for r in created}


def test_accept_invitation_waitlists_past_capacity_in_order():
    conference = ConferenceFactory(capacity=2)
    first = services.accept_invitation(
        invitation=InvitationFactory(conference=conference, seats=3),
        delegates=[delegate_data(), delegate_data(), delegate_data()],
    )
    second = services.accept_invitation(
        invitation=InvitationFactory(conference=conference, seats=1), delegates=[delegate_data()]
    )
    assert [r.status for r in first] == ["confirmed", "confirmed", "waitlisted"]
    assert second[0].status == "waitlisted"
    assert OutboxMessage.objects.filter(purpose="waitlisted").count() == 2
    assert Registration.objects.filter(conference=conference, status="confirmed").count() == 2


def test_accept_invitation_more_delegates_than_seats_is_refused():
    invitation = InvitationFactory(seats=1)
    with pytest.raises(services.TooManyDelegates) as raised:
        services.accept_invitation(invitation=invitation, delegates=[delegate_data(), delegate_data()])
    assert raised.value.code == "too_many_delegates"
    assert not Registration.objects.exists()


def test_accept_invitation_counts_delegates_named_earlier():
    invitation = InvitationFactory(seats=2)
    services.accept_invitation(invitation=invitation, delegates=[delegate_data()])
    services.accept_invitation(invitation=invitation, delegates=[delegate_data()])
    with pytest.raises(services.TooManyDelegates):
        services.accept_invitation(invitation=invitation, delegates=[delegate_data()])
    assert invitation.registrations.count() == 2


def test_accept_invitation_without_consent_is_a_field_error():
    invitation = InvitationFactory(seats=2)
    with pytest.raises(services.DelegatesInvalid) as raised:
        services.accept_invitation(invitation=invitation, delegates=[delegate_data(), delegate_data(consent=False)])
    assert raised.value.errors[0] == {}
    assert "consent" in raised.value.errors[1]
    assert not Registration.objects.exists()


def test_accept_invitation_validates_email_and_names():
    invitation = InvitationFactory(seats=1)
    with pytest.raises(services.DelegatesInvalid) as raised:
        services.accept_invitation(
            invitation=invitation, delegates=[delegate_data(email="not-an-email", first_name="  ", last_name="")]
        )
    assert set(raised.value.errors[0]) == {"email", "first_name", "last_name"}


def test_accept_invitation_same_delegate_twice_is_refused():
    invitation = InvitationFactory(seats=3)
    services.accept_invitation(invitation=invitation, delegates=[delegate_data(email="sam@example.org")])
    with pytest.raises(services.DelegatesInvalid) as raised:
        services.accept_invitation(invitation=invitation, delegates=[delegate_data(email="SAM@example.org")])
    assert "email" in raised.value.errors[0]


def test_accept_invitation_full_workshop_registers_nobody():
    conference = ConferenceFactory()
    workshop = WorkshopFactory(conference=conference, capacity=1)
    other = WorkshopFactory(conference=conference, capacity=5)
    invitation = InvitationFactory(conference=conference, seats=2)
    with pytest.raises(services.WorkshopFull) as raised:
        services.accept_invitation(
            invitation=invitation,
            delegates=[
                delegate_data(workshops=[workshop.pk, other.pk]),
                delegate_data(workshops=[workshop.pk]),
            ],
        )
    assert raised.value.code == "workshop_full" and raised.value.status_code == 409
    assert not Registration.objects.exists()
    invitation.refresh_from_db()
    assert invitation.status == "sent"
    assert not OutboxMessage.objects.exists()


def test_accept_invitation_takes_workshop_places():
    conference = ConferenceFactory()
    workshop = WorkshopFactory(conference=conference, capacity=2)
    created = services.accept_invitation(
        invitation=InvitationFactory(conference=conference, seats=2),
        delegates=[delegate_data(workshops=[workshop.pk]), delegate_data(workshops=[workshop.pk])],
    )
    assert all(list(r.workshops.all()) == [workshop] for r in created)
    assert services.workshops_with_places(conference)[0].places_left == 0
    with pytest.raises(services.WorkshopFull):
        services.accept_invitation(
            invitation=InvitationFactory(conference=conference), delegates=[delegate_data(workshops=[workshop.pk])]
        )


def test_accept_invitation_refuses_workshop_of_another_conference_and_clashes():
    conference = ConferenceFactory()
    foreign = WorkshopFactory()
    a = WorkshopFactory(conference=conference)
    b = WorkshopFactory(conference=conference, starts_at=a.starts_at, ends_at=a.ends_at)
    invitation = InvitationFactory(conference=conference)
    with pytest.raises(services.DelegatesInvalid) as raised:
        services.accept_invitation(invitation=invitation, delegates=[delegate_data(workshops=[foreign.pk])])
    assert "workshops" in raised.value.errors[0]
    with pytest.raises(services.DelegatesInvalid) as raised:
        services.accept_invitation(invitation=invitation, delegates=[delegate_data(workshops=[a.pk, b.pk])])
    assert "same time" in raised.value.errors[0]["workshops"][0]


def test_accept_invitation_after_registration_closed_is_refused():
    conference = ConferenceFactory(registration_closes_at=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(services.RegistrationClosed):
        services.accept_invitation(invitation=InvitationFactory(conference=conference), delegates=[delegate_data()])


def test_cancel_registration_confirms_first_waitlisted_and_tells_them(django_capture_on_commit_callbacks):
    conference = ConferenceFactory(capacity=1)
    (confirmed,) = services.accept_invitation(
        invitation=InvitationFactory(conference=conference, seats=1), delegates=[delegate_data()]
    )
    (first_waiting,) = services.accept_invitation(
        invitation=InvitationFactory(conference=conference, seats=1), delegates=[delegate_data()]
    )
    (second_waiting,) = services.accept_invitation(
        invitation=InvitationFactory(conference=conference, seats=1), delegates=[delegate_data()]
    )
    assert first_waiting.status == second_waiting.status == "waitlisted"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.cancel_registration(registration=confirmed)
    assert promoted == [first_waiting]
    first_waiting.refresh_from_db()
    second_waiting.refresh_from_db()
    confirmed.refresh_from_db()
    assert confirmed.status == "cancelled" and confirmed.cancelled_at
    assert first_waiting.status == "confirmed" and first_waiting.confirmed_at
    assert second_waiting.status == "waitlisted"
    offer = OutboxMessage.objects.get(purpose="waitlist_offer")
    assert offer.to == first_waiting.email and offer.state == "sent"
    assert {confirmed.email, first_waiting.email} <= {m.to[0] for m in mail.outbox}
    assert OutboxMessage.objects.get(purpose="cancellation").to == confirmed.email
    assert any(a["filename"].endswith(".ics") for a in offer.attachments)


def test_cancel_registration_twice_is_refused():
    registration = RegistrationFactory()
    services.cancel_registration(registration=registration)
    with pytest.raises(services.NotCancellable):
        services.cancel_registration(registration=registration)


def test_cancelled_delegate_frees_workshop_place():
    conference = ConferenceFactory()
    workshop = WorkshopFactory(conference=conference, capacity=1)
    (taken,) = services.accept_invitation(
        invitation=InvitationFactory(conference=conference), delegates=[delegate_data(workshops=[workshop.pk])]
    )
    services.cancel_registration(registration=taken)
    (now_in,) = services.accept_invitation(
        invitation=InvitationFactory(conference=conference), delegates=[delegate_data(workshops=[workshop.pk])]
    )
    assert list(now_in.workshops.all()) == [workshop]


def test_decline_invitation_cancels_named_delegates_and_promotes():
    conference = ConferenceFactory(capacity=1)
    invitation = InvitationFactory(conference=conference, seats=1)
    (named,) = services.accept_invitation(invitation=invitation, delegates=[delegate_data()])
    (waiting,) = services.accept_invitation(
        invitation=InvitationFactory(conference=conference), delegates=[delegate_data()]
    )
    services.decline_invitation(invitation=invitation)
    invitation.refresh_from_db()
    named.refresh_from_db()
    waiting.refresh_from_db()
    assert invitation.status == "declined"
    assert named.status == "cancelled"
    assert waiting.status == "confirmed"


def test_declined_invitation_can_accept_later():
    invitation = InvitationFactory()
    services.decline_invitation(invitation=invitation)
    services.accept_invitation(invitation=invitation, delegates=[delegate_data()])
    invitation.refresh_from_db()
    assert invitation.status == "accepted"


def test_capacity_increase_serves_waiting_list_before_newcomers():
    conference = ConferenceFactory(capacity=1)
    services.accept_invitation(invitation=InvitationFactory(conference=conference), delegates=[delegate_data()])
    (waiting,) = services.accept_invitation(
        invitation=InvitationFactory(conference=conference), delegates=[delegate_data()]
    )
    conference.capacity = 2
    conference.save()
    (newcomer,) = services.accept_invitation(
        invitation=InvitationFactory(conference=conference), delegates=[delegate_data()]
    )
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"
    assert newcomer.status == "waitlisted"


def test_open_invitation_marks_opened_once():
    invitation = InvitationFactory(status="sent")
    services.open_invitation(invitation=invitation)
    invitation.refresh_from_db()
    first_opened = invitation.opened_at
    assert invitation.status == "opened" and first_opened
    services.open_invitation(invitation=invitation, now=timezone.now() + dt.timedelta(hours=1))
    invitation.refresh_from_db()
    assert invitation.opened_at == first_opened


def test_open_invitation_does_not_change_an_answer():
    invitation = InvitationFactory(status="declined")
    services.open_invitation(invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.status == "declined"


def test_unanswered_invitation_expires_when_registration_closes():
    conference = ConferenceFactory(registration_closes_at=timezone.now() - dt.timedelta(hours=1))
    open_one = InvitationFactory(conference=conference, status="opened")
    answered = InvitationFactory(conference=conference, status="accepted")
    services.open_invitation(invitation=InvitationFactory(conference=conference, status="sent"))
    assert services.expire_invitations() == 1
    open_one.refresh_from_db()
    answered.refresh_from_db()
    assert open_one.status == "expired" and answered.status == "accepted"
    assert Invitation.objects.filter(status="expired").count() == 2


def test_send_invitations_sends_drafts_only(django_capture_on_commit_callbacks):
    conference = ConferenceFactory()
    drafts = DraftInvitationFactory.create_batch(3, conference=conference)
    InvitationFactory(conference=conference, status="accepted")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_invitations(conference=conference) == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(i.email for i in drafts)
    assert all(i.status == "sent" and i.sent_at for i in Invitation.objects.filter(pk__in=[d.pk for d in drafts]))
    message = OutboxMessage.objects.filter(purpose="invitation").first()
    invitation = Invitation.objects.get(email=message.to)
    assert f"/rsvp/{invitation.token}/" in message.body_text
    assert f"/rsvp/{invitation.token}/" in message.body_html
    assert services.send_invitations(conference=conference) == 0


def test_send_invitations_by_ids_skips_answered():
    conference = ConferenceFactory()
    draft = DraftInvitationFactory(conference=conference)
    other_draft = DraftInvitationFactory(conference=conference)
    answered = InvitationFactory(conference=conference, status="declined")
    assert services.send_invitations(conference=conference, ids=[draft.pk, answered.pk]) == 1
    other_draft.refresh_from_db()
    assert other_draft.status == "draft"


def test_reminders_go_only_to_unanswered(django_capture_on_commit_callbacks):
    conference = ConferenceFactory()
    sent = InvitationFactory(conference=conference, status="sent")
    opened = InvitationFactory(conference=conference, status="opened")
    for status in ("draft", "accepted", "declined", "expired"):
        InvitationFactory(conference=conference, status=status)
    with django_capture_on_commit_callbacks(execute=True):  # the reminders are prepared after the send commits
        assert services.send_invitations(conference=conference, remind=True) == 2
    reminded = set(OutboxMessage.objects.filter(purpose="reminder").values_list("to", flat=True))
    assert reminded == {sent.email, opened.email}
    sent.refresh_from_db()
    assert sent.reminded_at and sent.status == "sent"


def test_update_registration_changes_details_and_workshops():
    conference = ConferenceFactory()
    full = WorkshopFactory(conference=conference, capacity=1)
    free = WorkshopFactory(conference=conference, capacity=3)
    (mine,) = services.accept_invitation(
        invitation=InvitationFactory(conference=conference), delegates=[delegate_data(workshops=[full.pk])]
    )
    services.accept_invitation(invitation=InvitationFactory(conference=conference), delegates=[delegate_data()])
    data = {**delegate_data(first_name="Αλέξανδρος", email=mine.email), "workshops": [full.pk, free.pk]}
    services.update_registration(registration=mine, data=data)
    mine.refresh_from_db()
    assert mine.first_name == "Αλέξανδρος"
    assert set(mine.workshops.all()) == {full, free}


def test_update_registration_into_full_workshop_changes_nothing():
    conference = ConferenceFactory()
    full = WorkshopFactory(conference=conference, capacity=1)
    services.accept_invitation(
        invitation=InvitationFactory(conference=conference), delegates=[delegate_data(workshops=[full.pk])]
    )
    (mine,) = services.accept_invitation(
        invitation=InvitationFactory(conference=conference), delegates=[delegate_data()]
    )
    with pytest.raises(services.WorkshopFull):
        services.update_registration(
            registration=mine, data={**delegate_data(first_name="New"), "workshops": [full.pk]}
        )
    mine.refresh_from_db()
    assert mine.first_name != "New" and not mine.workshops.exists()


def test_token_lookup_refuses_unknown_and_malformed_tokens():
    invitation = InvitationFactory()
    assert services.invitation_by_token(invitation.token) == invitation
    assert services.invitation_by_token(invitation.token[:-1] + ("A" if invitation.token[-1] != "A" else "B")) is None
    assert services.invitation_by_token("../../etc/passwd") is None
    assert services.invitation_by_token("") is None
    assert len(invitation.token) >= 43  # 256 bits, URL-safe


def test_seats_left_counts_only_delegates_named():
    invitation = InvitationFactory(seats=3)
    assert services.seats_left(invitation=invitation) == 3
    first, _ = services.accept_invitation(invitation=invitation, delegates=[delegate_data(), delegate_data()])
    assert services.seats_left(invitation=invitation) == 1
    services.cancel_registration(registration=first)
    assert services.seats_left(invitation=invitation) == 2
    assert services.seats_left(invitation=invitation, named=5) == 0


def test_check_seats_refuses_fewer_seats_than_delegates_named():
    invitation = InvitationFactory(seats=3)
    services.accept_invitation(invitation=invitation, delegates=[delegate_data(), delegate_data()])
    with pytest.raises(services.SeatsBelowDelegates) as raised:
        services.check_seats(invitation=invitation, seats=1)
    assert raised.value.message == "2 delegates are already named on this invitation; cancel some first."
    services.check_seats(invitation=invitation, seats=2)


def test_waitlist_position_follows_the_order_places_are_offered_in():
    conference = ConferenceFactory(capacity=1)
    confirmed, second, third = services.accept_invitation(
        invitation=InvitationFactory(conference=conference, seats=3),
        delegates=[delegate_data(), delegate_data(), delegate_data()],
    )
    (fourth,) = services.accept_invitation(
        invitation=InvitationFactory(conference=conference), delegates=[delegate_data()]
    )
    assert services.waitlist_position(confirmed) is None
    assert [services.waitlist_position(r) for r in (second, third, fourth)] == [1, 2, 3]
    services.cancel_registration(registration=confirmed)
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == "confirmed"
    assert services.waitlist_position(third) == 1


def test_accept_invitation_at_a_given_moment_registers_at_that_moment():
    moment = timezone.now() - dt.timedelta(days=2)
    (registration,) = services.accept_invitation(
        invitation=InvitationFactory(), delegates=[delegate_data()], now=moment
    )
    registration.refresh_from_db()
    assert registration.created_at == moment == registration.consent_at == registration.confirmed_at
    assert registration.invitation.responded_at == moment


def test_delete_invitation_refuses_one_with_delegates_even_cancelled():
    invitation = InvitationFactory()
    (registration,) = services.accept_invitation(invitation=invitation, delegates=[delegate_data()])
    services.cancel_registration(registration=registration)
    with pytest.raises(services.InvitationHasDelegates) as raised:
        services.delete_invitation(invitation=invitation)
    assert raised.value.code == "has_delegates"
    assert Registration.objects.filter(pk=registration.pk).exists()
    empty = InvitationFactory()
    services.delete_invitation(invitation=empty)
    assert not Invitation.objects.filter(pk=empty.pk).exists()


def test_update_registration_validates_with_the_delegate_form():
    (registration,) = services.accept_invitation(invitation=InvitationFactory(), delegates=[delegate_data()])
    with pytest.raises(services.DelegatesInvalid) as raised:
        services.update_registration(
            registration=registration, data={**delegate_data(), "first_name": "", "job_title": "x" * 201}
        )
    assert raised.value.errors == [
        {"first_name": ["Give the delegate's first name."], "job_title": ["Keep this to 200 characters."]}
    ]
