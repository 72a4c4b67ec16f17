"""The site's own pages: home, the health check, and logging in."""

import logging

from django.contrib.auth import views as auth_views
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views import defaults

from .models import Conference
from .plumbing import errors, roles

log = logging.getLogger(__name__)


def home(request):
    conference = Conference.objects.current()
    return render(request, "conference/home.html", {"conference": conference})


def healthz(request):
    """200 when the database answers, 503 otherwise (for the load balancer).

    The reason is logged, never shown: a database error names its user, host and port.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means "not healthy"
        log.exception("Health check: the database does not answer.")
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


def page_not_found(request, exception):
    """404: JSON under /api/, the site's page elsewhere."""
    if errors.is_api(request):
        return errors.api_not_found(request)
    return defaults.page_not_found(request, exception)


def server_error(request):
    """500: JSON under /api/, the site's page elsewhere."""
    if errors.is_api(request):
        return errors.api_server_error(request)
    return defaults.server_error(request)


class LoginView(auth_views.LoginView):
    """After logging in, each role lands where its work is (unless ?next= says otherwise)."""

    def get_default_redirect_url(self):
        user = self.request.user
        if roles.is_organiser(user):
            return reverse("organiser-overview")
        if roles.is_door_staff(user):
            return reverse("door")
        return super().get_default_redirect_url()
