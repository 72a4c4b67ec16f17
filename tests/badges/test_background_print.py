"""With no broker, a bulk print runs in the process's background thread: the request never waits for it."""

import threading

import pytest

from badges import services
from badges.models import BadgePrintJob
from conference.plumbing.background import runner
from tests.badges.pdfcheck import page_count, qr_codes
from tests.factories import ConferenceFactory, InvitationFactory, RegistrationFactory

# The real thread has its own database connection: it sees only committed rows.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def background_thread(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CELERY_BROKER_URL = ""
    settings.BACKGROUND_THREAD = True
    yield runner
    runner.stop()


def test_the_print_request_answers_before_the_badges_are_rendered(client, organiser, background_thread):
    conference = ConferenceFactory()
    invitation = InvitationFactory(conference=conference, seats=3)
    delegates = [RegistrationFactory(invitation=invitation) for _ in range(3)]
    # The background thread is busy with another job until the request has answered.
    release = threading.Event()
    background_thread.submit(release.wait, 60)
    client.force_login(organiser)

    response = client.post(f"/organiser/{conference.slug}/badges/", {"layout": "a6", "category": ""})

    assert response.status_code == 302
    job = BadgePrintJob.objects.get()
    assert (job.status, job.done, job.file.name) == ("queued", 0, "")
    page = client.get(response["Location"]).content.decode()
    assert "Queued: 0 of ? badges." in page and "js/badges/print-job.js" in page

    release.set()
    background_thread.flush()
    job.refresh_from_db()
    assert (job.status, job.total, job.pages) == ("done", 3, 6)  # two-sided badges by default: a front and a back each
    with job.file.open("rb") as f:
        pdf = f.read()
    assert page_count(pdf) == 6
    assert {qr_codes(pdf, page)[0][0] for page in range(0, 6, 2)} == {services.current_badge(r).code for r in delegates}


def test_a_failing_job_leaves_the_thread_running_for_the_next(background_thread):
    conference = ConferenceFactory()
    RegistrationFactory(invitation__conference=conference)

    def boom():
        raise RuntimeError("a job that fails")

    background_thread.submit(boom)
    job = BadgePrintJob.objects.create(conference=conference, layout="a6")
    from badges.tasks import render_print_job

    background_thread.submit(render_print_job.run, job.pk)
    background_thread.flush()
    job.refresh_from_db()
    assert job.status == "done"
