import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from conference.plumbing import roles

pytestmark = pytest.mark.django_db


def test_groups_exist_after_migrate():
    assert set(Group.objects.values_list("name", flat=True)) >= {"Organisers", "Door staff"}


def test_door_staff_can_check_in_but_not_edit():
    perms = set(Group.objects.get(name="Door staff").permissions.values_list("codename", flat=True))
    assert {"add_checkin", "view_badge", "view_registration"} <= perms
    assert "change_conference" not in perms
    assert "change_session" not in perms
    assert "change_registration" not in perms


def test_organisers_have_every_conference_permission():
    perms = set(Group.objects.get(name="Organisers").permissions.values_list("codename", flat=True))
    assert {"change_conference", "add_invitation", "change_session", "add_checkin", "delete_registration"} <= perms


def test_role_checks(organiser, door_staff, django_user_model):
    nobody = django_user_model.objects.create_user("nobody")
    boss = django_user_model.objects.create_superuser("boss")
    assert roles.is_organiser(organiser) and roles.is_door_staff(organiser)
    assert roles.is_door_staff(door_staff) and not roles.is_organiser(door_staff)
    assert not roles.is_door_staff(nobody)
    assert roles.is_organiser(boss)


def test_demo_is_idempotent_and_logs_in(client, capsys):
    from conference.models import Conference, Organisation

    call_command("demo")
    counts = (Conference.objects.count(), Organisation.objects.count())
    call_command("demo")
    assert (Conference.objects.count(), Organisation.objects.count()) == counts
    assert counts[1] >= 30
    out = capsys.readouterr().out
    assert "organiser / cog-organiser-demo" in out
    assert client.login(username="organiser", password="cog-organiser-demo")
    assert client.get("/organiser/").status_code == 200
    assert client.login(username="door", password="cog-door-demo")
