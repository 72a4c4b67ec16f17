"""Printed names refuse control characters and bidirectional overrides, and keep the joiners scripts need."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conference.models import Speaker
from conference.plumbing.validators import validate_name_text
from registration import importing
from registration.forms import DelegateForm
from registration.models import Invitation, Registration
from tests.factories import InvitationFactory, delegate_data

pytestmark = pytest.mark.django_db

OVERRIDE = "L\u202egnp.exe"  # prints as "Lexe.png"
REFUSED = [
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\x00",
    "\x07",
    "\x1b",
    "\x7f",
    "\x85",
    "\n",
]
KEPT = [
    "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",
    "\u0915\u094d\u200d\u0937",
    "Zoë Ångström",
    "\u200f\u05e9\u05e8\u05d4",
]


@pytest.mark.parametrize("char", REFUSED)
def test_validator_refuses_controls_and_overrides(char):
    with pytest.raises(Exception) as raised:
        validate_name_text(f"Amira{char}Haddad")
    assert raised.value.code == "invalid_characters"


@pytest.mark.parametrize("name", KEPT)
def test_validator_keeps_joiners_marks_and_accents(name):
    validate_name_text(name)


def test_rsvp_api_refuses_an_override_in_a_delegate_name(anon_api):
    invitation = InvitationFactory(seats=2)
    delegates = [delegate_data(), delegate_data(first_name=OVERRIDE, badge_name="ok\u2066x")]
    response = anon_api.post(
        f"/api/rsvp/{invitation.token}/", {"response": "accept", "delegates": delegates}, format="json"
    )
    assert response.status_code == 400
    errors = response.json()["delegates"]
    assert errors[0] == {}
    assert "text-direction" in errors[1]["first_name"][0]
    assert "badge_name" in errors[1]
    assert not Registration.objects.exists()


def test_rsvp_api_keeps_zero_width_joiners(anon_api):
    invitation = InvitationFactory(seats=1)
    name = KEPT[0]
    response = anon_api.post(
        f"/api/rsvp/{invitation.token}/",
        {"response": "accept", "delegates": [delegate_data(first_name=name, badge_name=KEPT[1])]},
        format="json",
    )
    assert response.status_code == 201
    registration = Registration.objects.get()
    assert registration.first_name == name and "\u200c" in registration.first_name
    assert registration.badge_name == KEPT[1]


def test_delegate_form_refuses_a_control_character_in_the_job_title():
    invitation = InvitationFactory()
    form = DelegateForm(data=delegate_data(job_title="Head\x1bof Digital"), conference=invitation.conference)
    assert not form.is_valid()
    assert list(form.errors) == ["job_title"]


def test_invitation_api_refuses_overrides_in_contact_name_and_organisation(organiser_api, conference):
    body = {
        "organisation": "Aston\u202e University",
        "contact_name": "Priya\u0007 Shah",
        "email": "priya@aston.example",
        "category": "partner",
        "seats": 1,
    }
    response = organiser_api.post(f"/api/conferences/{conference.slug}/invitations/", body, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"organisation", "contact_name"}
    assert not Invitation.objects.exists()


def test_invitation_patch_refuses_an_override(organiser_api):
    invitation = InvitationFactory()
    response = organiser_api.patch(
        f"/api/conferences/{invitation.conference.slug}/invitations/{invitation.pk}/",
        {"contact_name": OVERRIDE},
        format="json",
    )
    assert response.status_code == 400
    assert "contact_name" in response.json()


def test_import_refuses_an_override_on_its_row(conference):
    text = (
        f"organisation,contact_name,email,category,seats\nAston University,{OVERRIDE},priya@aston.example,partner,1\n"
    )
    rows, errors = importing.parse_invitations(SimpleUploadedFile("list.csv", text.encode()), conference=conference)
    assert rows == []
    assert [(e["row"], e["field"]) for e in errors] == [(2, "contact_name")]


def test_speaker_api_refuses_an_override(organiser_api, conference):
    url = f"/api/conferences/{conference.slug}/speakers/"
    response = organiser_api.post(url, {"name": OVERRIDE, "organisation": "Aston\u2067"}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"name", "organisation"}
    assert not Speaker.objects.exists()
    assert organiser_api.post(url, {"name": KEPT[1]}, format="json").status_code == 201
