"""Sending many invitations at once: the same e-mails as one at a time, in a number of queries that does not grow."""

import pytest

from registration import emails, services
from registration.models import OutboxMessage
from registration.outbox import templates
from tests.factories import ConferenceFactory, DraftInvitationFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("customised", [False, True])
def test_invitations_sent_together_are_the_emails_each_would_get_alone(customised):
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


def test_sending_more_invitations_takes_no_more_queries(django_assert_max_num_queries):
    few, many = ConferenceFactory(), ConferenceFactory()
    for conference, count in ((few, 2), (many, 40)):
        for _ in range(count):
            DraftInvitationFactory(conference=conference)
    with django_assert_max_num_queries(20) as counted:
        assert services.send_invitations(conference=few) == 2
    with django_assert_max_num_queries(len(counted.captured_queries)):
        assert services.send_invitations(conference=many) == 40
    assert OutboxMessage.objects.filter(invitation__conference=many).count() == 40
