"""Rate limits: public token endpoints per address, and locked-out logins.

**Token endpoints** (the RSVP API, and the POSTs of the RSVP and ``/my/``
pages) allow ``TOKEN_RATE`` requests per client address (DRF's throttling,
counted in Django's default cache: set ``CACHE_URL`` so that several
application servers count together); past it they answer 429 with
``Retry-After``. The API uses :class:`TokenRateThrottle` as a throttle class,
the pages :func:`token_rate_limited`: both count in the same bucket.

**Logins** are limited by django-axes (settings ``AXES_*``): after
``LOGIN_FAILURE_LIMIT`` failed attempts for one username within
``LOGIN_LOCKOUT_MINUTES``, further attempts are refused until the window
passes; :func:`login_locked_out` is the answer.
"""

import functools
import math

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from rest_framework.throttling import SimpleRateThrottle

TOO_MANY_REQUESTS = 429


class TokenRateThrottle(SimpleRateThrottle):
    """Requests to the public token endpoints, per client address."""

    scope = "token"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def retry_after(throttle):
    return str(max(1, math.ceil(throttle.wait() or 1)))


def token_rate_limited(view):
    """The pages' POSTs to a personal link count in the same bucket as the RSVP API; past it, a 429 page."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST":
            throttle = TokenRateThrottle()
            if not throttle.allow_request(request, None):
                response = render(request, "429.html", {"retry_after": retry_after(throttle)}, status=TOO_MANY_REQUESTS)
                response["Retry-After"] = retry_after(throttle)
                return response
        return view(request, *args, **kwargs)

    return wrapper


def login_locked_out(request, original_response=None, credentials=None):
    """The answer to a login refused by the lockout: the login page saying so, or JSON for an API client.

    429 either way, with ``Retry-After`` (the whole lockout window: further
    attempts do not extend it, but the oldest failures must expire first).
    """
    minutes = settings.LOGIN_LOCKOUT_MINUTES
    detail = (
        f"Too many failed logins for this username: try again in {minutes} minutes, "
        "or ask an organiser to reset your password."
    )
    wants_json = request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")
    if wants_json:
        response = JsonResponse({"detail": detail, "code": "too_many_login_attempts"}, status=TOO_MANY_REQUESTS)
    else:
        from django.contrib.auth.forms import AuthenticationForm

        form = AuthenticationForm(request, data=None, initial={"username": (credentials or {}).get("username", "")})
        context = {"form": form, "locked_out": detail, "next": request.POST.get("next", "")}
        response = render(request, "registration/login.html", context, status=TOO_MANY_REQUESTS)
    response["Retry-After"] = str(minutes * 60)
    return response


class LoginLimitBackend(AxesStandaloneBackend):
    """django-axes' check, for logins through a request (the login pages).

    A login without a request (``manage.py`` commands, a test client's
    ``login()``) is not counted: there is no client to limit.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
