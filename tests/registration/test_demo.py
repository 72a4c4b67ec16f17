import io

import pytest
from django.core.management import call_command

from registration.models import Invitation, Registration

pytestmark = pytest.mark.django_db


def test_demo_has_invitations_in_every_state_and_a_waiting_list():
    out = io.StringIO()
    call_command("demo", stdout=out)
    states = set(Invitation.objects.values_list("status", flat=True))
    assert states == {"draft", "sent", "opened", "accepted", "declined", "expired"}
    conference = Invitation.objects.first().conference
    confirmed = Registration.objects.filter(status="confirmed").count()
    assert confirmed == conference.capacity
    assert Registration.objects.filter(status="waitlisted").exists()
    names = " ".join(Registration.objects.values_list("first_name", flat=True))
    for sample in ("Zoë", "Αλέξανδρος", "Мария", "فاطمة", "נועה", "秀英", "花子", "민준", "प्रिया"):
        assert sample in names
    text = out.getvalue()
    assert "/rsvp/" in text and "/my/" in text

    counts = (Invitation.objects.count(), Registration.objects.count())
    call_command("demo", stdout=io.StringIO())
    assert (Invitation.objects.count(), Registration.objects.count()) == counts


def test_demo_links_work(client):
    out = io.StringIO()
    call_command("demo", stdout=out)
    for line in out.getvalue().splitlines():
        if "RSVP link" in line or "Manage link" in line:
            path = "/" + line.rsplit("http://127.0.0.1:8000/", 1)[1]
            assert client.get(path).status_code == 200
