from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/", include("conference.api_urls")),
    path("organiser/", include("organiser.urls")),
    path("", include("registration.urls")),
    path("", include("badges.urls")),
    # Conference slugs last: they must never shadow the pages above.
    path("", include("conference.agenda.urls")),
]

handler404 = "conference.views.page_not_found"
handler500 = "conference.views.server_error"
