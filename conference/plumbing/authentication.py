"""Token authentication that reads the user's roles in the same query.

Every door scan authenticates and then asks whether the user is door staff;
DRF's class reads the token and user, and the role check would read the
groups in a second round trip. Here one query answers both. The ORM compiles
that query (a join and two EXISTS subqueries) once per process (conference.plumbing.compiled).
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.db.models import Exists, OuterRef
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from . import roles
from .compiled import CompiledQuery


def _user_fields():
    return [field.attname for field in get_user_model()._meta.concrete_fields]


def _token_with_roles(key):
    groups = Group.objects.filter(user=OuterRef("user_id"))
    return (
        Token.objects.filter(key=key)
        .annotate(
            is_organiser=Exists(groups.filter(name=roles.ORGANISERS)),
            is_door_staff=Exists(groups.filter(name=roles.DOOR_STAFF)),
        )
        .order_by()
        .values_list(*(f"user__{name}" for name in _user_fields()), "is_organiser", "is_door_staff")
    )


_TOKEN_WITH_ROLES = CompiledQuery(_token_with_roles)


def user_with_roles(key):
    """The active user of a token key, with their roles remembered; None for an unknown key."""
    row = _TOKEN_WITH_ROLES.fetchone(key)
    if row is None:
        return None
    names = _user_fields()
    user = get_user_model().from_db(connection.alias, names, row[: len(names)])
    roles.remember_roles(user, organiser=bool(row[-2]), door_staff=bool(row[-1]))
    return user


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key):
        user = user_with_roles(key)
        if user is None:
            raise exceptions.AuthenticationFailed("Invalid token.")
        if not user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        return (user, Token(key=key, user=user))
