"""Absolute links for e-mails, badges and API answers, always built with ``reverse``.

``SITE_URL`` is the base (see the README's configuration table): links in an
e-mail must work from a mail client, far from the request that wrote them.
"""

from django.conf import settings
from django.urls import reverse


def absolute(path):
    """The absolute URL of a path of this site."""
    return settings.SITE_URL + path


def absolute_url(name, *args):
    """The absolute URL of a named route."""
    return absolute(reverse(name, args=args))
