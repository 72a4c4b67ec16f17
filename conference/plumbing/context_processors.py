from . import roles


def user_roles(request):
    """What the navigation offers: the organiser pages and the door, by role."""
    user = getattr(request, "user", None)
    return {
        "is_organiser": lambda: roles.is_organiser(user),
        "is_door_staff": lambda: roles.is_door_staff(user),
    }
