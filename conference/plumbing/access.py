"""Who may open an HTML page: the page decorators of the two roles.

Anonymous visitors go to the login page; a logged-in user without the role
gets a 403 that says why. (API views use :mod:`conference.plumbing.permissions`.)
"""

import functools

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from . import roles


def role_required(allowed, message):
    def decorator(view):
        @functools.wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not allowed(request.user):
                raise PermissionDenied(message)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


organiser_required = role_required(roles.is_organiser, "This page is for organisers.")
door_staff_required = role_required(roles.is_door_staff, "This page is for door staff and organisers.")
