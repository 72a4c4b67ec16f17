from django.contrib.auth.decorators import login_required, user_passes_test
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

from . import roles
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


organiser_required = user_passes_test(roles.is_organiser, login_url="login")


@login_required
@organiser_required
def organiser_overview(request):
    conferences = Conference.objects.all()
    return render(request, "conference/organiser_overview.html", {"conferences": conferences})
