"""The site's own pages: home, the health check, and logging in."""

from django.contrib.auth import views as auth_views
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse

from .models import Conference
from .plumbing import roles


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
            return reverse("organiser-overview")
        if roles.is_door_staff(user):
            return reverse("door")
        return super().get_default_redirect_url()
