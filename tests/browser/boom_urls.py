"""The site's URLs plus a page that fails unexpectedly, to see the 500 page a person gets."""

from django.urls import path

from conference.urls import handler404, handler500
from conference.urls import urlpatterns as site_urlpatterns


def boom(request):
    raise RuntimeError("secret detail: postgres://cog:hunter2@db:5432/cog")


urlpatterns = [path("boom/", boom), *site_urlpatterns]
__all__ = ["handler404", "handler500", "urlpatterns"]
