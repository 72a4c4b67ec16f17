"""Token authentication that reads the user's roles in the same query.

Every door scan authenticates and then asks whether the user is door staff;
DRF's class reads the token and user, and the role check would read the
groups in a second round trip. Here one query answers both. The ORM compiles
that query (a join and two EXISTS subqueries) once per process: compiling it
cost about ten times more than running it, on every API request.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.db.models import Exists, OuterRef
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from . import roles

_PLACEHOLDER = "token-key-placeholder"
_COMPILED = {}  # database vendor -> (sql, params with the placeholder)


def _user_fields():
    return [field.attname for field in get_user_model()._meta.concrete_fields]


def _token_query():
    compiled = _COMPILED.get(connection.vendor)
    if compiled is None:
        groups = Group.objects.filter(user=OuterRef("user_id"))
        queryset = (
            Token.objects.filter(key=_PLACEHOLDER)
            .annotate(
                is_organiser=Exists(groups.filter(name=roles.ORGANISERS)),
                is_door_staff=Exists(groups.filter(name=roles.DOOR_STAFF)),
            )
            .order_by()
            .values_list(*(f"user__{name}" for name in _user_fields()), "is_organiser", "is_door_staff")
        )
        sql, params = queryset.query.sql_with_params()
        if list(params).count(_PLACEHOLDER) != 1:
            raise RuntimeError(f"The token query should take the key once, not {params!r}.")
        compiled = _COMPILED[connection.vendor] = (sql, tuple(params))
    return compiled


def user_with_roles(key):
    """The active user of a token key, with their roles remembered; None for an unknown key."""
    sql, params = _token_query()
    with connection.cursor() as cursor:
        cursor.execute(sql, [key if param == _PLACEHOLDER else param for param in params])
        row = cursor.fetchone()
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
