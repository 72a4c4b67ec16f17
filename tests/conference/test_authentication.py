import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from conference.plumbing import roles
from conference.plumbing.authentication import TokenAuthentication
from tests.factories import ConferenceFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_token_authentication_reads_roles_in_one_query(door_staff, django_assert_num_queries):
    token = Token.objects.create(user=door_staff)
    with django_assert_num_queries(1):
        user, auth = TokenAuthentication().authenticate_credentials(token.key)
        assert roles.is_door_staff(user)
        assert not roles.is_organiser(user)
    assert (user.pk, user.username, user.is_active) == (door_staff.pk, door_staff.username, True)
    assert auth.key == token.key


def test_token_authentication_knows_organisers(organiser):
    token = Token.objects.create(user=organiser)
    user, _ = TokenAuthentication().authenticate_credentials(token.key)
    assert roles.is_organiser(user) and roles.is_door_staff(user)


def test_token_of_user_without_role_is_refused_by_role_checks():
    token = Token.objects.create(user=UserFactory())
    ConferenceFactory(slug="cog")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.get("/api/conferences/cog/checkin/stats/")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_unknown_or_inactive_token_is_401_json(door_staff):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    response = client.get("/api/conferences/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token.", "code": "authentication_failed"}
    token = Token.objects.create(user=door_staff)
    door_staff.is_active = False
    door_staff.save()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get("/api/conferences/").status_code == 401
