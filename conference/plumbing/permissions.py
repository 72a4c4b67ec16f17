from rest_framework.permissions import SAFE_METHODS, BasePermission

from . import roles


class IsOrganiser(BasePermission):
    message = "Only organisers can do this."

    def has_permission(self, request, view):
        return roles.is_organiser(request.user)


class IsDoorStaff(BasePermission):
    message = "Only door staff can do this."

    def has_permission(self, request, view):
        return roles.is_door_staff(request.user)


class IsOrganiserOrReadOnly(BasePermission):
    """Anyone reads; organisers write."""

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or roles.is_organiser(request.user)
