"""A conference with invitations is not deleted (API 409 conference_in_use, and in the admin)."""

import pytest

from conference.models import Conference
from registration import services as registration_services
from registration.models import Registration
from tests.factories import ConferenceFactory, InvitationFactory, delegate_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser_client(client, organiser):
    client.force_login(organiser)
    return client


def test_api_refuses_to_delete_a_conference_with_invitations(organiser_api):
    conference = ConferenceFactory(slug="cog-2028")
    invitation = InvitationFactory(conference=conference)
    registration_services.accept_invitation(invitation=invitation, delegates=[delegate_data()])
    response = organiser_api.delete("/api/conferences/cog-2028/")
    assert response.status_code == 409
    assert response.json()["code"] == "conference_in_use"
    assert "has invitations" in response.json()["detail"]
    assert Conference.objects.filter(pk=conference.pk).exists()
    assert Registration.objects.filter(conference=conference).count() == 1


def test_api_deletes_a_conference_without_invitations(organiser_api):
    ConferenceFactory(slug="cog-2029")
    assert organiser_api.delete("/api/conferences/cog-2029/").status_code == 204
    assert not Conference.objects.filter(slug="cog-2029").exists()


def test_schema_documents_the_409(organiser_api):
    schema = organiser_api.get("/api/schema/?format=json").json()
    assert "409" in schema["paths"]["/api/conferences/{slug}/"]["delete"]["responses"]


def test_admin_refuses_to_delete_a_conference_with_invitations(organiser_client):
    conference = InvitationFactory().conference
    path = f"/admin/conference/conference/{conference.pk}/delete/"
    page = organiser_client.get(path).content.decode()
    assert "has invitations; it cannot be deleted" in page
    organiser_client.post(path, {"post": "yes"})
    assert Conference.objects.filter(pk=conference.pk).exists()


def test_admin_bulk_delete_keeps_conferences_with_invitations(organiser_client):
    used = InvitationFactory().conference
    empty = ConferenceFactory()
    changelist = "/admin/conference/conference/"
    selected = {"action": "delete_selected", "_selected_action": [used.pk, empty.pk]}
    page = organiser_client.post(changelist, selected).content.decode()
    assert f"{used}: {used.name} has invitations" in page
    organiser_client.post(changelist, {"action": "delete_selected", "_selected_action": [empty.pk], "post": "yes"})
    assert not Conference.objects.filter(pk=empty.pk).exists()
    assert Conference.objects.filter(pk=used.pk).exists()


def test_admin_deletes_a_conference_without_invitations(organiser_client):
    conference = ConferenceFactory()
    response = organiser_client.post(f"/admin/conference/conference/{conference.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Conference.objects.filter(pk=conference.pk).exists()
