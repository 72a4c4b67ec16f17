"""A check-in changed or undone in the admin shows at once wherever a delegate's check-in time is read."""

import datetime as dt

import pytest
from django.utils import timezone

from badges.checkin.services import scan_badge
from badges.models import CheckIn
from badges.services import current_badge
from registration import exports
from tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def checkin(conference):
    registration = RegistrationFactory(invitation__conference=conference)
    answer = scan_badge(conference=conference, code=current_badge(registration).code, gate="North door")
    assert answer.result == "admitted"
    return CheckIn.objects.get(pk=answer.body["checkin_id"])


def api_checked_in_at(api, checkin):
    response = api.get(f"/api/conferences/{checkin.conference.slug}/registrations/")
    assert response.status_code == 200
    (item,) = [row for row in response.json()["results"] if row["id"] == checkin.registration_id]
    value = item["checked_in_at"]
    return None if value is None else dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def change_form(checkin, **changes):
    """The admin's change form of ``checkin`` as the browser posts it, with ``changes``."""
    local = {}
    for name in ("checked_in_at", "undone_at"):
        moment = changes.get(name, getattr(checkin, name))
        if moment is None:
            local[f"{name}_0"] = local[f"{name}_1"] = ""
        else:
            moment = timezone.localtime(moment)
            local[f"{name}_0"], local[f"{name}_1"] = moment.strftime("%Y-%m-%d"), moment.strftime("%H:%M:%S")
    return {
        "conference": checkin.conference_id,
        "registration": checkin.registration_id,
        "badge": checkin.badge_id or "",
        "gate": checkin.gate,
        "user": checkin.user_id or "",
        "undone_by": checkin.undone_by_id or "",
        **local,
    }


def test_undoing_a_checkin_in_the_admin_shows_in_the_registrations_api_at_once(
    client, organiser, organiser_api, checkin
):
    assert api_checked_in_at(organiser_api, checkin) == checkin.checked_in_at
    client.force_login(organiser)
    url = f"/admin/badges/checkin/{checkin.pk}/change/"
    response = client.post(url, change_form(checkin, undone_at=timezone.now()))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert CheckIn.objects.get(pk=checkin.pk).undone_at is not None
    assert api_checked_in_at(organiser_api, checkin) is None


def test_changing_a_checkins_time_in_the_admin_shows_in_the_api_and_the_export(
    client, organiser, organiser_api, checkin
):
    earlier = (checkin.checked_in_at - dt.timedelta(hours=2)).replace(microsecond=0)
    client.force_login(organiser)
    response = client.post(f"/admin/badges/checkin/{checkin.pk}/change/", change_form(checkin, checked_in_at=earlier))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert api_checked_in_at(organiser_api, checkin) == earlier
    _, header, rows = exports.delegates_table(checkin.conference)
    (row,) = rows
    assert row[header.index("checked_in_at")] == earlier


def test_deleting_a_checkin_in_the_admin_shows_in_the_api_and_the_admin_list(client, organiser, organiser_api, checkin):
    client.force_login(organiser)
    response = client.post(f"/admin/badges/checkin/{checkin.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not CheckIn.objects.exists()
    assert api_checked_in_at(organiser_api, checkin) is None
    listed = client.get("/admin/registration/registration/")
    assert listed.status_code == 200
    assert listed.context["cl"].result_list.get(pk=checkin.registration_id).checked_in_at is None
    assert client.get(f"/admin/registration/registration/{checkin.registration_id}/change/").status_code == 200
