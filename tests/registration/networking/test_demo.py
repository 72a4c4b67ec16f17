import io

import pytest
from django.core.management import call_command

from conference.demo.core import DEMO_SLUG
from conference.models import Conference
from registration.networking import services

pytestmark = pytest.mark.django_db


def test_demo_has_topics_a_directory_and_meetings_once():
    out = io.StringIO()
    call_command("demo", stdout=out)
    conference = Conference.objects.get(slug=DEMO_SLUG)
    assert services.topics_of(conference).count() == 6
    assert services.figures(conference) == {"opted_in": 14, "requests": 3, "accepted": 2}
    assert "People link" in out.getvalue()
    call_command("demo", stdout=io.StringIO())
    assert services.figures(conference) == {"opted_in": 14, "requests": 3, "accepted": 2}
