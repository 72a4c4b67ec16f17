import pytest
from django.utils import timezone

from organiser import overview
from registration import services
from registration.figures import invitation_figures
from tests.factories import ConferenceFactory, InvitationFactory, delegate_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def conference():
    conference = ConferenceFactory(capacity=1)
    InvitationFactory(conference=conference, status="draft", sent_at=None)
    InvitationFactory(conference=conference, status="sent")
    InvitationFactory(conference=conference, status="opened", opened_at=timezone.now())
    InvitationFactory(conference=conference, status="declined", opened_at=timezone.now())
    InvitationFactory(conference=conference, status="expired")
    accepted = InvitationFactory(conference=conference, seats=2)
    services.open_invitation(invitation=accepted)
    services.accept_invitation(invitation=accepted, delegates=[delegate_data(), delegate_data()])
    return conference


def test_invitation_figures_count_each_state(conference):
    figures = invitation_figures(conference)
    assert figures["invited"] == 5 and figures["drafts"] == 1
    assert figures["opened"] == 3  # ever opened: answered ones included
    assert figures["awaiting"] == 1 and figures["unanswered"] == 1
    assert figures["accepted"] == figures["declined"] == figures["expired"] == 1
    assert figures["registered"] == 1 and figures["waiting"] == 1 and figures["cancelled"] == 0
    assert figures["capacity"] == 1


def test_overview_and_invitations_page_show_the_same_figures(conference, client, organiser):
    client.force_login(organiser)
    figures = overview.overview(conference)["figures"]
    assert {k: v for k, v in figures.items() if k != "checked_in"} == invitation_figures(conference)
    page = client.get(f"/organiser/{conference.slug}/registration/").content.decode()
    board = client.get(f"/organiser/{conference.slug}/").content.decode()
    invitations = client.get(f"/organiser/{conference.slug}/invitations/").content.decode()
    assert "<strong>5</strong> invited" in page and '?status=invited"><span>Sent</span><strong>5</strong>' in board
    assert (
        "<strong>3</strong> opened</li>" in page
        and '?status=ever_opened"><span>Opened</span><strong>3</strong>' in board
    )
    assert "Send 1 draft invitation" in invitations and "Remind 2 who have not answered" in invitations
    assert "6 organisations invited" in invitations and "2 people named" in invitations
