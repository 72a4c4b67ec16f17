import functools

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render

from . import overview, roles
from .models import Conference


def home(request):
    conference = Conference.objects.current()
    return render(request, "conference/home.html", {"conference": conference})


def healthz(request):
    """200 when the database answers, 503 otherwise (for the load balancer)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any database failure means "not healthy"
        return JsonResponse({"status": "unavailable", "detail": str(exc)[:200]}, status=503)
    return JsonResponse({"status": "ok"})


class LoginView(auth_views.LoginView):
    """After logging in, each role lands where its work is (unless ?next= says otherwise)."""

    def get_default_redirect_url(self):
        user = self.request.user
        if roles.is_organiser(user):
            return "/organiser/"
        if roles.is_door_staff(user):
            return "/door/"
        return super().get_default_redirect_url()


def role_required(allowed, message):
    """Anonymous visitors go to the login page; a logged-in user without the role gets a 403 that says why."""

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


@organiser_required
def organiser_overview(request, slug=None):
    """Figures at a glance for one conference (the current one unless a slug is given)."""
    conferences = Conference.objects.all()
    conference = get_object_or_404(Conference, slug=slug) if slug else Conference.objects.current()
    context = {"conferences": conferences, "conference": conference}
    if conference:
        context.update(overview.overview(conference))
    return render(request, "conference/organiser_overview.html", context)
