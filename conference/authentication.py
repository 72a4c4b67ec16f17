"""Token authentication that reads the user's roles in the same query.

Every door scan authenticates and then asks whether the user is door staff;
DRF's class reads the token and user, and the role check would read the
groups in a second round trip. Here one query answers both.
"""

from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef
from rest_framework import authentication, exceptions

from . import roles


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key):
        model = self.get_model()
        groups = Group.objects.filter(user=OuterRef("user_id"))
        try:
            token = (
                model.objects.select_related("user")
                .annotate(
                    is_organiser=Exists(groups.filter(name=roles.ORGANISERS)),
                    is_door_staff=Exists(groups.filter(name=roles.DOOR_STAFF)),
                )
                .get(key=key)
            )
        except model.DoesNotExist:
            raise exceptions.AuthenticationFailed("Invalid token.") from None
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        roles.remember_roles(token.user, organiser=token.is_organiser, door_staff=token.is_door_staff)
        return (token.user, token)
